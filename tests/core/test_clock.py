"""The clock, durations and instants."""

from datetime import UTC, datetime, timedelta

import pytest
import simpy

from simulator.core.clock import Clock, parse_duration, parse_instant


def test_parse_instant_accepts_z_suffix_and_naive_datetimes_as_utc():
    """ISO strings with Z and naive datetimes are both read as UTC."""
    assert parse_instant("2026-01-01T00:00:00Z") == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_instant(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)
    shifted = parse_instant("2026-01-01T02:00:00+02:00")
    assert shifted == datetime(2026, 1, 1, tzinfo=UTC) and shifted.tzinfo == UTC


def test_parse_instant_rejects_garbage():
    """A string that is not ISO-8601 is a ValueError naming it."""
    with pytest.raises(ValueError, match="not-a-date"):
        parse_instant("not-a-date")


@pytest.mark.parametrize(
    "text, seconds",
    [("90m", 5400), ("36h", 129600), ("7d", 604800), ("1d12h", 129600), ("1w", 604800), ("30s", 30), (45, 45)],
)
def test_parse_duration_units(text, seconds):
    """Durations combine number-unit parts."""
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5 parsecs", "7dx", "-3h"])
def test_parse_duration_rejects_malformed(text):
    """Malformed durations are ValueErrors."""
    with pytest.raises(ValueError):
        parse_duration(text)


def test_clock_maps_seconds_and_schedules_callbacks():
    """Simulated seconds map to instants, and call_later fires at the right time."""
    env = simpy.Environment()
    clock = Clock(env, "2026-03-01T00:00:00Z")
    fired = []
    clock.call_later(90, lambda tag: fired.append((env.now, tag)), "x")
    env.run(until=60)
    assert fired == []
    env.run(until=120)
    assert fired == [(90, "x")]
    assert clock.now() == datetime(2026, 3, 1, 0, 2, tzinfo=UTC)
    assert clock.to_seconds("2026-03-01T01:00:00Z") == 3600
    assert clock.to_datetime(86400) == datetime(2026, 3, 2, tzinfo=UTC)


def test_instants_past_the_latest_timestamp_are_a_value_error():
    """Date arithmetic cannot overflow: an instant past 9999-12-31T23:59:59Z is a ValueError
    naming it, and ``seconds_left`` tells input checks how far an expiry may reach."""
    env = simpy.Environment()
    clock = Clock(env, "2026-03-01T00:00:00Z")
    left = clock.seconds_left()
    assert clock.to_datetime(left) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(ValueError, match="past 9999-12-31"):
        clock.to_datetime((2**31 - 1) * 86400.0)
    env.run(until=100)
    assert clock.seconds_left() == left - 100
