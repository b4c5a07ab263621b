"""The instance type and Dedicated Host catalog, loaded from the data files in ``data/``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class InstanceTypeSpec:
    """One EC2 instance type and the CPU options it accepts."""

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

    @property
    def hypervisor(self) -> str:
        """``nitro`` or ``xen``, as DescribeInstances reports it (bare metal: ``nitro``)."""
        return "nitro" if self.nitro else "xen"


@dataclass(frozen=True, slots=True)
class HostTypeSpec:
    """The Dedicated Host hardware of one instance family.

    ``capacity`` maps an instance size (``"large"``) to the number of instances of that size
    a host holds when it runs that size only. ``mixed_sizes`` hosts (Nitro) can be allocated
    for the whole family and run different sizes at once, bounded by ``total_vcpus``.
    """

    family: str
    sockets: int
    physical_cores: int
    total_vcpus: int
    mixed_sizes: bool
    capacity: dict[str, int]

    @property
    def cores_per_socket(self) -> int:
        """Physical cores on one socket."""
        return self.physical_cores // self.sockets


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("simulator.world").joinpath("data", name).read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split())


def _bool(text: str) -> bool:
    return text.strip().lower() == "true"


class Catalog:
    """Instance types and Dedicated Host types, looked up by name.

    The data files name their sources in their header comments.
    """

    def __init__(
        self, instance_types: dict[str, InstanceTypeSpec], host_types: dict[str, HostTypeSpec]
    ) -> None:
        self.instance_types = instance_types
        self.host_types = host_types
        self.families = sorted({spec.family for spec in instance_types.values()})

    @classmethod
    @cache
    def load(cls) -> Catalog:
        """The catalog shipped with the package (parsed once per process)."""
        instance_types = {}
        for row in _data_rows("instance_types.csv"):
            name = row["instance_type"]
            instance_types[name] = InstanceTypeSpec(
                name=name,
                family=row["family"],
                size=name.split(".", 1)[1],
                category=row["category"],
                architecture=row["architecture"],
                default_vcpus=int(row["default_vcpus"]),
                default_cores=int(row["default_cores"]),
                default_threads_per_core=int(row["default_threads_per_core"]),
                valid_cores=_ints(row["valid_cores"]),
                valid_threads_per_core=_ints(row["valid_threads_per_core"]),
                memory_mib=int(row["memory_mib"]),
                nitro=_bool(row["nitro"]),
                bare_metal=_bool(row["bare_metal"]),
            )
        host_types = {}
        for row in _data_rows("dedicated_hosts.csv"):
            capacity = {}
            for item in row["capacity"].split():
                size, count = item.split(":")
                capacity[size] = int(count)
            host_types[row["family"]] = HostTypeSpec(
                family=row["family"],
                sockets=int(row["sockets"]),
                physical_cores=int(row["physical_cores"]),
                total_vcpus=int(row["total_vcpus"]),
                mixed_sizes=_bool(row["mixed_sizes"]),
                capacity=capacity,
            )
        return cls(instance_types, host_types)

    def instance_type(self, name: str) -> InstanceTypeSpec | None:
        """The spec of ``name``, or None if the catalog does not have it."""
        return self.instance_types.get(name)

    def host_type(self, family: str) -> HostTypeSpec | None:
        """The Dedicated Host spec of ``family``, or None if it has no Dedicated Hosts."""
        return self.host_types.get(family)
