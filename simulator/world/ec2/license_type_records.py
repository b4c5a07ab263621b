"""The license type change-point records of instances: one row per instance when it launches
and whenever its billing code (a license type conversion), tenancy, Dedicated Host or
instance type (its vCPUs) changes, written from the world's events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.events import (
    InstancePlacementChanged,
    InstancesLaunched,
    InstancesRecovered,
    InstancesStateChanged,
    InstanceTypeChanged,
    InstanceUsageOperationChanged,
)


class LicenseTypeRecord(NamedTuple):
    """An instance's billing after a change: its usage operation and platform details, its
    tenancy and Dedicated Host (empty off hosts), and its vCPUs (which the cost model
    multiplies license-included prices by)."""

    time: float
    instance_id: str
    account_id: str
    usage_operation: str
    platform_details: str
    tenancy: str
    host_id: str
    vcpus: int


class LicenseTypeRecorder:
    """Follows launches, conversions, placement changes, resizes, starts and host recovery on ``bus``
    and appends a ``license_types`` row to ``records`` for each instance they change, stamped
    with the time of ``clock``."""

    def __init__(self, records: Records, clock: Clock, bus: EventBus) -> None:
        self._append = records.register("license_types", LicenseTypeRecord).append
        self._env = clock.env
        #: The host last recorded for each instance with host tenancy (a start may move it).
        self._hosts: dict[str, str] = {}
        for many in (InstancesLaunched, InstancesRecovered):
            bus.subscribe(many, lambda event: self._write(event.instances))
        for one in (InstanceUsageOperationChanged, InstancePlacementChanged, InstanceTypeChanged):
            bus.subscribe(one, lambda event: self._write((event.instance,)))
        bus.subscribe(InstancesStateChanged, self._on_state, topics=(InstanceState.PENDING, InstanceState.TERMINATED))

    def _on_state(self, event: InstancesStateChanged) -> None:
        if event.current is InstanceState.PENDING:
            hosts = self._hosts
            self._write([i for i in event.instances if i.tenancy == "host" and hosts.get(i.instance_id) != i.host_id])
        elif event.current is InstanceState.TERMINATED:
            for instance in event.instances:
                self._hosts.pop(instance.instance_id, None)

    def _write(self, instances: Iterable[Instance]) -> None:
        now = self._env.now
        for i in instances:
            host_id = i.host_id if i.tenancy == "host" else None
            if host_id is not None:
                self._hosts[i.instance_id] = host_id
            else:
                self._hosts.pop(i.instance_id, None)
            self._append((now, i.instance_id, i.account_id, i.usage_operation, i.platform_details, i.tenancy,
                          host_id or "", i.vcpus))
