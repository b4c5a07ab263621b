#!/usr/bin/env python3
"""Build the simulator's instance type and Dedicated Host catalog from its sources.

Writes ``simulator/world/data/instance_types.csv`` and ``simulator/world/data/dedicated_hosts.csv``
(or the same two files in ``--out-dir``), each with a header comment that names its sources, the
rules applied and the meaning of every column. The simulator reads only those CSV files; this
script and its source are needed only to refresh them.

Source: the Amazon EC2 DescribeInstanceTypes capture that moto bundles as
``moto/ec2/resources/instance_types.json.gz``; its CurrentGeneration flags are corrected from a
second source kept below (``GUIDE_CURRENT_FAMILIES``, from the Amazon EC2 User Guide). ``--source`` takes that file, or a moto wheel
(``pip download moto==5.2.1 --no-deps -d /tmp/moto``) holding it; without ``--source`` the copy of
an installed moto is used. The Dedicated Host hardware that the capture does not carry (sockets,
physical cores, host vCPUs, published per-size capacity) is kept below in ``KEPT_HOSTS``,
``PRICE_LIST_HOSTS`` and ``T3_HOST``, each with its citation; what no source gives is derived by
the rules written into the host file's header.

Usage::

    python3 tools/build_catalog.py --source /tmp/moto/moto-5.2.1-py3-none-any.whl
    python3 tools/build_catalog.py --source instance_types.json.gz --moto-version 5.2.1
    python3 tools/build_catalog.py --check        # installed moto; exit 1 if the committed files differ

The headers name the moto version (read from the wheel or the installed package; give
``--moto-version`` with a bare .json.gz) and the capture's sha256, so the same source always
gives byte-identical files.

Only the standard library is used, so the script runs wherever the simulator does.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import textwrap
import zipfile
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

MOTO_MEMBER = "moto/ec2/resources/instance_types.json.gz"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "simulator" / "world" / "data"

# -- Categories -------------------------------------------------------------------------------

#: Category of an instance family, keyed by the letters its name starts with (the series of the
#: "Amazon EC2 instance type naming conventions"), as the Amazon EC2 Instance Types Guide groups
#: them: general purpose (gp.html), compute optimized (co.html), memory optimized (mo.html),
#: storage optimized (so.html), accelerated computing (ac.html), high-performance computing
#: (hpc.html). An unknown series stops the build, so a refresh cannot file a new series silently.
SERIES_CATEGORY = {
    "a": "general_purpose", "m": "general_purpose", "mac": "general_purpose", "t": "general_purpose",
    "c": "compute_optimized",
    "r": "memory_optimized", "u": "memory_optimized", "x": "memory_optimized", "z": "memory_optimized",
    "d": "storage_optimized", "h": "storage_optimized", "i": "storage_optimized",
    "im": "storage_optimized", "is": "storage_optimized",
    "dl": "accelerated_computing", "f": "accelerated_computing", "g": "accelerated_computing",
    "gr": "accelerated_computing", "inf": "accelerated_computing", "p": "accelerated_computing",
    "trn": "accelerated_computing", "vt": "accelerated_computing",
    "hpc": "high_performance_computing",
}
#: Families filed against their series letter: M2 (previous generation "high-memory") is listed
#: with the memory optimized types on the Instance Types Guide's previous generation page (pg.html).
FAMILY_CATEGORY = {"m2": "memory_optimized"}
CATEGORY_ORDER = (
    "general_purpose", "compute_optimized", "memory_optimized", "storage_optimized",
    "accelerated_computing", "high_performance_computing",
)

#: Instance types kept although the capture lacks them, with their source.
EXTRA_TYPES = {
    # Amazon EC2 Instance Types Guide (2024), storage optimized specifications (so.html) and the
    # Nitro list (ec2-nitro-instances.html): i3.metal, 72 vCPUs, 36 cores, 2 threads, 512 GiB.
    "i3.metal": dict(default_vcpus=72, default_cores=36, default_threads_per_core=2, memory_mib=524288,
                     architecture="x86_64", nitro=True, bare_metal=True, burstable=False,
                     current_generation=True),
}

#: The second source of CurrentGeneration: the families the Amazon EC2 User Guide lists under
#: "Current generation instances" (github.com/awsdocs/amazon-ec2-user-guide, the archive AWS kept
#: when it moved the guide, commit e3707c4 of 2023-06-15, doc_source/instance-types.md, sha256
#: e65b6428651a3603a98dc028810eb3abd6f64669bf97b62fd29c8d30419c36d8; its "Previous generation
#: instances" are A1 C1 C3 G2 I2 M1 M2 M3 R3 T1). The capture marks some of these false (m5, c5,
#: r5, m6i, ...), against the guide; a type is current generation when the capture says so or its
#: family is listed here. Families newer than the archive keep the capture's flag.
GUIDE_CURRENT_FAMILIES = frozenset([
    "m4", "m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6g", "m6gd", "m6i", "m6id", "m6idn",
    "m6in", "m7g", "mac1", "mac2", "t2", "t3", "t3a", "t4g", "c4", "c5", "c5a", "c5ad", "c5d", "c5n", "c6a",
    "c6g", "c6gd", "c6gn", "c6i", "c6id", "c6in", "c7g", "cc2", "hpc6a", "cr1", "hpc6id", "r4", "r5", "r5a",
    "r5ad", "r5b", "r5d", "r5dn", "r5n", "r6a", "r6g", "r6gd", "r6i", "r6idn", "r6in", "r6id", "r7g", "u-3tb1",
    "u-6tb1", "u-9tb1", "u-12tb1", "u-18tb1", "u-24tb1", "x1", "x2gd", "x2idn", "x2iedn", "x2iezn", "x1e",
    "z1d", "d2", "d3", "d3en", "h1", "hs1", "i3", "i3en", "i4g", "i4i", "im4gn", "is4gen", "dl1", "f1", "g3",
    "g4ad", "g4dn", "g5", "g5g", "inf1", "inf2", "p2", "p3", "p3dn", "p4d", "p4de", "trn1", "trn1n", "vt1",
])

# -- Dedicated Host sources -------------------------------------------------------------------

#: Families that run several instance sizes on one host ("Amazon EC2 Dedicated Host instance
#: capacity configurations", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/dedicated-hosts-limits.html,
#: multiple instance type support: A1 M5 M5n M6i M7i T3 | C5 C5n C6i C7i | R5 R5n R6i R7i).
MIXED_SIZE_FAMILIES = frozenset(
    ["a1", "m5", "m5n", "m6i", "m7i", "t3", "c5", "c5n", "c6i", "c7i", "r5", "r5n", "r6i", "r7i"])


@dataclass(frozen=True)
class KeptHost:
    """A host row of the catalog before this generator, kept with its values."""

    sockets: int
    cores: int
    vcpus: int
    capacity: str
    basis: str


#: The rows of the previous dedicated_hosts.csv (its header is carried over below as KEPT_NOTES).
#: Sizes that the DescribeInstanceTypes capture marks DedicatedHostsSupported=false are dropped from
#: them and sizes it marks true that they lack are added by the derivation rule (see the header).
KEPT_HOSTS = {
    "m4": KeptHost(2, 24, 40, "large:22 xlarge:11 2xlarge:5 4xlarge:2 10xlarge:1", "price-list"),
    "m5": KeptHost(2, 48, 96, "large:48 xlarge:24 2xlarge:12 4xlarge:6 8xlarge:2 12xlarge:2 16xlarge:1 "
                              "24xlarge:1 metal:1", "price-list+docs"),
    "m5d": KeptHost(2, 48, 96, "large:48 xlarge:24 2xlarge:12 4xlarge:6 12xlarge:2 16xlarge:1 24xlarge:1 "
                               "metal:1", "price-list"),
    "c4": KeptHost(2, 20, 36, "large:16 xlarge:8 2xlarge:4 4xlarge:2 8xlarge:1", "price-list"),
    "c5": KeptHost(2, 36, 72, "large:36 xlarge:18 2xlarge:8 4xlarge:4 9xlarge:2 18xlarge:1", "price-list"),
    "r4": KeptHost(2, 36, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 16xlarge:1", "price-list"),
    "r5": KeptHost(2, 48, 96, "large:48 xlarge:24 2xlarge:12 4xlarge:6 8xlarge:2 12xlarge:2 16xlarge:1 "
                              "24xlarge:1 metal:1", "docs"),
    "i3": KeptHost(2, 36, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 16xlarge:1", "price-list"),
    "m6i": KeptHost(2, 64, 128, "large:64 xlarge:32 2xlarge:16 4xlarge:8 8xlarge:4 12xlarge:2 16xlarge:2 "
                                "24xlarge:1 32xlarge:1 metal:1", "derived"),
    "m7i": KeptHost(2, 96, 192, "large:96 xlarge:48 2xlarge:24 4xlarge:12 8xlarge:6 12xlarge:4 16xlarge:3 "
                                "24xlarge:2 48xlarge:1 metal-48xl:1", "derived"),
    "m6g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "m7g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "c6i": KeptHost(2, 64, 128, "large:64 xlarge:32 2xlarge:16 4xlarge:8 8xlarge:4 12xlarge:2 16xlarge:2 "
                                "24xlarge:1 32xlarge:1 metal:1", "derived"),
    "c7i": KeptHost(2, 96, 192, "large:96 xlarge:48 2xlarge:24 4xlarge:12 8xlarge:6 12xlarge:4 16xlarge:3 "
                                "24xlarge:2 48xlarge:1 metal-48xl:1", "derived"),
    "c6g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "c7g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "r6i": KeptHost(2, 64, 128, "large:64 xlarge:32 2xlarge:16 4xlarge:8 8xlarge:4 12xlarge:2 16xlarge:2 "
                                "24xlarge:1 32xlarge:1 metal:1", "derived"),
    "r7i": KeptHost(2, 96, 192, "large:96 xlarge:48 2xlarge:24 4xlarge:12 8xlarge:6 12xlarge:4 16xlarge:3 "
                                "24xlarge:2 48xlarge:1 metal-48xl:1", "derived"),
    "r6g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "r7g": KeptHost(1, 64, 64, "large:32 xlarge:16 2xlarge:8 4xlarge:4 8xlarge:2 12xlarge:1 16xlarge:1 "
                               "metal:1", "derived"),
    "i4i": KeptHost(2, 64, 128, "large:64 xlarge:32 2xlarge:16 4xlarge:8 8xlarge:4 12xlarge:2 16xlarge:2 "
                                "24xlarge:1 32xlarge:1 metal:1", "derived"),
}

KEPT_NOTES = """\
#  Rows kept from the previous catalog (basis price-list, docs, price-list+docs, or derived as stated there):
#  - AWS Price List API, offer AmazonEC2, productFamily "Dedicated Host", publicationDate 2019-09-20 (attributes vcpu,
#    physicalCores, physicalProcessor, instanceCapacity<Size>), https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json ;
#    read from a public copy of that offer (github.com/asheiduk/as-scripts, file "x"). Values are identical in every Region listed.
#  - "Amazon EC2 Dedicated Host instance capacity configurations",
#    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/dedicated-hosts-limits.html (current text, read from a mirror):
#    the rule "number of instances = physical cores of the host / cores used by the instance type" (m5 host: 48 cores, 6 x m5.4xlarge),
#    "an R5 Dedicated Host supports a maximum of 2 r5.8xlarge", and the list of families that support multiple instance types
#    on one host: A1 M5 M5n M6i M7i T3 | C5 C5n C6i C7i | R5 R5n R6i R7i. Only those families get mixed_sizes=true.
#  - Archived Amazon EC2 User Guide page "Dedicated Hosts" (github.com/awsdocs/amazon-ec2-user-guide, doc_source/dedicated-hosts-overview.md,
#    2020-2023): "an R5 Dedicated Host ... has 2 sockets and 48 physical cores".
#  - AWS CLI reference example for "aws ec2 describe-hosts" (awscli 1.45.11, awscli/examples/ec2/describe-hosts.rst):
#    m5 host HostProperties Cores 48, TotalVCpus 96, Sockets 2.
#  - sockets of m5d, c5, i3, m4, c4, r4 = physicalCores / cores per socket of the processor the Price List names, i.e. 2 in every case;
#    m5 8xlarge:2 16xlarge:1 metal:1 follow the r5 statement above (sizes launched after the 2019 Price List);
#    r5 sizes other than 8xlarge, and m5d 16xlarge/metal, use the documented cores rule (48 / cores per instance, rounded down).
#  - m6i m7i m6g m7g c6i c7i c6g c7g r6i r7i r6g r7g i4i: physical_cores and total_vcpus are those of the family's largest size
#    (which occupies a whole host), sockets is 2 for the two-socket Intel servers and 1 for the single-socket Graviton SoC, and each
#    size's count applies the documented cores rule above (host cores / cores per instance, rounded down).
#  - m4: the Price List gives vcpu 40 yet 22 x m4.large and 11 x m4.xlarge (44 vCPUs); both kept as published.
"""


@dataclass(frozen=True)
class PriceListHost:
    """A Dedicated Host product of the 2019 AWS Price List (see KEPT_NOTES)."""

    vcpus: int | None
    cores: int | None
    processor: str
    capacity: dict[str, int] = field(default_factory=dict)


#: Dedicated Host products of the same 2019 Price List copy, for families the previous catalog lacked.
#: Attributes as published; ``None`` where the product has no physicalCores (early entries).
PRICE_LIST_HOSTS = {
    "a1": PriceListHost(16, 16, "AWS Graviton Processor",
                        {"medium": 16, "large": 8, "xlarge": 4, "2xlarge": 2, "4xlarge": 1}),
    "c3": PriceListHost(32, 20, "Intel Xeon E5-2680 v2 (Ivy Bridge)",
                        {"large": 16, "xlarge": 8, "2xlarge": 4, "4xlarge": 2, "8xlarge": 1}),
    "c5d": PriceListHost(72, 36, "Intel Xeon Platinum 8124M",
                         {"large": 36, "xlarge": 18, "2xlarge": 8, "4xlarge": 4, "9xlarge": 2, "18xlarge": 1}),
    "c5n": PriceListHost(72, 36, "Intel Xeon Platinum 8124M",
                         {"large": 36, "xlarge": 18, "2xlarge": 8, "4xlarge": 4, "9xlarge": 2, "18xlarge": 1}),
    "d2": PriceListHost(36, 24, "Intel Xeon E5-2676v3 (Haswell)",
                        {"xlarge": 8, "2xlarge": 4, "4xlarge": 2, "8xlarge": 1}),
    "h1": PriceListHost(64, 36, "Intel Xeon E5-2686 v4 (Broadwell)",
                        {"2xlarge": 8, "4xlarge": 4, "8xlarge": 2, "16xlarge": 1}),
    "i2": PriceListHost(32, 20, "Intel Xeon E5-2670 v2 (Ivy Bridge)",
                        {"xlarge": 8, "2xlarge": 4, "4xlarge": 2, "8xlarge": 1, "16xlarge": 1}),
    "m3": PriceListHost(8, 20, "Intel Xeon E5-2670 v2 (Ivy Bridge/Sandy Bridge)",
                        {"medium": 32, "large": 16, "xlarge": 8, "2xlarge": 4}),
    "p3dn": PriceListHost(96, None, "Intel Xeon Platinum 8175 (Skylake)", {"24xlarge": 1}),
    "r3": PriceListHost(32, 20, "Intel Xeon E5-2670 v2 (Ivy Bridge)",
                        {"large": 16, "xlarge": 8, "2xlarge": 4, "4xlarge": 2, "8xlarge": 1}),
    "x1": PriceListHost(128, 72, "High Frequency Intel Xeon E7-8880 v3 (Haswell)", {"16xlarge": 2, "32xlarge": 1}),
    "x1e": PriceListHost(128, 72, "High Frequency Intel Xeon E7-8880 v3 (Haswell)", {"32xlarge": 1}),
}

#: Physical cores per socket of the processors the Price List names (public processor specifications).
PROCESSOR_CORES_PER_SOCKET = {
    "AWS Graviton Processor": 16,
    "Intel Xeon E5-2680 v2 (Ivy Bridge)": 10,
    "Intel Xeon E5-2670 v2 (Ivy Bridge)": 10,
    "Intel Xeon E5-2670 v2 (Ivy Bridge/Sandy Bridge)": 10,
    "Intel Xeon E5-2676v3 (Haswell)": 12,
    "Intel Xeon E5-2686 v4 (Broadwell)": 18,
    "Intel Xeon Platinum 8124M": 18,
    "Intel Xeon Platinum 8175 (Skylake)": 24,
    "High Frequency Intel Xeon E7-8880 v3 (Haswell)": 18,
}

#: "Burstable T3 instances on Dedicated Hosts" (archived Amazon EC2 User Guide, github.com/awsdocs/
#: amazon-ec2-user-guide, doc_source/dedicated-hosts-overview.md, 2020-2023; current page burstable-t3.html):
#: T3 hosts have 48 cores and hold at most these many instances of each size.
T3_HOST = {"cores": 48, "capacity": {"nano": 192, "micro": 192, "small": 192, "medium": 192,
                                      "large": 96, "xlarge": 48, "2xlarge": 24}}

#: Physical cores per socket assumed for derived rows (not read from an AWS source; see the header).
GRAVITON_CORES_PER_SOCKET = {"graviton2/3": 64, "graviton4": 96}
HIGH_MEMORY_CORES_PER_SOCKET = {"u-": 28, "u7i": 56}

# -- Reading the source -----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    raw: bytes  # the .json.gz bytes
    label: str


def read_source(path: str | None, moto_version: str | None) -> Source:
    """The capture's bytes and a label naming it."""
    if path is None:
        try:
            from importlib import metadata, resources
            raw = resources.files("moto.ec2.resources").joinpath("instance_types.json.gz").read_bytes()
            version = metadata.version("moto")
        except (ImportError, FileNotFoundError, ModuleNotFoundError) as err:
            raise SystemExit(f"no --source given and no installed moto to read ({err})") from err
        return Source(raw, f"moto {moto_version or version}")
    p = Path(path)
    if p.suffix == ".whl" or zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as wheel:
            raw = wheel.read(MOTO_MEMBER)
            version = moto_version
            for name in wheel.namelist():
                if name.endswith(".dist-info/METADATA"):
                    version = version or HeaderParser().parsestr(wheel.read(name).decode())["Version"]
        return Source(raw, f"moto {version}")
    return Source(p.read_bytes(), f"moto {moto_version}" if moto_version else "moto (version not given)")


