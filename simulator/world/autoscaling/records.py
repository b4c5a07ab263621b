"""The ``scaling`` change-point records of Auto Scaling groups, written from the world's
events: one row whenever a group's desired capacity or instances change or an activity
starts or ends."""

from __future__ import annotations

from typing import NamedTuple

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.world.events import ScalingGroupChanged


class ScalingRecord(NamedTuple):
    """A group after a change: its desired capacity, instances in service and pending, and
    the activity that changed it (its description, status code and cause; empty for a change
    of desired capacity or of instance state, whose cause is given)."""

    time: float
    account_id: str
    group_name: str
    desired: int
    in_service: int
    pending: int
    activity: str
    status: str
    cause: str


class ScalingRecorder:
    """Follows ``ScalingGroupChanged`` on ``bus`` and appends a ``scaling`` row to ``records``,
    stamped with the time of ``clock``."""

    def __init__(self, records: Records, clock: Clock, bus: EventBus) -> None:
        self._append = records.register("scaling", ScalingRecord).append
        self._env = clock.env
        bus.subscribe(ScalingGroupChanged, self._on_change)

    def _on_change(self, event: ScalingGroupChanged) -> None:
        group, activity = event.group, event.activity
        in_service, pending = group.levels()
        if activity is None:
            row = (self._env.now, group.account_id, group.name, group.desired, in_service, pending, "", "", event.cause)
        else:
            status = activity.status
            text = activity.description
            if activity.status_message and activity.status_message not in text:
                text = f"{text} Status Reason: {activity.status_message}"
            row = (self._env.now, group.account_id, group.name, group.desired, in_service, pending, text, status,
                   activity.cause)
        self._append(row)
