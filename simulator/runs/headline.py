"""A finished run's headline in a few lines of text, as ``lmsim run`` and ``lmsim replay``
print it: the simulated span, API calls and errors, blocked launches, alerts, Auto Scaling
activities and those that failed, each license configuration's peak and mean utilization,
the cost when priced, and the timelines that stayed empty."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from simulator.runs.summary import Figure

#: How many license configurations the headline names (the summary has them all).
MAX_CONFIGURATIONS = 8
_PER_CONFIGURATION = re.compile(r"peak_consumed\[(?P<name>.+)\]")


def headline(name: str, seed: int, start: datetime, end: datetime, summary: Mapping[str, Figure],
             empty: Sequence[str] = ()) -> list[str]:
    """The headline lines of a run.

    Args:
        name: What ran (the scenario's name).
        seed: The simulation seed.
        start: When the run began (simulated).
        end: When it ended.
        summary: Its summary figures (``Result.summary``).
        empty: The timelines it never wrote to.
    """
    lines = [f"{name}, seed {seed}: {_span(end - start)} simulated, {start:%Y-%m-%d %H:%M} to "
             f"{end:%Y-%m-%d %H:%M} UTC",
             f"  API calls {summary['api_calls']} ({summary['api_errors']} failed), blocked launches "
             f"{summary['blocked_launches']}, soft-limit alerts {summary['alerts']}"]
    if "failed_scaling_activities" in summary:  # Auto Scaling's own launches are not API calls
        lines[-1] += (f", scaling activities {summary['scaling_activities']} "
                      f"({summary['failed_scaling_activities']} failed)")
    names = [m["name"] for key in summary if (m := _PER_CONFIGURATION.fullmatch(key))]
    lines.extend(f"  {configuration}: {_use(summary, configuration)}" for configuration in names[:MAX_CONFIGURATIONS])
    if len(names) > MAX_CONFIGURATIONS:
        lines.append(f"  ... and {len(names) - MAX_CONFIGURATIONS} more license configurations (summary.json)")
    if "cost" in summary:
        lines.append(f"  cost {float(summary['cost']):,.2f} (in the price table's currency)")
    if empty:
        lines.extend(textwrap.wrap(f"empty timelines, not written: {', '.join(empty)}", 100, initial_indent="  ",
                                   subsequent_indent="    "))
    return lines


def _use(summary: Mapping[str, Figure], configuration: str) -> str:
    """A configuration's use: peak and mean utilization when it has a count, its peak
    consumption otherwise."""
    peak = summary[f"peak_consumed[{configuration}]"]
    utilization = summary.get(f"peak_utilization[{configuration}]")
    if utilization is None:
        return f"peak {peak} licenses consumed (no license count)"
    mean = float(summary[f"mean_utilization[{configuration}]"])
    return f"utilization peak {float(utilization):.0%}, mean {mean:.1%} (peak {peak} licenses consumed)"


def _span(delta: timedelta) -> str:
    """A duration as days (with one decimal) from a day on, hours below."""
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 24 else f"{hours:.1f} hours"
