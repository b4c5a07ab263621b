"""Functions over change-point level series (such as compliance): regular grids and
time-weighted averages."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _last_per_instant(levels: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    """The level each series has after all changes at an instant (later rows win)."""
    return levels.drop_duplicates(subset=["time", key], keep="last").pivot(index="time", columns=key, values=value)


def resample_levels(
    levels: pd.DataFrame, every: str = "1h", *, key: str = "license_configuration_arn",
    value: str = "consumed", start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """A change-point series on a regular grid, forward filled.

    Args:
        levels: Rows with ``time``, ``key`` and ``value`` columns, in time order.
        every: The grid step (a pandas offset such as ``"1h"`` or ``"15min"``).
        key: The column naming each series (one output column per series).
        value: The level to resample.
        start: The first grid instant (default: the first change, floored to the step).
        end: The last grid instant (default: the last change).

    Returns:
        A DataFrame indexed by the grid instants with one column per series; NaN before a
        series' first change.
    """
    if levels.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="time"))
    wide = _last_per_instant(levels, key, value)
    start = wide.index[0].floor(every) if start is None else pd.Timestamp(start)
    end = wide.index[-1] if end is None else pd.Timestamp(end)
    grid = pd.date_range(start, end, freq=every, name="time")
    return wide.reindex(wide.index.union(grid)).ffill().reindex(grid)


def time_weighted(
    levels: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
    key: str = "license_configuration_arn", value: str = "consumed",
) -> pd.Series:
    """The time-weighted mean of each series over ``[start, end]``.

    A series counts from its first change (or ``start``, whichever is later) and holds its
    level until the next change.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if levels.empty or end <= start:
        return pd.Series(dtype="float64", name=value)
    wide = _last_per_instant(levels, key, value)
    before = wide[wide.index <= start].ffill()
    head = before.iloc[[-1]] if len(before) else wide.iloc[[0]] * np.nan
    inside = wide[(wide.index > start) & (wide.index < end)]
    frame = pd.concat([head.set_axis([start]), inside]).ffill()
    edges = frame.index.append(pd.DatetimeIndex([end]))
    durations = np.diff(edges.asi8).astype("float64")
    weights = pd.DataFrame(np.repeat(durations[:, None], frame.shape[1], axis=1), index=frame.index,
                           columns=frame.columns).where(frame.notna(), 0.0)
    return ((frame.fillna(0.0) * weights).sum() / weights.sum()).rename(value)
