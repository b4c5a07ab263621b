"""The instance type and Dedicated Host catalog shipped with the package."""

from collections import Counter

from simulator.world.catalog import Catalog


def test_catalog_covers_families_architectures_and_metal():
    """At least 60 types across the four categories, x86 and Graviton, several .metal."""
    catalog = Catalog.load()
    types = catalog.instance_types.values()
    assert len(catalog.instance_types) >= 60
    assert set(Counter(t.category for t in types)) >= {
        "general_purpose", "compute_optimized", "memory_optimized", "storage_optimized"
    }
    assert {t.architecture for t in types} == {"x86_64", "arm64"}
    assert sum(t.bare_metal for t in types) >= 5


def test_cpu_options_are_consistent():
    """Default vCPUs are cores x threads, and the defaults are among the valid values."""
    for spec in Catalog.load().instance_types.values():
        assert spec.default_vcpus == spec.default_cores * spec.default_threads_per_core, spec.name
        assert spec.default_cores in spec.valid_cores, spec.name
        assert spec.default_threads_per_core in spec.valid_threads_per_core, spec.name
        if spec.architecture == "arm64":
            assert spec.valid_threads_per_core == (1,), spec.name


def test_host_types_match_instance_types():
    """Every host capacity entry names a real size of its family and fits the host."""
    catalog = Catalog.load()
    for family, host in catalog.host_types.items():
        assert host.physical_cores % host.sockets == 0, family
        for size, count in host.capacity.items():
            spec = catalog.instance_types[f"{family}.{size}"]
            assert count >= 1
            assert count * spec.default_cores <= host.physical_cores, (family, size)
    m5 = catalog.host_types["m5"]
    assert (m5.sockets, m5.physical_cores, m5.total_vcpus, m5.mixed_sizes) == (2, 48, 96, True)
    assert not catalog.host_types["m4"].mixed_sizes