# -- Instance types ---------------------------------------------------------------------------


@dataclass
class TypeRow:
    name: str
    family: str
    size: str
    category: str
    architecture: str
    default_vcpus: int
    default_cores: int
    default_threads_per_core: int
    valid_cores: tuple[int, ...]
    valid_threads_per_core: tuple[int, ...]
    memory_mib: int
    nitro: bool
    bare_metal: bool
    burstable: bool
    current_generation: bool
    dedicated_hosts: bool = False
    accelerators: dict[str, int] = field(default_factory=dict)
    derived_cpu_options: bool = False
    corrected_generation: bool = False
    max_network_interfaces: int = 0
    ipv4_per_interface: int = 0
    network_performance: str = ""
    gpu: tuple[str, str, int, int, int] | None = None  # manufacturer, name, count, MiB each, MiB in all


def category_of(family: str) -> str:
    if family in FAMILY_CATEGORY:
        return FAMILY_CATEGORY[family]
    series = re.match(r"[a-z]+", family).group(0)  # u-6tb1 and u7i-12tb: "u"
    try:
        return SERIES_CATEGORY[series]
    except KeyError:
        raise SystemExit(f"instance family {family}: series {series!r} has no category; add it to SERIES_CATEGORY")


def accelerators(info: dict) -> dict[str, int]:
    """Accelerator counts by kind (GPUs, Neuron devices, inference accelerators, FPGAs, media)."""
    out = {}
    for key, items, kind in (("GpuInfo", "Gpus", "gpu"), ("NeuronInfo", "NeuronDevices", "neuron"),
                             ("InferenceAcceleratorInfo", "Accelerators", "inference"),
                             ("FpgaInfo", "Fpgas", "fpga"), ("MediaAcceleratorInfo", "Accelerators", "media")):
        if key in info:
            out[kind] = sum(item.get("Count", 0) for item in info[key].get(items, []))
    return {k: v for k, v in out.items() if v}


