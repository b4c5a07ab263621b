"""How a group reconciles on the clock: each group wakes when something changed (its
desired capacity, an instance found unhealthy, a launch to retry) and then, in one pass,
replaces unhealthy instances, moves its instance refresh on, launches toward its desired
capacity in the zones with the fewest instances, or terminates by its termination policy.
A group is woken by a timer, never by a process per instance.

Every launch is a RunInstances through the region's instance service, so License Manager
judges it as any launch: a refused launch is a failed activity whose status message carries
the launch error, and the group retries with exponential back-off.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from simulator.core.errors import ServiceError
from simulator.core.random import stable_key
from simulator.world.autoscaling.group import (
    Activity,
    AutoScalingGroup,
    AutoScalingTimings,
    LaunchSpec,
    LifecycleState,
    Member,
)
from simulator.world.autoscaling.refresh import advance_refresh
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.launch_parameters import LaunchParameters
from simulator.world.ec2.network import Subnet
from simulator.world.ec2.service import Ec2Service
from simulator.world.events import InstancesStateChanged, ScalingGroupChanged

_RUNNING, _PENDING = InstanceState.RUNNING, InstanceState.PENDING
_TERMINATED = InstanceState.TERMINATED
#: The states a group acts on: in service, or no longer healthy (a pending instance is neither).
_WATCHED = tuple(state for state in InstanceState if state is not _PENDING)
#: The tag Auto Scaling puts on the instances of a group.
GROUP_TAG = "aws:autoscaling:groupName"


def stamp(moment: datetime) -> str:
    """The instant as activity causes write it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def service_role(account_id: str) -> str:
    """The principal of Auto Scaling's calls: its service-linked role's session."""
    return f"arn:aws:sts::{account_id}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"


