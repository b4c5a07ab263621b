"""The DescribeInstances filters: every filter the EC2 model documents is honoured here, or
refused by name when it asks about something the simulator does not model (network
interfaces as resources, public addresses, boot modes). Filters about features no simulated
instance has (Spot, Outposts, kernels, capacity reservations, IPv6) are honoured: they match
nothing, as they would for these instances in AWS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.core.errors import ServiceError
from simulator.world.ec2.errors import not_simulated
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.network import format_ip, private_dns_name, zone_id
from simulator.world.filters import compile_filters

_TERMINATED = InstanceState.TERMINATED
_TIME = "%Y-%m-%dT%H:%M:%S.000Z"


def _ip(i: Instance) -> str | None:
    return format_ip(i.private_ip) if i.subnet is not None and i.state is not _TERMINATED else None


def _dns(i: Instance) -> str | None:
    return private_dns_name(i.private_ip, i.region) if i.subnet is not None and i.state is not _TERMINATED else None


def _subnet(i: Instance) -> str | None:
    return i.subnet.subnet_id if i.subnet is not None and i.state is not _TERMINATED else None


def _vpc(i: Instance) -> str | None:
    return i.subnet.vpc_id if i.subnet is not None and i.state is not _TERMINATED else None


def _state_reason(i: Instance) -> str | None:
    if i.user_shutdown_at is not None:
        return "Client.UserInitiatedShutdown"
    return i.state_reason


def _volumes(attribute: Callable[[Any], Any]) -> Callable[[Instance], list]:
    # the specs describe the volumes without making them (volume ids do need them made)
    return lambda i: [attribute(v) for v in i.settings.volume_specs] if i.state is not _TERMINATED else []


def _none(_: Instance) -> None:
    return None


INSTANCE_FILTERS: dict[str, Callable[[Instance], Any]] = {
    "affinity": lambda i: i.affinity,
    "architecture": lambda i: i.image.architecture,
    "availability-zone": lambda i: i.availability_zone,
    "availability-zone-id": lambda i: zone_id(i.availability_zone),
    "block-device-mapping.attach-time": lambda i: i.settings.launched_at.strftime(_TIME)
    if i.settings.launched_at and i.state is not _TERMINATED else None,
    "block-device-mapping.delete-on-termination": _volumes(lambda v: v.delete_on_termination),
    "block-device-mapping.device-name": _volumes(lambda v: v.device_name),
    "block-device-mapping.status": _volumes(lambda v: "attached"),
    "capacity-reservation-id": _none,
    "capacity-reservation-specification.capacity-reservation-preference": lambda i: "open",
    "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id": _none,
    "capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn": _none,
    "client-token": lambda i: i.settings.client_token or None,
    "ebs-optimized": lambda i: i.settings.ebs_optimized,
    "ena-support": lambda i: True,
    "enclave-options.enabled": lambda i: False,
    "hibernation-options.configured": lambda i: i.settings.hibernation,
    "host-id": lambda i: i.host_id,
    "hypervisor": lambda i: i.instance_type.hypervisor,
    "iam-instance-profile.arn": lambda i: i.settings.iam_instance_profile,
    "image-id": lambda i: i.image.image_id,
    "instance-id": lambda i: i.instance_id,
    "instance-lifecycle": _none,
    "instance-state-code": lambda i: i.state.code,
    "instance-state-name": lambda i: i.state,  # a StrEnum: equal to its name, and cheaper than .value
    "instance-type": lambda i: i.instance_type.name,
    "instance.group-id": lambda i: [g.group_id for g in i.settings.security_groups],
    "instance.group-name": lambda i: [g.group_name for g in i.settings.security_groups],
    "ipv6-address": _none,
    "kernel-id": _none,
    "key-name": lambda i: i.settings.key_name,
    "launch-index": lambda i: i.ami_launch_index,
    "launch-time": lambda i: i.launch_time.strftime(_TIME),
    "maintenance-options.auto-recovery": lambda i: "default",
    "metadata-options.http-endpoint": lambda i: i.settings.metadata.http_endpoint,
    "metadata-options.http-protocol-ipv4": lambda i: "enabled",
    "metadata-options.http-protocol-ipv6": lambda i: i.settings.metadata.http_protocol_ipv6,
    "metadata-options.http-put-response-hop-limit": lambda i: i.settings.metadata.http_put_response_hop_limit,
    "metadata-options.http-tokens": lambda i: i.settings.metadata.http_tokens,
    "metadata-options.instance-metadata-tags": lambda i: i.settings.metadata.instance_metadata_tags,
    "metadata-options.state": lambda i: "applied",
    "monitoring-state": lambda i: "enabled" if i.settings.monitoring else "disabled",
    "operator.managed": lambda i: False,
    "operator.principal": _none,
    "outpost-arn": _none,
    "owner-id": lambda i: i.account_id,
    "placement-group-name": _none,
    "placement-host-resource-group-arn": lambda i: i.host_resource_group_arn,
    "placement-partition-number": _none,
    "platform": lambda i: i.platform,
    "platform-details": lambda i: i.platform_details,
    "private-dns-name": _dns,
    "private-dns-name-options.enable-resource-name-dns-a-record": lambda i: False,
    "private-dns-name-options.enable-resource-name-dns-aaaa-record": lambda i: False,
    "private-dns-name-options.hostname-type": lambda i: "ip-name",
    "private-ip-address": _ip,
    "product-code": _none,
    "product-code.type": _none,
    "ramdisk-id": _none,
    "reason": lambda i: "User initiated" if i.user_shutdown_at is not None else None,
    "requester-id": _none,
    "reservation-id": lambda i: i.reservation_id,
    "root-device-name": lambda i: i.settings.root_device_name,
    "root-device-type": lambda i: "ebs",
    "source-dest-check": lambda i: True,
    "spot-instance-request-id": _none,
    "state-reason-code": _state_reason,
    "subnet-id": _subnet,
    "tenancy": lambda i: i.tenancy,
    "usage-operation": lambda i: i.usage_operation,
    "usage-operation-update-time": lambda i: i.usage_operation_update_time.strftime(_TIME),
    "virtualization-type": lambda i: "hvm",
    "vpc-id": _vpc,
    # the instance's primary network interface, as far as the simulation has one
    "network-interface.addresses.primary": lambda i: True,
    "network-interface.addresses.private-dns-name": _dns,
    "network-interface.addresses.private-ip-address": _ip,
    "network-interface.attachment.device-index": lambda i: 0,
    "network-interface.attachment.instance-id": lambda i: i.instance_id,
    "network-interface.attachment.instance-owner-id": lambda i: i.account_id,
    "network-interface.attachment.network-card-index": lambda i: 0,
    "network-interface.attachment.status": lambda i: "attached" if i.state is not _TERMINATED else None,
    "network-interface.availability-zone": lambda i: i.availability_zone,
    "network-interface.group-id": lambda i: [g.group_id for g in i.settings.security_groups],
    "network-interface.group-name": lambda i: [g.group_name for g in i.settings.security_groups],
    "network-interface.owner-id": lambda i: i.account_id,
    "network-interface.private-dns-name": _dns,
    "network-interface.private-ip-address": _ip,
    "network-interface.source-dest-check": lambda i: True,
    "network-interface.status": lambda i: "in-use" if i.state is not _TERMINATED else None,
    "network-interface.subnet-id": _subnet,
    "network-interface.vpc-id": _vpc,
}

#: Documented filters the simulator refuses, by prefix or name, with the reason.
REFUSED: tuple[tuple[str, str], ...] = (
    ("network-interface.", "network interfaces are not simulated as resources of their own"),
    ("ip-address", "public IPv4 addresses are not simulated"),
    ("dns-name", "public DNS names are not simulated"),
    ("boot-mode", "boot modes are not simulated"),
    ("current-instance-boot-mode", "boot modes are not simulated"),
    ("iam-instance-profile.id", "instance profiles are recorded by ARN only"),
    ("network-performance-options.", "network performance options are not simulated"),
    ("state-reason-message", "state reason messages are not matched; use state-reason-code"),
    ("tpm-support", "NitroTPM is not simulated"),
)


def instance_matcher(filters: list[tuple[str, list[str]]],
                     volumes_of: Callable[[Instance], tuple] | None = None) -> Callable[[Instance], bool]:
    """A predicate for the DescribeInstances filters (``volumes_of`` gives an instance's
    volumes, for ``block-device-mapping.volume-id``).

    Raises:
        ServiceError: Unsupported for a documented filter the simulator does not model,
            InvalidParameterValue for an unknown filter.
    """
    for name, _ in filters:
        if name in INSTANCE_FILTERS:
            continue
        for prefix, why in REFUSED:
            if name == prefix or (prefix.endswith(".") and name.startswith(prefix)):
                error: ServiceError = not_simulated(f"Filters {name}", why)
                raise error
    getters = INSTANCE_FILTERS
    if volumes_of is not None:
        getters = {**INSTANCE_FILTERS, "block-device-mapping.volume-id": lambda i: [
            v.volume_id for v in volumes_of(i)] if i.state is not _TERMINATED else []}
    return compile_filters(filters, getters, "DescribeInstances")
