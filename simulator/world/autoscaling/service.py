"""EC2 Auto Scaling in one region: groups created, updated, resized and deleted, processes
suspended and resumed, instance refreshes started. Each change wakes the group's
reconciliation (``reconcile``), which does the work on the clock; instances attached,
detached and terminated by request are in ``members``, scheduled actions in ``scheduling``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from simulator.core.errors import ServiceError
from simulator.world.autoscaling.errors import (
    group_already_exists,
    group_not_found,
    instance_not_in_group,
    instance_refresh_in_progress,
    limit_exceeded,
    resource_in_use,
    scaling_activity_in_progress,
    validation_error,
)
from simulator.world.autoscaling.group import (
    PROCESSES,
    TERMINATION_POLICIES,
    AutoScalingGroup,
    AutoScalingTimings,
    GroupTag,
    LaunchSpec,
    LifecycleState,
    Member,
)
from simulator.world.autoscaling.members import GroupMembers
from simulator.world.autoscaling.reconcile import Reconciler, stamp
from simulator.world.autoscaling.refresh import InstanceRefresh
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.network import Subnet
from simulator.world.ec2.service import Ec2Service

#: Groups per account and region (Amazon EC2 Auto Scaling quotas).
MAX_GROUPS = 500


@dataclass(frozen=True)
class GroupSettings:
    """What CreateAutoScalingGroup and UpdateAutoScalingGroup may set; None: not given."""

    launch: LaunchSpec | None = None
    min_size: int | None = None
    max_size: int | None = None
    desired: int | None = None
    zones: tuple[str, ...] | None = None
    subnet_ids: tuple[str, ...] | None = None
    default_cooldown: int | None = None
    health_check_grace_period: int | None = None
    termination_policies: tuple[str, ...] | None = None
    new_instances_protected: bool | None = None
    default_instance_warmup: int | None = None


class AutoScalingService:
    """The Auto Scaling groups of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
        ec2: The region's EC2.
        timings: How long Auto Scaling takes (default ``AutoScalingTimings()``).
    """

    def __init__(self, ctx: RegionContext, ec2: Ec2Service, timings: AutoScalingTimings | None = None) -> None:
        self.ctx = ctx
        self.ec2 = ec2
        self.timings = timings or AutoScalingTimings()
        self._groups: dict[str, dict[str, AutoScalingGroup]] = {}
        self.reconciler = Reconciler(ctx, ec2, self.timings, self._forget)
        self.members = GroupMembers(self)

    # -- lookups --------------------------------------------------------------------------

    def account_groups(self, account_id: str) -> dict[str, AutoScalingGroup]:
        """The groups of ``account_id`` by name, in creation order."""
        return self._groups.setdefault(account_id, {})

    def get(self, account_id: str, name: str) -> AutoScalingGroup:
        """A group by name.

        Raises:
            ServiceError: ValidationError when it does not exist.
        """
        group = self.account_groups(account_id).get(name)
        if group is None:
            raise group_not_found(name)
        return group

    def member(self, account_id: str, instance_id: str) -> tuple[AutoScalingGroup, Member]:
        """The group and member managing ``instance_id``.

        Raises:
            ServiceError: ValidationError when no group of the account manages it.
        """
        for group in self.account_groups(account_id).values():
            member = group.members.get(instance_id)
            if member is not None and member.lifecycle is not LifecycleState.TERMINATED:
                return group, member
        raise instance_not_in_group(instance_id)

    def _forget(self, group: AutoScalingGroup) -> None:
        group.deleted = True
        self.account_groups(group.account_id).pop(group.name, None)

    # -- checks ---------------------------------------------------------------------------

    def check_launch(self, account_id: str, launch: LaunchSpec) -> None:
        """Refuse a launch template (or version, or instance type override) that does not
        exist.

        Raises:
            ServiceError: ValidationError naming it.
        """
        ref = launch.template
        templates = self.ec2.templates
        try:
            template = templates.get(account_id, ref.template_id, ref.name)
            templates.version(template, ref.version)
        except ServiceError as error:
            raise validation_error(f"You must use a valid fully-formed launch template. {error.message}") from None
        for instance_type in launch.overrides:
            if self.ctx.catalog.instance_type(instance_type) is None:
                raise validation_error(f"Invalid instance type {instance_type!r} in MixedInstancesPolicy overrides")

    def _subnets(self, account_id: str, zones: tuple[str, ...] | None,
                 subnet_ids: tuple[str, ...] | None) -> tuple[Subnet, ...]:
        networks = self.ec2.networks
        if subnet_ids:
            subnets = []
            for subnet_id in subnet_ids:
                try:
                    subnets.append(networks.subnet(account_id, subnet_id, "VPCZoneIdentifier"))
                except ServiceError:
                    raise validation_error(f"The subnet ID '{subnet_id}' does not exist") from None
            if zones and {s.availability_zone for s in subnets} - set(zones):
                raise validation_error("The VPCZoneIdentifier subnets lie outside the AvailabilityZones given")
            return tuple(subnets)
        if not zones:
            raise validation_error("At least one Availability Zone or VPC Subnet is required.")
        for zone in zones:
            if zone not in self.ctx.availability_zones:
                raise validation_error(f"Invalid Availability Zone {zone!r}; zones of {self.ctx.region}: "
                                       f"{', '.join(self.ctx.availability_zones)}")
        return tuple(networks.default_subnet(account_id, z) for z in dict.fromkeys(zones))

    @staticmethod
    def _check_sizes(min_size: int, max_size: int, desired: int) -> None:
        if min_size < 0 or max_size < 0 or desired < 0:
            raise validation_error("MinSize, MaxSize and DesiredCapacity must not be negative")
        if max_size < min_size:
            raise validation_error(f"Max bound, {max_size}, must be greater than or equal to min bound, {min_size}")
        if not min_size <= desired <= max_size:
            raise validation_error(f"Desired capacity:{desired} must be between the specified min size:{min_size} "
                                   f"and max size:{max_size}")

    @staticmethod
    def _check_policies(policies: tuple[str, ...]) -> None:
        for policy in policies:
            if policy not in TERMINATION_POLICIES:
                raise validation_error(f"Termination policy {policy!r} is not supported by the simulator; use "
                                       f"{', '.join(TERMINATION_POLICIES)}")

    # -- groups ---------------------------------------------------------------------------

    def create(self, account_id: str, name: str, settings: GroupSettings, tags: Sequence[GroupTag] = ()) -> \
            AutoScalingGroup:
        """CreateAutoScalingGroup; the group starts launching toward its desired capacity.

        Raises:
            ServiceError: AlreadyExists, LimitExceeded, ValidationError for bad sizes, zones,
                subnets, templates or termination policies.
        """
        groups = self.account_groups(account_id)
        if name in groups:
            raise group_already_exists(name)
        if len(groups) >= MAX_GROUPS:
            raise limit_exceeded(f"You have reached your limit of {MAX_GROUPS} Auto Scaling groups")
        if settings.launch is None:
            raise validation_error("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
                                   "InstanceId or MixedInstancesPolicy parameter.")
        if settings.min_size is None or settings.max_size is None:
            raise validation_error("MinSize and MaxSize are required")
        desired = settings.min_size if settings.desired is None else settings.desired
        self._check_sizes(settings.min_size, settings.max_size, desired)
        self.check_launch(account_id, settings.launch)
        subnets = self._subnets(account_id, settings.zones, settings.subnet_ids)
        policies = settings.termination_policies or ("Default",)
        self._check_policies(policies)
        group = AutoScalingGroup(
            name=name, arn=f"arn:aws:autoscaling:{self.ctx.region}:{account_id}:autoScalingGroup:"
                           f"{self.ctx.ids.uuid('autoscaling-group')}:autoScalingGroupName/{name}",
            account_id=account_id, region=self.ctx.region, launch=settings.launch, min_size=settings.min_size,
            max_size=settings.max_size, desired=desired, subnets=subnets, created_at=self.ctx.clock.now(),
            vpc_zone_identifier=",".join(settings.subnet_ids) if settings.subnet_ids else None,
            default_cooldown=300 if settings.default_cooldown is None else settings.default_cooldown,
            health_check_grace_period=settings.health_check_grace_period or 0, termination_policies=policies,
            new_instances_protected=bool(settings.new_instances_protected),
            default_instance_warmup=settings.default_instance_warmup, tags=list(tags),
        )
        groups[name] = group
        group.cause = (f"At {stamp(group.created_at)} a user request created an AutoScalingGroup changing the "
                       f"desired capacity from 0 to {desired}.")
        self.reconciler.publish(group, cause=group.cause)
        self.reconciler.wake(group)
        return group

    def update(self, account_id: str, name: str, settings: GroupSettings) -> AutoScalingGroup:
        """UpdateAutoScalingGroup: new sizes, zones, template or policies (instances already
        running keep theirs).

        Raises:
            ServiceError: ValidationError as for ``create``, or for an unknown group.
        """
        group = self.get(account_id, name)
        min_size = group.min_size if settings.min_size is None else settings.min_size
        max_size = group.max_size if settings.max_size is None else settings.max_size
        desired = group.desired if settings.desired is None else settings.desired
        if settings.desired is None:  # new bounds pull the desired capacity in
            desired = min(max(desired, min_size), max_size)
        self._check_sizes(min_size, max_size, desired)
        if settings.launch is not None:
            self.check_launch(account_id, settings.launch)
        subnets = group.subnets
        if settings.zones is not None or settings.subnet_ids is not None:
            subnets = self._subnets(account_id, settings.zones, settings.subnet_ids)
        if settings.termination_policies is not None:
            self._check_policies(settings.termination_policies)
        before = group.desired
        group.min_size, group.max_size, group.desired, group.subnets = min_size, max_size, desired, subnets
        if settings.subnet_ids is not None:
            group.vpc_zone_identifier = ",".join(settings.subnet_ids)
        for attribute in ("launch", "default_cooldown", "health_check_grace_period", "termination_policies",
                          "new_instances_protected", "default_instance_warmup"):
            value = getattr(settings, attribute)
            if value is not None:
                setattr(group, attribute, value)
        self.desired_changed(group, before, f"a user request update of AutoScalingGroup constraints to min: "
                                             f"{min_size}, max: {max_size}, desired: {desired}")
        return group

    def desired_changed(self, group: AutoScalingGroup, before: int, why: str) -> None:
        """Record that ``group``'s desired capacity changed from ``before`` for ``why``, and wake it."""
        group.cause = (f"At {stamp(self.ctx.clock.now())} {why} changing the desired capacity from {before} to "
                       f"{group.desired}.")
        self.reconciler.publish(group, cause=group.cause)
        self.reconciler.wake(group)

    def set_desired(self, account_id: str, name: str, desired: int, honor_cooldown: bool = False) -> None:
        """SetDesiredCapacity.

        Raises:
            ServiceError: ValidationError outside [MinSize, MaxSize], ScalingActivityInProgress
                within the cooldown when honoring it.
        """
        group = self.get(account_id, name)
        if desired > group.max_size:
            raise validation_error(f"New SetDesiredCapacity value {desired} is above max value {group.max_size} "
                                   "for the AutoScalingGroup.")
        if desired < group.min_size:
            raise validation_error(f"New SetDesiredCapacity value {desired} is below min value {group.min_size} "
                                   "for the AutoScalingGroup.")
        last = group.last_activity_at
        if honor_cooldown and last is not None and self.ctx.clock.seconds < last + group.default_cooldown:
            raise scaling_activity_in_progress(f"Scaling activity is in progress or the cooldown period of "
                                               f"{group.default_cooldown} seconds has not passed for {name}")
        before, group.desired = group.desired, desired
        self.desired_changed(group, before, "a user request explicitly set group desired capacity")

    def delete(self, account_id: str, name: str, force: bool = False) -> None:
        """DeleteAutoScalingGroup; with ``force``, its instances are terminated and the group
        goes once they are.

        Raises:
            ServiceError: ResourceInUse while it has instances, ScalingActivityInProgress while
                an activity is under way (both unless forced), ValidationError for an unknown
                group.
        """
        group = self.get(account_id, name)
        alive = [m for m in group.members.values() if m.lifecycle is not LifecycleState.TERMINATED]
        if not force:
            if any(a.status == "InProgress" for a in group.activities):
                raise scaling_activity_in_progress("You cannot delete an AutoScalingGroup while there are scaling "
                                                   "activities in progress for that group.")
            if alive:
                raise resource_in_use("You cannot delete an AutoScalingGroup while there are instances or pending "
                                      "Spot instance request(s) still in the group.")
        for action in group.scheduled.values():
            action.generation += 1
        if not alive:
            self._forget(group)
            return
        group.status = "Delete in progress"
        group.desired = group.min_size = 0
        cause = f"At {stamp(self.ctx.clock.now())} a user request deleted the AutoScalingGroup."
        for member in alive:
            if member.lifecycle is not LifecycleState.TERMINATING:
                self.reconciler.terminate(group, member, cause)

    # -- processes and refreshes ----------------------------------------------------------------

    def suspend(self, account_id: str, name: str, processes: list[str] | None) -> None:
        """SuspendProcesses (all processes without a list).

        Raises:
            ServiceError: ValidationError for an unknown process.
        """
        group = self.get(account_id, name)
        for process in self._processes(processes):
            group.suspended.setdefault(process, f"User suspended at {stamp(self.ctx.clock.now())}")

    def resume(self, account_id: str, name: str, processes: list[str] | None) -> None:
        """ResumeProcesses (all processes without a list); the group reconciles again."""
        group = self.get(account_id, name)
        for process in self._processes(processes):
            group.suspended.pop(process, None)
        self.reconciler.wake(group)

    @staticmethod
    def _processes(processes: list[str] | None) -> list[str]:
        for process in processes or ():
            if process not in PROCESSES:
                raise validation_error(f"Process {process!r} is not a valid scaling process; valid: "
                                       f"{', '.join(PROCESSES)}")
        return list(processes) if processes else list(PROCESSES)

    def start_refresh(self, account_id: str, name: str, min_healthy: int = 90, warmup: int | None = None,
                      skip_matching: bool = False, desired: LaunchSpec | None = None) -> InstanceRefresh:
        """StartInstanceRefresh: replace the group's instances (all of them, or with
        ``skip_matching`` those not on the desired configuration).

        Raises:
            ServiceError: InstanceRefreshInProgress, ValidationError for a bad percentage or
                desired configuration.
        """
        group = self.get(account_id, name)
        if group.refresh is not None:
            raise instance_refresh_in_progress(name)
        if not 0 <= min_healthy <= 100:
            raise validation_error(f"MinHealthyPercentage must be 0 to 100, got {min_healthy}")
        if desired is not None:
            self.check_launch(account_id, desired)
        refresh = InstanceRefresh(self.ctx.ids.uuid("instance-refresh"), name, self.ctx.clock.now(), min_healthy,
                                  warmup, skip_matching, desired)
        target = replace(group, launch=desired) if desired is not None else group
        current = self.reconciler.current_version(target)
        refresh.to_replace = {m.instance_id for m in group.counted()
                              if not skip_matching or (m.template_id, m.template_version) != current}
        refresh.total = len(refresh.to_replace)
        group.refreshes.append(refresh)
        self.reconciler.wake(group)
        return refresh
