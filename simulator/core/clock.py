"""The simulation clock: SimPy seconds since the scenario start, mapped to UTC datetimes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import simpy

_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: The longest duration accepted (a thousand years), well inside what timedelta holds.
_LONGEST = 1000 * 366 * 86400.0
#: The latest instant a timestamp can hold (a four-digit year, as datetime and ISO 8601 dates
#: in AWS responses have): an expiry computed from input must not pass it.
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
#: Simulated seconds in a day.
DAY = 86400.0


def parse_instant(value: datetime | str) -> datetime:
    """Return ``value`` as a tz-aware UTC datetime.

    Args:
        value: A datetime (naive ones are taken as UTC) or an ISO-8601 string such as
            ``"2026-01-01T00:00:00Z"``.

    Raises:
        ValueError: if the string is not ISO-8601.
        TypeError: if ``value`` is neither a datetime nor a string.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO-8601 instant: {value!r}") from None
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime or an ISO-8601 string, got {type(value).__name__}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_duration(value: timedelta | str | int | float) -> timedelta:
    """Return ``value`` as a timedelta.

    Args:
        value: A timedelta, a number of seconds, or a string made of ``<number><unit>``
            parts with units ms, s, m, h, d, w (``"90m"``, ``"36h"``, ``"7d"``, ``"1d12h"``).

    Raises:
        ValueError: if the string is malformed, or the duration is negative, not finite or
            longer than a thousand years.
        TypeError: for a value of another type.
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) if abs(value) < 1e300 else math.inf
    elif isinstance(value, str):
        text = value.strip().lower()
        parts = _DURATION_PART.findall(text)
        if not text or _DURATION_PART.sub("", text).strip():
            raise ValueError(
                f"not a duration: {value!r}; use e.g. '90m', '36h', '7d' (units ms, s, m, h, d, w)"
            )
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    else:
        raise TypeError(f"expected a timedelta, seconds or a duration string, got {value!r}")
    if not math.isfinite(seconds) or abs(seconds) > _LONGEST:
        raise ValueError(f"duration {value!r} is not a finite number of seconds up to {_LONGEST:.0f}")
    result = timedelta(seconds=seconds)
    if result < timedelta(0):
        raise ValueError(f"duration must not be negative: {value!r}")
    return result


class Clock:
    """Maps the SimPy environment's seconds to UTC datetimes.

    Args:
        env: The SimPy environment whose ``now`` (seconds since start) is the time.
        start: The UTC instant that ``env.now == 0`` stands for.
    """

    def __init__(self, env: simpy.Environment, start: datetime | str) -> None:
        self.env = env
        self.start = parse_instant(start)
        self._latest = (LATEST - self.start).total_seconds()
        self._instant: tuple[float, datetime] = (env.now, self.start + timedelta(seconds=env.now))

    @property
    def seconds(self) -> float:
        """Simulated seconds since the start."""
        return self.env.now

    def now(self) -> datetime:
        """The current simulated instant (worked out once per instant: many calls ask at one)."""
        seconds = self.env.now
        instant = self._instant
        if instant[0] is not seconds:
            instant = self._instant = (seconds, self.start + timedelta(seconds=seconds))
        return instant[1]

    def to_datetime(self, seconds: float) -> datetime:
        """The instant ``seconds`` after the start.

        Raises:
            ValueError: for an instant past ``LATEST`` (check input with ``seconds_left``).
        """
        try:
            return self.start + timedelta(seconds=seconds)
        except OverflowError:
            raise ValueError(f"{seconds} seconds after {self.start.isoformat()} is past {LATEST.isoformat()}") from None

    def seconds_left(self) -> float:
        """Seconds from now to ``LATEST``: the longest delay an expiry taken from input may have."""
        return self._latest - self.env.now

    def to_seconds(self, instant: datetime | str) -> float:
        """Seconds from the start to ``instant``."""
        return (parse_instant(instant) - self.start).total_seconds()

    def call_later(self, delay: float, callback: Callable[..., None], *args: Any) -> None:
        """Call ``callback(*args)`` when ``delay`` more simulated seconds have passed.

        One SimPy event, no process: the way domain services schedule a one-off change
        (a state transition, a task completing) without owning a process.
        """
        timeout = simpy.Timeout(self.env, delay)
        timeout.callbacks.append(lambda _event: callback(*args))

    def call_at(self, seconds: float, callback: Callable[..., None], *args: Any) -> None:
        """Call ``callback(*args)`` at ``seconds`` since the start (now if that has passed)."""
        self.call_later(max(0.0, seconds - self.env.now), callback, *args)

    def every(self, period: float, callback: Callable[[], None], *, first: float | None = None) -> None:
        """Call ``callback()`` every ``period`` simulated seconds, for ever: the way a
        service runs periodic work (sweeps, collection cycles) without owning a process.

        Args:
            period: Seconds between calls (positive).
            callback: What to call.
            first: Seconds from now to the first call (default: ``period``).

        Raises:
            ValueError: if ``period`` is not positive.
        """
        if not period > 0:
            raise ValueError(f"period must be positive, got {period!r}")

        def tick() -> None:
            self.call_later(period, tick)
            callback()

        self.call_later(period if first is None else first, tick)

    def daily_at(self, time_of_day: str, callback: Callable[[], None]) -> None:
        """Call ``callback()`` every day at ``time_of_day`` (``"HH:MM"``, UTC).

        Raises:
            ValueError: for a malformed time of day.
        """
        match = re.fullmatch(r"([01][0-9]|2[0-3]):([0-5][0-9])", time_of_day)
        if match is None:
            raise ValueError(f"time_of_day must be HH:MM (UTC), got {time_of_day!r}")
        offset = int(match[1]) * 3600 + int(match[2]) * 60
        now = self.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        first = (midnight - now).total_seconds() + offset
        if first <= 0:
            first += 86400
        self.every(86400.0, callback, first=first)
