"""Append-only buffers of immutable records, one per kind; timelines frame them on demand."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from simulator.core.clock import Clock


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


class Records:
    """Named buffers of records. Each buffer is a list of tuples laid out as its record type.

    Writers append plain tuples in the field order of the record type (cheaper than building
    the named tuple on the hot path); readers get the field names from ``fields``.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, list[tuple]] = {}
        self._types: dict[str, type[tuple]] = {}

    def register(self, kind: str, record_type: type[tuple]) -> list[tuple]:
        """Create (or return) the buffer ``kind`` whose rows are laid out as ``record_type``."""
        known = self._types.get(kind)
        if known is not None and known is not record_type:
            raise ValueError(f"record kind {kind!r} is already registered as {known.__name__}")
        self._types[kind] = record_type
        return self._buffers.setdefault(kind, [])

    def rows(self, kind: str) -> list[tuple]:
        """The rows of ``kind`` (the live buffer; do not mutate)."""
        try:
            return self._buffers[kind]
        except KeyError:
            raise KeyError(f"no records of kind {kind!r}; known: {sorted(self._buffers)}") from None

    def fields(self, kind: str) -> tuple[str, ...]:
        """The field names of the records of ``kind``."""
        return self._types[kind]._fields  # type: ignore[attr-defined]

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
