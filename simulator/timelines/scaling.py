"""The Auto Scaling timeline and its plot: a group's desired capacity against the instances
in service, with failed launches marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from simulator.core.clock import Clock
from simulator.core.records import Records

if TYPE_CHECKING:
    from matplotlib.axes import Axes

COLUMNS = ["time", "account_id", "group_name", "desired", "in_service", "pending", "activity", "status", "cause"]


def scaling(records: Records, clock: Clock) -> pd.DataFrame:
    """The ``scaling`` records as a frame (empty, with its columns, before any group exists)."""
    from simulator.timelines.frames import records_frame

    if "scaling" not in records.kinds():
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns, UTC]" if c == "time" else "object")
                             for c in COLUMNS})
    return records_frame(records, "scaling", clock)


def plot_scaling(frame: pd.DataFrame, group_name: str, end: pd.Timestamp, ax: Axes | None = None,
                 account_id: str | None = None) -> Axes:
    """A group's desired capacity and instances in service (and pending) as step lines up to
    ``end``, failed launch activities marked (x) at the desired level of their instant.

    Args:
        frame: ``sim.timelines.scaling``.
        group_name: The group to draw.
        end: Where the time axis ends (the simulation's now).
        ax: Where to draw (default: a new figure).
        account_id: The group's account, when groups of several accounts share the name.

    Raises:
        ValueError: if the frame has no rows for the group.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    rows = frame[frame.group_name == group_name]
    if account_id is not None:
        rows = rows[rows.account_id == account_id]
    if rows.empty:
        raise ValueError(f"no scaling records for group {group_name!r}")
    if rows.account_id.nunique() > 1:
        raise ValueError(f"groups named {group_name!r} exist in accounts {', '.join(sorted(rows.account_id.unique()))}"
                         "; give account_id")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    levels = rows.drop_duplicates("time", keep="last").set_index("time")
    last = levels.iloc[[-1]].copy()
    last.index = pd.DatetimeIndex([pd.Timestamp(end)])
    levels = pd.concat([levels, last]) if pd.Timestamp(end) > levels.index[-1] else levels
    ax.step(levels.index, levels["desired"], where="post", label="desired", color="tab:red", linestyle="--")
    ax.step(levels.index, levels["in_service"], where="post", label="in service", color="tab:blue")
    ax.step(levels.index, levels["in_service"] + levels["pending"], where="post", label="in service + pending",
            color="tab:blue", alpha=0.35)
    failed = rows[rows.status == "Failed"]
    if len(failed):
        ax.scatter(failed.time, failed.desired, marker="x", color="black", zorder=3,
                   label=f"failed launches ({len(failed)})")
    top = max(int(levels["desired"].max()), int((levels["in_service"] + levels["pending"]).max()), 1)
    ax.set_ylim(bottom=0, top=top * 1.3)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title(f"Auto Scaling group {group_name} ({rows.account_id.iloc[0]})")
    ax.set_ylabel("instances")
    ax.legend(loc="upper left", ncols=2)
    ax.grid(True, alpha=0.3)
    return ax
