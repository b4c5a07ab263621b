"""The instance types EC2 offers, as DescribeInstanceTypes shows them (from the catalog),
and its filters: each documented one is honoured or refused by name."""

from __future__ import annotations

from simulator.core.errors import ServiceError
from simulator.world.catalog import Catalog, InstanceTypeSpec
from simulator.world.ec2.errors import invalid_instance_type, not_simulated
from simulator.world.filters import compile_filters

#: The DescribeInstanceTypes filters the catalog answers.
INSTANCE_TYPE_FILTERS = {
    "bare-metal": lambda s: s.bare_metal,
    "burstable-performance-supported": lambda s: s.spec.burstable,
    "current-generation": lambda s: s.spec.current_generation,
    "dedicated-hosts-supported": lambda s: s.dedicated_hosts_supported,
    "hypervisor": lambda s: None if s.spec.bare_metal else s.spec.hypervisor,
    "instance-type": lambda s: s.spec.name,
    "memory-info.size-in-mib": lambda s: s.spec.memory_mib,
    "processor-info.supported-architecture": lambda s: s.spec.architecture,
    "supported-root-device-type": lambda s: "ebs",
    "supported-virtualization-type": lambda s: "hvm",
    "vcpu-info.default-cores": lambda s: s.spec.default_cores,
    "vcpu-info.default-threads-per-core": lambda s: s.spec.default_threads_per_core,
    "vcpu-info.default-vcpus": lambda s: s.spec.default_vcpus,
    "vcpu-info.valid-cores": lambda s: s.spec.valid_cores,
    "vcpu-info.valid-threads-per-core": lambda s: s.spec.valid_threads_per_core,
    "network-info.ipv4-addresses-per-interface":
        lambda s: s.spec.network.ipv4_addresses_per_interface if s.spec.network else None,
    "network-info.maximum-network-interfaces":
        lambda s: s.spec.network.maximum_network_interfaces if s.spec.network else None,
    "network-info.network-performance": lambda s: s.spec.network.performance if s.spec.network else None,
}
#: Documented filters about properties the catalog does not hold, by prefix or name, with
#: the reason they are refused.
REFUSED_INSTANCE_TYPE_FILTERS: tuple[tuple[str, str], ...] = (
    ("auto-recovery-supported", "auto recovery is not simulated"),
    ("ebs-info.", "EBS performance and limits of instance types are not in the catalog"),
    ("free-tier-eligible", "the Free Tier is not simulated"),
    ("hibernation-supported", "hibernation support per instance type is not in the catalog"),
    ("instance-storage-", "instance store volumes are not simulated"),
    ("network-info.", "the catalog holds the network performance, interfaces and IPv4 addresses per interface "
                      "of instance types, not their other network properties"),
    ("nitro-enclaves-support", "Nitro Enclaves are not simulated"),
    ("nitro-tpm-", "NitroTPM is not simulated"),
    ("processor-info.supported-features", "processor features are not in the catalog"),
    ("processor-info.sustained-clock-speed-in-ghz", "clock speeds are not in the catalog"),
    ("reboot-migration-support", "reboot migration is not simulated"),
    ("supported-boot-mode", "boot modes are not simulated"),
    ("supported-usage-class", "Spot Instances and Capacity Blocks are not simulated"),
)


def _refuse_unmodelled(filters: list[tuple[str, list[str]]]) -> None:
    for name, _ in filters:
        if name in INSTANCE_TYPE_FILTERS:
            continue
        for prefix, why in REFUSED_INSTANCE_TYPE_FILTERS:
            if name == prefix or (prefix.endswith((".", "-")) and name.startswith(prefix)):
                error: ServiceError = not_simulated(f"Filters {name}", why)
                raise error


class InstanceTypeView:
    """An instance type as DescribeInstanceTypes sees it."""

    __slots__ = ("bare_metal", "dedicated_hosts_supported", "spec")

    def __init__(self, spec: InstanceTypeSpec, dedicated_hosts_supported: bool) -> None:
        self.spec = spec
        self.dedicated_hosts_supported = dedicated_hosts_supported
        self.bare_metal = spec.bare_metal


class InstanceTypeService:
    """DescribeInstanceTypes over the catalog.

    Args:
        catalog: The instance type and Dedicated Host catalog.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def describe(
        self, names: list[str] | None = None, filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[InstanceTypeView]:
        """DescribeInstanceTypes over the catalog.

        Raises:
            ServiceError: InvalidInstanceType for an unknown name, Unsupported for a
                documented filter the catalog cannot answer, InvalidParameterValue for an
                unknown filter.
        """
        catalog = self.catalog
        _refuse_unmodelled(filters or [])
        matches = compile_filters(filters or (), INSTANCE_TYPE_FILTERS, "DescribeInstanceTypes", taggable=False)
        if names:
            unknown = [n for n in names if n not in catalog.instance_types]
            if unknown:
                raise invalid_instance_type("The following supplied instance types do not exist: "
                                            f"[{', '.join(unknown)}]")
            specs = [catalog.instance_types[n] for n in dict.fromkeys(names)]
        else:
            specs = list(catalog.instance_types.values())
        views = []
        for spec in specs:
            host_type = catalog.host_type(spec.family)
            supported = host_type is not None and spec.size in host_type.capacity
            view = InstanceTypeView(spec, supported)
            if matches(view):
                views.append(view)
        return views
