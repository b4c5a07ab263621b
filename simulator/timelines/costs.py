"""A license cost model for what-if analysis: a price table the caller passes in (``Prices``,
never built in) and the cost per hour it puts on a run, by account and component, computed
from the records only:

- ``license_included``: the license-included premium of each running instance, the price per
  vCPU-hour of its usage operation times its vCPUs (``license_types`` records for the billing
  code and vCPUs, the instance state changes of the events records for when it runs);
- ``byol``: the licenses each license configuration consumes (``compliance`` records) at the
  price per license of its counting type, or of the configuration itself
  (``configuration:<name>`` keys win), over the price's period;
- ``dedicated_hosts``: each Dedicated Host while allocated (``hosts`` records), at the hourly
  price of its instance family.

Price tables are CSV files with the columns ``component,key,unit,price`` (``#`` lines are
comments): ``license_included,<usage operation>,vCPU-hour,<price>``,
``byol,<counting type or configuration:<name>>,license-<hour|day|month|year>,<price>`` and
``dedicated_host,<instance family>,host-hour,<price>``. A month is 730 hours, a year 8,760.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.core.billing import (
    BYOL_USAGE_OPERATIONS,
    COUNTING_TYPES,
    LINUX_UNIX,
    USAGE_OPERATIONS,
    included_licenses,
)
from simulator.core.clock import Clock
from simulator.core.records import Records

COMPONENTS = ("license_included", "byol", "dedicated_hosts")
PERIOD_HOURS = {"hour": 1.0, "day": 24.0, "month": 730.0, "year": 8760.0}
#: Host states in which a Dedicated Host is no longer billed.
UNBILLED_HOST_STATES = ("released", "released-permanent-failure", "permanent-failure")
_UNITS = {"license_included": ("vCPU-hour",), "byol": tuple(f"license-{p}" for p in PERIOD_HOURS),
          "dedicated_host": ("host-hour",)}
_HOURLY_UNITS = {"license_included": "vCPU-hour", "byol": "license-hour", "dedicated_host": "host-hour"}
CONFIGURATION_KEY = "configuration:"


def needs_premium(usage_operation: str) -> bool:
    """Whether a billing code carries a license-included premium (every code but Linux/UNIX
    and the codes whose every license you bring)."""
    return usage_operation != LINUX_UNIX and (usage_operation not in BYOL_USAGE_OPERATIONS
                                             or bool(included_licenses(usage_operation)))


@dataclass(frozen=True)
class Prices:
    """A price table, in one currency, per hour.

    Attributes:
        license_included: Usage operation -> license-included premium per vCPU-hour.
        byol: Counting type, or ``configuration:<name>``, -> price per license-hour.
        dedicated_host: Instance family -> price per host-hour.
    """

    license_included: Mapping[str, float] = field(default_factory=dict)
    byol: Mapping[str, float] = field(default_factory=dict)
    dedicated_host: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def read_csv(cls, path: str | Path) -> Prices:
        """The price table in the CSV file at ``path`` (see the module docstring).

        Raises:
            FileNotFoundError: if there is no such file.
            ValueError: as ``from_frame``.
        """
        return cls.from_frame(pd.read_csv(path, comment="#", dtype={"key": str, "unit": str, "component": str}))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Prices:
        """The price table in ``frame`` (columns ``component``, ``key``, ``unit``, ``price``).

        Raises:
            ValueError: naming the row, for a missing column, an unknown component, key or
                unit, a price that is not a non-negative number, or a key given twice.
        """
        missing = {"component", "key", "unit", "price"} - set(frame.columns)
        if missing:
            raise ValueError(f"a price table needs the columns component, key, unit, price; missing: "
                             f"{', '.join(sorted(missing))}")
        tables: dict[str, dict[str, float]] = {"license_included": {}, "byol": {}, "dedicated_host": {}}
        for number, row in enumerate(frame.itertuples(index=False), start=1):
            where = f"price row {number} ({row.component},{row.key},{row.unit},{row.price})"
            if row.component not in tables:
                raise ValueError(f"{where}: component must be one of {', '.join(tables)}")
            if row.unit not in _UNITS[row.component]:
                raise ValueError(f"{where}: unit must be one of {', '.join(_UNITS[row.component])}")
            try:
                price = float(row.price)
            except (TypeError, ValueError):
                price = float("nan")
            if not np.isfinite(price) or price < 0:
                raise ValueError(f"{where}: price must be a non-negative number")
            key = str(row.key)
            if row.component == "license_included" and key not in USAGE_OPERATIONS:
                raise ValueError(f"{where}: key must be a usage operation ({', '.join(USAGE_OPERATIONS)})")
            if row.component == "byol" and key not in COUNTING_TYPES and not key.startswith(CONFIGURATION_KEY):
                raise ValueError(f"{where}: key must be a counting type ({', '.join(COUNTING_TYPES)}) or "
                                 f"{CONFIGURATION_KEY}<license configuration name>")
            if key in tables[row.component]:
                raise ValueError(f"{where}: {row.component} {key} is priced twice")
            hours = PERIOD_HOURS[row.unit.removeprefix("license-")] if row.component == "byol" else 1.0
            tables[row.component][key] = price / hours
        return cls(**tables)

    @classmethod
    def from_dict(cls, tables: Mapping[str, Mapping[str, float]]) -> Prices:
        """The price table ``as_dict`` gives (hourly prices by component and key).

        Raises:
            ValueError: as ``from_frame``, and for a component that is not a field.
        """
        unknown = set(tables) - set(_HOURLY_UNITS)
        if unknown:
            raise ValueError(f"a price table's components are {', '.join(_HOURLY_UNITS)}; got "
                             f"{', '.join(sorted(unknown))}")
        rows = [(component, key, _HOURLY_UNITS[component], price)
                for component, prices in tables.items() for key, price in prices.items()]
        return cls.from_frame(pd.DataFrame(rows, columns=["component", "key", "unit", "price"]))

    def as_dict(self) -> dict[str, dict[str, float]]:
        """The table as plain hourly prices by component and key (JSON-ready)."""
        return {component: dict(getattr(self, component)) for component in _HOURLY_UNITS}


def as_prices(prices: Prices | str | Path | pd.DataFrame | Mapping[str, Mapping[str, float]]) -> Prices:
    """``prices`` as a Prices: itself, the CSV file it names, the table it holds, or the
    hourly prices by component of ``Prices.as_dict``.

    Raises:
        FileNotFoundError, ValueError: as ``Prices.read_csv``, ``Prices.from_frame`` and
            ``Prices.from_dict``.
    """
    if isinstance(prices, Prices):
        return prices
    if isinstance(prices, pd.DataFrame):
        return Prices.from_frame(prices)
    if isinstance(prices, Mapping):
        return Prices.from_dict(prices)
    return Prices.read_csv(prices)


def cost_frame(records: Records, clock: Clock, prices: Prices, every: str = "1h") -> pd.DataFrame:
    """The cost per hour of the run so far under ``prices``, on a regular grid.

    Args:
        records: The simulation's records.
        clock: The simulation clock (the grid runs from its start to now).
        prices: The price table.
        every: The grid step (a pandas offset such as ``"1h"`` or ``"1D"``).

    Returns:
        One row per grid instant, account and component (``time``, ``account_id``,
        ``component``, ``cost_per_hour``: the mean cost per hour over ``[time, time + every)``).

    Raises:
        ValueError: for a billing code, counting type or instance family the run uses and
            ``prices`` does not price.
    """
    changes = pd.concat([_premium_changes(records, prices), _byol_changes(records, prices),
                         _host_changes(records, prices)], ignore_index=True)
    start = pd.Timestamp(clock.start)
    end = clock.seconds
    step = pd.Timedelta(every).total_seconds()
    if step <= 0:
        raise ValueError(f"every must be a positive duration, got {every!r}")
    edges = np.append(np.arange(0.0, end, step), end) if end > 0 else np.array([0.0])
    series = dict(iter(changes.groupby(["account_id", "component"], sort=True)))
    accounts = sorted({account for account, _ in series})
    frames = []
    for account in accounts:
        for component in COMPONENTS:
            group = series.get((account, component))
            means = np.zeros(max(len(edges) - 1, 0)) if group is None else _bucket_means(group, edges)
            frames.append(pd.DataFrame({"time": edges[:-1], "account_id": account, "component": component,
                                        "cost_per_hour": means}))
    if not frames:
        return pd.DataFrame({"time": pd.DatetimeIndex([], tz="UTC"), "account_id": pd.Series(dtype=object),
                             "component": pd.Series(dtype=object), "cost_per_hour": pd.Series(dtype="float64")})
    frame = pd.concat(frames, ignore_index=True)
    frame["time"] = start + pd.to_timedelta(frame["time"], unit="s")
    return frame.sort_values(["time", "account_id"], kind="stable").reset_index(drop=True)


def _bucket_means(group: pd.DataFrame, edges: np.ndarray) -> np.ndarray:
    """The mean level over each ``[edges[j], edges[j+1])`` of the step function whose
    changes (``time``, ``delta``) ``group`` holds (level 0 before the first change)."""
    steps = group.groupby("time", sort=True)["delta"].sum()
    times = steps.index.to_numpy(dtype="float64")
    levels = np.cumsum(steps.to_numpy())
    integral = np.concatenate([[0.0], np.cumsum(levels[:-1] * np.diff(times))])
    at = np.searchsorted(times, edges, side="right") - 1
    before = at < 0
    at = np.clip(at, 0, None)
    area = np.where(before, 0.0, integral[at] + levels[at] * (edges - times[at]))
    widths = np.diff(edges)
    return np.divide(np.diff(area), widths, out=np.zeros_like(widths), where=widths > 0)


def _deltas(frame: pd.DataFrame, key: str, rate: pd.Series, account: pd.Series, component: str) -> pd.DataFrame:
    """Rate changes per series ``key``: each row's rate minus the series' previous rate."""
    ordered = pd.DataFrame({"time": frame["time"].to_numpy(dtype="float64"), "key": frame[key].to_numpy(),
                            "rate": rate.to_numpy(dtype="float64"), "account_id": account.to_numpy()})
    delta = ordered["rate"] - ordered.groupby("key", sort=False)["rate"].shift(fill_value=0.0)
    return pd.DataFrame({"time": ordered["time"], "account_id": ordered["account_id"], "component": component,
                         "delta": delta})


def _premium_changes(records: Records, prices: Prices) -> pd.DataFrame:
    kinds = pd.DataFrame.from_records(list(records.rows("license_types")),
                                      columns=list(records.fields("license_types")))
    groups = [g for g in records.rows("event_groups") if g[5] == "InstanceStateChange"]
    sizes = np.fromiter((len(g[6]) for g in groups), dtype=np.int64, count=len(groups))
    states = pd.DataFrame({
        "time": np.repeat(np.fromiter((g[1] for g in groups), dtype=np.float64, count=len(groups)), sizes),
        "instance_id": [i for g in groups for i in g[6]],
        "state": pd.Series([d for g in groups for d in g[7]], dtype=object).str.rpartition("->")[2],
    })
    if kinds.empty:
        return _empty_changes()
    unpriced = sorted(c for c in kinds.usage_operation.unique()
                      if needs_premium(c) and c not in prices.license_included)
    if unpriced:
        raise ValueError(f"the run has instances billed with {', '.join(unpriced)}; give them license_included prices")
    per_vcpu = kinds.usage_operation.map(lambda c: prices.license_included.get(c, 0.0)).astype("float64")
    kinds = kinds.assign(per_running=per_vcpu * kinds.vcpus, running=np.nan, order=0)
    states = states.assign(per_running=np.nan, running=(states.state == "running").astype("float64"), order=1,
                           account_id=states.instance_id.map(kinds.drop_duplicates("instance_id")
                                                             .set_index("instance_id").account_id))
    rows = pd.concat([kinds[["time", "instance_id", "account_id", "per_running", "running", "order"]],
                      states[["time", "instance_id", "account_id", "per_running", "running", "order"]]],
                     ignore_index=True)
    rows = rows[rows.account_id.notna()].sort_values(["instance_id", "time", "order"], kind="stable")
    filled = rows.groupby("instance_id", sort=False)[["per_running", "running"]].ffill().fillna(0.0)
    return _deltas(rows, "instance_id", filled.per_running * filled.running, rows.account_id, "license_included")


def _byol_changes(records: Records, prices: Prices) -> pd.DataFrame:
    levels = pd.DataFrame.from_records(list(records.rows("compliance")), columns=list(records.fields("compliance")))
    if levels.empty:
        return _empty_changes()
    by_name = levels.name.map(lambda n: prices.byol.get(CONFIGURATION_KEY + n))
    price = by_name.fillna(levels.counting_type.map(lambda t: prices.byol.get(t, np.nan)))
    unpriced = sorted(set(levels.counting_type[price.isna() & (levels.consumed > 0)]))
    if unpriced:
        raise ValueError(f"the run consumes {', '.join(unpriced)} licenses; give byol prices for those counting "
                         f"types (or {CONFIGURATION_KEY}<name> for each configuration)")
    rate = levels.consumed * price.fillna(0.0) * (levels.status != "DELETED")
    return _deltas(levels, "license_configuration_arn", rate, levels.owner_account_id, "byol")


def _host_changes(records: Records, prices: Prices) -> pd.DataFrame:
    hosts = pd.DataFrame.from_records(list(records.rows("hosts")), columns=list(records.fields("hosts")))
    if hosts.empty:
        return _empty_changes()
    billed = ~hosts.state.isin(UNBILLED_HOST_STATES)
    unpriced = sorted(set(hosts.instance_family[billed]) - set(prices.dedicated_host))
    if unpriced:
        raise ValueError(f"the run has Dedicated Hosts of the {', '.join(unpriced)} families; give them "
                         "dedicated_host prices")
    rate = hosts.instance_family.map(lambda f: prices.dedicated_host.get(f, 0.0)).astype("float64") * billed
    return _deltas(hosts, "host_id", rate, hosts.account_id, "dedicated_hosts")


def _empty_changes() -> pd.DataFrame:
    return pd.DataFrame({"time": pd.Series(dtype="float64"), "account_id": pd.Series(dtype=object),
                         "component": pd.Series(dtype=object), "delta": pd.Series(dtype="float64")})
