"""A Dedicated Host, its allocation states, and the instance capacity it offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.core.arn import format_arn
from simulator.world.catalog import HostTypeSpec, InstanceTypeSpec

if TYPE_CHECKING:
    from simulator.world.ec2.instance import Instance


class HostState(StrEnum):
    """Dedicated Host states (EC2's AllocationState)."""

    AVAILABLE = "available"
    UNDER_ASSESSMENT = "under-assessment"
    PERMANENT_FAILURE = "permanent-failure"
    RELEASED = "released"
    RELEASED_PERMANENT_FAILURE = "released-permanent-failure"
    PENDING = "pending"


#: States of a host that no longer exists for its account.
GONE = frozenset({HostState.RELEASED, HostState.RELEASED_PERMANENT_FAILURE})


@dataclass(slots=True, eq=False)
class DedicatedHost:
    """A Dedicated Host allocated to one account.

    A host allocated for an instance type runs only that type, up to the catalog's
    capacity for its size. A host allocated for an instance family (Nitro families only)
    runs any sizes of the family at once, bounded by the host's vCPUs and, for each size, by
    the catalog's capacity for that size. ``host_resource_group_arn`` names the host
    resource group it belongs to, if any. A host a group is allocating takes launches while
    ``pending``; ``ready_at`` is the simulated second it becomes available.
    """

    host_id: str
    account_id: str
    region: str
    availability_zone: str
    host_type: HostTypeSpec
    instance_type: InstanceTypeSpec | None
    auto_placement: str
    host_recovery: str
    allocation_time: datetime
    state: HostState = HostState.AVAILABLE
    release_time: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    used_vcpus: int = 0
    size_counts: dict[str, int] = field(default_factory=dict)
    sequence: int = 0
    host_resource_group_arn: str | None = None
    ready_at: float | None = None

    @property
    def family(self) -> str:
        """The instance family the host runs."""
        return self.host_type.family

    @property
    def accepting(self) -> bool:
        """Whether the host takes instances: available, or pending while a group allocates it."""
        return self.state is HostState.AVAILABLE or (self.state is HostState.PENDING and self.ready_at is not None)

    @property
    def allows_multiple_instance_types(self) -> bool:
        """Whether the host was allocated for a whole family (mixed sizes)."""
        return self.instance_type is None

    @property
    def cores(self) -> int:
        """The host's physical cores."""
        return self.host_type.physical_cores

    @property
    def sockets(self) -> int:
        """The host's sockets."""
        return self.host_type.sockets

    @property
    def arn(self) -> str:
        """The host's ARN."""
        return format_arn("ec2", self.region, self.account_id, "dedicated-host", self.host_id)

    def supports(self, spec: InstanceTypeSpec) -> bool:
        """Whether instances of ``spec`` can ever run on this host."""
        if self.instance_type is not None:
            return spec is self.instance_type
        return spec.family == self.family and spec.size in self.host_type.capacity

    def free_slots(self, spec: InstanceTypeSpec, booked_of_size: int = 0, booked_vcpus: int = 0) -> int:
        """How many more instances of ``spec`` fit on the host now, with ``booked_of_size``
        instances of its size and ``booked_vcpus`` vCPUs already promised to a call."""
        if not self.accepting or not self.supports(spec):
            return 0
        by_size = self.host_type.capacity[spec.size] - self.size_counts.get(spec.size, 0) - booked_of_size
        if self.instance_type is not None:
            return max(0, by_size)
        by_vcpus = (self.host_type.total_vcpus - self.used_vcpus - booked_vcpus) // spec.default_vcpus
        return max(0, min(by_size, by_vcpus))

    def sizes_with_room(self, specs: tuple[InstanceTypeSpec, ...]) -> tuple[str, ...]:
        """The sizes of ``specs`` (instance types the host runs) of which one more fits now
        (``free_slots`` of each, worked out at once: placement indexes hosts by them)."""
        if not self.accepting:
            return ()
        capacity, counts = self.host_type.capacity, self.size_counts
        if self.instance_type is not None:
            size = self.instance_type.size
            return (size,) if counts.get(size, 0) < capacity[size] else ()
        free = self.host_type.total_vcpus - self.used_vcpus
        return tuple([spec.size for spec in specs
                      if spec.default_vcpus <= free and counts.get(spec.size, 0) < capacity[spec.size]])

    @property
    def has_room(self) -> bool:
        """Whether some instance could still be placed on the host."""
        if not self.accepting:
            return False
        if self.instance_type is not None:
            return len(self.instances) < self.host_type.capacity[self.instance_type.size]
        return self.used_vcpus < self.host_type.total_vcpus

    @property
    def available_vcpus(self) -> int:
        """vCPUs not taken by the instances on the host."""
        return max(0, self.host_type.total_vcpus - self.used_vcpus)

    def total_slots(self, spec: InstanceTypeSpec) -> int:
        """How many instances of ``spec`` fit on the empty host."""
        return self.host_type.capacity.get(spec.size, 0) if self.supports(spec) else 0

    def supported_types(self, catalog_types: dict[str, InstanceTypeSpec]) -> list[InstanceTypeSpec]:
        """The instance types the host can run, smallest first."""
        if self.instance_type is not None:
            return [self.instance_type]
        # an instance type's name is its family and size: look the host's sizes up
        found = (catalog_types.get(f"{self.family}.{size}") for size in self.host_type.capacity)
        specs = [s for s in found if s is not None and self.supports(s)]
        return sorted(specs, key=lambda s: (s.default_vcpus, s.name))

    def occupy(self, instance: Instance) -> None:
        """Put ``instance`` on the host (capacity was checked by the caller)."""
        spec = instance.instance_type
        self.instances[instance.instance_id] = instance
        self.used_vcpus += spec.default_vcpus
        self.size_counts[spec.size] = self.size_counts.get(spec.size, 0) + 1

    def vacate(self, instance: Instance) -> None:
        """Take ``instance`` off the host."""
        if self.instances.pop(instance.instance_id, None) is not None:
            spec = instance.instance_type
            self.used_vcpus -= spec.default_vcpus
            self.size_counts[spec.size] -= 1
