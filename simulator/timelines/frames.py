"""DataFrames of the recorded timelines. They read the records only, never live objects."""

from __future__ import annotations

import pandas as pd

from simulator.core.clock import Clock
from simulator.core.records import EventRecord, Records


def records_frame(records: Records, kind: str, clock: Clock) -> pd.DataFrame:
    """The records of ``kind`` as a DataFrame, with ``time`` as tz-aware UTC datetimes.

    Args:
        records: The simulation's records.
        kind: The record kind (``"events"``, ...).
        clock: Maps the records' simulated seconds to instants.
    """
    fields = list(records.fields(kind))
    frame = pd.DataFrame.from_records(records.rows(kind), columns=fields)
    start = pd.Timestamp(clock.start)
    frame["time"] = start + pd.to_timedelta(frame["time"].astype("float64"), unit="s")
    return frame


class Timelines:
    """The timelines of one simulation, each built when asked for.

    Args:
        records: The simulation's records.
        clock: The simulation clock.
    """

    def __init__(self, records: Records, clock: Clock) -> None:
        self._records = records
        self._clock = clock
        records.register("events", EventRecord)

    @property
    def events(self) -> pd.DataFrame:
        """Every API call and world event, in the order they happened.

        Columns: ``time`` (UTC), ``account_id``, ``region``, ``service``, ``event_name``
        (the operation, or the world event such as ``InstanceStateChange``),
        ``resource_id``, ``outcome`` (success or error), ``error_code``, ``principal``
        (API calls), ``source`` (api or world), ``detail`` (the request parameters as
        JSON, or what changed).
        """
        return records_frame(self._records, "events", self._clock)
