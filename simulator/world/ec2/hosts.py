"""Dedicated Hosts, the instance capacity they offer, and the host service of one region."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.core.arn import format_arn
from simulator.core.errors import ServiceError
from simulator.core.validation import check_enum, check_id
from simulator.world.catalog import HostTypeSpec, InstanceTypeSpec
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.events import HostAllocated, HostReleased
from simulator.world.filters import compile_filters

if TYPE_CHECKING:
    from simulator.world.ec2.instances import Instance


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
    the catalog's capacity for that size.
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

    @property
    def family(self) -> str:
        """The instance family the host runs."""
        return self.host_type.family

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
        if self.state is not HostState.AVAILABLE or not self.supports(spec):
            return 0
        by_size = self.host_type.capacity[spec.size] - self.size_counts.get(spec.size, 0) - booked_of_size
        if self.instance_type is not None:
            return max(0, by_size)
        by_vcpus = (self.host_type.total_vcpus - self.used_vcpus - booked_vcpus) // spec.default_vcpus
        return max(0, min(by_size, by_vcpus))

    @property
    def has_room(self) -> bool:
        """Whether some instance could still be placed on the host."""
        if self.state is not HostState.AVAILABLE:
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
        specs = [s for s in catalog_types.values() if self.supports(s)]
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


_HOST_FILTERS = {
    "auto-placement": lambda h: h.auto_placement,
    "availability-zone": lambda h: h.availability_zone,
    "host-id": lambda h: h.host_id,
    "host-recovery": lambda h: h.host_recovery,
    "instance-family": lambda h: h.family,
    "instance-type": lambda h: h.instance_type.name if h.instance_type else None,
    "state": lambda h: h.state,
}


class HostService:
    """The Dedicated Hosts of one region, and placement of instances on them.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._by_account: dict[str, dict[str, DedicatedHost]] = {}
        # Auto-placement hosts with room, per account, in allocation order: placement looks
        # at these only, so it costs O(1) however many full hosts an account has.
        self._with_room: dict[str, list[tuple[int, DedicatedHost]]] = {}
        self._allocated = 0
        # Hosts allocated and not released, per (account, family): the Dedicated Host quota.
        self._per_family: dict[tuple[str, str], int] = {}

    def account_hosts(self, account_id: str) -> dict[str, DedicatedHost]:
        """The hosts of ``account_id`` by id, in allocation order (released ones too)."""
        return self._by_account.setdefault(account_id, {})

    def auto_placement_hosts(self, account_id: str) -> Iterator[DedicatedHost]:
        """The account's hosts that take untargeted launches and have room, oldest first
        (a live view: do not occupy or vacate hosts while iterating)."""
        return (host for _, host in self._with_room.get(account_id, ()))

    def occupy(self, host: DedicatedHost, instance: Instance) -> None:
        """Put ``instance`` on ``host`` (its capacity was checked by the caller)."""
        host.occupy(instance)
        if not host.has_room:
            self._room_changed(host)

    def vacate(self, host: DedicatedHost, instance: Instance) -> None:
        """Take ``instance`` off ``host``."""
        had_room = host.has_room
        host.vacate(instance)
        if not had_room:
            self._room_changed(host)

    def _room_changed(self, host: DedicatedHost) -> None:
        entries = self._with_room.setdefault(host.account_id, [])
        entry = (host.sequence, host)
        index = bisect.bisect_left(entries, host.sequence, key=lambda e: e[0])
        listed = index < len(entries) and entries[index][1] is host
        if host.has_room and host.auto_placement == "on" and not listed:
            entries.insert(index, entry)
        elif listed and not (host.has_room and host.auto_placement == "on"):
            del entries[index]

    def get(self, account_id: str, host_id: str) -> DedicatedHost:
        """A host of ``account_id`` that has not been released.

        Raises:
            ServiceError: InvalidHostID.Malformed or InvalidHostID.NotFound.
        """
        check_id(host_id, "h", "InvalidHostID")
        host = self.account_hosts(account_id).get(host_id)
        if host is None or host.state in GONE:
            raise ServiceError("InvalidHostID.NotFound", f"The host ID '{host_id}' was not found")
        return host

    def allocate(
        self, account_id: str, *, availability_zone: str | None, instance_type: str | None = None,
        instance_family: str | None = None, auto_placement: str = "off",
        host_recovery: str = "off", quantity: int = 1, tags: dict[str, str] | None = None,
    ) -> list[DedicatedHost]:
        """AllocateHosts: ``quantity`` hosts for one instance type, or for a whole family.

        Raises:
            ServiceError: MissingParameter, InvalidParameterCombination,
                InvalidParameterValue naming the field and its allowed values, or
                HostLimitExceeded past the account's Dedicated Host quota for the family.
        """
        catalog = self.ctx.catalog
        if availability_zone is None:
            raise ServiceError("MissingParameter", "The request must contain the parameter AvailabilityZone")
        self.ctx.check_availability_zone(availability_zone)
        if instance_type and instance_family:
            raise ServiceError(
                "InvalidParameterCombination",
                "You cannot specify InstanceType and InstanceFamily in the same request",
            )
        if not instance_type and not instance_family:
            raise ServiceError(
                "MissingParameter", "The request must contain InstanceType or InstanceFamily"
            )
        check_enum("AutoPlacement", auto_placement, ("on", "off"))
        check_enum("HostRecovery", host_recovery, ("on", "off"))
        if not isinstance(quantity, int) or quantity < 1:
            raise ServiceError(
                "InvalidParameterValue", f"Quantity must be a positive integer, got {quantity}"
            )
        check_ec2_tags(tags or {})
        supported = sorted(catalog.host_types)
        type_spec = None
        if instance_type:
            type_spec = catalog.instance_type(instance_type)
            host_type = catalog.host_type(type_spec.family) if type_spec else None
            if type_spec is None or host_type is None or type_spec.size not in host_type.capacity:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Invalid value '{instance_type}' for InstanceType: Dedicated Hosts are not "
                    f"available for it; families with Dedicated Hosts: {', '.join(supported)}",
                )
        else:
            host_type = catalog.host_type(instance_family)  # type: ignore[arg-type]
            if host_type is None:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Invalid value '{instance_family}' for InstanceFamily; families with "
                    f"Dedicated Hosts: {', '.join(supported)}",
                )
            if not host_type.mixed_sizes:
                mixed = [f for f, h in catalog.host_types.items() if h.mixed_sizes]
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Instance family '{instance_family}' does not support multiple instance "
                    f"types on one host; specify InstanceType, or use one of: {', '.join(mixed)}",
                )
        key = (account_id, host_type.family)
        self.ctx.quotas.check_hosts(account_id, host_type.family, self._per_family.get(key, 0), quantity)
        self._per_family[key] = self._per_family.get(key, 0) + quantity
        hosts = []
        for _ in range(quantity):
            host = DedicatedHost(
                host_id=self.ctx.ids.resource_id("h"),
                account_id=account_id,
                region=self.ctx.region,
                availability_zone=availability_zone,
                host_type=host_type,
                instance_type=type_spec,
                auto_placement=auto_placement,
                host_recovery=host_recovery,
                allocation_time=self.ctx.clock.now(),
                tags=dict(tags or {}),
                sequence=self._allocated,
            )
            self._allocated += 1
            self.account_hosts(account_id)[host.host_id] = host
            self._room_changed(host)
            hosts.append(host)
        for host in hosts:
            self.ctx.bus.publish(HostAllocated(host))
        return hosts

    def release(
        self, account_id: str, host_ids: list[str]
    ) -> tuple[list[str], list[tuple[str, str, str]]]:
        """ReleaseHosts: release each host that has no instances on it.

        Returns:
            The released host ids, and ``(host_id, error_code, message)`` for each host that
            could not be released, as EC2 reports them item by item.

        Raises:
            ServiceError: InvalidHostID.Malformed (nothing is released).
        """
        for host_id in host_ids:
            check_id(host_id, "h", "InvalidHostID")
        released, failed = [], []
        for host_id in dict.fromkeys(host_ids):
            host = self.account_hosts(account_id).get(host_id)
            if host is None or host.state in GONE:
                failed.append((host_id, "Client.InvalidHostID.NotFound",
                               f"The host ID '{host_id}' was not found"))
            elif host.instances:
                failed.append((host_id, "Client.InvalidHostState",
                               f"Dedicated host {host_id} cannot be released while instances "
                               f"run on it: {', '.join(host.instances)}"))
            else:
                host.state = HostState.RELEASED
                host.release_time = self.ctx.clock.now()
                self._per_family[(account_id, host.family)] -= 1
                self._room_changed(host)
                released.append(host_id)
                self.ctx.bus.publish(HostReleased(host))
        return released, failed

    def describe(
        self, account_id: str, host_ids: list[str] | None = None,
        filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[DedicatedHost]:
        """DescribeHosts: the account's hosts (released ones too, as EC2 shows them).

        Raises:
            ServiceError: InvalidHostID.Malformed/NotFound, InvalidParameterValue for an
                unknown filter.
        """
        matches = compile_filters(filters or (), _HOST_FILTERS, "DescribeHosts")
        hosts = self.account_hosts(account_id)
        if host_ids:
            selected = []
            for host_id in host_ids:
                check_id(host_id, "h", "InvalidHostID")
                if host_id not in hosts:
                    raise ServiceError("InvalidHostID.NotFound", f"The host ID '{host_id}' was not found")
                selected.append(hosts[host_id])
        else:
            selected = list(hosts.values())
        return [h for h in selected if matches(h)]
