"""The license types timeline: each instance's billing code, tenancy, Dedicated Host and vCPUs,
one row when it launches and whenever one of them changes (license type conversions, placement
changes, starts on another host, host recovery, resizes). It reads the ``license_types``
records only."""

from __future__ import annotations

import pandas as pd

from simulator.core.clock import Clock
from simulator.core.records import Records

#: The timeline's columns.
COLUMNS = ["time", "instance_id", "account_id", "usage_operation", "platform_details", "tenancy", "host_id", "vcpus"]


def license_types(records: Records, clock: Clock) -> pd.DataFrame:
    """The ``license_types`` records as a DataFrame with ``COLUMNS``: ``time`` (UTC),
    ``instance_id``, ``account_id``, ``usage_operation`` (the billing code), ``platform_details``,
    ``tenancy`` (default, dedicated or host), ``host_id`` (empty off Dedicated Hosts) and
    ``vcpus`` (a resize changes them); a record that repeats its instance's previous one (a
    placement change that changed only the affinity) is left out."""
    from simulator.timelines.frames import records_frame

    frame = records_frame(records, "license_types", clock)[COLUMNS]
    described = COLUMNS[2:]
    repeated = (frame[described] == frame.groupby("instance_id", sort=False)[described].shift()).all(axis=1)
    return frame[~repeated].reset_index(drop=True)