def type_row(info: dict) -> TypeRow:
    name = info["InstanceType"]
    family, size = name.split(".", 1)
    cpu = info["VCpuInfo"]
    arches = info["ProcessorInfo"]["SupportedArchitectures"]
    architecture = "x86_64" if "x86_64" in arches else arches[0]
    cores, threads = cpu["DefaultCores"], cpu["DefaultThreadsPerCore"]
    bare = bool(info["BareMetal"])
    derived = "ValidCores" not in cpu or "ValidThreadsPerCore" not in cpu
    captured_current = bool(info["CurrentGeneration"])
    network = info["NetworkInfo"]
    gpu = None
    if "GpuInfo" in info:
        devices = info["GpuInfo"]["Gpus"]
        if len(devices) != 1:
            raise SystemExit(f"{name}: {len(devices)} kinds of GPU; the catalog holds one kind per type")
        device = devices[0]
        gpu = (device["Manufacturer"], device["Name"], device["Count"], device["MemoryInfo"]["SizeInMiB"],
               info["GpuInfo"]["TotalGpuMemoryInMiB"])
    if bare or derived:
        valid_cores, valid_threads = (cores,), (threads,)
    else:
        valid_cores, valid_threads = tuple(sorted(cpu["ValidCores"])), tuple(sorted(cpu["ValidThreadsPerCore"]))
    return TypeRow(
        name=name, family=family, size=size, category=category_of(family), architecture=architecture,
        default_vcpus=cpu["DefaultVCpus"], default_cores=cores, default_threads_per_core=threads,
        valid_cores=valid_cores, valid_threads_per_core=valid_threads,
        memory_mib=info["MemoryInfo"]["SizeInMiB"],
        nitro=info.get("Hypervisor") == "nitro" or bare, bare_metal=bare,
        burstable=bool(info["BurstablePerformanceSupported"]),
        current_generation=captured_current or family in GUIDE_CURRENT_FAMILIES,
        dedicated_hosts=bool(info["DedicatedHostsSupported"]),
        accelerators=accelerators(info), derived_cpu_options=derived and not bare,
        corrected_generation=not captured_current and family in GUIDE_CURRENT_FAMILIES,
        max_network_interfaces=network["MaximumNetworkInterfaces"],
        ipv4_per_interface=network["Ipv4AddressesPerInterface"],
        network_performance=network["NetworkPerformance"], gpu=gpu,
    )


