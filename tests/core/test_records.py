"""Record buffers and the event bus."""

from typing import NamedTuple

import pytest

from simulator.core.bus import EventBus
from simulator.core.records import Records


class _Row(NamedTuple):
    time: float
    value: int


class _Other(NamedTuple):
    time: float


def test_records_register_rows_and_fields():
    """A registered kind keeps its rows and field names; re-registering with another type fails."""
    records = Records()
    rows = records.register("levels", _Row)
    rows.append((0.0, 1))
    assert records.rows("levels") == [(0.0, 1)]
    assert records.fields("levels") == ("time", "value")
    assert records.register("levels", _Row) is rows
    with pytest.raises(ValueError, match="levels"):
        records.register("levels", _Other)
    with pytest.raises(KeyError, match="nothing"):
        records.rows("nothing")


def test_bus_delivers_by_type_then_to_wildcards_in_order():
    """Handlers of the event's type run before catch-all handlers, each in subscription order."""
    bus = EventBus()
    seen = []
    bus.subscribe(None, lambda e: seen.append(("all", e)))
    bus.subscribe(int, lambda e: seen.append(("int-1", e)))
    bus.subscribe(int, lambda e: seen.append(("int-2", e)))
    bus.publish(5)
    bus.publish("x")
    assert seen == [("int-1", 5), ("int-2", 5), ("all", 5), ("all", "x")]
