"""Request pieces several EC2 operations share: tag specifications, placement and license
specifications (launch parameters are in ``launch_data``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.aws.shapes import tags_in
from simulator.core.errors import ServiceError
from simulator.world import AWS_REGIONS
from simulator.world.ec2 import PlacementRequest
from simulator.world.ec2.errors import not_simulated
from simulator.world.ec2.network import zone_id


def tag_specifications(
    specs: list[Mapping[str, Any]] | None, allowed: tuple[str, ...], field: str = "TagSpecifications",
    unsimulated: tuple[str, ...] = (),
) -> dict[str, dict[str, str]]:
    """Tags by resource type; a resource type the operation cannot tag, or a tag without a
    key, is refused.

    Raises:
        ServiceError: InvalidParameterValue naming the field; Unsupported for a resource
            type the operation tags in AWS but the simulator does not model (``unsimulated``).
    """
    result: dict[str, dict[str, str]] = {}
    for index, spec in enumerate(specs or ()):
        resource_type = spec.get("ResourceType", "")
        if resource_type in unsimulated:
            raise not_simulated(f"{field}[{index}].ResourceType {resource_type}", f"there are no {resource_type} "
                                f"resources to tag; allowed here: {', '.join(allowed)}")
        if resource_type not in allowed:
            raise ServiceError(  # EC2's own wording, whichever operation and field
                "InvalidParameterValue", f"'{resource_type}' is not a valid taggable resource type for this operation.")
        tags = tags_in(spec.get("Tags"), "InvalidParameterValue", f"{field}[{index}].Tags")
        result.setdefault(resource_type, {}).update(tags)
    return result


def placement_in(placement: Mapping[str, Any] | None, field: str = "Placement.") -> PlacementRequest | None:
    """The Placement of a launch (an AvailabilityZoneId names its zone).

    Raises:
        ServiceError: InvalidPlacementGroup.Unknown for a placement group (not simulated),
            Unsupported for a partition number or spread domain, InvalidParameterValue for
            an unknown zone id or one that names another zone than AvailabilityZone.
    """
    if not placement:
        return None
    group = placement.get("GroupName") or placement.get("GroupId")
    if group:
        raise ServiceError("InvalidPlacementGroup.Unknown", f"The Placement Group '{group}' is unknown.")
    for name in ("PartitionNumber", "SpreadDomain"):
        if placement.get(name) is not None:
            raise not_simulated(f"{field}{name}", "placement groups are not simulated")
    zone = placement.get("AvailabilityZone")
    zone_by_id = placement.get("AvailabilityZoneId")
    if zone_by_id is not None:
        named = zone_named(zone_by_id)
        if named is None or (zone is not None and zone != named):
            raise ServiceError("InvalidParameterValue", f"Invalid availability zone id: [{zone_by_id}] for "
                               f"{field}AvailabilityZoneId" + (f" (it is not {zone})" if zone else ""))
        zone = named
    return PlacementRequest(
        availability_zone=zone,
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


def zone_named(zone_id_value: str) -> str | None:
    """The availability zone name a zone id stands for (``use1-az1`` -> ``us-east-1a``)."""
    for region in AWS_REGIONS:
        for letter in "abcdef":
            if zone_id(f"{region}{letter}") == zone_id_value:
                return f"{region}{letter}"
    return None
