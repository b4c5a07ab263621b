"""Scheduled actions of Auto Scaling groups: PutScheduledUpdateGroupAction,
DescribeScheduledActions, DeleteScheduledAction, and firing them at their simulated times
(one timer per action's next run; a suspended ScheduledActions process skips a run)."""

from __future__ import annotations

from datetime import datetime

from simulator.world.autoscaling.errors import (
    limit_exceeded,
    scheduled_action_already_exists,
    validation_error,
)
from simulator.world.autoscaling.group import AutoScalingGroup
from simulator.world.autoscaling.schedule import ScheduledAction, check_recurrence, check_time_zone, next_run
from simulator.world.autoscaling.service import AutoScalingService

#: Scheduled actions per group (Amazon EC2 Auto Scaling quotas).
MAX_ACTIONS = 125


class ScheduledActions:
    """The scheduled actions of one region's groups.

    Args:
        groups: The region's Auto Scaling service.
    """

    def __init__(self, groups: AutoScalingService) -> None:
        self.groups = groups
        self.ctx = groups.ctx

    def put(self, account_id: str, group_name: str, name: str, *, start_time: datetime | None = None,
            end_time: datetime | None = None, recurrence: str | None = None, time_zone: str | None = None,
            min_size: int | None = None, max_size: int | None = None, desired: int | None = None,
            create_only: bool = False) -> ScheduledAction:
        """PutScheduledUpdateGroupAction: create or replace the action ``name`` of the group.

        Raises:
            ServiceError: ValidationError for an unknown group, no size given, a start time
                in the past, an end time before the start, a bad recurrence or time zone, or
                sizes that contradict each other; LimitExceeded past 125 actions;
                AlreadyExists with ``create_only``.
        """
        group = self.groups.get(account_id, group_name)
        now = self.ctx.clock.now()
        if min_size is None and max_size is None and desired is None:
            raise validation_error("At least one of MinSize, MaxSize or DesiredCapacity must be specified.")
        if recurrence is not None:
            check_recurrence(recurrence)
        if time_zone is not None:
            check_time_zone(time_zone)
        if start_time is not None and start_time < now:
            raise validation_error(f"Given start time {start_time.isoformat()} is in the past")
        if recurrence is None and start_time is None:
            raise validation_error("Either StartTime or Recurrence must be specified.")
        if end_time is not None and (end_time < now or (start_time is not None and end_time < start_time)):
            raise validation_error("Given end time is in the past or before the start time")
        low = group.min_size if min_size is None else min_size
        high = group.max_size if max_size is None else max_size
        if low > high or (desired is not None and not low <= desired <= high):
            raise validation_error(f"The scheduled sizes contradict each other: min {low}, max {high}, desired "
                                   f"{desired}")
        if name in group.scheduled and create_only:
            raise scheduled_action_already_exists(name)
        if name not in group.scheduled and len(group.scheduled) >= MAX_ACTIONS:
            raise limit_exceeded(f"You have reached your limit of {MAX_ACTIONS} scheduled actions for {group_name}")
        previous = group.scheduled.get(name)
        action = ScheduledAction(
            name=name, arn=f"arn:aws:autoscaling:{self.ctx.region}:{account_id}:scheduledUpdateGroupAction:"
                           f"{self.ctx.ids.uuid('scheduled-action')}:autoScalingGroupName/{group_name}:"
                           f"scheduledActionName/{name}",
            group_name=group_name, start_time=start_time, end_time=end_time, recurrence=recurrence,
            time_zone=time_zone, min_size=min_size, max_size=max_size, desired=desired,
            generation=previous.generation + 1 if previous else 0,
        )
        if previous is not None:
            previous.generation += 1  # its timer no longer fires
        group.scheduled[name] = action
        self._arm(group, action, now)
        return action

    def _arm(self, group: AutoScalingGroup, action: ScheduledAction, after: datetime) -> None:
        action.next_run = next_run(action, after)
        if action.next_run is not None:
            self.ctx.clock.call_at(self.ctx.clock.to_seconds(action.next_run), self._fire, group, action,
                                   action.generation)

    def _fire(self, group: AutoScalingGroup, action: ScheduledAction, generation: int) -> None:
        if group.deleted or action.generation != generation or group.scheduled.get(action.name) is not action:
            return
        now = self.ctx.clock.now()
        if group.running("ScheduledActions"):
            min_size = group.min_size if action.min_size is None else action.min_size
            max_size = group.max_size if action.max_size is None else action.max_size
            desired = group.desired if action.desired is None else action.desired
            desired = min(max(desired, min_size), max_size)
            before = group.desired
            group.min_size, group.max_size, group.desired = min_size, max_size, desired
            self.groups.desired_changed(group, before, f"a scheduled action update of AutoScalingGroup constraints "
                                                        f"to min: {min_size}, max: {max_size}, desired: {desired}")
        if action.recurrence is None:
            del group.scheduled[action.name]  # a one-time action goes once it ran
            return
        self._arm(group, action, now)
        if action.next_run is None:
            del group.scheduled[action.name]

    def describe(self, account_id: str, group_name: str | None = None, names: list[str] | None = None,
                 start_time: datetime | None = None, end_time: datetime | None = None) -> list[ScheduledAction]:
        """DescribeScheduledActions: the actions of a group (or of every group), optionally
        by name and those whose next run lies in [start_time, end_time].

        Raises:
            ServiceError: ValidationError for an unknown group.
        """
        if group_name is not None:
            groups = [self.groups.get(account_id, group_name)]
        else:
            groups = list(self.groups.account_groups(account_id).values())
        actions = [a for g in groups for a in g.scheduled.values()]
        if names:
            actions = [a for a in actions if a.name in names]
        if start_time is not None:
            actions = [a for a in actions if a.next_run is not None and a.next_run >= start_time]
        if end_time is not None:
            actions = [a for a in actions if a.next_run is not None and a.next_run <= end_time]
        return actions

    def delete(self, account_id: str, group_name: str, name: str) -> None:
        """DeleteScheduledAction.

        Raises:
            ServiceError: ValidationError for an unknown group or action.
        """
        group = self.groups.get(account_id, group_name)
        action = group.scheduled.pop(name, None)
        if action is None:
            raise validation_error(f"Scheduled Update Group Action name not found - Could not find scheduled action "
                                   f"{name} for {group_name}")
        action.generation += 1
