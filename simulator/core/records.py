"""Append-only buffers of immutable records, one per kind, kept as columns; timelines
frame them on demand.

A writer appends a plain tuple per record (as cheap as appending to a list). Every
``CHUNK`` rows the buffer moves its newest rows into its columns, one per field
(``record_columns``: typed arrays for numbers, codes for repeated strings), so that a long
run keeps a few bytes per value instead of a tuple and its objects per row, and the garbage
collector has no row to walk. Readers get the rows back as tuples, equal to what was
written, value for value and type for type.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol, overload

from simulator.core.clock import Clock
from simulator.core.record_columns import Column, column_for

#: Rows a buffer holds as tuples before it moves them into its columns.
CHUNK = 2048


class EventRecord(NamedTuple):
    """One row of the events timeline: an API call or a world event (world events are
    recorded in groups, see EventGroupRecord, and expanded into such rows).

    ``time`` is simulated seconds since the start; ``outcome`` is ``"success"`` or
    ``"error"``; ``source`` is ``"api"`` for API calls and ``"world"`` for world events.
    """

    time: float
    account_id: str
    region: str
    service: str
    event_name: str
    resource_id: str
    outcome: str
    error_code: str
    principal: str
    source: str
    detail: str


class EventGroupRecord(NamedTuple):
    """World rows of the events timeline written together: row ``n`` is about
    ``resource_ids[n]`` with ``details[n]`` and shares every other field. The group stands
    among the API rows of ``events`` just before the row with index ``position``.
    (A group per change of many instances costs less to record than a row each.)"""

    position: int
    time: float
    account_id: str
    region: str
    service: str
    event_name: str
    resource_ids: tuple[str, ...]
    details: tuple[str, ...]


class RecordBuffer(Sequence[tuple]):
    """The records of one kind, laid out as ``record_type`` (a NamedTuple whose annotations
    choose each column's form), in the order they were appended.

    A row may be reserved before it is known (``reserve``, then ``fill``): an API call's
    row stands before the rows of what the call causes. Rows move into the columns only
    while no reserved row is open.
    """

    def __init__(self, record_type: type[tuple]) -> None:
        self.record_type = record_type
        self.fields: tuple[str, ...] = record_type._fields  # type: ignore[attr-defined]
        hints = getattr(record_type, "__annotations__", {})
        self._columns: list[Column] = [column_for(hints.get(name)) for name in self.fields]
        self._stored = 0
        self._tail: list[tuple] = []
        self._open = 0

    def append(self, row: tuple) -> None:
        """Append one record (a tuple in field order)."""
        tail = self._tail
        tail.append(row)
        if len(tail) >= CHUNK and not self._open:
            self._store()

    def reserve(self) -> int:
        """Reserve the next row, to ``fill`` later; return its index."""
        self._tail.append(None)  # type: ignore[arg-type]
        self._open += 1
        return self._stored + len(self._tail) - 1

    def fill(self, index: int, row: tuple) -> None:
        """Write the reserved row ``index``."""
        self._tail[index - self._stored] = row
        self._open -= 1

    def _store(self) -> None:
        columns = self._columns
        for position, values in enumerate(zip(*self._tail, strict=False)):  # rows of equal length
            columns[position] = columns[position].extend(values)
        self._stored += len(self._tail)
        self._tail = []

    def __len__(self) -> int:
        return self._stored + len(self._tail)

    @overload
    def __getitem__(self, index: int) -> tuple: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple]: ...

    def __getitem__(self, index: int | slice) -> tuple | list[tuple]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"record index {index} out of range ({len(self)} rows)")
        if index >= self._stored:
            return self._tail[index - self._stored]
        return tuple(column[index] for column in self._columns)

    def __iter__(self) -> Iterator[tuple]:
        if self._stored:
            yield from zip(*(column.values() for column in self._columns), strict=True)
        yield from list(self._tail)

    def column(self, name: str) -> list:
        """The values of the field ``name``, in row order (a new list)."""
        position = self.fields.index(name)
        stored = self._columns[position].values() if self._stored else []
        return stored + [row[position] for row in self._tail]

    def __repr__(self) -> str:
        return f"<RecordBuffer of {self.record_type.__name__}: {len(self)} rows>"


class Records:
    """Named buffers of records, one per kind (see ``RecordBuffer``)."""

    def __init__(self) -> None:
        self._buffers: dict[str, RecordBuffer] = {}

    def register(self, kind: str, record_type: type[tuple]) -> RecordBuffer:
        """Create (or return) the buffer ``kind`` whose rows are laid out as ``record_type``.

        Raises:
            ValueError: if ``kind`` is registered with another record type.
        """
        buffer = self._buffers.get(kind)
        if buffer is None:
            buffer = self._buffers[kind] = RecordBuffer(record_type)
        elif buffer.record_type is not record_type:
            raise ValueError(f"record kind {kind!r} is already registered as {buffer.record_type.__name__}")
        return buffer

    def rows(self, kind: str) -> RecordBuffer:
        """The buffer of ``kind``: a live sequence of its rows as tuples.

        Raises:
            KeyError: for a kind never registered.
        """
        try:
            return self._buffers[kind]
        except KeyError:
            raise KeyError(f"no records of kind {kind!r}; known: {sorted(self._buffers)}") from None

    def fields(self, kind: str) -> tuple[str, ...]:
        """The field names of the records of ``kind``."""
        return self.rows(kind).fields

    def kinds(self) -> list[str]:
        """The registered kinds."""
        return sorted(self._buffers)


class RecordableEvent(Protocol):
    """A domain event that can describe itself as events-timeline rows."""

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        """``(account_id, region, service, event_name, resource_ids, details)``: one row per
        resource id, with its detail."""
        ...


class EventRecorder:
    """Records every published domain event as world rows of the events timeline.

    Args:
        records: Where the ``events`` and ``event_groups`` buffers live.
        clock: Gives the time of the rows.
    """

    def __init__(self, records: Records, clock: Clock) -> None:
        self._api_rows = records.register("events", EventRecord)
        self._append = records.register("event_groups", EventGroupRecord).append
        self._env = clock.env

    def __call__(self, event: RecordableEvent) -> None:
        self._append((len(self._api_rows), self._env.now, *event.record_group()))
