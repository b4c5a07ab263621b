"""Instance refreshes: replacing a group's instances, a batch at a time, with instances of a
new launch template version (StartInstanceRefresh's DesiredConfiguration, or the group's
own), keeping ``MinHealthyPercentage`` of the desired capacity in service and warmed up."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from simulator.world.autoscaling.group import AutoScalingGroup, LaunchSpec, LifecycleState

if TYPE_CHECKING:
    from simulator.world.autoscaling.reconcile import Reconciler

#: Instance refresh statuses that are still under way.
ACTIVE = ("Pending", "InProgress")


@dataclass(slots=True, eq=False)
class InstanceRefresh:
    """An instance refresh of a group. ``to_replace`` holds the instances it must replace
    (those of the group when it started: all of them, or with ``skip_matching`` those whose
    template version differs from the desired one); ``desired_launch`` the configuration
    new instances get (None: the group's)."""

    refresh_id: str
    group_name: str
    start_time: datetime
    min_healthy: int
    warmup: int | None
    skip_matching: bool
    desired_launch: LaunchSpec | None
    to_replace: set[str] = field(default_factory=set)
    total: int = 0
    status: str = "Pending"
    status_reason: str = ""
    end_time: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the refresh is still under way."""
        return self.status in ACTIVE

    @property
    def percentage(self) -> int:
        """How much of the refresh is done."""
        if not self.total:
            return 100 if self.status == "Successful" else 0
        return int(100 * (self.total - len(self.to_replace)) / self.total)


def advance_refresh(reconciler: Reconciler, group: AutoScalingGroup, refresh: InstanceRefresh) -> None:
    """Move ``refresh`` on: finish it once every instance it replaces is gone and the new ones
    are warm; otherwise, when the group is whole and warm, take out the next batch (the
    desired capacity less the healthy floor, at least one)."""
    now = reconciler.ctx.clock.seconds
    refresh.status = "InProgress"
    refresh.to_replace &= set(group.members)
    warmup = reconciler.warmup(group)
    counted = group.counted()
    warming = [m for m in counted if m.lifecycle is LifecycleState.PENDING
               or (m.in_service_at is not None and now - m.in_service_at < warmup)]
    busy = any(m.lifecycle is LifecycleState.TERMINATING for m in group.members.values())
    if not refresh.to_replace:
        if not warming and not busy:
            refresh.status, refresh.status_reason = "Successful", ""
            refresh.end_time = reconciler.ctx.clock.now()
            if refresh.desired_launch is not None:
                group.launch = refresh.desired_launch
        else:
            refresh.status_reason = "Waiting for the new instances to warm up."
            _wake_after_warmup(reconciler, group, warming, warmup)
        return
    if warming or busy or len(counted) < group.desired:
        refresh.status_reason = "Waiting for instances to be in service and warmed up before the next batch."
        _wake_after_warmup(reconciler, group, warming, warmup)
        return
    batch = max(1, group.desired - math.ceil(group.desired * refresh.min_healthy / 100))
    when = reconciler.ctx.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    victims = [m for m in group.members.values() if m.instance_id in refresh.to_replace and m.counted][:batch]
    for member in victims:
        refresh.to_replace.discard(member.instance_id)
        reconciler.terminate(group, member, f"At {when} an instance was taken out of service in response to an "
                                            f"instance refresh.  At {when} instance {member.instance_id} was "
                                            "selected for termination.")
    refresh.status_reason = f"Replacing {len(victims)} instance(s)."


def _wake_after_warmup(reconciler: Reconciler, group: AutoScalingGroup, warming: list, warmup: float) -> None:
    now = reconciler.ctx.clock.seconds
    ends = [m.in_service_at + warmup - now for m in warming if m.in_service_at is not None]
    if ends:
        reconciler.wake(group, max(0.0, min(ends)) + 1)
