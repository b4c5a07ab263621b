"""EC2 Dedicated Host operations: AllocateHosts, ReleaseHosts, ModifyHosts, DescribeHosts."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import tag_specifications
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2 import DedicatedHost


def host_out(host: DedicatedHost, catalog_types: dict[str, InstanceTypeSpec]) -> dict[str, Any]:
    """The Host shape."""
    capacities = [
        {
            "AvailableCapacity": host.free_slots(spec),
            "InstanceType": spec.name,
            "TotalCapacity": host.total_slots(spec),
        }
        for spec in host.supported_types(catalog_types)
    ]
    properties: dict[str, Any] = {
        "Cores": host.cores,
        "Sockets": host.sockets,
        "TotalVCpus": host.host_type.total_vcpus,
    }
    if host.instance_type is not None:
        properties["InstanceType"] = host.instance_type.name
    else:
        properties["InstanceFamily"] = host.family
    out: dict[str, Any] = {
        "AutoPlacement": host.auto_placement,
        "AvailabilityZone": host.availability_zone,
        "AvailableCapacity": {
            "AvailableInstanceCapacity": capacities,
            "AvailableVCpus": host.available_vcpus,
        },
        "HostId": host.host_id,
        "HostProperties": properties,
        "Instances": [
            {"InstanceId": i.instance_id, "InstanceType": i.instance_type.name, "OwnerId": i.account_id}
            for i in host.instances.values()
        ],
        "State": host.state,
        "AllocationTime": host.allocation_time,
        "HostRecovery": host.host_recovery,
        "AllowsMultipleInstanceTypes": "on" if host.allows_multiple_instance_types else "off",
        "OwnerId": host.account_id,
        "MemberOfServiceLinkedResourceGroup": host.host_resource_group_arn is not None,
        "HostMaintenance": "off",
    }
    if host.release_time is not None:
        out["ReleaseTime"] = host.release_time
    if host.tags:
        out["Tags"] = tags_out(host.tags)
    return out


@operation("ec2", "AllocateHosts")
def allocate_hosts(call: Call, params: Params) -> Response:
    if params.get("AvailabilityZoneId") or params.get("OutpostArn") or params.get("AssetIds"):
        raise ServiceError(
            "InvalidParameterCombination",
            "AvailabilityZoneId, OutpostArn and AssetIds are not simulated; use AvailabilityZone",
        )
    tags = tag_specifications(params.get("TagSpecifications"), ("dedicated-host",))
    hosts = call.ec2.hosts.allocate(
        call.account_id,
        availability_zone=params.get("AvailabilityZone"),
        instance_type=params.get("InstanceType"),
        instance_family=params.get("InstanceFamily"),
        auto_placement=params.get("AutoPlacement", "off"),
        host_recovery=params.get("HostRecovery", "off"),
        quantity=params.get("Quantity", 1),
        tags=tags.get("dedicated-host"),
    )
    call.resource_id = " ".join(h.host_id for h in hosts)
    return {"HostIds": [h.host_id for h in hosts]}


@operation("ec2", "ReleaseHosts")
def release_hosts(call: Call, params: Params) -> Response:
    released, failed = call.ec2.hosts.release(call.account_id, params["HostIds"])
    return {
        "Successful": released,
        "Unsuccessful": [
            {"Error": {"Code": code, "Message": message}, "ResourceId": host_id}
            for host_id, code, message in failed
        ],
    }


@operation("ec2", "ModifyHosts")
def modify_hosts(call: Call, params: Params) -> Response:
    modified, failed = call.ec2.hosts.modify(
        call.account_id, params["HostIds"], auto_placement=params.get("AutoPlacement"),
        host_recovery=params.get("HostRecovery"), host_maintenance=params.get("HostMaintenance"),
        instance_type=params.get("InstanceType"), instance_family=params.get("InstanceFamily"),
    )
    call.resource_id = " ".join(modified)
    return {
        "Successful": modified,
        "Unsuccessful": [
            {"Error": {"Code": code, "Message": message}, "ResourceId": host_id}
            for host_id, code, message in failed
        ],
    }


@operation("ec2", "DescribeHosts")
def describe_hosts(call: Call, params: Params) -> Response:
    if params.get("HostIds") and params.get("MaxResults") is not None:
        raise ServiceError(
            "InvalidParameterCombination", "HostIds cannot be used with MaxResults"
        )
    hosts = call.ec2.hosts.describe(call.account_id, params.get("HostIds"), filters_in(params.get("Filter")))
    page, token = call.page(params, hosts)
    types = call.world.catalog.instance_types
    return {"Hosts": [host_out(h, types) for h in page], **token}
