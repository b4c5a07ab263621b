"""Dedicated Host timelines: time-weighted host use (host-hours, licensed core-hours, vCPU
utilization) per host, group or account, and host levels on a regular grid. They read the
``hosts`` change-point records only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.timelines.levels import resample_levels

#: The states in which a host no longer exists for its account.
GONE_STATES = ("released", "released-permanent-failure")
#: What ``by`` may group host utilization by, and the column it groups by.
GROUPINGS = {"host": "host_id", "group": "host_resource_group_arn", "account": "account_id"}
_VALUES = ("instance_count", "vcpus_used", "vcpus_total", "cores", "sockets", "vcpu_utilization")


def host_utilization(hosts: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, by: str = "host") -> pd.DataFrame:
    """Time-weighted use of Dedicated Hosts over ``[start, end]``.

    A host counts from its allocation until it is released. A host is licensed while it
    carries instances: per-core and per-socket software on Dedicated Hosts is licensed for
    every physical core or socket of a host it runs on.

    Args:
        hosts: ``sim.timelines.hosts``.
        start: The window's start.
        end: The window's end.
        by: ``"host"``, ``"group"`` (host resource group ARN, empty for hosts in none) or
            ``"account"``; a host's rows count toward the group or account of each row.

    Returns:
        One row per host, group or account with ``host_hours``, ``occupied_host_hours``
        (hours with instances), ``core_hours``, ``licensed_core_hours`` and
        ``licensed_socket_hours`` (cores and sockets of hosts while they carry instances),
        ``vcpu_hours_used`` and ``mean_vcpu_utilization`` (vCPU-hours used over vCPU-hours
        of the hosts while allocated); by host also ``account_id``, ``instance_family`` and
        ``host_resource_group_arn`` (the last group the host was in).

    Raises:
        ValueError: for an unknown ``by``.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, got {by!r}")
    key = GROUPINGS[by]
    columns = ["host_hours", "occupied_host_hours", "core_hours", "licensed_core_hours", "licensed_socket_hours",
               "vcpu_hours_used", "mean_vcpu_utilization"]
    start, end = pd.Timestamp(start).as_unit("ns"), pd.Timestamp(end).as_unit("ns")
    if hosts.empty or end <= start:
        return pd.DataFrame(columns=columns, index=pd.Index([], name=key), dtype="float64")
    rows = hosts.sort_values(["host_id", "time"], kind="stable").reset_index(drop=True)
    totals = _weighted(rows, start, end, key).groupby(key, sort=False).sum()
    totals["mean_vcpu_utilization"] = totals.vcpu_hours_used / totals.vcpu_hours.where(totals.vcpu_hours > 0)
    frame = totals[columns]
    if by == "host":
        described = rows.drop_duplicates("host_id", keep="last").set_index("host_id")
        grouped = rows[rows.host_resource_group_arn != ""].groupby("host_id").host_resource_group_arn.last()
        described["host_resource_group_arn"] = grouped.reindex(described.index).fillna("")
        frame = described[["account_id", "host_resource_group_arn", "instance_family"]].join(frame, how="right")
    frame.index.name = key
    return frame


def _weighted(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, key: str) -> pd.DataFrame:
    """Each row's hours inside ``[start, end]`` (a level holds until its host's next row, the
    last until ``end``) times what it measures: allocated hours, occupied hours, cores,
    sockets and vCPUs; ``rows`` sorted by host and time."""
    times = rows.time.dt.as_unit("ns").astype("int64").to_numpy()
    following = np.roll(times, -1)
    last = rows.host_id.ne(rows.host_id.shift(-1)).to_numpy()
    following[last] = end.value
    low = np.maximum(times, start.value)
    high = np.minimum(following, end.value)
    hours = np.clip(high - low, 0, None) / 3.6e12
    allocated = hours * ~rows.state.isin(GONE_STATES).to_numpy()
    occupied = allocated * (rows.instance_count.to_numpy() > 0)
    return pd.DataFrame({
        key: rows[key].to_numpy(),
        "host_hours": allocated,
        "occupied_host_hours": occupied,
        "core_hours": allocated * rows.cores.to_numpy(),
        "licensed_core_hours": occupied * rows.cores.to_numpy(),
        "licensed_socket_hours": occupied * rows.sockets.to_numpy(),
        "vcpu_hours_used": allocated * rows.vcpus_used.to_numpy(),
        "vcpu_hours": allocated * rows.vcpus_total.to_numpy(),
    })


def hosts_grid(hosts: pd.DataFrame, every: str, value: str, end: pd.Timestamp) -> pd.DataFrame:
    """A host level on a regular grid up to ``end``: one column per host, NaN before its
    allocation and once it is released.

    Args:
        hosts: ``sim.timelines.hosts``.
        every: The grid step (``"1h"``).
        value: ``instance_count``, ``vcpus_used``, ``vcpus_total``, ``cores``, ``sockets`` or
            ``vcpu_utilization`` (vCPUs used over the host's vCPUs).
        end: The last grid instant.

    Raises:
        ValueError: for an unknown ``value``.
    """
    if value not in _VALUES:
        raise ValueError(f"value must be one of {', '.join(_VALUES)}, got {value!r}")
    if hosts.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="time"))
    levels = hosts.vcpus_used / hosts.vcpus_total if value == "vcpu_utilization" else hosts[value].astype("float64")
    # released hosts get a marker the forward fill keeps, then NaN
    marked = hosts.assign(level=levels.where(~hosts.state.isin(GONE_STATES), -1.0))
    grid = resample_levels(marked, every, key="host_id", value="level", end=pd.Timestamp(end))
    return grid.mask(grid < 0)
