"""Group configurations: the service configuration items a resource group can carry, as the
AWS Resource Groups documentation "Service configurations for resource groups" defines them
for host resource groups (``AWS::EC2::HostManagement`` with ``AWS::ResourceGroups::Generic``),
checked once when a configuration is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.world.catalog import Catalog
from simulator.world.launch import LicenseConfigurationInfo
from simulator.world.resource_groups.errors import bad_request_exception

HOST_MANAGEMENT = "AWS::EC2::HostManagement"
GENERIC = "AWS::ResourceGroups::Generic"
EC2_HOST = "AWS::EC2::Host"
UNLESS_EMPTY = "UNLESS_EMPTY"
#: Counting types whose license configurations a host resource group can allow.
HOST_BASED = ("Core", "Socket")
#: Configuration types AWS defines that the simulator does not simulate.
NOT_SIMULATED = ("AWS::AppRegistry::Application", "AWS::CloudFormation::Stack", "AWS::EC2::CapacityReservationPool",
                 "AWS::NetworkFirewall::RuleGroup", "AWS::ResourceGroups::ApplicationGroup")
_HOST_PARAMETERS = ("auto-allocate-host", "auto-release-host", "auto-host-recovery", "allowed-host-families",
                    "allowed-host-based-license-configurations", "any-host-based-license-configuration")
_GENERIC_PARAMETERS = ("allowed-resource-types", "deletion-protection")


@dataclass(frozen=True)
class ConfigurationItem:
    """One GroupConfigurationItem: a type and its ``(name, values)`` parameters."""

    type: str
    parameters: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class HostManagement:
    """The settings of an ``AWS::EC2::HostManagement`` item. No allowed families means
    every family with Dedicated Hosts. ``auto_recover`` ("Recover hosts automatically",
    ``auto-host-recovery``) is the HostRecovery of the hosts the group allocates."""

    allowed_families: tuple[str, ...] = ()
    auto_allocate: bool = False
    auto_release: bool = False
    auto_recover: bool = False
    license_configuration_arns: tuple[str, ...] = ()
    any_license_configuration: bool = False

    def allows_family(self, family: str) -> bool:
        """Whether instances of ``family`` may run in the group."""
        return not self.allowed_families or family in self.allowed_families

    def allows_license(self, info: LicenseConfigurationInfo) -> bool:
        """Whether instances tracked by the configuration ``info`` may run in the group."""
        return info.counting_type in HOST_BASED and (
            self.any_license_configuration or info.arn in self.license_configuration_arns)


@dataclass(frozen=True)
class GroupConfiguration:
    """A group's configuration: the items as given, and what they mean."""

    items: tuple[ConfigurationItem, ...]
    host_management: HostManagement | None = None
    allowed_resource_types: tuple[str, ...] = ()
    deletion_protection: bool = False


