"""The instance type and Dedicated Host catalog shipped with the package, and the tool that builds it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from simulator.world.catalog import CATEGORIES, Catalog
from tests.helpers import ACCOUNT_A, LINUX, LINUX_ARM, public_ami

REPO = Path(__file__).resolve().parents[2]
DATA = ("instance_types.csv", "dedicated_hosts.csv")

#: Host capacities that are published although they exceed the documented cores rule
#: (the dedicated_hosts.csv header says why): T3 hosts share cores between burstable instances,
#: and the 2019 Price List puts 32 one-vCPU m3.medium on a 20-core (32-vCPU) host.
OVER_CORES = {("t3", "nano"), ("t3", "micro"), ("t3", "small"), ("t3", "medium"), ("t3", "large"),
              ("t3", "xlarge"), ("t3", "2xlarge"), ("m3", "medium")}


def data_text(name: str) -> str:
    return resources.files("simulator.world").joinpath("data", name).read_text()


def test_catalog_covers_families_categories_architectures_and_metal():
    """Several hundred types in every category, x86, Graviton and Mac, many .metal and previous-generation types."""
    catalog = Catalog.load()
    types = list(catalog.instance_types.values())
    assert len(types) >= 1000
    assert len(catalog.families) >= 150
    assert set(Counter(t.category for t in types)) == set(CATEGORIES)
    assert {t.architecture for t in types} == {"x86_64", "arm64", "arm64_mac", "x86_64_mac"}
    assert sum(t.bare_metal for t in types) >= 100
    assert sum(not t.current_generation for t in types) >= 30
    assert {t.family for t in types if t.burstable} == {"t2", "t3", "t3a", "t4g"}
    for name, category in [("m5.large", "general_purpose"), ("t3.micro", "general_purpose"),
                           ("mac2.metal", "general_purpose"), ("c7g.large", "compute_optimized"),
                           ("r6i.large", "memory_optimized"), ("u-6tb1.112xlarge", "memory_optimized"),
                           ("x2iedn.xlarge", "memory_optimized"), ("i4i.large", "storage_optimized"),
                           ("d3.xlarge", "storage_optimized"), ("p4d.24xlarge", "accelerated_computing"),
                           ("g5.xlarge", "accelerated_computing"), ("inf2.xlarge", "accelerated_computing"),
                           ("trn1.2xlarge", "accelerated_computing"),
                           ("hpc7g.16xlarge", "high_performance_computing")]:
        assert catalog.instance_type(name).category == category, name


@pytest.mark.parametrize("name, vcpus, cores, threads, valid_cores, valid_threads, architecture", [
    ("t3.micro", 2, 1, 2, (1,), (1, 2), "x86_64"),
    ("t3.small", 2, 1, 2, (1,), (1, 2), "x86_64"),
    ("t3.medium", 2, 1, 2, (1,), (1, 2), "x86_64"),
    ("t3.2xlarge", 8, 4, 2, (2, 4), (1, 2), "x86_64"),
    ("t2.micro", 1, 1, 1, (1,), (1,), "x86_64"),
    ("t3a.large", 2, 1, 2, (1,), (1, 2), "x86_64"),
    ("t4g.nano", 2, 2, 1, (1, 2), (1,), "arm64"),
])
def test_burstable_types_keep_their_real_cpu_values(name, vcpus, cores, threads, valid_cores, valid_threads,
                                                    architecture):
    """The types people launch first exist, with DescribeInstanceTypes' vCPU, core and thread values."""
    spec = Catalog.load().instance_type(name)
    assert spec is not None, name
    assert (spec.default_vcpus, spec.default_cores, spec.default_threads_per_core) == (vcpus, cores, threads)
    assert (spec.valid_cores, spec.valid_threads_per_core) == (valid_cores, valid_threads)
    assert spec.architecture == architecture
    assert spec.burstable and spec.current_generation and spec.category == "general_purpose"


def test_existing_rows_are_unchanged():
    """Types of the previous catalog keep their values (spot checks across families)."""
    catalog = Catalog.load()
    m5 = catalog.instance_type("m5.24xlarge")
    assert (m5.default_vcpus, m5.default_cores, m5.valid_cores[:2], m5.memory_mib, m5.nitro) == (
        96, 48, (4, 6), 393216, True)
    m4 = catalog.instance_type("m4.large")  # current generation in the EC2 User Guide (see the next test)
    assert (m4.nitro, m4.hypervisor, m4.valid_cores, m4.current_generation) == (False, "xen", (1,), True)
    i3 = catalog.instance_type("i3.metal")
    assert (i3.default_vcpus, i3.default_cores, i3.bare_metal, i3.memory_mib) == (72, 36, True, 524288)
    assert not catalog.instance_type("m1.small").current_generation