def check_type(row: TypeRow) -> None:
    problems = []
    if row.default_vcpus != row.default_cores * row.default_threads_per_core:
        problems.append("default_vcpus != default_cores * default_threads_per_core")
    if row.default_cores not in row.valid_cores or row.default_threads_per_core not in row.valid_threads_per_core:
        problems.append("defaults not among the valid values")
    if row.architecture == "arm64" and row.valid_threads_per_core != (1,):
        problems.append("arm64 type with more than 1 thread per core")
    if row.bare_metal and (row.valid_cores, row.valid_threads_per_core) != ((row.default_cores,),
                                                                            (row.default_threads_per_core,)):
        problems.append("bare metal type with CPU options other than its defaults")
    if row.bare_metal != ("metal" in row.size):
        problems.append("BareMetal flag does not match the .metal size name")
    if problems:
        raise SystemExit(f"{row.name}: {'; '.join(problems)}")


def family_key(family: str) -> tuple:
    match = re.match(r"([a-z]+)-?(\d*)(.*)", family)
    letters, number, rest = match.groups()
    return (letters, int(number or 0), rest)


def type_key(row: TypeRow) -> tuple:
    return (CATEGORY_ORDER.index(row.category), family_key(row.family), row.default_vcpus, row.bare_metal,
            row.memory_mib, row.size)


