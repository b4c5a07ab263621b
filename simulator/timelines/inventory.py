"""Inventory and exposure timelines: what was installed and gathered on managed nodes, and
how far License Manager's reported consumption trailed the truth. Built from the records
only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.timelines.frames import records_frame

if TYPE_CHECKING:
    from matplotlib.axes import Axes

EXPOSURE_COLUMNS = ["time", "true_consumed", "reported_consumed", "gap"]


def inventory_frame(records: Records, clock: Clock) -> pd.DataFrame:
    """The ``inventory`` records as a DataFrame (see ``Timelines.inventory``)."""
    return records_frame(records, "inventory", clock)


def exposure_frame(records: Records, clock: Clock, arn: str) -> pd.DataFrame:
    """True and reported consumption of configuration ``arn`` on one time axis: one row per
    instant either changes, each level held until its next change (0 before its first).

    Raises:
        ValueError: if neither the exposure nor the compliance records know ``arn``.
    """
    truth = records_frame(records, "exposure", clock)
    truth = truth[truth.license_configuration_arn == arn]
    compliance = records_frame(records, "compliance", clock)
    reported = compliance[compliance.license_configuration_arn == arn]
    if truth.empty and reported.empty:
        raise ValueError(f"no compliance or exposure records for {arn}")
    levels = pd.concat([
        truth.drop_duplicates("time", keep="last").set_index("time")["true_consumed"],
        reported.drop_duplicates("time", keep="last").set_index("time")["consumed"].rename("reported_consumed"),
    ], axis=1, sort=True).ffill().fillna(0).astype("int64")
    frame = levels.reset_index().rename(columns={"index": "time"})
    frame["gap"] = frame.true_consumed - frame.reported_consumed
    return frame[EXPOSURE_COLUMNS]


def plot_exposure(exposure: pd.DataFrame, title: str, ax: Axes | None = None, end: pd.Timestamp | None = None) -> Axes:
    """Draw true and reported consumption as steps, the true one on top, the gap between
    them shaded (red where License Manager reported less than the truth, grey where more);
    the legend lists what is drawn.

    Args:
        exposure: ``Timelines.exposure(arn)``.
        title: The plot's title.
        ax: Where to draw (default: a new figure).
        end: Where the run ended (default: the last change).
    """
    import matplotlib.pyplot as plt

    from simulator.timelines.plots import date_axis, held_until

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    levels = held_until(exposure.set_index("time")[["true_consumed", "reported_consumed"]], end)
    times, true, reported = levels.index, levels.true_consumed, levels.reported_consumed
    ax.step(times, true, where="post", label="true consumption", color="tab:red", linewidth=2, zorder=3)
    ax.step(times, reported, where="post", label="reported by License Manager", color="tab:blue", zorder=2)
    # Each level holds from its row to the next: shade segment by segment (fill_between's
    # ``where`` would need both ends of a step to qualify).
    if len(times) > 1:  # a single row has no segment to shade
        starts, ends = times[:-1].to_numpy(), times[1:].to_numpy()
        xs = np.column_stack([starts, ends]).ravel()
        low, high = (np.repeat(v.iloc[:-1].to_numpy(), 2) for v in (reported, true))
        shades = ((high > low, "tab:red", "not yet known"), (high < low, "tab:gray", "still counted"))
        for where, color, label in shades:
            if where.any():
                ax.fill_between(xs, low, high, where=where, color=color, alpha=0.2, label=label, zorder=1)
    ax.set_ylim(bottom=0, top=max(int(true.max()), int(reported.max()), 1) * 1.3)
    date_axis(ax, times[0], end)
    ax.set_title(title)
    ax.set_ylabel("licenses")
    ax.legend(loc="upper left", ncols=2)
    ax.grid(True, alpha=0.3)
    return ax
