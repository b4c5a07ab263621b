"""A run's headline figures (its summary) and the digest of its events that golden files pin.

Both read the timelines only, so a run and its replay give the same figures.
"""

from __future__ import annotations

import pandas as pd

from simulator.timelines import Timelines
from simulator.timelines.costs import COMPONENTS, Prices
from simulator.timelines.launches import blocked_launches

#: Figures are rounded to this many decimals, so goldens hold no float noise.
DECIMALS = 6

Figure = int | float | str


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def summarize(timelines: Timelines, end: pd.Timestamp, prices: Prices | None = None) -> dict[str, Figure]:
    """The headline figures of a run that ended at ``end``.

    Figures (per license configuration ones are keyed ``figure[<configuration name>]``):

    - ``api_calls``, ``api_errors``, ``actions``: API calls made, those that failed, facade
      actions taken.
    - ``blocked_launches``: RunInstances and StartInstances calls License Manager refused
      (``simulator.timelines.launches``).
    - ``scaling_activities``, ``failed_scaling_activities``: Auto Scaling activities that
      ended, and those that failed (runs with Auto Scaling groups only).
    - ``alerts``: soft-limit alerts; ``violations[<kind>]``: violations by kind (blocked or
      alerted; kinds that never occurred are left out).
    - ``peak_utilization[...]``: the highest consumed / license count; ``mean_utilization[...]``:
      time-weighted mean consumed over mean count (configurations with a count);
      ``peak_consumed[...]``; ``license_hours[...]``: consumption integrated over time, in
      the configuration's unit (core-hours for Core counting).
    - ``licensed_core_hours``: the license hours of every Core configuration.
    - ``cost`` and ``cost[<component>]`` (``license_included``, ``byol``,
      ``dedicated_hosts``) under the price table ``prices``: the cost model's cost per hour
      (``Timelines.costs``) integrated over the run.

    Args:
        timelines: The run's timelines.
        end: The instant the run ended.
        prices: The price table of the cost model, if any.
    """
    events = timelines.events
    api = events[events.source == "api"]
    violations = timelines.violations
    figures: dict[str, Figure] = {
        "api_calls": len(api),
        "api_errors": int((api.outcome == "error").sum()),
        "actions": int((events.source == "action").sum()),
        "blocked_launches": len(blocked_launches(events)),
        "alerts": int((violations.action == "alerted").sum()),
    }
    for kind, count in violations.groupby("kind").size().items():
        figures[f"violations[{kind}]"] = int(count)
    scaling = timelines.scaling
    if len(scaling):
        ended = scaling.status.isin(["Successful", "Failed"])
        figures["scaling_activities"] = int(ended.sum())
        figures["failed_scaling_activities"] = int((scaling.status == "Failed").sum())
    if prices is not None:
        figures.update(_costs(timelines, end, prices))
    compliance = timelines.compliance
    if compliance.empty:
        return figures
    names = _configuration_names(compliance)
    usage = timelines.utilization(end=end)
    core_hours = 0.0
    for arn, rows in compliance.groupby("license_configuration_arn", sort=False):
        name = names[arn]
        held = _integral(rows, end, "consumed")
        figures[f"peak_consumed[{name}]"] = int(rows.consumed.max())
        figures[f"license_hours[{name}]"] = _round(held)
        if rows.license_count.notna().any():
            figures[f"peak_utilization[{name}]"] = _round((rows.consumed / rows.license_count).max())
            figures[f"mean_utilization[{name}]"] = _round(usage.loc[arn, "utilization"])
        if rows.counting_type.iloc[-1] == "Core":
            core_hours += held
    figures["licensed_core_hours"] = _round(core_hours)
    return figures


def _costs(timelines: Timelines, end: pd.Timestamp, prices: Prices) -> dict[str, Figure]:
    """The run's cost, in total and by component, under ``prices``."""
    costs = timelines.costs(prices, every="1h")
    hours = ((costs.time + pd.Timedelta(hours=1)).clip(upper=end) - costs.time) / pd.Timedelta(hours=1)
    spent = (costs.cost_per_hour * hours).groupby(costs.component).sum()
    figures: dict[str, Figure] = {"cost": _round(float(spent.sum()))}
    for component in COMPONENTS:
        figures[f"cost[{component}]"] = _round(float(spent.get(component, 0.0)))
    return figures


def _configuration_names(compliance: pd.DataFrame) -> dict[str, str]:
    """Each configuration's last name; a name several configurations share gets its owner."""
    last = compliance.drop_duplicates("license_configuration_arn", keep="last")
    shared = last.name.duplicated(keep=False)
    return {
        row.license_configuration_arn: f"{row.name}@{row.owner_account_id}" if dup else row.name
        for row, dup in zip(last.itertuples(), shared, strict=True)
    }


def _integral(rows: pd.DataFrame, end: pd.Timestamp, value: str) -> float:
    """``value`` integrated over time from the first row to ``end``, in unit-hours (each
    level holds until the next change; the last row of an instant wins)."""
    levels = rows.drop_duplicates("time", keep="last")
    seconds = (levels.time.shift(-1).fillna(end) - levels.time).dt.total_seconds().clip(lower=0)
    return float((levels[value].astype("float64") * seconds).sum() / 3600)


def events_digest(events: pd.DataFrame) -> dict[str, object]:
    """What a golden file pins of the events timeline: rows, rows by event and by error code,
    the last instant and the first 20 resource ids."""
    return {
        "rows": len(events),
        "by_event": {k: int(v) for k, v in events.groupby("event_name").size().items()},
        "errors": {k: int(v) for k, v in events[events.outcome == "error"].groupby("error_code").size().items()},
        "last_time": str(events.time.iloc[-1]) if len(events) else "",
        "resources": sorted(set(" ".join(events.resource_id).split()))[:20],
    }
