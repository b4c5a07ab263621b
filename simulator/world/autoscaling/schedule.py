"""Scheduled actions: a group's min, max and desired capacity set at a time, once or on a
cron ``Recurrence`` (five fields, Unix cron, read with ``croniter``) in UTC or an IANA
``TimeZone`` (``zoneinfo``: daylight saving time moves the local schedule as AWS does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from simulator.world.autoscaling.errors import validation_error


@dataclass(slots=True, eq=False)
class ScheduledAction:
    """A scheduled update of a group's capacity. ``next_run`` is the UTC instant it fires
    next (None once a one-time action has run or a recurrence has ended)."""

    name: str
    arn: str
    group_name: str
    start_time: datetime | None
    end_time: datetime | None
    recurrence: str | None
    time_zone: str | None
    min_size: int | None
    max_size: int | None
    desired: int | None
    next_run: datetime | None = None
    generation: int = 0


def check_time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``.

    Raises:
        ServiceError: ValidationError naming TimeZone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise validation_error(f"Invalid time zone {name!r} for TimeZone; use an IANA name such as "
                               "'America/New_York' or 'Etc/UTC'") from None


def check_recurrence(recurrence: str) -> str:
    """A five-field Unix cron expression.

    Raises:
        ServiceError: ValidationError naming Recurrence.
    """
    if len(recurrence.split()) != 5 or not croniter.is_valid(recurrence):
        raise validation_error(f"Given recurrence string {recurrence!r} is not a valid Unix cron expression of five "
                               "fields (minute hour day-of-month month day-of-week)")
    return recurrence


def next_run(action: ScheduledAction, after: datetime) -> datetime | None:
    """The first instant after ``after`` (UTC) at which ``action`` fires, or None.

    A one-time action fires at its start time. A recurring one fires at each cron instant
    in its time zone from its start time on (an instant equal to the start time included),
    up to its end time.
    """
    if action.recurrence is None:
        start = action.start_time
        return start if start is not None and start > after else None
    zone = ZoneInfo(action.time_zone) if action.time_zone else UTC
    base = after
    if action.start_time is not None and action.start_time > after:
        base = action.start_time - timedelta(seconds=1)  # cron instants are whole minutes
    try:
        moment = croniter(action.recurrence, base.astimezone(zone)).get_next(datetime)
    except (CroniterBadCronError, CroniterBadDateError):
        return None
    moment = moment.astimezone(UTC)
    if action.end_time is not None and moment > action.end_time:
        return None
    return moment