def test_describe_instance_types_current_generation(sim):
    """DescribeInstanceTypes' CurrentGeneration, corrected from the EC2 User Guide's current and
    previous generation lists (the catalog's second source): m5, c5, r5, m6i, c6gn and the other
    families the guide lists as current are current, and the current-generation filter returns
    them; M1, T1, A1 and the guide's other previous generations are not."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    current = ["m5.large", "c5.xlarge", "r5.2xlarge", "m6i.large", "r6i.large", "c6gn.large", "m4.large", "t3.micro"]
    previous = ["m1.small", "t1.micro", "a1.large", "c3.large", "m3.medium"]
    types = ec2.describe_instance_types(InstanceTypes=current + previous)["InstanceTypes"]
    assert {t["InstanceType"]: t["CurrentGeneration"] for t in types} == {
        **dict.fromkeys(current, True), **dict.fromkeys(previous, False)}
    listed = [t["InstanceType"] for t in ec2.get_paginator("describe_instance_types").paginate(Filters=[
        {"Name": "current-generation", "Values": ["true"]}]).build_full_result()["InstanceTypes"]]
    assert set(current) <= set(listed) and not set(previous) & set(listed)


def test_describe_instance_types_network_and_gpus(sim):
    """DescribeInstanceTypes answers NetworkInfo (maximum network interfaces, IPv4 addresses per
    interface, performance) and GpuInfo as the catalog's source has them; the filters
    burstable-performance-supported and vcpu-info.valid-threads-per-core work."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    m5, g4dn = ec2.describe_instance_types(InstanceTypes=["m5.large", "g4dn.xlarge"])["InstanceTypes"]
    assert m5["NetworkInfo"] == {"NetworkPerformance": "Up to 10 Gigabit", "MaximumNetworkInterfaces": 3,
                                 "Ipv4AddressesPerInterface": 10}
    assert "GpuInfo" not in m5 and m5["BurstablePerformanceSupported"] is False
    assert g4dn["GpuInfo"] == {"Gpus": [{"Name": "T4", "Manufacturer": "NVIDIA", "Count": 1,
                                         "MemoryInfo": {"SizeInMiB": 16384}}], "TotalGpuMemoryInMiB": 16384}

    def names(*filters):
        pages = ec2.get_paginator("describe_instance_types").paginate(
            Filters=[{"Name": n, "Values": [v]} for n, v in filters])
        return {t["InstanceType"] for t in pages.build_full_result()["InstanceTypes"]}

    burstable = names(("burstable-performance-supported", "true"))
    assert {n.split(".")[0] for n in burstable} == {"t2", "t3", "t3a", "t4g"}
    two_threads = names(("vcpu-info.valid-threads-per-core", "2"), ("instance-type", "t3.*"))
    assert "t3.micro" in two_threads and not names(("vcpu-info.valid-threads-per-core", "2"),
                                                       ("instance-type", "t4g.*"))


def test_cpu_options_are_consistent():
    """Default vCPUs are cores x threads, the defaults are valid, Graviton has 1 thread per core, metal only its defaults."""
    for spec in Catalog.load().instance_types.values():
        assert spec.default_vcpus == spec.default_cores * spec.default_threads_per_core, spec.name
        assert spec.default_cores in spec.valid_cores, spec.name
        assert spec.default_threads_per_core in spec.valid_threads_per_core, spec.name
        assert list(spec.valid_cores) == sorted(set(spec.valid_cores)), spec.name
        if spec.architecture == "arm64":
            assert spec.valid_threads_per_core == (1,), spec.name
        if spec.bare_metal:
            assert spec.size.startswith("metal"), spec.name
            assert spec.valid_cores == (spec.default_cores,), spec.name
            assert spec.valid_threads_per_core == (spec.default_threads_per_core,), spec.name


