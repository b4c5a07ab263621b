"""Instances of Auto Scaling groups changed by request: TerminateInstanceInAutoScalingGroup,
AttachInstances, DetachInstances."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.world.autoscaling.errors import validation_error
from simulator.world.autoscaling.group import Activity, LifecycleState, Member
from simulator.world.autoscaling.reconcile import GROUP_TAG, stamp
from simulator.world.ec2.instance import InstanceState

if TYPE_CHECKING:
    from simulator.world.autoscaling.service import AutoScalingService


class GroupMembers:
    """Requests about the instances of one region's groups.

    Args:
        groups: The region's Auto Scaling service.
    """

    def __init__(self, groups: AutoScalingService) -> None:
        self.groups = groups

    def terminate_instance(self, account_id: str, instance_id: str, decrement: bool) -> Activity:
        """TerminateInstanceInAutoScalingGroup.

        Raises:
            ServiceError: ValidationError for an instance no group manages, or a decrement
                below MinSize.
        """
        group, member = self.groups.member(account_id, instance_id)
        if decrement and group.desired - 1 < group.min_size:
            raise validation_error(
                f"Currently, desiredSize equals minSize ({group.min_size}). Terminating instance without "
                "replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity "
                "flag to false or lower group's min size.")
        now = stamp(self.groups.ctx.clock.now())
        if decrement:
            group.desired -= 1
            cause = (f"At {now} instance {instance_id} was taken out of service in response to a user request, "
                     f"shrinking the capacity from {group.desired + 1} to {group.desired}.")
        else:
            cause = f"At {now} instance {instance_id} was taken out of service in response to a user request."
        activity = self.groups.reconciler.terminate(group, member, cause)
        self.groups.reconciler.wake(group)
        return activity

    def attach(self, account_id: str, name: str, instance_ids: list[str]) -> None:
        """AttachInstances: running instances of the group's zones join it in service, and
        its desired capacity grows by as many.

        Raises:
            ServiceError: ValidationError for an instance that is not running, lies outside
                the group's zones or belongs to another group, or past MaxSize.
        """
        group = self.groups.get(account_id, name)
        instances = self.groups.ec2.instances.get_many(account_id, instance_ids)
        zones = set(group.zones)
        for instance in instances:
            if instance.state is not InstanceState.RUNNING:
                raise validation_error(f"Instance {instance.instance_id} is not in correct state ({instance.state}); "
                                       "only running instances can be attached")
            if instance.availability_zone not in zones:
                raise validation_error(f"Instance {instance.instance_id} is in {instance.availability_zone}, "
                                       f"outside the zones of {name}")
            if self.groups.reconciler.manages(instance.instance_id):
                raise validation_error(f"The instance {instance.instance_id} is already part of an Auto Scaling "
                                       "group")
        if group.desired + len(instances) > group.max_size:
            raise validation_error(f"Attaching {len(instances)} instance(s) to {name} would exceed its max size "
                                   f"({group.max_size})")
        before = group.desired
        group.desired += len(instances)
        now = stamp(self.groups.ctx.clock.now())
        self.groups.ec2.tags.set_service_tag(account_id, [i.instance_id for i in instances], GROUP_TAG, group.name)
        for instance in instances:
            member = Member(instance, LifecycleState.IN_SERVICE, None, None, group.new_instances_protected,
                            launched_at=self.groups.ctx.clock.seconds, in_service_at=self.groups.ctx.clock.seconds)
            self.groups.reconciler.adopt(group, member)
            cause = (f"At {now} an instance was added in response to a user request to attach instance "
                     f"{instance.instance_id}, increasing the capacity from {before} to {group.desired}.")
            activity = self.groups.reconciler.start_activity(group, f"Attaching an existing EC2 instance: "
                                                             f"{instance.instance_id}", cause)
            self.groups.reconciler.end_activity(group, activity)

    def detach(self, account_id: str, name: str, instance_ids: list[str], decrement: bool) -> list[Activity]:
        """DetachInstances: the instances leave the group (and keep running); without
        ``decrement`` the group launches replacements.

        Raises:
            ServiceError: ValidationError for an instance the group does not manage, or a
                decrement below MinSize.
        """
        group = self.groups.get(account_id, name)
        members = []
        for instance_id in instance_ids:
            member = group.members.get(instance_id)
            if member is None or not member.counted:
                raise validation_error(f"The instance {instance_id} is not part of Auto Scaling group {name}.")
            members.append(member)
        if decrement and group.desired - len(members) < group.min_size:
            raise validation_error(f"Detaching {len(members)} instance(s) with ShouldDecrementDesiredCapacity would "
                                   f"take {name} below its min size ({group.min_size})")
        before = group.desired
        if decrement:
            group.desired -= len(members)
        now = stamp(self.groups.ctx.clock.now())
        activities = []
        self.groups.ec2.tags.set_service_tag(account_id, [m.instance_id for m in members], GROUP_TAG, None)
        for member in members:
            self.groups.reconciler.release(group, member)
            member.lifecycle = LifecycleState.DETACHED
            cause = (f"At {now} instance {member.instance_id} was detached in response to a user request"
                     + (f", shrinking the capacity from {before} to {group.desired}." if decrement else "."))
            activity = self.groups.reconciler.start_activity(group, f"Detaching EC2 instance: {member.instance_id}",
                                                             cause)
            self.groups.reconciler.end_activity(group, activity)
            activities.append(activity)
        self.groups.reconciler.wake(group)
        return activities
