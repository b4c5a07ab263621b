"""Request pieces several EC2 operations share: tag specifications, placement, CPU
options, license specifications and launch parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.aws.shapes import tags_in
from simulator.core.errors import ServiceError
from simulator.world.ec2 import CpuOptionsRequest, LaunchParameters, PlacementRequest

#: The resource types RunInstances can tag.
RUN_TAG_TYPES = ("instance", "volume", "network-interface", "spot-instances-request")


def tag_specifications(
    specs: list[Mapping[str, Any]] | None, allowed: tuple[str, ...], field: str = "TagSpecifications",
) -> dict[str, dict[str, str]]:
    """Tags by resource type; a resource type the operation cannot tag, or a tag without a
    key, is refused.

    Raises:
        ServiceError: InvalidParameterValue naming the field.
    """
    result: dict[str, dict[str, str]] = {}
    for index, spec in enumerate(specs or ()):
        resource_type = spec.get("ResourceType", "")
        if resource_type not in allowed:
            raise ServiceError(  # EC2's own wording, whichever operation and field
                "InvalidParameterValue", f"'{resource_type}' is not a valid taggable resource type for this operation.")
        tags = tags_in(spec.get("Tags"), "InvalidParameterValue", f"{field}[{index}].Tags")
        result.setdefault(resource_type, {}).update(tags)
    return result


def placement_in(placement: Mapping[str, Any] | None) -> PlacementRequest | None:
    """The Placement of a launch.

    Raises:
        ServiceError: InvalidPlacementGroup.Unknown for a placement group (not simulated).
    """
    if not placement:
        return None
    group = placement.get("GroupName") or placement.get("GroupId")
    if group:
        raise ServiceError("InvalidPlacementGroup.Unknown", f"The Placement Group '{group}' is unknown.")
    return PlacementRequest(
        availability_zone=placement.get("AvailabilityZone"),
        tenancy=placement.get("Tenancy"),
        host_id=placement.get("HostId"),
        affinity=placement.get("Affinity"),
        host_resource_group_arn=placement.get("HostResourceGroupArn"),
    )


def license_arns(specs: list[Mapping[str, Any]] | None, field: str = "LicenseSpecifications") -> tuple[str, ...]:
    """The license configuration ARNs of LicenseSpecifications, each once.

    Raises:
        ServiceError: MissingParameter for a specification without LicenseConfigurationArn.
    """
    arns = []
    for index, spec in enumerate(specs or ()):
        arn = spec.get("LicenseConfigurationArn")
        if not arn:
            raise ServiceError(
                "MissingParameter", f"{field}[{index}].LicenseConfigurationArn is required in every license "
                                    "specification")
        arns.append(arn)
    return tuple(dict.fromkeys(arns))


def launch_parameters(data: Mapping[str, Any], instance_tag_types: tuple[str, ...],
                      prefix: str = "") -> LaunchParameters:
    """The launch parameters of RunInstances or of a launch template's data."""
    tags = tag_specifications(data.get("TagSpecifications"), instance_tag_types, f"{prefix}TagSpecifications")
    cpu = data.get("CpuOptions")
    return LaunchParameters(
        image_id=data.get("ImageId"),
        instance_type=data.get("InstanceType"),
        placement=placement_in(data.get("Placement")),
        cpu_options=(CpuOptionsRequest(core_count=cpu.get("CoreCount"), threads_per_core=cpu.get("ThreadsPerCore"))
                     if cpu else None),
        license_configuration_arns=license_arns(data.get("LicenseSpecifications"), f"{prefix}LicenseSpecifications"),
        instance_tags=tuple(tags.get("instance", {}).items()),
    )