class Reconciler:
    """Reconciles the Auto Scaling groups of one region.

    Args:
        ctx: The region's shared plumbing.
        ec2: The region's EC2.
        timings: How long Auto Scaling takes.
        forget: Called with a group whose deletion completed.
    """

    def __init__(self, ctx: RegionContext, ec2: Ec2Service, timings: AutoScalingTimings,
                 forget: Callable[[AutoScalingGroup], None]) -> None:
        self.ctx = ctx
        self.ec2 = ec2
        self.timings = timings
        self._forget = forget
        self._members: dict[str, tuple[AutoScalingGroup, Member]] = {}
        self._listening = False

    # -- waking ---------------------------------------------------------------------------

    def wake(self, group: AutoScalingGroup, delay: float | None = None) -> None:
        """Reconcile ``group`` after ``delay`` (default: the reaction time), unless it
        already wakes sooner."""
        if not self._listening:  # no cost to launches until a region has a group
            self.ctx.bus.subscribe(InstancesStateChanged, self._on_instances, topics=_WATCHED)
            self._listening = True
        at = self.ctx.clock.seconds + (self.timings.reaction if delay is None else delay)
        if group.wake_at is not None and group.wake_at <= at:
            return
        group.wake_at = at
        self.ctx.clock.call_at(at, self._woken, group, at)

    def _woken(self, group: AutoScalingGroup, at: float) -> None:
        if group.wake_at == at and not group.deleted:
            group.wake_at = None
            self.reconcile(group)

    def publish(self, group: AutoScalingGroup, activity: Activity | None = None, cause: str = "") -> None:
        """Publish a change of ``group``."""
        self.ctx.bus.publish(ScalingGroupChanged(group, activity, cause))

    def adopt(self, group: AutoScalingGroup, member: Member) -> None:
        """Manage ``member``'s instance in ``group`` from now on."""
        group.members[member.instance_id] = member
        self._members[member.instance_id] = (group, member)

    def manages(self, instance_id: str) -> bool:
        """Whether a group of the region manages ``instance_id``."""
        return instance_id in self._members

    def release(self, group: AutoScalingGroup, member: Member) -> None:
        """Stop managing ``member``'s instance."""
        group.members.pop(member.instance_id, None)
        self._members.pop(member.instance_id, None)

    # -- activities -----------------------------------------------------------------------

    def start_activity(self, group: AutoScalingGroup, description: str, cause: str, details: str = "{}") -> Activity:
        """A new activity of ``group``, in progress, recorded and published."""
        activity = Activity(self.ctx.ids.uuid("autoscaling-activity"), group.name, group.arn, description, cause,
                            self.ctx.clock.now(), details=details)
        group.activities.append(activity)
        group.last_activity_at = self.ctx.clock.seconds
        return activity

    def end_activity(self, group: AutoScalingGroup, activity: Activity, status: str = "Successful",
                     message: str = "") -> None:
        """End ``activity`` with ``status`` and publish it."""
        activity.status = status
        activity.status_message = message
        activity.end_time = self.ctx.clock.now()
        activity.progress = 100
        group.last_activity_at = self.ctx.clock.seconds
        self.publish(group, activity, activity.cause)

    # -- instances changing state -----------------------------------------------------------

    def _on_instances(self, event: InstancesStateChanged) -> None:
        index = self._members
        if not index:
            return
        for instance in event.instances:
            found = index.get(instance.instance_id)
            if found is not None:
                self._instance_changed(found[0], found[1], instance)

    def _instance_changed(self, group: AutoScalingGroup, member: Member, instance: Instance) -> None:
        state = instance.state
        if state is _RUNNING and member.lifecycle is LifecycleState.PENDING:
            member.lifecycle = LifecycleState.IN_SERVICE
            member.in_service_at = self.ctx.clock.seconds
            if member.activity is not None:
                activity, member.activity = member.activity, None
                self.end_activity(group, activity)
            else:
                self.publish(group, cause=f"instance {member.instance_id} is in service")
            if group.refresh is not None:
                self.wake(group, self.warmup(group))
        elif state is _TERMINATED and member.lifecycle is LifecycleState.TERMINATING:
            member.lifecycle = LifecycleState.TERMINATED
            self.release(group, member)
            if member.activity is not None:
                activity, member.activity = member.activity, None
                self.end_activity(group, activity)
            if group.status == "Delete in progress" and not group.members:
                self._forget(group)
        elif state is not _RUNNING and state is not _PENDING and member.counted and member.health == "Healthy":
            if not group.running("HealthCheck"):
                return
            member.health = "Unhealthy"
            self.publish(group, cause=f"At {stamp(self.ctx.clock.now())} instance {member.instance_id} failed its "
                                      f"EC2 health check ({state})")
            self.wake(group, self.timings.health_check)

    def warmup(self, group: AutoScalingGroup) -> float:
        """How long a new instance of ``group`` warms up (its refresh's, the group's, or the
        default)."""
        refresh = group.refresh
        if refresh is not None and refresh.warmup is not None:
            return float(refresh.warmup)
        if group.default_instance_warmup is not None:
            return float(group.default_instance_warmup)
        return self.timings.default_warmup

    # -- the pass ----------------------------------------------------------------------------

    def reconcile(self, group: AutoScalingGroup) -> None:
        """One pass over ``group``: unhealthy instances, the instance refresh, then capacity."""
        if group.status == "Delete in progress":
            return
        self._replace_unhealthy(group)
        refresh = group.refresh
        if refresh is not None and group.running("InstanceRefresh"):
            advance_refresh(self, group, refresh)
        counted = group.counted()
        if len(counted) < group.desired and group.running("Launch"):
            self.launch(group, group.desired - len(counted))
        elif len(counted) > group.desired and group.running("Terminate"):
            self.scale_in(group, len(counted) - group.desired)

    def _replace_unhealthy(self, group: AutoScalingGroup) -> None:
        if not group.running("ReplaceUnhealthy"):
            return
        now = stamp(self.ctx.clock.now())
        for member in [m for m in group.members.values() if m.counted and m.health == "Unhealthy"]:
            self.terminate(group, member, f"At {now} an instance was taken out of service in response to an EC2 "
                                          "health check indicating it has been terminated or stopped.")

    def terminate(self, group: AutoScalingGroup, member: Member, cause: str) -> Activity:
        """Take ``member`` out of service and terminate its instance, as an activity."""
        member.lifecycle = LifecycleState.TERMINATING
        activity = self.start_activity(group, f"Terminating EC2 instance: {member.instance_id}", cause)
        member.activity = activity
        instance = member.instance
        self.publish(group, activity, cause)
        if instance.state is _TERMINATED:
            self._instance_changed(group, member, instance)
        elif instance.state is not InstanceState.SHUTTING_DOWN:
            self.ec2.instances.terminate(group.account_id, [member.instance_id], service_role(group.account_id))
        return activity

    # -- scaling out ---------------------------------------------------------------------------

    def _zone_plan(self, group: AutoScalingGroup, count: int) -> dict[str, int]:
        """How many new instances go to each zone: each to the zone with the fewest."""
        sizes = dict.fromkeys(group.zones, 0)
        for member in group.counted():
            if member.zone in sizes:
                sizes[member.zone] += 1
        plan = dict.fromkeys(group.zones, 0)
        for _ in range(count):
            zone = min(group.zones, key=lambda z: sizes[z] + plan[z])
            plan[zone] += 1
        return plan

    def launch(self, group: AutoScalingGroup, count: int) -> None:
        """Launch ``count`` instances across the group's zones; on a refused launch, record
        a failed activity and retry later with back-off."""
        spec = self.launch_spec(group)
        before = len(group.counted())
        now = stamp(self.ctx.clock.now())
        cause = (f"{group.cause + '  ' if group.cause else ''}At {now} an instance was started in response to a "
                 f"difference between desired and actual capacity, increasing the capacity from {before} to "
                 f"{group.desired}.")
        for subnet in group.subnets:
            wanted = self._zone_plan(group, count - (len(group.counted()) - before))[subnet.availability_zone]
            if wanted and not self._launch_in(group, spec, subnet, wanted, cause):
                return
        group.failures = 0
        group.cause = ""

    def launch_spec(self, group: AutoScalingGroup) -> LaunchSpec:
        """What the group launches now: an instance refresh's desired configuration, or its own."""
        refresh = group.refresh
        if refresh is not None and refresh.desired_launch is not None:
            return refresh.desired_launch
        return group.launch

    def _launch_in(self, group: AutoScalingGroup, spec: LaunchSpec, subnet: Subnet, wanted: int, cause: str) -> bool:
        types: tuple[str | None, ...] = spec.overrides or (None,)
        error: ServiceError | None = None
        tags = tuple((t.key, t.value) for t in group.tags if t.propagate)
        service_tags = ((GROUP_TAG, group.name),)
        for instance_type in types:
            while wanted:
                params = LaunchParameters(instance_type=instance_type, subnet_id=subnet.subnet_id, instance_tags=tags)
                try:
                    instances = self.ec2.instances.run(group.account_id, params, min_count=1, max_count=wanted,
                                                       launch_template=spec.template,
                                                       principal=service_role(group.account_id),
                                                       service_tags=service_tags)
                except ServiceError as refused:
                    error = error or refused
                    break
                self._adopt_launched(group, spec, instances, cause)
                wanted -= len(instances)
            if not wanted:
                return True
        assert error is not None
        self._failed_launch(group, subnet, error, cause)
        return False

    def _adopt_launched(self, group: AutoScalingGroup, spec: LaunchSpec, instances: list[Instance],
                        cause: str) -> None:
        template = self.ec2.templates.get(group.account_id, spec.template.template_id, spec.template.name)
        version = self.ec2.templates.version(template, spec.template.version).number
        for instance in instances:
            member = Member(instance, LifecycleState.PENDING, template.template_id, version,
                            group.new_instances_protected, launched_at=self.ctx.clock.seconds)
            self.adopt(group, member)
            details = (f'{{"Subnet ID":"{instance.subnet.subnet_id if instance.subnet else ""}",'
                       f'"Availability Zone":"{instance.availability_zone}"}}')
            member.activity = self.start_activity(group, f"Launching a new EC2 instance: {instance.instance_id}",
                                                  cause, details)
            self.publish(group, member.activity, cause)

    def _failed_launch(self, group: AutoScalingGroup, subnet: Subnet, error: ServiceError, cause: str) -> None:
        message = f"{error.code}: {error.message}. Launching EC2 instance failed."
        details = f'{{"Subnet ID":"{subnet.subnet_id}","Availability Zone":"{subnet.availability_zone}"}}'
        activity = self.start_activity(group, f"Launching a new EC2 instance.  Status Reason: {message}", cause,
                                       details)
        self.end_activity(group, activity, "Failed", message)
        group.failures += 1
        backoff = min(self.timings.backoff_max, self.timings.backoff_initial * 2 ** (group.failures - 1))
        self.wake(group, backoff)

    # -- scaling in ----------------------------------------------------------------------------

    def scale_in(self, group: AutoScalingGroup, count: int) -> None:
        """Terminate ``count`` instances chosen by the group's termination policies."""
        before = len(group.counted())
        now = stamp(self.ctx.clock.now())
        for victim in self.victims(group, count):
            cause = (f"{group.cause + '  ' if group.cause else ''}At {now} an instance was taken out of service in "
                     f"response to a difference between desired and actual capacity, shrinking the capacity from "
                     f"{before} to {group.desired}.  At {now} instance {victim.instance_id} was selected for "
                     "termination.")
            self.terminate(group, victim, cause)
        group.cause = ""

    def victims(self, group: AutoScalingGroup, count: int) -> list[Member]:
        """The members scale-in terminates: from the zone with the most instances each time,
        then by the termination policies (the default: the oldest launch template version,
        then the instance closest to its next instance hour, then one chosen at random)."""
        counted = group.counted()
        candidates = [m for m in counted if not m.protected]
        chosen: list[Member] = []
        current = self.current_version(group)
        now = self.ctx.clock.seconds
        seed = self.ctx.ids.seed
        policies = [p for p in group.termination_policies if p != "Default"] + ["Default"]

        def order(member: Member) -> tuple:
            key: list[float] = []
            for policy in policies:
                if policy == "OldestInstance":
                    key.append(member.launched_at)
                elif policy == "NewestInstance":
                    key.append(-member.launched_at)
                elif policy in ("OldestLaunchTemplate", "Default"):
                    outdated = (member.template_id, member.template_version) != current
                    key += [0 if outdated else 1, member.template_version or 0]
                if policy in ("ClosestToNextInstanceHour", "Default"):
                    key.append(-((now - member.launched_at) % 3600))
            key.append(stable_key(seed, "termination", member.instance_id))
            return tuple(key)

        for _ in range(min(count, len(candidates))):
            left = [m for m in counted if m not in chosen]
            sizes = {zone: sum(1 for m in left if m.zone == zone) for zone in {m.zone for m in left}}
            pool = [m for m in candidates if m not in chosen]
            largest = max(sizes[m.zone] for m in pool)
            pool = [m for m in pool if sizes[m.zone] == largest]
            chosen.append(min(pool, key=order))
        return chosen

    def current_version(self, group: AutoScalingGroup) -> tuple[str | None, int | None]:
        """The launch template and version number the group launches now (None, None when
        its template is gone)."""
        spec = self.launch_spec(group)
        try:
            template = self.ec2.templates.get(group.account_id, spec.template.template_id, spec.template.name)
            return template.template_id, self.ec2.templates.version(template, spec.template.version).number
        except ServiceError:
            return None, None


def healthy_floor(desired: int, percentage: int) -> int:
    """The instances that must stay healthy during a refresh: ``percentage`` of desired,
    rounded up."""
    return math.ceil(desired * percentage / 100)
