"""DataFrames of the recorded timelines. They read the records only, never live objects."""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.access.records import AccessRecord
from simulator.core.clock import Clock
from simulator.core.records import EventGroupRecord, EventRecord, Records
from simulator.timelines import hosts as host_levels
from simulator.timelines import launches
from simulator.timelines.levels import resample_levels, time_weighted

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes

    from simulator.timelines.costs import Prices


def records_frame(records: Records, kind: str, clock: Clock) -> pd.DataFrame:
    """The records of ``kind`` as a DataFrame, with ``time`` as tz-aware UTC datetimes.

    Args:
        records: The simulation's records.
        kind: The record kind (``"events"``, ...).
        clock: Maps the records' simulated seconds to instants.
    """
    fields = list(records.fields(kind))
    frame = pd.DataFrame.from_records(list(records.rows(kind)), columns=fields)
    start = pd.Timestamp(clock.start)
    frame["time"] = start + pd.to_timedelta(frame["time"].astype("float64"), unit="s")
    return frame


class Timelines:
    """The timelines of one simulation, each built when asked for.

    Args:
        records: The simulation's records.
        clock: The simulation clock.
    """

    def __init__(self, records: Records, clock: Clock) -> None:
        self._records = records
        self._clock = clock
        records.register("events", EventRecord)
        records.register("event_groups", EventGroupRecord)
        records.register("access", AccessRecord)

    @property
    def events(self) -> pd.DataFrame:
        """Every API call and world event, in the order they happened.

        Columns: ``time`` (UTC), ``account_id``, ``region``, ``service``, ``event_name``
        (the operation, or the world event such as ``InstanceStateChange``),
        ``resource_id``, ``outcome`` (success or error), ``error_code``, ``principal``
        (API calls), ``source`` (``api``; ``world`` for what the world did; ``action`` for
        facade actions such as ``install_software``), ``detail`` (the request or action
        parameters as JSON, or what changed).
        """
        api = pd.DataFrame.from_records(list(self._records.rows("events")), columns=list(EventRecord._fields))
        groups = list(self._records.rows("event_groups"))
        sizes = np.fromiter((len(g[6]) for g in groups), dtype=np.int64, count=len(groups))
        world = pd.DataFrame({
            "time": np.repeat(np.fromiter((g[1] for g in groups), dtype=np.float64, count=len(groups)), sizes),
            "account_id": np.repeat([g[2] for g in groups], sizes).astype(object),
            "region": np.repeat([g[3] for g in groups], sizes).astype(object),
            "service": np.repeat([g[4] for g in groups], sizes).astype(object),
            "event_name": np.repeat([g[5] for g in groups], sizes).astype(object),
            "resource_id": list(chain.from_iterable(g[6] for g in groups)),
            "outcome": "success", "error_code": "", "principal": "", "source": "world",
            "detail": list(chain.from_iterable(g[7] for g in groups)),
        }, columns=list(EventRecord._fields))
        # API row i sorts at (i, 1); a world group recorded when there were p API rows sorts at
        # (p, 0): after the API call that caused it, before the next one.
        positions = np.repeat(np.fromiter((g[0] for g in groups), dtype=np.int64, count=len(groups)), sizes)
        keys = np.concatenate([np.arange(len(api)), positions])
        ranks = np.concatenate([np.ones(len(api), dtype=np.int8), np.zeros(len(world), dtype=np.int8)])
        frame = pd.concat([api, world], ignore_index=True).iloc[np.lexsort((ranks, keys))]
        frame = frame.reset_index(drop=True)
        frame["time"] = pd.Timestamp(self._clock.start) + pd.to_timedelta(frame["time"].astype("float64"), unit="s")
        return frame

    @property
    def access(self) -> pd.DataFrame:
        """Every call a principal other than an account's root user made, as IAM policy
        evaluation decided it.

        Columns: ``time``, ``account_id``, ``principal``, ``event_source``
        (``license-manager.amazonaws.com``), ``event_name`` (the operation), ``decision``
        (allowed or denied), ``matched_statement`` (the deciding statement,
        ``<policy>#<Sid or index>``; empty for an implicit deny).
        """
        return records_frame(self._records, "access", self._clock)

    @property
    def compliance(self) -> pd.DataFrame:
        """License configuration levels, one row whenever consumption, count, limit type,
        name or status changes.

        Columns: ``time``, ``license_configuration_arn``, ``name``, ``counting_type``,
        ``license_count`` (NaN without a count), ``hard_limit``, ``consumed``, ``available``
        (count minus consumed; negative past a soft limit), ``status`` (AVAILABLE, DISABLED or
        DELETED), ``owner_account_id``, ``region``, ``bound`` (the part of ``consumed`` held on
        Dedicated Hosts by license affinity alone).
        """
        return records_frame(self._records, "compliance", self._clock)

    @property
    def violations(self) -> pd.DataFrame:
        """Launches, starts and associations that broke a limit or a rule.

        Columns: ``time``, ``license_configuration_arn``, ``resource_arn``, ``account_id``,
        ``kind`` (hard_limit, soft_limit, rule:<ruleName>, disabled, or discovered_over_limit:
        found past the count by automated discovery, ``detail`` giving the lag), ``action``
        (blocked or alerted), ``operation``, ``detail``.
        """
        return records_frame(self._records, "violations", self._clock)

    @property
    def notifications(self) -> pd.DataFrame:
        """Alerts and notices License Manager sent, one row each.

        Columns: ``time``, ``account_id`` (the recipient: the configuration's owner),
        ``region``, ``license_configuration_arn`` (empty for notices about none), ``subject``,
        ``message``, ``kind`` (soft_limit, launch_blocked, rule_violation, hard_limit,
        discovered_over_limit, report_failed, eviction_notice, host_recovery_failed,
        link_failed), ``resource_arn``, ``topic_arn`` (the SNS topic it was published to,
        empty when the settings name none or the topic refused it).
        """
        return records_frame(self._records, "notifications", self._clock)

    @property
    def reports(self) -> pd.DataFrame:
        """Report generator runs, one row per report type of each run.

        Columns: ``time``, ``account_id``, ``region``, ``report_generator_arn``,
        ``report_generator_name``, ``report_type``, ``status`` (SUCCESS or FAILED),
        ``bucket``, ``key`` (the report's object), ``failure_reason``.
        """
        return records_frame(self._records, "reports", self._clock)

    @property
    def deliveries(self) -> pd.DataFrame:
        """Messages Amazon SNS delivered to confirmed subscriptions, one row each.

        Columns: ``time``, ``topic_arn``, ``subscription_arn``, ``protocol`` (email,
        email-json, http, https, sqs, lambda), ``endpoint``, ``subject``, ``message``.
        """
        return records_frame(self._records, "deliveries", self._clock)

    @property
    def inventory(self) -> pd.DataFrame:
        """Change points of managed nodes' inventory, one row each.

        Columns: ``time``, ``resource_id`` (``i-`` or ``mi-``), ``resource_type``
        (EC2Instance or ManagedInstance), ``account_id``, ``platform``, ``application``,
        ``version``, ``change``: installed or uninstalled (what the machine really has),
        gathered (Systems Manager's inventory took a change: ``version`` is what it now
        holds, empty when the application left it), purged (inventory dropped after 30
        days unseen), registered, deregistered, agent_online, agent_offline.
        """
        from simulator.timelines.inventory import inventory_frame

        return inventory_frame(self._records, self._clock)

    def exposure(self, arn: str) -> pd.DataFrame:
        """A discovering configuration's true consumption (the machines as they are, under
        its discovery rules) against what License Manager reported, one row per change of
        either. Columns: ``time``, ``true_consumed``, ``reported_consumed``, ``gap`` (true
        minus reported: positive while License Manager has not yet found the software).

        Raises:
            ValueError: for a configuration with no records.
        """
        from simulator.timelines.inventory import exposure_frame

        return exposure_frame(self._records, self._clock, arn)

    def plot_exposure(self, arn: str, ax: Axes | None = None) -> Axes:
        """Plot ``exposure(arn)``: true and reported consumption, the gap shaded; returns the Axes."""
        from simulator.timelines.inventory import plot_exposure

        rows = self.compliance[self.compliance.license_configuration_arn == arn]
        name = rows.name.iloc[-1] if len(rows) else arn
        return plot_exposure(self.exposure(arn), f"{name}: true vs reported consumption", ax=ax,
                             end=pd.Timestamp(self._clock.now()))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every timeline by name: each DataFrame property of the class, in the order the
        class defines them (a new timeline property is included with nothing else to do)."""
        names = dict.fromkeys(name for klass in reversed(type(self).__mro__)
                              for name, member in vars(klass).items() if isinstance(member, property))
        frames = {name: getattr(self, name) for name in names}
        return {name: frame for name, frame in frames.items() if isinstance(frame, pd.DataFrame)}

    def compliance_grid(self, every: str = "1h", value: str = "consumed") -> pd.DataFrame:
        """Compliance on a regular grid up to now, forward filled: one column per license
        configuration ARN, one row per ``every``."""
        return resample_levels(self.compliance, every, value=value, end=pd.Timestamp(self._clock.now()))

    def utilization(self, start: object = None, end: object = None) -> pd.DataFrame:
        """Each configuration's time-weighted use over ``[start, end]`` (default: the whole
        run so far).

        Columns: ``name``, ``counting_type``, ``mean_consumed``, ``mean_license_count``,
        ``utilization`` (mean consumed / mean count), ``peak_consumed``, ``hours_over_count``.
        """
        compliance = self.compliance
        start = pd.Timestamp(self._clock.start if start is None else start)
        end = pd.Timestamp(self._clock.now() if end is None else end)
        compliance = compliance.assign(
            over=(compliance.consumed > compliance.license_count).astype("float64")
        )
        mean_consumed = time_weighted(compliance, start, end, value="consumed")
        mean_count = time_weighted(compliance, start, end, value="license_count")
        over = time_weighted(compliance, start, end, value="over")
        last = compliance.drop_duplicates("license_configuration_arn", keep="last").set_index(
            "license_configuration_arn")
        inside = compliance[(compliance.time >= start) & (compliance.time <= end)]
        frame = pd.DataFrame({
            "name": last["name"],
            "counting_type": last["counting_type"],
            "mean_consumed": mean_consumed,
            "mean_license_count": mean_count,
            "peak_consumed": inside.groupby("license_configuration_arn").consumed.max(),
            "hours_over_count": over * (pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 3600,
        })
        frame.insert(4, "utilization", frame.mean_consumed / frame.mean_license_count)
        frame.index.name = "license_configuration_arn"
        return frame

    def blocked_launches(self, arn: str | None = None) -> pd.DataFrame:
        """The launches License Manager blocked (the events rows of RunInstances and
        StartInstances calls it refused: one per call), or those configuration ``arn``
        blocked; see ``simulator.timelines.launches``."""
        if arn is None:
            return launches.blocked_launches(self.events)
        return launches.blocked_launches_of(self.events, self.violations, arn)

    def plot_compliance(self, arn: str | None = None, ax: Axes | None = None) -> Axes:
        """Plot one configuration's compliance up to now (default: the first one created),
        its blocked launches and soft-limit alerts marked; see
        ``simulator.timelines.plots.plot_compliance``."""
        from simulator.timelines.plots import (
            plot_compliance,  # matplotlib loads only to plot
        )

        compliance = self.compliance
        if arn is None:
            if compliance.empty:
                raise ValueError("no license configuration has been created")
            arn = compliance.license_configuration_arn.iloc[0]
        return plot_compliance(compliance, self.violations, arn, ax=ax, blocked=self.blocked_launches(arn),
                               end=pd.Timestamp(self._clock.now()))

    @property
    def entitlements(self) -> pd.DataFrame:
        """Entitlement levels of licenses; see ``simulator.timelines.entitlements.entitlements``."""
        from simulator.timelines import entitlements

        return entitlements.entitlements(self._records, self._clock)

    @property
    def grants(self) -> pd.DataFrame:
        """Grant statuses; see ``simulator.timelines.entitlements.grants``."""
        from simulator.timelines import entitlements

        return entitlements.grants(self._records, self._clock)

    @property
    def checkouts(self) -> pd.DataFrame:
        """Checkout events; see ``simulator.timelines.entitlements.checkouts``."""
        from simulator.timelines import entitlements

        return entitlements.checkouts(self._records, self._clock)

    def plot_entitlements(self, license_arn: str, ax: Axes | None = None) -> Axes:
        """Plot a license's consumption against its counts up to now; see
        ``simulator.timelines.entitlements.plot_entitlements``."""
        from simulator.timelines import entitlements

        end = pd.Timestamp(self._clock.now())
        return entitlements.plot_entitlements(self.entitlements, license_arn, ax=ax, end=end)

    def plot_licenses_in_use(self, limit: int = 8) -> list[Axes]:
        """Small multiples of the licenses with a limited entitlement that were consumed, up
        to now; see ``simulator.timelines.entitlements.plot_licenses_in_use``."""
        from simulator.timelines import entitlements

        return entitlements.plot_licenses_in_use(self.entitlements, end=pd.Timestamp(self._clock.now()), limit=limit)
    # -- Dedicated Hosts --------------------------------------------------------------------

    @property
    def hosts(self) -> pd.DataFrame:
        """Dedicated Hosts, one row per host whenever its state, group, instances or vCPUs
        in use change.

        Columns: ``time``, ``host_id``, ``account_id``, ``host_resource_group_arn`` (empty
        outside a group), ``instance_family``, ``instance_type`` (empty for a host of a whole
        family), ``state`` (available, pending, under-assessment, permanent-failure,
        released, released-permanent-failure), ``instance_count``, ``vcpus_used``,
        ``vcpus_total``, ``cores``, ``sockets``.
        """
        return records_frame(self._records, "hosts", self._clock)

    def host_utilization(self, start: object = None, end: object = None, by: str = "host") -> pd.DataFrame:
        """Time-weighted use of the hosts over ``[start, end]`` (default: the run so far) by
        host, group or account; see ``simulator.timelines.hosts.host_utilization``."""
        start = pd.Timestamp(self._clock.start if start is None else start)
        end = pd.Timestamp(self._clock.now() if end is None else end)
        return host_levels.host_utilization(self.hosts, start, end, by)

    def hosts_grid(self, every: str = "1h", value: str = "vcpus_used") -> pd.DataFrame:
        """A host level on a regular grid up to now, one column per host; see
        ``simulator.timelines.hosts.hosts_grid``."""
        return host_levels.hosts_grid(self.hosts, every, value, pd.Timestamp(self._clock.now()))

    def plot_hosts(self, ax: Axes | None = None) -> Axes:
        """Plot the hosts' vCPU use over time; see ``simulator.timelines.plots.plot_hosts``."""
        from simulator.timelines.plots import (
            plot_hosts,  # matplotlib loads only to plot
        )

        return plot_hosts(self.hosts, pd.Timestamp(self._clock.now()), ax=ax)

    # -- license types and costs ------------------------------------------------------------

    @property
    def license_types(self) -> pd.DataFrame:
        """Each instance's billing code, tenancy and Dedicated Host, one row at launch and at
        every change; see ``simulator.timelines.license_types``."""
        from simulator.timelines.license_types import license_types

        return license_types(self._records, self._clock)

    @property
    def conversions(self) -> pd.DataFrame:
        """License type conversion tasks, one row when created (IN_PROGRESS) and one when
        they end. Columns: ``time``, ``task_id``, ``account_id``, ``region``,
        ``instance_id``, ``source`` and ``destination`` (usage operations), ``status``
        (IN_PROGRESS, SUCCEEDED, FAILED), ``status_message``."""
        return records_frame(self._records, "conversions", self._clock)

    def costs(self, prices: Prices | str | Path | pd.DataFrame, every: str = "1h") -> pd.DataFrame:
        """The cost per hour of the run under ``prices`` (a Prices, a price CSV file or its
        table) by account and component on a grid of ``every``; see
        ``simulator.timelines.costs``."""
        from simulator.timelines.costs import as_prices, cost_frame

        return cost_frame(self._records, self._clock, as_prices(prices), every)

    def plot_costs(self, prices: Prices | str | Path | pd.DataFrame, every: str = "1h",
                   ax: Axes | None = None) -> Axes:
        """Plot ``costs(prices, every)``; see ``simulator.timelines.plots.plot_costs``."""
        from simulator.timelines.plots import (
            plot_costs,  # matplotlib loads only to plot
        )

        return plot_costs(self.costs(prices, every), ax=ax, end=pd.Timestamp(self._clock.now()))

    # -- Auto Scaling ---------------------------------------------------------------------------

    @property
    def scaling(self) -> pd.DataFrame:
        """Auto Scaling groups, one row whenever a group's desired capacity or instances change
        or a scaling activity starts or ends.

        Columns: ``time``, ``account_id``, ``group_name``, ``desired``, ``in_service``,
        ``pending`` (the group after the change), ``activity`` (the activity's description,
        with the status reason of a failed one; empty for a change of capacity or instance
        state), ``status`` (InProgress, Successful, Failed; empty without an activity),
        ``cause``.
        """
        from simulator.timelines.scaling import scaling

        return scaling(self._records, self._clock)

    def plot_scaling(self, group_name: str, ax: Axes | None = None, account_id: str | None = None) -> Axes:
        """Plot a group's desired capacity against its instances in service, failed launches
        marked; see ``simulator.timelines.scaling.plot_scaling``."""
        from simulator.timelines.scaling import plot_scaling

        return plot_scaling(self.scaling, group_name, pd.Timestamp(self._clock.now()), ax=ax, account_id=account_id)
