"""Timelines of managed entitlements, from the records only: entitlement levels, grant
statuses, checkout events, and the plot of a license's consumption against its counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.timelines.frames import records_frame

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def entitlements(records: Records, clock: Clock) -> pd.DataFrame:
    """One row whenever an entitlement's consumption or count changes.

    Columns: ``time``, ``license_arn``, ``product_sku``, ``entitlement``, ``unit``,
    ``max_count`` (NaN when unlimited), ``consumed`` (the quantity live checkouts hold; for an
    unlimited entitlement, how many checkouts hold it), ``overage`` (consumed beyond
    max_count), ``account_id`` (whose checkout, check-in, lapse or extension moved it; the
    issuer's for a new version or a renewal).
    """
    return records_frame(records, "entitlements", clock)


def grants(records: Records, clock: Clock) -> pd.DataFrame:
    """One row per grant created or changed. Columns: ``time``, ``grant_arn``,
    ``license_arn``, ``grantee`` (principal ARN), ``status`` (GrantStatus), ``version``."""
    return records_frame(records, "grants", clock)


def checkouts(records: Records, clock: Clock) -> pd.DataFrame:
    """One row per checkout event. Columns: ``time``, ``event`` (checkout, borrow,
    extension, check_in, lapse, renewal, revoked), ``license_consumption_token``,
    ``license_arn``, ``account_id``, ``checkout_type`` (PROVISIONAL, PERPETUAL, BORROW),
    ``entitlements`` (``name=quantity`` joined by ``;``), ``node_id``, ``beneficiary``,
    ``expiration`` (UTC; NaT for a perpetual checkout)."""
    frame = records_frame(records, "checkouts", clock)
    frame["expiration"] = pd.Timestamp(clock.start) + pd.to_timedelta(frame["expiration"].astype("float64"), unit="s")
    return frame


def plot_entitlements(levels: pd.DataFrame, license_arn: str, ax: Axes | None = None,
                      end: pd.Timestamp | None = None) -> Axes:
    """One license's limited entitlements: consumption as step lines against each MaxCount
    (dashed), with the overage shaded where there is one.

    Args:
        levels: ``sim.timelines.entitlements``.
        license_arn: The license to draw.
        ax: Where to draw (default: a new figure).
        end: Where the last levels end (default: the last change).

    Raises:
        ValueError: if the license has no limited entitlement levels.
    """
    import matplotlib.pyplot as plt  # matplotlib loads only to plot

    from simulator.timelines.plots import date_axis

    rows = levels[(levels.license_arn == license_arn) & levels.max_count.notna()]
    if rows.empty:
        raise ValueError(f"no limited entitlement levels for {license_arn}")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (name, series) in enumerate(rows.groupby("entitlement", sort=False)):
        series = series.drop_duplicates("time", keep="last").set_index("time")
        last = pd.Timestamp(end) if end is not None else series.index[-1]
        series = pd.concat([series, series.iloc[[-1]].set_axis([max(last, series.index[-1])])])
        color = colors[index % len(colors)]
        unit = series["unit"].iloc[-1]
        ax.step(series.index, series["consumed"], where="post", color=color, label=f"{name} consumed ({unit})")
        ax.step(series.index, series["max_count"], where="post", color=color, linestyle="--",
                label=f"{name} MaxCount")
        over = series["consumed"] > series["max_count"]
        if over.any():
            ax.fill_between(series.index, series["max_count"], series["consumed"], step="post", color=color,
                            alpha=0.3, where=over, label=f"{name} overage")
    date_axis(ax, rows.time.min(), end)
    ax.set_ylim(bottom=0, top=max(rows.consumed.max(), rows.max_count.max(), 1) * 1.3)
    ax.set_title(f"{rows['product_sku'].iloc[-1]}: {license_arn.rsplit(':', 1)[-1]}")
    ax.set_ylabel("consumed")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def licenses_in_use(levels: pd.DataFrame) -> list[str]:
    """The licenses with a limited entitlement that something consumed, most used first (by
    their highest consumption against MaxCount)."""
    counted = levels[levels.max_count.notna()]
    share = (counted.consumed / counted.max_count.where(counted.max_count > 0)).fillna(counted.consumed)
    peak = share.groupby(counted.license_arn, sort=False).max()
    return list(peak[peak > 0].sort_values(ascending=False, kind="stable").index)


def plot_licenses_in_use(levels: pd.DataFrame, end: pd.Timestamp | None = None, limit: int = 8) -> list[Axes]:
    """Small multiples: ``plot_entitlements`` of each license with a limited entitlement that
    was consumed (the ``limit`` most used), one above the other on one time axis.

    Args:
        levels: ``sim.timelines.entitlements``.
        end: Where the levels end (default: each license's last change).
        limit: How many licenses at most.

    Returns:
        The Axes, most used license first.

    Raises:
        ValueError: if no license with a limited entitlement was consumed.
    """
    import matplotlib.pyplot as plt  # matplotlib loads only to plot

    used = licenses_in_use(levels)
    if not used:
        raise ValueError("no license with a limited entitlement was consumed")
    shown = used[:limit]
    figure, axes = plt.subplots(len(shown), 1, sharex=True, squeeze=False, layout="constrained",
                                figsize=(10, 1.0 + 2.8 * len(shown)))
    for arn, ax in zip(shown, axes[:, 0], strict=True):
        plot_entitlements(levels, arn, ax=ax, end=end)
    if len(used) > len(shown):
        figure.suptitle(f"the {len(shown)} most used of {len(used)} licenses in use")
    return list(axes[:, 0])
