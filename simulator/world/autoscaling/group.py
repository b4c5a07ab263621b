"""Auto Scaling groups: the group, its members (the instances it manages), its activities,
and how long its work takes (``AutoScalingTimings``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.world.ec2.instance import Instance
from simulator.world.ec2.launch_template import LaunchTemplateRef
from simulator.world.ec2.network import Subnet

if TYPE_CHECKING:
    from simulator.world.autoscaling.refresh import InstanceRefresh
    from simulator.world.autoscaling.schedule import ScheduledAction

#: The processes a group runs, which SuspendProcesses can suspend (API reference,
#: SuspendProcesses). The simulation has no load balancers or alarms, and balances zones at
#: launch and scale-in only: suspending AddToLoadBalancer, AlarmNotification or AZRebalance is
#: recorded and changes nothing else.
PROCESSES = ("Launch", "Terminate", "AddToLoadBalancer", "AlarmNotification", "AZRebalance", "HealthCheck",
             "InstanceRefresh", "ReplaceUnhealthy", "ScheduledActions")
#: Termination policies the simulation applies, in the order given (API reference,
#: "Configure termination policies").
TERMINATION_POLICIES = ("Default", "OldestInstance", "NewestInstance", "OldestLaunchTemplate",
                        "ClosestToNextInstanceHour")


@dataclass(frozen=True)
class AutoScalingTimings:
    """How long Auto Scaling takes, in simulated seconds.

    Args:
        reaction: From a change of desired capacity (a call, a scheduled action, an
            instance found unhealthy) to the group's next reconciliation.
        health_check: From an instance leaving ``running`` to the health check that finds it
            unhealthy.
        backoff_initial: The wait before the first retry after a failed launch; it doubles
            with each failure in a row.
        backoff_max: The longest wait between retries.
        default_warmup: An instance refresh's instance warmup when neither the refresh nor
            the group gives one.
    """

    reaction: float = 10.0
    health_check: float = 60.0
    backoff_initial: float = 10.0
    backoff_max: float = 600.0
    default_warmup: float = 300.0


class LifecycleState(StrEnum):
    """A member's lifecycle state (values as the model's LifecycleState)."""

    PENDING = "Pending"
    IN_SERVICE = "InService"
    TERMINATING = "Terminating"
    TERMINATED = "Terminated"
    DETACHING = "Detaching"
    DETACHED = "Detached"


@dataclass(frozen=True, slots=True)
class LaunchSpec:
    """What a group launches: a launch template and version (``$Latest``, ``$Default`` or a
    number), and with a MixedInstancesPolicy the instance types to try, in priority order."""

    template: LaunchTemplateRef
    overrides: tuple[str, ...] = ()
    mixed: bool = False


@dataclass(frozen=True, slots=True)
class GroupTag:
    """A tag of a group; ``propagate`` copies it to the instances it launches."""

    key: str
    value: str
    propagate: bool


@dataclass(slots=True, eq=False)
class Activity:
    """A scaling activity: a launch, termination, attachment or detachment, with its status
    (``InProgress``, ``Successful``, ``Failed``)."""

    activity_id: str
    group_name: str
    group_arn: str
    description: str
    cause: str
    start_time: datetime
    status: str = "InProgress"
    end_time: datetime | None = None
    status_message: str = ""
    progress: int = 0
    details: str = "{}"


@dataclass(slots=True, eq=False)
class Member:
    """An instance a group manages, with the template version and type it was launched with."""

    instance: Instance
    lifecycle: LifecycleState
    template_id: str | None
    template_version: int | None
    protected: bool
    health: str = "Healthy"
    activity: Activity | None = None
    launched_at: float = 0.0
    in_service_at: float | None = None

    @property
    def instance_id(self) -> str:
        """The instance's id."""
        return self.instance.instance_id

    @property
    def zone(self) -> str:
        """The instance's availability zone."""
        return self.instance.availability_zone

    @property
    def counted(self) -> bool:
        """Whether the member counts toward the group's capacity (pending or in service)."""
        return self.lifecycle is LifecycleState.PENDING or self.lifecycle is LifecycleState.IN_SERVICE


@dataclass(slots=True, eq=False)
class AutoScalingGroup:
    """An Auto Scaling group of one account. ``subnets`` holds one subnet per zone it
    launches into; ``members`` its instances by id; ``suspended`` the suspended processes
    with their reason; ``cause`` what the next activities were started by."""

    name: str
    arn: str
    account_id: str
    region: str
    launch: LaunchSpec
    min_size: int
    max_size: int
    desired: int
    subnets: tuple[Subnet, ...]
    created_at: datetime
    vpc_zone_identifier: str | None = None
    default_cooldown: int = 300
    health_check_type: str = "EC2"
    health_check_grace_period: int = 0
    termination_policies: tuple[str, ...] = ("Default",)
    new_instances_protected: bool = False
    default_instance_warmup: int | None = None
    tags: list[GroupTag] = field(default_factory=list)
    suspended: dict[str, str] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    scheduled: dict[str, ScheduledAction] = field(default_factory=dict)
    refreshes: list[InstanceRefresh] = field(default_factory=list)
    status: str | None = None
    cause: str = ""
    failures: int = 0
    wake_at: float | None = None
    last_activity_at: float | None = None
    deleted: bool = False

    @property
    def zones(self) -> tuple[str, ...]:
        """The group's availability zones."""
        return tuple(s.availability_zone for s in self.subnets)

    @property
    def refresh(self) -> InstanceRefresh | None:
        """The instance refresh under way, if any."""
        for refresh in self.refreshes:
            if refresh.active:
                return refresh
        return None

    def counted(self) -> list[Member]:
        """The members that count toward capacity (pending or in service)."""
        return [m for m in self.members.values() if m.counted]

    def levels(self) -> tuple[int, int]:
        """(in service, pending) members."""
        in_service = sum(1 for m in self.members.values() if m.lifecycle is LifecycleState.IN_SERVICE)
        pending = sum(1 for m in self.members.values() if m.lifecycle is LifecycleState.PENDING)
        return in_service, pending

    def running(self, process: str) -> bool:
        """Whether ``process`` is not suspended."""
        return process not in self.suspended