def test_host_types_match_instance_types():
    """Every host capacity entry names a real size of its family and fits the host's cores (or is a documented exception)."""
    catalog = Catalog.load()
    assert len(catalog.host_types) >= 100
    for family, host in catalog.host_types.items():
        assert family in catalog.families, family
        assert host.physical_cores % host.sockets == 0, family
        assert host.total_vcpus >= host.physical_cores, family
        assert host.capacity, family
        assert host.basis in {"price-list", "price-list+docs", "docs", "derived"}, family
        for size, count in host.capacity.items():
            spec = catalog.instance_types[f"{family}.{size}"]
            assert count >= 1, (family, size)
            if (family, size) not in OVER_CORES:
                assert count * spec.default_cores <= host.physical_cores, (family, size)
    m5 = catalog.host_types["m5"]
    assert (m5.sockets, m5.physical_cores, m5.total_vcpus, m5.mixed_sizes) == (2, 48, 96, True)
    assert m5.capacity == {"large": 48, "xlarge": 24, "2xlarge": 12, "4xlarge": 6, "8xlarge": 2, "12xlarge": 2,
                           "16xlarge": 1, "24xlarge": 1, "metal": 1}
    t3 = catalog.host_types["t3"]
    assert (t3.physical_cores, t3.mixed_sizes) == (48, True)
    assert t3.capacity == {"nano": 192, "micro": 192, "small": 192, "medium": 192, "large": 96, "xlarge": 48,
                           "2xlarge": 24}
    assert not catalog.host_types["m4"].mixed_sizes
    assert {f for f, h in catalog.host_types.items() if h.mixed_sizes} == set(
        ["a1", "m5", "m5n", "m6i", "m7i", "t3", "c5", "c5n", "c6i", "c7i", "r5", "r5n", "r6i", "r7i"])
    assert catalog.host_type("t2") is None and catalog.host_type("t3a") is None
    assert catalog.host_type("mac2").capacity == {"metal": 1}


def test_first_scripts_run_on_the_common_types(sim):
    """RunInstances accepts t3.micro, t2.micro and t4g.nano, and a T3 Dedicated Host can be allocated."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    for instance_type, ami in [("t3.micro", LINUX), ("t2.micro", LINUX), ("t4g.nano", LINUX_ARM)]:
        reservation = ec2.run_instances(ImageId=public_ami(ec2, ami), InstanceType=instance_type,
                                        MinCount=1, MaxCount=1)
        assert reservation["Instances"][0]["InstanceType"] == instance_type
    (host_id,) = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="t3", Quantity=1)["HostIds"]
    host = ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]
    assert host["HostProperties"]["Cores"] == 48


def test_catalog_is_loaded_lazily_once_per_process():
    """Importing the simulator or creating a Simulation parses nothing; the first use of a
    region loads the catalog, later ones (in any simulation) reuse it."""
    code = (
        "import simulator, simulator.aws, simulator.world, simulator.licensing\n"
        "from simulator.world.catalog import Catalog\n"
        "assert Catalog.load.cache_info().currsize == 0, 'catalog loaded at import'\n"
        "first = simulator.Simulation(start='2026-01-01T00:00:00Z', seed=0)\n"
        "assert Catalog.load.cache_info().currsize == 0, 'catalog loaded by a Simulation'\n"
        "first.world.region('us-east-1')\n"
        "second = simulator.Simulation(start='2026-01-01T00:00:00Z', seed=1)\n"
        "second.world.region('eu-west-1')\n"
        "info = Catalog.load.cache_info()\n"
        "assert (info.misses, info.currsize) == (1, 1), info\n"
        "assert Catalog.load() is Catalog.load()\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def header_moto_version() -> str:
    match = re.search(r"bundled with moto (\S+) ", data_text("instance_types.csv"))
    assert match, "instance_types.csv names no moto version"
    return match.group(1)


@pytest.fixture
def moto_source():
    """The installed moto, when it is the version the committed catalog was built from."""
    pytest.importorskip("moto", reason="moto is not installed: the catalog's source is not available")
    from importlib import metadata
    version = metadata.version("moto")
    if version != header_moto_version():
        pytest.skip(f"installed moto {version} is not the catalog's source (moto {header_moto_version()})")
    return version


def test_tool_regenerates_the_committed_files(moto_source, tmp_path):
    """tools/build_catalog.py rebuilds both CSV files byte for byte from moto's capture."""
    result = subprocess.run([sys.executable, str(REPO / "tools" / "build_catalog.py"), "--out-dir", str(tmp_path)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    for name in DATA:
        assert (tmp_path / name).read_bytes() == (REPO / "simulator" / "world" / "data" / name).read_bytes(), name


def test_every_dedicated_host_family_has_a_host_row(moto_source):
    """Each family with a type that DescribeInstanceTypes marks DedicatedHostsSupported has a host row, and the
    host runs exactly those sizes (less any the file's header lists as not fitting)."""
    import gzip
    import json
    raw = resources.files("moto.ec2.resources").joinpath("instance_types.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    catalog = Catalog.load()
    assert set(data) <= set(catalog.instance_types)
    supported: dict[str, set[str]] = {}
    for name, info in data.items():
        if info["DedicatedHostsSupported"]:
            family, size = name.split(".", 1)
            supported.setdefault(family, set()).add(size)
    header = data_text("dedicated_hosts.csv")
    left_out = set(re.findall(r"(\S+)\.(\S+) \(needs", header))
    assert set(catalog.host_types) == set(supported)
    for family, sizes in supported.items():
        assert set(catalog.host_types[family].capacity) == {s for s in sizes if (family, s) not in left_out}, family
