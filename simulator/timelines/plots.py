"""Plots of the timelines. Each takes ``ax=None`` (a new figure then), draws, and returns the Axes."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes


def date_axis(ax: Axes, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> None:
    """A time axis readable for spans of hours to a year: concise dates (the month or year
    written once, where it changes) at a handful of ticks, from ``start`` to ``end`` when
    given (a plot ends where the run ended, not at its last change)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
    if start is not None and end is not None and end > start:
        ax.set_xlim(mdates.date2num(pd.Timestamp(start)), mdates.date2num(pd.Timestamp(end)))


def held_until(levels: pd.DataFrame, end: pd.Timestamp | None) -> pd.DataFrame:
    """Change-point ``levels`` (indexed by time) with the last level repeated at ``end``,
    so a step line reaches the end of the run."""
    if end is None or levels.empty or pd.Timestamp(end) <= levels.index[-1]:
        return levels
    return pd.concat([levels, levels.iloc[[-1]].set_axis(pd.DatetimeIndex([pd.Timestamp(end)]))])


def plot_compliance(
    compliance: pd.DataFrame, violations: pd.DataFrame, arn: str, ax: Axes | None = None, *,
    blocked: pd.DataFrame | None = None, end: pd.Timestamp | None = None,
) -> Axes:
    """One configuration's compliance: licenses consumed as a step line, the license count
    as a line, blocked launches (x) and soft-limit alerts (^) as markers at the level of
    their instant.

    Args:
        compliance: ``sim.timelines.compliance``.
        violations: ``sim.timelines.violations`` (the soft-limit alerts).
        arn: The license configuration to draw.
        ax: Where to draw (default: a new figure).
        blocked: The launches the configuration blocked (``Timelines.blocked_launches(arn)``:
            one per refused call, as the summary counts them); default none.
        end: Where the run ended (default: the last change).

    Raises:
        ValueError: if ``compliance`` has no rows for ``arn``.
    """
    rows = compliance[compliance.license_configuration_arn == arn]
    if rows.empty:
        raise ValueError(f"no compliance records for {arn}")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    levels = held_until(rows.drop_duplicates("time", keep="last").set_index("time"), end)
    name, unit = levels["name"].iloc[-1], levels["counting_type"].iloc[-1]
    ax.step(levels.index, levels["consumed"], where="post", label="consumed", color="tab:blue")
    counted = levels["license_count"].notna().any()
    if counted:
        ax.step(levels.index, levels["license_count"], where="post", label="license count",
                color="tab:red", linestyle="--")
    alerts = violations[(violations.license_configuration_arn == arn) & (violations.action == "alerted")]
    marks = (("blocked launches", "x", "black", blocked.time if blocked is not None else pd.Series(dtype=object)),
             ("soft-limit alerts", "^", "tab:orange", alerts.time))
    for label, marker, color, times in marks:
        if len(times):
            grid = levels.index.union(pd.DatetimeIndex(times.unique()))
            at = levels["consumed"].reindex(grid).ffill().reindex(times)
            ax.scatter(times, at, marker=marker, color=color, zorder=3, label=f"{label} ({len(times)})")
    top = max(levels["consumed"].max(), levels["license_count"].max(skipna=True) if counted else 0)
    ax.set_ylim(bottom=0, top=max(top, 1) * 1.3)
    date_axis(ax, levels.index[0], end)
    ax.set_title(f"{name} ({unit} licenses)")
    ax.set_ylabel(f"{unit} licenses")
    ax.legend(loc="upper left", ncols=2)
    ax.grid(True, alpha=0.3)
    return ax


def plot_hosts(hosts: pd.DataFrame, end: pd.Timestamp, ax: Axes | None = None) -> Axes:
    """Dedicated Hosts over time as a heatmap: one row per host (in allocation order), its
    vCPU utilization over time in color, blank before its allocation and after its release.

    Args:
        hosts: ``sim.timelines.hosts``.
        end: Where the time axis ends (the simulation's now).
        ax: Where to draw (default: a new figure).

    Raises:
        ValueError: if there are no Dedicated Hosts.
    """
    from simulator.timelines.hosts import hosts_grid

    if hosts.empty:
        raise ValueError("the simulation has no Dedicated Hosts")
    start = hosts.time.min()
    step = max(60, int((pd.Timestamp(end) - start).total_seconds() // 400) or 60)
    grid = hosts_grid(hosts, f"{step}s", "vcpu_utilization", end)
    order = list(dict.fromkeys(hosts.host_id))
    grid = grid[order]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, max(3.0, 0.25 * len(order) + 1.5)))
    x0, x1 = mdates.date2num(grid.index[0]), mdates.date2num(grid.index[-1] + pd.Timedelta(seconds=step))
    cmap = plt.get_cmap("viridis").with_extremes(bad="white")
    image = ax.imshow(grid.to_numpy().T, aspect="auto", interpolation="nearest", cmap=cmap, vmin=0.0, vmax=1.0,
                      extent=(x0, x1, len(order) - 0.5, -0.5))
    ax.xaxis_date()
    date_axis(ax)
    if len(order) <= 40:
        ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.set_ylabel("Dedicated Host")
    ax.set_title(f"Dedicated Hosts: vCPU utilization ({len(order)} hosts; blank: not allocated)")
    ax.figure.colorbar(image, ax=ax, label="vCPUs used / host vCPUs")
    return ax


#: Colors of the cost components.
_COMPONENT_COLORS = {"license_included": "tab:orange", "byol": "tab:blue", "dedicated_hosts": "tab:gray"}


def plot_costs(costs: pd.DataFrame, ax: Axes | None = None, end: pd.Timestamp | None = None) -> Axes:
    """License costs over time: the cost per hour of each component, summed over accounts,
    stacked, and their total as a line. The price table names no currency: costs are in
    the table's.

    Args:
        costs: ``sim.timelines.costs(prices)``.
        ax: Where to draw (default: a new figure).
        end: Where the run ended (default: the last grid point).

    Raises:
        ValueError: if ``costs`` is empty.
    """
    if costs.empty:
        raise ValueError("no costs to plot: the run has no instances, license configurations or hosts")
    wide = costs.pivot_table(index="time", columns="component", values="cost_per_hour", aggfunc="sum")
    wide = held_until(wide[[c for c in _COMPONENT_COLORS if c in wide.columns]], end)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    ax.stackplot(wide.index, *(wide[c] for c in wide.columns), labels=[c.replace("_", " ") for c in wide.columns],
                 colors=[_COMPONENT_COLORS[c] for c in wide.columns], alpha=0.7, step="post")
    total = wide.sum(axis=1)
    ax.step(wide.index, total, where="post", color="black", linewidth=1, label="total")
    date_axis(ax, wide.index[0], end)
    accounts = costs.account_id.nunique()
    ax.set_title(f"License costs per hour ({accounts} account{'s' if accounts != 1 else ''}; what-if prices)")
    ax.set_ylabel("cost per hour (price-table currency)")
    ax.set_ylim(bottom=0, top=max(float(total.max()), 1e-9) * 1.3)  # room for the legend
    ax.legend(loc="upper left", ncols=4)
    ax.grid(True, alpha=0.3)
    return ax
