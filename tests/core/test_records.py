"""Record buffers and the event bus."""

import math
from enum import StrEnum
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.core.bus import EventBus
from simulator.core.record_columns import Objects
from simulator.core.records import CHUNK, Records


class _Row(NamedTuple):
    time: float
    value: int


class _Other(NamedTuple):
    time: float


class _Status(StrEnum):
    AVAILABLE = "AVAILABLE"
    a = "a"


def test_records_register_rows_and_fields():
    """A registered kind keeps its rows and field names; re-registering with another type fails."""
    records = Records()
    rows = records.register("levels", _Row)
    rows.append((0.0, 1))
    assert list(records.rows("levels")) == [(0.0, 1)]
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


class _Mixed(NamedTuple):
    time: float
    count: int
    name: str
    detail: tuple[str, ...]


_VALUES = {
    "time": st.one_of(st.floats(allow_nan=True), st.integers(-3, 3), st.none()),
    "count": st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False, width=16), st.none()),
    "name": st.one_of(st.sampled_from(["a", "b", "arn:aws:x", ""]), st.text(max_size=3), st.none(),
                      st.sampled_from(list(_Status))),
    "detail": st.one_of(st.lists(st.sampled_from(["i-1", "a->b", ""]), max_size=3).map(tuple),
                        st.tuples(st.text(max_size=2)), st.tuples(st.none()), st.none()),
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*_VALUES.values()), max_size=3 * CHUNK // 2), st.integers(0, 2))
def test_buffer_gives_back_every_row_value_for_value_and_type_for_type(rows, reserved):
    """Whatever the columns keep compactly (numbers in typed arrays, repeated strings as
    codes), every row reads back equal to what was written and of the same types (strings as
    plain ``str``), by index, by iteration and by column, across the move from rows to columns."""
    buffer = Records().register("mixed", _Mixed)
    slots = [buffer.reserve() for _ in range(reserved)]
    for row in rows:
        buffer.append(row)
    for slot in slots:
        buffer.fill(slot, rows[0] if rows else (0.0, 0, "", ()))
    for row in rows * 2:  # past the chunk size once the reserved rows are filled
        buffer.append(row)
    expected = [rows[0] if rows else (0.0, 0, "", ())] * reserved + rows + rows * 2

    def same(a, b):
        if isinstance(b, str) and type(a) is str:
            return a == b
        return type(a) is type(b) and (a == b or (a != a and b != b)) and (
            not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, b))

    assert len(buffer) == len(expected)
    for got, want in ((list(buffer), expected), ([buffer[i] for i in range(len(buffer))], expected)):
        assert all(all(map(same, g, w)) for g, w in zip(got, want, strict=True))
    for position, name in enumerate(_Mixed._fields):
        assert all(map(same, buffer.column(name), [row[position] for row in expected]))


def test_columns_keep_numbers_and_repeated_strings_compactly():
    """Past a chunk, floats and ints sit in typed arrays, repeated strings in one-byte codes
    and tuples of strings end to end; strings that never repeat, and values of other types,
    stay as they are."""
    buffer = Records().register("mixed", _Mixed)
    for n in range(CHUNK):
        buffer.append((float(n), n, f"arn-{n % 3}", (str(n),)))
    time, count, name, detail = buffer._columns
    assert (time.array.typecode, count.array.typecode, name.codes.typecode) == ("d", "i", "B")
    assert name.strings == ["", "arn-0", "arn-1", "arn-2"] and isinstance(detail.items, Objects)
    buffer.append((0, 2**40, f"unique-{0}", ()))
    for n in range(CHUNK - 1):
        buffer.append((1.5, 1, f"unique-{n + 1}", ()))
    time, count, name, _ = buffer._columns
    assert time.aside == {CHUNK: 0} and count.array.typecode == "q" and isinstance(name, Objects)
    assert buffer[CHUNK] == (0, 2**40, "unique-0", ()) and type(buffer[CHUNK][0]) is int
    others = Records().register("others", _Mixed)
    for n in range(CHUNK + 1):
        others.append((None, True, None if n % 2 else _Status.a, ()))
    assert all(isinstance(c, Objects) for c in others._columns[:3]) and len(others._columns[3].items) == 0
    assert list(others)[:2] == [(None, True, _Status.a, ()), (None, True, None, ())]
    assert type(others[0][2]) is str  # a StrEnum member reads back as the string it equals
