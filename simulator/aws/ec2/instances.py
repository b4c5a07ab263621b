"""EC2 instance operations: RunInstances, Start/Stop/TerminateInstances, DescribeInstances,
ModifyInstancePlacement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.launch_data import launch_parameters
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.params import encode_params
from simulator.core.random import stable_key
from simulator.world.ec2 import (
    Instance,
    InstanceState,
    LaunchTemplateRef,
    PlacementRequest,
    StateChange,
    Volume,
)
from simulator.world.ec2.network import format_ip, private_dns_name

#: Messages of the server-side state reasons (EC2 API reference, StateReason).
_SERVER_REASONS = {
    "Server.InternalError": "An internal error caused the instance to shut down",
    "Server.ScheduledStop": "The instance was stopped due to a scheduled retirement",
}


def state_out(state: InstanceState) -> dict[str, Any]:
    """The InstanceState shape (one per state: responses are serialized into new dicts)."""
    return _STATES_OUT[state]


_STATES_OUT = {state: {"Code": state.code, "Name": state.value} for state in InstanceState}


def instance_out(instance: Instance, clock: Clock,
                 volumes_of: Callable[[Instance], tuple[Volume, ...]] | None = None) -> dict[str, Any]:
    """The Instance shape; with ``volumes_of``, its block device mappings (a new instance,
    as RunInstances answers, shows none yet)."""
    settings = instance.settings
    out: dict[str, Any] = {
        "InstanceId": instance.instance_id,
        "ImageId": instance.image.image_id,
        "State": state_out(instance.state),
        "PrivateDnsName": "",
        "PublicDnsName": "",
        "StateTransitionReason": "",
        "AmiLaunchIndex": instance.ami_launch_index,
        "ProductCodes": [],
        "InstanceType": instance.instance_type.name,
        "LaunchTime": instance.launch_time,
        "Placement": {
            "AvailabilityZone": instance.availability_zone,
            "GroupName": "",
            "Tenancy": instance.tenancy,
            "HostId": instance.host_id,
            "Affinity": instance.affinity,
            "HostResourceGroupArn": instance.host_resource_group_arn,
        },
        "Monitoring": {"State": "enabled" if settings.monitoring else "disabled"},
        "Architecture": instance.image.architecture,
        "RootDeviceType": "ebs",
        "RootDeviceName": settings.root_device_name,
        "VirtualizationType": "hvm",
        "Hypervisor": "xen",
        "EbsOptimized": settings.ebs_optimized,
        "EnaSupport": True,
        "KeyName": settings.key_name,
        "ClientToken": settings.client_token,
        "SecurityGroups": [{"GroupId": g.group_id, "GroupName": g.group_name} for g in settings.security_groups],
        "SourceDestCheck": True,
        "HibernationOptions": {"Configured": settings.hibernation},
        "MetadataOptions": {"State": "applied", "HttpTokens": settings.metadata.http_tokens,
                            "HttpPutResponseHopLimit": settings.metadata.http_put_response_hop_limit,
                            "HttpEndpoint": settings.metadata.http_endpoint,
                            "HttpProtocolIpv6": settings.metadata.http_protocol_ipv6,
                            "InstanceMetadataTags": settings.metadata.instance_metadata_tags},
        "IamInstanceProfile": profile_out(settings.iam_instance_profile),
        "CpuOptions": {"CoreCount": instance.core_count, "ThreadsPerCore": instance.threads_per_core},
        "Licenses": [{"LicenseConfigurationArn": arn} for arn in instance.license_configuration_arns],
        "PlatformDetails": instance.platform_details,
        "UsageOperation": instance.usage_operation,
        "UsageOperationUpdateTime": instance.usage_operation_update_time,
        "Platform": instance.platform,
        "Tags": tags_out(instance.tags) if instance.tags else None,
    }
    subnet = instance.subnet
    if subnet is not None and instance.state is not InstanceState.TERMINATED:
        out["SubnetId"] = subnet.subnet_id
        out["VpcId"] = subnet.vpc_id
        out["PrivateIpAddress"] = format_ip(instance.private_ip)
        out["PrivateDnsName"] = private_dns_name(instance.private_ip, instance.region)
    if volumes_of is not None and instance.state is not InstanceState.TERMINATED:
        out["BlockDeviceMappings"] = [
            {"DeviceName": v.device_name, "Ebs": {"AttachTime": v.create_time, "DeleteOnTermination":
                                                  v.spec.delete_on_termination, "Status": "attached",
                                                  "VolumeId": v.volume_id}}
            for v in volumes_of(instance)]
    if instance.user_shutdown_at is not None:
        when = clock.to_datetime(instance.user_shutdown_at)
        out["StateTransitionReason"] = f"User initiated ({when:%Y-%m-%d %H:%M:%S} GMT)"
        out["StateReason"] = {"Code": "Client.UserInitiatedShutdown",
                              "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
    elif instance.state_reason is not None:
        message = _SERVER_REASONS.get(instance.state_reason, instance.state_reason)
        out["StateReason"] = {"Code": instance.state_reason, "Message": f"{instance.state_reason}: {message}"}
    return out


def profile_out(arn: str | None) -> dict[str, str] | None:
    """The IamInstanceProfile shape of a recorded instance profile ARN (its id derived from
    the ARN: profiles are recorded, not simulated)."""
    if arn is None:
        return None
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    key = stable_key("instance-profile", arn)
    return {"Arn": arn, "Id": "AIPA" + "".join(alphabet[(key >> (5 * i)) & 31] for i in range(12)) + "XMPL4"}


def instance_ids(params: Params) -> list[str]:
    """The InstanceIds of a start, stop or terminate call.

    Raises:
        ServiceError: InvalidParameterCombination for an empty list, as EC2 answers it
            ("No instances specified").
    """
    ids = params.get("InstanceIds") or []
    if not ids:
        raise ServiceError("InvalidParameterCombination", "No instances specified")
    return ids


def _state_changes(changes: list[StateChange]) -> list[dict[str, Any]]:
    return [
        {"InstanceId": instance.instance_id, "CurrentState": state_out(current), "PreviousState": state_out(previous)}
        for instance, previous, current in changes
    ]


@operation("ec2", "RunInstances")
def run_instances(call: Call, params: Params) -> Response:
    template = params.get("LaunchTemplate")
    ref = None
    if template:
        ref = LaunchTemplateRef(template.get("LaunchTemplateId"), template.get("LaunchTemplateName"),
                                template.get("Version"))
    token = params.get("ClientToken") or ""
    if len(token) > 64:
        raise ServiceError("InvalidParameterValue", "ClientToken must be at most 64 ASCII characters")
    fingerprint = encode_params({k: v for k, v in params.items() if k not in ("ClientToken", "DryRun")}) if token \
        else ""
    instances = call.ec2.instances.run(
        call.account_id, launch_parameters(params, account_id=call.account_id), min_count=params["MinCount"],
        max_count=params["MaxCount"], launch_template=ref, principal=call.principal, client_token=token,
        fingerprint=fingerprint,
    )
    call.resource_id = " ".join(i.instance_id for i in instances)
    return {
        "ReservationId": instances[0].reservation_id,
        "OwnerId": call.account_id,
        "Groups": [],
        "Instances": [instance_out(i, call.clock) for i in instances],
    }


@operation("ec2", "StartInstances")
def start_instances(call: Call, params: Params) -> Response:
    changes = call.ec2.instances.start(call.account_id, instance_ids(params), call.principal)
    return {"StartingInstances": _state_changes(changes)}


@operation("ec2", "StopInstances")
def stop_instances(call: Call, params: Params) -> Response:
    ids = instance_ids(params)
    if params.get("Hibernate"):
        raise ServiceError("UnsupportedOperation", "Hibernate is not simulated: stop the instances without it")
    changes = call.ec2.instances.stop(call.account_id, ids, call.principal)
    return {"StoppingInstances": _state_changes(changes)}


@operation("ec2", "TerminateInstances")
def terminate_instances(call: Call, params: Params) -> Response:
    changes = call.ec2.instances.terminate(call.account_id, instance_ids(params), call.principal)
    return {"TerminatingInstances": _state_changes(changes)}


@operation("ec2", "DescribeInstances")
def describe_instances(call: Call, params: Params) -> Response:
    if params.get("InstanceIds") and params.get("MaxResults") is not None:
        raise ServiceError("InvalidParameterCombination",
                           "The parameter instancesSet cannot be used with the parameter maxResults")
    instances = call.ec2.instances.describe(call.account_id, params.get("InstanceIds"),
                                            filters_in(params.get("Filters")))
    page, token = call.page(params, instances)
    reservations: dict[str, dict[str, Any]] = {}
    for instance in page:
        reservation = reservations.get(instance.reservation_id)
        if reservation is None:
            reservation = reservations[instance.reservation_id] = {
                "ReservationId": instance.reservation_id, "OwnerId": instance.account_id, "Groups": [],
                "Instances": [],
            }
        reservation["Instances"].append(instance_out(instance, call.clock, call.ec2.volumes.of))
    return {"Reservations": list(reservations.values()), **token}


@operation("ec2", "ModifyInstancePlacement")
def modify_instance_placement(call: Call, params: Params) -> Response:
    placement = PlacementRequest(
        tenancy=params.get("Tenancy"),
        host_id=params.get("HostId"),
        affinity=params.get("Affinity"),
        host_resource_group_arn=params.get("HostResourceGroupArn"),
    )
    call.ec2.instances.modify_placement(call.account_id, params["InstanceId"], placement,
                                        params.get("GroupName") or params.get("GroupId"))
    return {"Return": True}
