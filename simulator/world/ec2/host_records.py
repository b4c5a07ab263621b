"""The Dedicated Host change-point records: one row per host whenever its state, group,
instances or vCPUs in use change, written from the world's events."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.world.ec2.host import DedicatedHost
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.events import (
    HostAddedToGroup,
    HostAllocated,
    HostAvailable,
    HostFailed,
    HostPermanentlyFailed,
    HostRecovered,
    HostReleased,
    HostRemovedFromGroup,
    InstancesLaunched,
    InstancesRecovered,
    InstancesStateChanged,
)

_host_of = attrgetter("host")
#: Instance states whose entry changes what a host carries (pending on a start; stopped and
#: terminated vacate the host).
_OCCUPANCY_CHANGES = frozenset({InstanceState.PENDING, InstanceState.STOPPED, InstanceState.TERMINATED})


class HostRecord(NamedTuple):
    """A Dedicated Host after a change. ``state`` is its AllocationState (available,
    pending, under-assessment, permanent-failure, released, released-permanent-failure);
    ``instance_type`` is empty for a host allocated for a whole family; ``vcpus_used`` counts
    the default vCPUs of the instances on it."""

    time: float
    host_id: str
    account_id: str
    host_resource_group_arn: str
    instance_family: str
    instance_type: str
    state: str
    instance_count: int
    vcpus_used: int
    vcpus_total: int
    cores: int
    sockets: int


class HostRecorder:
    """Writes the ``hosts`` records from the world's events.

    Args:
        records: Where the ``hosts`` buffer is registered.
        clock: Gives the time of the rows.
        bus: The world's event bus.
    """

    def __init__(self, records: Records, clock: Clock, bus: EventBus) -> None:
        self._append = records.register("hosts", HostRecord).append
        self._env = clock.env
        for kind in (HostAllocated, HostAvailable, HostFailed, HostPermanentlyFailed, HostReleased,
                     HostAddedToGroup, HostRemovedFromGroup):
            bus.subscribe(kind, self._on_host)
        bus.subscribe(HostRecovered, self._on_recovered)
        bus.subscribe(InstancesRecovered, self._on_moved)
        bus.subscribe(InstancesLaunched, self._on_instances)
        bus.subscribe(InstancesStateChanged, self._on_state, topics=_OCCUPANCY_CHANGES)

    def _on_host(self, event: HostAllocated) -> None:
        self._write(event.host)

    def _on_recovered(self, event: HostRecovered) -> None:
        self._write(event.host)

    def _on_moved(self, event: InstancesRecovered) -> None:
        self._write(event.from_host)
        self._write(event.to_host)

    def _on_instances(self, event: InstancesLaunched) -> None:
        self._write_hosts_of(event.instances)

    def _on_state(self, event: InstancesStateChanged) -> None:
        self._write_hosts_of(event.instances)

    def _write_hosts_of(self, instances: Iterable[Instance]) -> None:
        hosts = [h for h in map(_host_of, instances) if h is not None]
        for host in dict.fromkeys(hosts) if len(hosts) > 1 else hosts:  # each host once, in order
            self._write(host)

    def _write(self, host: DedicatedHost) -> None:
        spec = host.host_type
        self._append((self._env.now, host.host_id, host.account_id, host.host_resource_group_arn or "", host.family,
                      host.instance_type.name if host.instance_type else "", str(host.state), len(host.instances),
                      host.used_vcpus, spec.total_vcpus, spec.physical_cores, spec.sockets))
