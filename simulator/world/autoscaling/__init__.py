"""Simulated Amazon EC2 Auto Scaling: groups that launch through EC2 (and so through License
Manager's launch checks), reconcile on the clock, run scheduled actions and instance refreshes."""

from simulator.world.autoscaling.group import (
    PROCESSES,
    Activity,
    AutoScalingGroup,
    AutoScalingTimings,
    GroupTag,
    LaunchSpec,
    LifecycleState,
    Member,
)
from simulator.world.autoscaling.refresh import InstanceRefresh
from simulator.world.autoscaling.schedule import ScheduledAction
from simulator.world.autoscaling.scheduling import ScheduledActions
from simulator.world.autoscaling.service import AutoScalingService, GroupSettings

__all__ = [
    "PROCESSES",
    "Activity",
    "AutoScalingGroup",
    "AutoScalingService",
    "AutoScalingTimings",
    "GroupSettings",
    "GroupTag",
    "InstanceRefresh",
    "LaunchSpec",
    "LifecycleState",
    "Member",
    "ScheduledAction",
    "ScheduledActions",
]
