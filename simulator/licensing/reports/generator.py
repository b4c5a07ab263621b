"""A report generator: what it reports on, how often, where, and how its last run went."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: The report types (ReportType): a row per configuration, a row per tracked resource.
SUMMARY_REPORT = "LicenseConfigurationSummaryReport"
USAGE_REPORT = "LicenseConfigurationUsageReport"
REPORT_TYPES = (SUMMARY_REPORT, USAGE_REPORT)
#: ReportFrequencyType.
DAY, WEEK, MONTH, ONE_TIME = "DAY", "WEEK", "MONTH", "ONE_TIME"
PERIODS = (DAY, WEEK, MONTH, ONE_TIME)
#: LastRunStatus.
SUCCESS, FAILED = "SUCCESS", "FAILED"
#: The folder of every generator's reports in the bucket.
REPORTS_FOLDER = "Reports"


@dataclass(eq=False)
class ReportGenerator:
    """A report generator of one account and region.

    Attributes:
        configuration_arns: The license configurations of its ReportContext.
        report_start, report_end: The period of a ONE_TIME report.
        bucket: The bucket its reports go to (the account's License Manager bucket).
        period_start: Simulated second the next report's period starts (the last report, or
            the generator's creation).
        epoch: Bumped by each update: a run scheduled before it does not happen.
    """

    arn: str
    name: str
    account_id: str
    region: str
    types: tuple[str, ...]
    configuration_arns: tuple[str, ...]
    period: str
    value: int
    created_at: datetime
    bucket: str
    period_start: float
    description: str = ""
    report_start: datetime | None = None
    report_end: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    last_run_status: str | None = None
    last_run_failure_reason: str | None = None
    last_report_generation_time: datetime | None = None
    epoch: int = 0
    deleted: bool = False

    @property
    def key_prefix(self) -> str:
        """Where its reports go in the bucket: ``Reports/<name>``."""
        return f"{REPORTS_FOLDER}/{self.name}"

    def key(self, when: datetime, report_id: str) -> str:
        """The key of a report made at ``when``:
        ``Reports/<name>/<yyyy>/<mm>/<dd>/<report id>.csv``."""
        return f"{self.key_prefix}/{when:%Y/%m/%d}/{report_id}.csv"