def _parameters(item: ConfigurationItem, allowed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for name, values in item.parameters:
        if name not in allowed:
            raise bad_request_exception(f"Parameter {name!r} is not valid for {item.type}; valid parameters: "
                                        f"{', '.join(allowed)}")
        if name in found:
            raise bad_request_exception(f"Parameter {name!r} appears twice in {item.type}")
        if not values:
            raise bad_request_exception(f"Parameter {name!r} of {item.type} needs at least one value")
        found[name] = values
    return found


def _boolean(name: str, values: tuple[str, ...]) -> bool:
    if values not in (("true",), ("false",)):
        raise bad_request_exception(f"Parameter {name!r} takes one value, \"true\" or \"false\" (lower case), got "
                                    f"{list(values)}")
    return values == ("true",)


def _host_management(
    item: ConfigurationItem, catalog: Catalog, owner_id: str, region: str,
    lookup: Callable[[str, str], LicenseConfigurationInfo | None],
) -> HostManagement:
    params = _parameters(item, _HOST_PARAMETERS)
    families = params.get("allowed-host-families", ())
    unknown = [f for f in families if catalog.host_type(f) is None]
    if unknown:
        raise bad_request_exception(f"allowed-host-families: {', '.join(unknown)} is not an instance family with "
                                    "Dedicated Hosts; families with Dedicated Hosts: "
                                    f"{', '.join(sorted(catalog.host_types))}")
    arns = params.get("allowed-host-based-license-configurations")
    any_config = params.get("any-host-based-license-configuration")
    if (arns is None) == (any_config is None):
        raise bad_request_exception("AWS::EC2::HostManagement needs either allowed-host-based-license-configurations "
                                    "or any-host-based-license-configuration, not both")
    if any_config is not None and not _boolean("any-host-based-license-configuration", any_config):
        raise bad_request_exception("any-host-based-license-configuration \"false\" allows no license configuration; "
                                    "name them in allowed-host-based-license-configurations instead")
    for arn in arns or ():
        info = lookup(region, arn)
        if info is None:
            raise bad_request_exception(f"allowed-host-based-license-configurations: license configuration {arn} does "
                                        f"not exist in {region}")
        if info.counting_type not in HOST_BASED:
            raise bad_request_exception(f"allowed-host-based-license-configurations: {arn} counts by "
                                        f"{info.counting_type}; a host resource group allows only core- or "
                                        f"socket-based configurations ({', '.join(HOST_BASED)})")
        if info.owner_id != owner_id:
            raise bad_request_exception(f"allowed-host-based-license-configurations: {arn} belongs to account "
                                        f"{info.owner_id}, not to the group's owner {owner_id}")
    return HostManagement(
        allowed_families=tuple(dict.fromkeys(families)),
        auto_allocate=_boolean("auto-allocate-host", params["auto-allocate-host"])
        if "auto-allocate-host" in params else False,
        auto_release=_boolean("auto-release-host", params["auto-release-host"])
        if "auto-release-host" in params else False,
        auto_recover=_boolean("auto-host-recovery", params["auto-host-recovery"])
        if "auto-host-recovery" in params else False,
        license_configuration_arns=tuple(dict.fromkeys(arns or ())),
        any_license_configuration=any_config is not None,
    )


def parse_configuration(
    items: tuple[ConfigurationItem, ...], catalog: Catalog, owner_id: str, region: str,
    lookup: Callable[[str, str], LicenseConfigurationInfo | None],
) -> GroupConfiguration:
    """Check a group's configuration items and say what they mean.

    Args:
        items: The configuration items.
        catalog: Knows the instance families with Dedicated Hosts.
        owner_id: The group's owner (who must own the allowed license configurations).
        region: The group's region.
        lookup: Finds a license configuration by region and ARN.

    Raises:
        ServiceError: BadRequestException naming the item, the parameter and the allowed
            values: an unknown or unsimulated type, an unknown parameter, a bad value, a
            family without Dedicated Hosts, a license configuration that does not exist or
            does not count cores or sockets, both or neither license parameter, or a
            HostManagement item without its Generic item.
    """
    by_type: dict[str, ConfigurationItem] = {}
    for item in items:
        if item.type in NOT_SIMULATED:
            raise bad_request_exception(f"Configuration type {item.type} is not simulated; simulated types: "
                                        f"{HOST_MANAGEMENT}, {GENERIC}")
        if item.type not in (HOST_MANAGEMENT, GENERIC):
            raise bad_request_exception(f"Configuration type {item.type!r} is not valid; valid types: "
                                        f"{HOST_MANAGEMENT}, {GENERIC}")
        if item.type in by_type:
            raise bad_request_exception(f"Configuration type {item.type} appears twice")
        by_type[item.type] = item
    resource_types: tuple[str, ...] = ()
    protected = False
    if GENERIC in by_type:
        params = _parameters(by_type[GENERIC], _GENERIC_PARAMETERS)
        resource_types = params.get("allowed-resource-types", ())
        if resource_types and resource_types != (EC2_HOST,):
            raise bad_request_exception(f"allowed-resource-types must be [\"{EC2_HOST}\"] "
                                        f"(AWS::EC2::CapacityReservation is not simulated), got {list(resource_types)}")
        if "deletion-protection" in params:
            if params["deletion-protection"] != (UNLESS_EMPTY,):
                raise bad_request_exception(f"deletion-protection takes the one value \"{UNLESS_EMPTY}\" (upper "
                                            f"case), got {list(params['deletion-protection'])}")
            protected = True
    host_management = None
    if HOST_MANAGEMENT in by_type:
        if resource_types != (EC2_HOST,) or not protected:
            raise bad_request_exception(f"A {HOST_MANAGEMENT} configuration needs an {GENERIC} item with "
                                        f"allowed-resource-types [\"{EC2_HOST}\"] and deletion-protection "
                                        f"[\"{UNLESS_EMPTY}\"]")
        host_management = _host_management(by_type[HOST_MANAGEMENT], catalog, owner_id, region, lookup)
    return GroupConfiguration(items=tuple(items), host_management=host_management,
                              allowed_resource_types=resource_types, deletion_protection=protected)
