"""The instance types EC2 offers, as DescribeInstanceTypes shows them (from the catalog)."""

from __future__ import annotations

from simulator.world.catalog import Catalog, InstanceTypeSpec
from simulator.world.ec2.errors import invalid_instance_type
from simulator.world.filters import compile_filters

_INSTANCE_TYPE_FILTERS = {
    "bare-metal": lambda s: s.bare_metal,
    "burstable-performance-supported": lambda s: s.spec.burstable,
    "current-generation": lambda s: s.spec.current_generation,
    "dedicated-hosts-supported": lambda s: s.dedicated_hosts_supported,
    "hypervisor": lambda s: None if s.spec.bare_metal else s.spec.hypervisor,
    "instance-type": lambda s: s.spec.name,
    "memory-info.size-in-mib": lambda s: s.spec.memory_mib,
    "processor-info.supported-architecture": lambda s: s.spec.architecture,
    "vcpu-info.default-cores": lambda s: s.spec.default_cores,
    "vcpu-info.default-threads-per-core": lambda s: s.spec.default_threads_per_core,
    "vcpu-info.default-vcpus": lambda s: s.spec.default_vcpus,
    "vcpu-info.valid-cores": lambda s: s.spec.valid_cores,
    "vcpu-info.valid-threads-per-core": lambda s: s.spec.valid_threads_per_core,
    "network-info.ipv4-addresses-per-interface":
        lambda s: s.spec.network.ipv4_addresses_per_interface if s.spec.network else None,
    "network-info.maximum-network-interfaces":
        lambda s: s.spec.network.maximum_network_interfaces if s.spec.network else None,
}


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
            ServiceError: InvalidInstanceType for an unknown name, InvalidParameterValue for
                an unknown filter.
        """
        catalog = self.catalog
        matches = compile_filters(filters or (), _INSTANCE_TYPE_FILTERS, "DescribeInstanceTypes", taggable=False)
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
