"""What a report holds, as CSV with a header row (User Guide, "License reporting"):

- ``LicenseConfigurationSummaryReport``: a row per configuration of the generator's context:
  the configuration (name, ARN, counting type, license count, hard limit, rules, status),
  the licenses consumed when the report is made, split by the resource type that consumes
  them, and the most consumed at once during the report's period;
- ``LicenseConfigurationUsageReport``: a row per resource a configuration tracks when the
  report is made: its ARN and type, status, owning account, the licenses it consumes and
  when it was associated.

Times are ISO 8601 in UTC. The period of a periodic report runs from the generator's last
report (or its creation) to the report; a ONE_TIME report covers its context's dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from simulator.licensing.configuration import (
    EC2_HOST,
    EC2_INSTANCE,
    RDS,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
    LicenseConfiguration,
)
from simulator.licensing.state import LicenseState
from simulator.licensing.views import Views

#: The resource types whose consumption the summary splits out, and their columns.
CONSUMING_TYPES = {EC2_INSTANCE: "ConsumedLicensesEC2Instance", EC2_HOST: "ConsumedLicensesEC2Host",
                   SYSTEMS_MANAGER_MANAGED_INSTANCE: "ConsumedLicensesSystemsManagerManagedInstance",
                   RDS: "ConsumedLicensesRDS"}
SUMMARY_COLUMNS = ("ReportPeriodStart", "ReportPeriodEnd", "LicenseConfigurationName", "LicenseConfigurationArn",
                   "LicenseCountingType", "LicenseCount", "LicenseCountHardLimit", "LicenseRules", "Status",
                   "ConsumedLicenses", *CONSUMING_TYPES.values(), "PeakConsumedLicenses")
USAGE_COLUMNS = ("LicenseConfigurationName", "LicenseConfigurationArn", "ResourceArn", "ResourceType",
                 "ResourceStatus", "ResourceOwnerId", "ConsumedLicenses", "AssociationTime")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv(columns: Sequence[str], rows: list[list[object]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return text.getvalue().encode()


def peak_consumed(state: LicenseState, cfg: LicenseConfiguration, start: float, end: float) -> int:
    """The most ``cfg`` consumed at once from ``start`` to ``end`` (simulated seconds): its
    level when the period began and every change within it, read back from the compliance
    records (newest first, so a recent period costs only its own rows)."""
    rows = state.compliance
    peak = None
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        if row[1] != cfg.arn:
            continue
        if row[0] <= end:
            peak = row[6] if peak is None else max(peak, row[6])
        if row[0] <= start:
            break
    return cfg.consumed if peak is None else int(peak)


def summary_report(state: LicenseState, configurations: list[LicenseConfiguration], start: float,
                   end: float) -> bytes:
    """The LicenseConfigurationSummaryReport of ``configurations`` for the period."""
    to_datetime = state.clock.to_datetime
    rows: list[list[object]] = []
    for cfg in configurations:
        by_type = cfg.consumed_by_type()
        rows.append([
            _iso(to_datetime(start)), _iso(to_datetime(end)), cfg.name, cfg.arn, cfg.counting_type,
            "" if cfg.license_count is None else cfg.license_count, str(cfg.hard_limit).lower(),
            ";".join(cfg.rules.texts), cfg.status, cfg.consumed,
            *(by_type.get(kind, 0) for kind in CONSUMING_TYPES), peak_consumed(state, cfg, start, end),
        ])
    return _csv(SUMMARY_COLUMNS, rows)


def usage_report(views: Views, configurations: list[LicenseConfiguration]) -> bytes:
    """The LicenseConfigurationUsageReport of ``configurations``: their tracked resources now."""
    rows: list[list[object]] = [
        [cfg.name, cfg.arn, entry.resource_arn, entry.resource_type, entry.resource_status, entry.owner_id,
         entry.consumed, _iso(entry.associated_at)]
        for cfg in configurations for entry in views.usage(cfg.owner_id, cfg.region, cfg.arn)
    ]
    return _csv(USAGE_COLUMNS, rows)