def load_types(source: Source) -> list[TypeRow]:
    data = json.loads(gzip.decompress(source.raw))
    rows = [type_row(info) for info in data.values()]
    names = {row.name for row in rows}
    for name, spec in EXTRA_TYPES.items():
        if name in names:
            continue
        family, size = name.split(".", 1)
        cores, threads = spec["default_cores"], spec["default_threads_per_core"]
        rows.append(TypeRow(name=name, family=family, size=size, category=category_of(family),
                            valid_cores=(cores,), valid_threads_per_core=(threads,),
                            **spec))
    for row in rows:
        check_type(row)
    return sorted(rows, key=type_key)


# -- Dedicated Hosts --------------------------------------------------------------------------


@dataclass
class HostRow:
    family: str
    sockets: int
    cores: int
    vcpus: int
    mixed: bool
    capacity: dict[str, int]
    basis: str
    notes: list[str] = field(default_factory=list)
    derived_sizes: set[str] = field(default_factory=set)


def parse_capacity(text: str) -> dict[str, int]:
    return {size: int(count) for size, count in (item.split(":") for item in text.split())}


def derived_count(row: TypeRow, sockets: int, cores: int, vcpus: int, host_accel: dict[str, int]) -> int:
    """Instances of ``row`` one host holds: the documented cores rule, applied per socket for
    instances that fit in one socket, bounded by the host's vCPUs and accelerators."""
    per_socket = cores // sockets
    if row.default_cores <= per_socket:
        count = sockets * (per_socket // row.default_cores)
    else:
        count = cores // row.default_cores
    count = min(count, vcpus // row.default_vcpus)
    for kind, n in row.accelerators.items():
        count = min(count, host_accel.get(kind, 0) // n)
    return count


def graviton_cores_per_socket(family: str) -> int:
    return GRAVITON_CORES_PER_SOCKET["graviton4" if re.match(r"[a-z]+8", family) else "graviton2/3"]


def derived_sockets(family: str, host: TypeRow) -> tuple[int, str]:
    """Sockets of a host no source describes, and the reason."""
    cores = host.default_cores
    if family.startswith("mac"):
        return 1, "one Mac computer per host"
    if host.architecture == "arm64":
        per = graviton_cores_per_socket(family)
        return max(1, -(-cores // per)), f"Graviton, {per} cores per socket"
    if family.startswith("u-"):
        per = HIGH_MEMORY_CORES_PER_SOCKET["u-"]
        return cores // per, f"high memory, {per} cores per socket"
    if family.startswith("u7i"):
        per = HIGH_MEMORY_CORES_PER_SOCKET["u7i"]
        return cores // per, f"high memory, {per} cores per socket"
    return 2, "two-socket x86 server"


def size_order(types: dict[str, TypeRow], family: str):
    def key(size: str) -> tuple:
        row = types[f"{family}.{size}"]
        return (row.default_vcpus, row.bare_metal, row.memory_mib, size)
    return key


def build_hosts(rows: list[TypeRow]) -> tuple[list[HostRow], list[str]]:
    types = {row.name: row for row in rows}
    by_family: dict[str, list[TypeRow]] = {}
    for row in rows:
        by_family.setdefault(row.family, []).append(row)
    hosts, excluded = [], []
    for family in sorted(by_family, key=lambda f: (CATEGORY_ORDER.index(by_family[f][0].category), family_key(f))):
        supported = [r for r in by_family[family] if r.dedicated_hosts]
        if not supported:
            continue
        largest = max(supported, key=lambda r: (r.default_vcpus, r.bare_metal))
        notes: list[str] = []
        published: dict[str, int] = {}
        if family in KEPT_HOSTS:
            kept = KEPT_HOSTS[family]
            sockets, cores, vcpus, basis = kept.sockets, kept.cores, kept.vcpus, kept.basis
            published = parse_capacity(kept.capacity)
        elif family in PRICE_LIST_HOSTS:
            pl = PRICE_LIST_HOSTS[family]
            basis = "price-list"
            cores = pl.cores if pl.cores is not None else largest.default_cores
            if pl.cores is None:
                notes.append(f"physical_cores {cores} = cores of {largest.name} (Price List product has none)")
            vcpus = pl.vcpus
            implied = max(types[f"{family}.{s}"].default_vcpus * n
                          for s, n in pl.capacity.items() if f"{family}.{s}" in types)
            if vcpus < implied:
                notes.append(f"total_vcpus {implied} = the Price List's own capacity x vCPUs "
                             f"(its vcpu attribute says {vcpus})")
                vcpus = implied
            per = PROCESSOR_CORES_PER_SOCKET[pl.processor]
            sockets = cores // per
            notes.append(f"sockets {sockets} = {cores} cores / {per} per socket ({pl.processor})")
            published = dict(pl.capacity)
        elif family == "t3":
            basis = "docs"
            cores = T3_HOST["cores"]
            sockets = 2
            vcpus = max(types[f"t3.{s}"].default_vcpus * T3_HOST["capacity"][s] for s in ("large", "xlarge", "2xlarge"))
            published = dict(T3_HOST["capacity"])
            notes.append("sockets 2 (two-socket x86 server, as the m5 host of the same processors)")
            notes.append(f"total_vcpus {vcpus} = vCPUs of a host filled with t3.large, t3.xlarge or t3.2xlarge "
                         "(96 x 2 = 48 x 4 = 24 x 8); T3 hosts share cores between burstable instances")
        else:
            basis = "derived"
            cores, vcpus = largest.default_cores, largest.default_vcpus
            sockets, why = derived_sockets(family, largest)
            notes.append(f"cores {cores}, vCPUs {vcpus} of {largest.name}; sockets {sockets} ({why})")
        host_accel = largest.accelerators
        capacity: dict[str, int] = {}
        added, dropped = [], []
        for size in published:
            name = f"{family}.{size}"
            if name not in types:
                dropped.append(f"{size} (no such type in the capture)")
            elif not types[name].dedicated_hosts:
                dropped.append(f"{size} (DedicatedHostsSupported=false)")
        for row in supported:
            if row.size in published:
                capacity[row.size] = published[row.size]
                continue
            count = derived_count(row, sockets, cores, vcpus, host_accel)
            if count < 1:
                excluded.append(f"{row.name} (needs {row.default_cores} cores / {row.default_vcpus} vCPUs; "
                                f"the {family} host has {cores} / {vcpus})")
                continue
            capacity[row.size] = count
            added.append(f"{row.size}:{count}")
        if published and added:
            notes.append("sizes added by the derivation rule: " + " ".join(added))
        if dropped:
            notes.append("left out: " + ", ".join(dropped))
        capacity = dict(sorted(capacity.items(), key=lambda kv: size_order(types, family)(kv[0])))
        hosts.append(HostRow(family, sockets, cores, vcpus, family in MIXED_SIZE_FAMILIES, capacity, basis, notes,
                             {item.split(":")[0] for item in added}))
    return hosts, excluded


# -- Writing ----------------------------------------------------------------------------------


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _wrap(words: list[str], prefix: str, width: int = 130) -> str:
    return "\n".join(textwrap.wrap(" ".join(words), width, initial_indent=prefix, subsequent_indent=prefix))


def _ints(values) -> str:
    return " ".join(str(v) for v in values)


def instance_csv(source: Source, rows: list[TypeRow]) -> str:
    sha = hashlib.sha256(source.raw).hexdigest()
    derived = sorted(row.name for row in rows if row.derived_cpu_options)
    corrected = sorted({row.family for row in rows if row.corrected_generation}, key=family_key)
    counts = {c: sum(r.category == c for r in rows) for c in CATEGORY_ORDER}
    header = f"""\
# Amazon EC2 instance types: vCPU / core / thread defaults, accepted CpuOptions values, memory, Nitro, bare-metal,
# burstable and current-generation flags, network limits and GPUs. {len(rows)} types in {len({r.family for r in rows})} families. Generated by tools/build_catalog.py; do not edit by hand.
# Sources:
#  - Amazon EC2 API DescribeInstanceTypes (VCpuInfo, MemoryInfo, Hypervisor, BareMetal, ProcessorInfo,
#    BurstablePerformanceSupported, CurrentGeneration, DedicatedHostsSupported, NetworkInfo, GpuInfo),
#    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypes.html ,
#    as captured in the data file bundled with {source.label} (moto/ec2/resources/instance_types.json.gz, sha256 {sha}).
#    This is the same data AWS renders in "CPU options for Amazon EC2 instances / Supported CPU options"
#    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cpu-options-supported-instances-values.html).
#    Every type of the capture is listed.
#  - Cross-check: archived copy of that page (github.com/awsdocs/amazon-ec2-user-guide, doc_source/cpu-options-supported-instances-values.md, 2023).
#    It agrees for the m4 m5 m5d m6i m7i m6g m7g c4 c5 c6i c7i c6g c7g r4 r5 r6i r7i r6g r7g i3 i4i d3 rows except m5.16xlarge,
#    m5d.16xlarge, r5.16xlarge (2023 page: cores 4..32) and c5.9xlarge, c5.12xlarge, c5.24xlarge (2023 page: lowest core count 4);
#    the newer API values (which also allow 2) are used.
#  - Amazon EC2 Instance Types Guide (PDF edition, 2024; document history to 2024-07-22): specification pages
#    https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html , co.html , mo.html , so.html , ac.html , hpc.html , pg.html
#    (previous generation) and "Instances built on the AWS Nitro System" https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html .
#    Used for: the categories (below), and the i3.metal row, which is not in the capture
#    (72 vCPUs, 36 cores, 2 threads per core, 512 GiB; on the Nitro list).
# Rules applied:
#  - category from the series letters that start the family name, as the Instance Types Guide groups them: a m mac t = general_purpose;
#    c = compute_optimized; r u x z (and the previous-generation m2, listed with memory optimized on pg.html) = memory_optimized;
#    d h i im is = storage_optimized; dl f g gr inf p trn vt = accelerated_computing; hpc = high_performance_computing.
#    Types per category: {", ".join(f"{c} {n}" for c, n in counts.items())}.
#  - architecture: the capture's SupportedArchitectures, with x86_64 for types that also list i386 (the simulator runs i386 AMIs on
#    x86_64 types); the Mac types keep the capture's arm64_mac / x86_64_mac.
#  - Graviton (arm64) types have 1 thread per core, so default_cores = default_vcpus (checked; the build fails otherwise).
#    Apple silicon Mac types (arm64_mac) keep the cores and threads the capture reports.
#  - CPU options cannot be set for bare-metal types, so valid_cores / valid_threads_per_core hold only the defaults for .metal rows.
#  - Derived: the capture has no ValidCores / ValidThreadsPerCore for {len(derived)} types that do not support changing CPU options
#    (1-vCPU sizes, T2, A1, previous generations, G5, HPC sizes); for them valid_cores / valid_threads_per_core hold only the
#    defaults, as for bare metal. Those types:
{_wrap(derived, "#      ")}
#  - nitro: Hypervisor "nitro" in the capture, or a bare-metal type (the capture gives bare-metal types no hypervisor).
#  - burstable: BurstablePerformanceSupported (T2, T3, T3a, T4g).
#  - current_generation: the capture's CurrentGeneration, corrected from a second source: true as well for the families the
#    Amazon EC2 User Guide lists under "Current generation instances" (archive github.com/awsdocs/amazon-ec2-user-guide,
#    commit e3707c4, 2023-06-15, doc_source/instance-types.md, sha256 e65b6428651a3603a98dc028810eb3abd6f64669bf97b62fd29c8d30419c36d8,
#    whose "Previous generation instances" are A1 C1 C3 G2 I2 M1 M2 M3 R3 T1). The capture marks these families of the guide's
#    current generation false, corrected here: {" ".join(corrected)}.
#  - network: NetworkInfo MaximumNetworkInterfaces, Ipv4AddressesPerInterface and NetworkPerformance of the capture (empty
#    for i3.metal, which the capture lacks).
#  - gpu_*: GpuInfo of the capture (one kind of GPU per type): manufacturer, name, count (0 for a fraction of a GPU),
#    memory of each GPU and TotalGpuMemoryInMiB; empty for types without GPUs.
# Columns: instance_type; family; category (general_purpose|compute_optimized|memory_optimized|storage_optimized|accelerated_computing|
#  high_performance_computing); architecture (x86_64|arm64|arm64_mac|x86_64_mac); default_vcpus; default_cores; default_threads_per_core;
#  valid_cores (space-separated ascending values accepted by CpuOptions.CoreCount); valid_threads_per_core (space-separated);
#  memory_mib; nitro (true if built on the Nitro System, false for Xen); bare_metal (true only for .metal types);
#  burstable (true for burstable performance types); current_generation (false for previous-generation types);
#  max_network_interfaces; ipv4_addresses_per_interface; network_performance; gpu_manufacturer; gpu_name; gpu_count;
#  gpu_memory_mib (each GPU); gpu_total_memory_mib.
"""
    columns = ("instance_type,family,category,architecture,default_vcpus,default_cores,default_threads_per_core,"
               "valid_cores,valid_threads_per_core,memory_mib,nitro,bare_metal,burstable,current_generation,"
               "max_network_interfaces,ipv4_addresses_per_interface,network_performance,gpu_manufacturer,gpu_name,"
               "gpu_count,gpu_memory_mib,gpu_total_memory_mib")
    lines = [header.rstrip("\n"), columns]
    for r in rows:
        gpu = ("", "", "", "", "") if r.gpu is None else tuple(str(v) for v in r.gpu)
        network = (("", "", "") if not r.network_performance  # a type the capture lacks (i3.metal)
                   else (str(r.max_network_interfaces), str(r.ipv4_per_interface), r.network_performance))
        lines.append(",".join((
            r.name, r.family, r.category, r.architecture, str(r.default_vcpus), str(r.default_cores),
            str(r.default_threads_per_core), _ints(r.valid_cores), _ints(r.valid_threads_per_core),
            str(r.memory_mib), _bool(r.nitro), _bool(r.bare_metal), _bool(r.burstable),
            _bool(r.current_generation), *network, *gpu)))
    return "\n".join(lines) + "\n"


def rule_check(hosts: list[HostRow], rows: list[TypeRow]) -> str:
    """How the derivation rule compares with the published capacities."""
    types = {row.name: row for row in rows}
    total, differ = 0, []
    for host in hosts:
        if host.basis == "derived" or host.family == "t3":
            continue
        largest = max((types[f"{host.family}.{s}"] for s in host.capacity), key=lambda r: (r.default_vcpus, r.bare_metal))
        for size, count in host.capacity.items():
            if size in host.derived_sizes:
                continue
            total += 1
            rule = derived_count(types[f"{host.family}.{size}"], host.sockets, host.cores, host.vcpus,
                                 largest.accelerators)
            if rule != count:
                differ.append(f"{host.family}.{size} {count} (rule {rule})")
    return (f"the published count for {total - len(differ)} of {total} sizes; it differs for the small sizes of these"
            f" Xen hosts, whose published counts are kept: {', '.join(differ)}.")


def host_csv(source: Source, hosts: list[HostRow], excluded: list[str], rows: list[TypeRow]) -> str:
    supported_families = sorted({r.family for r in rows if r.dedicated_hosts}, key=family_key)
    missing = [f for f in supported_families if f not in {h.family for h in hosts}]
    basis_counts = {b: sum(h.basis == b for h in hosts) for b in ("price-list", "price-list+docs", "docs", "derived")}
    notes = []
    for host in hosts:
        for note in host.notes:
            notes.append(f"#    {host.family}: {note}")
    rule_text = _wrap(rule_check(hosts, rows).split(), "#  ")[3:]
    header = f"""\
# Amazon EC2 Dedicated Host hardware and per-size instance capacity, one row per instance family.
# {len(hosts)} families: every family with a type that the DescribeInstanceTypes capture ({source.label}, see instance_types.csv)
# marks DedicatedHostsSupported=true{"" if not missing else " except " + " ".join(missing)}. Generated by tools/build_catalog.py; do not edit by hand.
# Which sizes a host runs: exactly the family's types marked DedicatedHostsSupported=true in the capture (sizes marked false are
#  left out even where a source below lists them), less any that do not fit the host (listed at the end).
# Sources:
{KEPT_NOTES.rstrip()}
#  New rows:
#  - basis price-list: the same 2019 Price List copy, Dedicated Host products a1 c3 c5d c5n d2 h1 i2 m3 p3dn r3 x1 x1e
#    (vcpu, physicalCores, physicalProcessor, instanceCapacity<Size>); sockets = physicalCores / cores per socket of the named
#    processor (public processor specifications: Graviton 16, E5-2680 v2 and E5-2670 v2 10, E5-2676 v3 12, Platinum 8124M 18,
#    Platinum 8175 24, E7-8880 v3 18).
#  - basis docs: t3 from "Burstable T3 instances on Dedicated Hosts" (archived Amazon EC2 User Guide, github.com/awsdocs/
#    amazon-ec2-user-guide, doc_source/dedicated-hosts-overview.md; current page
#    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-t3.html): 48 cores, at most 192 t3.nano / t3.micro / t3.small /
#    t3.medium, 96 t3.large, 48 t3.xlarge, 24 t3.2xlarge per host, multiple sizes per host. T3 instances share cores (credit
#    model), so these counts exceed the cores rule; they are kept as documented.
#  - basis derived (no AWS table of these hosts was available to the generator): physical_cores and total_vcpus are those of the
#    family's largest type marked DedicatedHostsSupported (on the Nitro System the largest size or .metal occupies a whole server);
#    sockets: 1 for a Mac host (one Mac computer) and for Graviton up to 64 cores per socket (Graviton2/3; 96 for Graviton4, the
#    "8g" families, so their 192-core hosts have 2); 8 for u-6tb1 (28-core Xeon Platinum 8176M) and 224 / 56 cores per socket for
#    u7i / u7in (Sapphire Rapids); 2 for every other x86 host (the socket count of every published x86 host above except x1/x1e).
# Derivation rule for every capacity no source publishes (new rows and sizes added to published rows):
#  count = sockets x floor(cores per socket / cores of the instance) when the instance fits in one socket, else
#  floor(host cores / instance cores) (the documented cores rule, with instances not spanning sockets); then at most
#  floor(host vCPUs / instance vCPUs) and, for accelerated families, at most host accelerators / instance accelerators (GPUs, Neuron
#  devices, inference accelerators, FPGAs, media accelerators of the host's largest type, from the capture).
#  Check against the published counts (all rows with basis price-list / price-list+docs / docs except t3): the rule gives
#  {rule_text}
# Rows by basis: {", ".join(f"{b} {n}" for b, n in basis_counts.items())}. Per-row derived values:
{chr(10).join(notes)}
# Left out because they do not fit their family's host: {"; ".join(excluded) if excluded else "none"}.
# Columns: family; sockets; physical_cores; total_vcpus; mixed_sizes (true = a host allocated for the family can run
#  different sizes at once); capacity (space-separated size:count = instances of that size one host holds when it runs only that size);
#  basis (price-list | price-list+docs | docs | derived: where sockets, cores and published capacities come from, as above).
"""
    lines = [header.rstrip("\n"), "family,sockets,physical_cores,total_vcpus,mixed_sizes,capacity,basis"]
    for h in hosts:
        capacity = " ".join(f"{size}:{count}" for size, count in h.capacity.items())
        lines.append(f"{h.family},{h.sockets},{h.cores},{h.vcpus},{_bool(h.mixed)},{capacity},{h.basis}")
    return "\n".join(lines) + "\n"


def build(source: Source) -> dict[str, str]:
    rows = load_types(source)
    hosts, excluded = build_hosts(rows)
    for host in hosts:
        if host.cores % host.sockets:
            raise SystemExit(f"{host.family}: {host.cores} cores do not split over {host.sockets} sockets")
    return {"instance_types.csv": instance_csv(source, rows),
            "dedicated_hosts.csv": host_csv(source, hosts, excluded, rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="moto's instance_types.json.gz, or a moto wheel holding it "
                                         "(default: the installed moto's copy)")
    parser.add_argument("--moto-version", help="moto version to name in the headers (default: read from the "
                                               "wheel or the installed package)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file in --out-dir differs")
    args = parser.parse_args(argv)
    files = build(read_source(args.source, args.moto_version))
    stale = []
    for name, text in files.items():
        path = args.out_dir / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path} ({text.count(chr(10)) - sum(line.startswith('#') for line in text.splitlines()) - 1} rows)")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
