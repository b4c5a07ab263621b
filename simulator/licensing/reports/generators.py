"""Report generators (User Guide, "License reporting in License Manager": creating, editing
and deleting them): CreateLicenseManagerReportGenerator, Get, List, Update, Delete, and the
runs that write their reports into the account's License Manager bucket.

- The first report comes within 60 minutes of creation ("A new report generator will begin
  publishing reports within 60 minutes or less"), then one per ReportFrequency: every day,
  week or calendar month (``value`` is 1, the only value the API model supports); a
  ONE_TIME generator makes one report, for its context's reportStartDate..reportEndDate, no
  earlier than reportEndDate.
- An updated generator reports again within an hour, and from then on per its new
  frequency; a new name sends later reports to the new name's folder ("Changing the name of
  your report generator will send future reports to a new folder").
- A run writes one CSV per report type as License Manager's core service-linked role to
  ``Reports/<name>/<yyyy>/<mm>/<dd>/<report id>.csv``. A bucket that was deleted or refuses
  the role fails the run: ``LastRunStatus`` FAILED with the reason, a ``report_failed``
  alert, and the generator keeps its schedule (the next run succeeds once the bucket is back).
- Deleting a generator stops its reports and leaves the old ones; a configuration in a
  generator's context cannot be deleted until the generator is.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import datetime

from simulator.core.errors import ServiceError
from simulator.core.random import stable_key
from simulator.core.validation import invalid
from simulator.licensing.alerts import REPORT_FAILED
from simulator.licensing.bucket import LicenseManagerBucket
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.errors import resource_limit_exceeded_exception, resource_not_found_exception
from simulator.licensing.records import ReportRecord
from simulator.licensing.reports.content import summary_report, usage_report
from simulator.licensing.reports.generator import (
    DAY,
    FAILED,
    MONTH,
    ONE_TIME,
    PERIODS,
    REPORT_TYPES,
    SUCCESS,
    SUMMARY_REPORT,
    WEEK,
    ReportGenerator,
)
from simulator.licensing.state import LicenseState
from simulator.licensing.views import Views

#: Seconds of a DAY and a WEEK.
PERIOD_SECONDS = {DAY: 86400.0, WEEK: 7 * 86400.0}
#: How soon a new or updated generator makes its first report: at least this, at most an hour.
FIRST_RUN_MIN, FIRST_RUN_MAX = 300.0, 3600.0
_VALIDATION = "ValidationException"


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` a number of calendar months later (the day clamped to the month's end)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


class ReportGenerators:
    """Every account's report generators.

    Args:
        state: The engine's shared state.
        views: Usage listings (the usage report).
        bucket: The accounts' License Manager buckets.
    """

    def __init__(self, state: LicenseState, views: Views, bucket: LicenseManagerBucket) -> None:
        self.state = state
        self.views = views
        self.bucket = bucket
        self.generators: dict[str, ReportGenerator] = {}
        self._tokens: dict[tuple[str, str], str] = {}
        self.records = state.records.register("reports", ReportRecord)
        state.delete_checks.append(self._reported_on)

    # -- the API ------------------------------------------------------------------------------

    def create(self, account_id: str, region: str, *, name: str, types: Sequence[str], configuration_arns:
               Sequence[str], period: str | None, value: int | None = None, start: datetime | None = None,
               end: datetime | None = None, asset_groups: Sequence[str] = (), description: str = "",
               tags: dict[str, str] | None = None, client_token: str = "") -> ReportGenerator:
        """CreateLicenseManagerReportGenerator; the same client token again returns the same
        generator. The account's License Manager bucket is made if it has none.

        Raises:
            ServiceError: ValidationException (frequency or dates), InvalidParameterValueException
                (name, types, context), ResourceNotFoundException (a configuration the account
                does not own in the region), ResourceLimitExceededException (the quota).
        """
        if client_token and (account_id, client_token) in self._tokens:
            known = self.generators.get(self._tokens[(account_id, client_token)])
            if known is not None:
                return known
        self._check(account_id, region, name, types, configuration_arns, period, value, start, end, asset_groups)
        mine = self.owned(account_id, region)
        if any(g.name == name for g in mine):
            raise invalid(f"ReportGeneratorName {name!r}: the account already has a report generator of that name")
        limit = self.state.quotas.report_generators_per_account
        if len(mine) >= limit:
            raise resource_limit_exceeded_exception(f"Account {account_id} has {limit} report generators in {region}, "
                                                    "the quota")
        bucket = self.bucket.ensure(account_id, region)
        arn = (f"arn:aws:license-manager:{region}:{account_id}:report-generator:"
               f"r-{self.state.ids.token('report-generator', 32)}")
        now = self.state.clock.seconds
        generator = ReportGenerator(
            arn=arn, name=name, account_id=account_id, region=region, types=tuple(dict.fromkeys(types)),
            configuration_arns=tuple(dict.fromkeys(configuration_arns)), period=period or "", value=value or 1,
            created_at=self.state.clock.now(), bucket=bucket, period_start=now, description=description,
            report_start=start, report_end=end, tags=dict(tags or {}))
        self.generators[arn] = generator
        if client_token:
            self._tokens[(account_id, client_token)] = arn
        self._schedule_first(generator)
        return generator

    def update(self, account_id: str, region: str, arn: str, *, name: str, types: Sequence[str],
               configuration_arns: Sequence[str], period: str | None, value: int | None = None,
               start: datetime | None = None, end: datetime | None = None, asset_groups: Sequence[str] = (),
               description: str | None = None) -> ReportGenerator:
        """UpdateLicenseManagerReportGenerator: everything but the tags is replaced; the
        generator reports again within an hour.

        Raises:
            ServiceError: as ``create``, and ResourceNotFoundException for an unknown generator.
        """
        generator = self.get(account_id, region, arn)
        self._check(account_id, region, name, types, configuration_arns, period, value, start, end, asset_groups)
        if any(g.name == name and g is not generator for g in self.owned(account_id, region)):
            raise invalid(f"ReportGeneratorName {name!r}: the account already has a report generator of that name")
        generator.name = name
        generator.types = tuple(dict.fromkeys(types))
        generator.configuration_arns = tuple(dict.fromkeys(configuration_arns))
        generator.period, generator.value = period or "", value or 1
        generator.report_start, generator.report_end = start, end
        if description is not None:
            generator.description = description
        generator.epoch += 1
        self._schedule_first(generator)
        return generator

    def get(self, account_id: str, region: str, arn: str) -> ReportGenerator:
        """The account's generator ``arn``.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed ARN,
                ResourceNotFoundException for a generator the account does not have.
        """
        if ":report-generator:" not in arn or not arn.startswith("arn:aws:license-manager:"):
            raise invalid(f"LicenseManagerReportGeneratorArn {arn!r} is not a report generator ARN "
                          "(arn:aws:license-manager:<region>:<account>:report-generator:<id>)")
        generator = self.generators.get(arn)
        if generator is None or generator.account_id != account_id or generator.region != region:
            raise resource_not_found_exception(f"Report generator {arn} does not exist")
        return generator

    def owned(self, account_id: str, region: str) -> list[ReportGenerator]:
        """The account's generators in the region, oldest first."""
        return [g for g in self.generators.values() if g.account_id == account_id and g.region == region]

    def list(self, account_id: str, region: str, filters: Iterable[tuple[str, list[str]]] = ()
             ) -> list[ReportGenerator]:
        """ListLicenseManagerReportGenerators (filter LicenseConfigurationArn: generators whose
        context names one of the values).

        Raises:
            ServiceError: InvalidParameterValueException for another filter.
        """
        found = self.owned(account_id, region)
        for name, values in filters:
            if name != "LicenseConfigurationArn":
                raise invalid(f"Filter {name!r} is invalid; allowed filters: LicenseConfigurationArn")
            wanted = set(values)
            found = [g for g in found if wanted.intersection(g.configuration_arns)]
        return found

    def delete(self, account_id: str, region: str, arn: str) -> None:
        """DeleteLicenseManagerReportGenerator: no more reports; those written stay.

        Raises:
            ServiceError: InvalidParameterValueException, ResourceNotFoundException.
        """
        generator = self.get(account_id, region, arn)
        generator.deleted = True
        del self.generators[arn]

    # -- checks -------------------------------------------------------------------------------

    def _check(self, account_id: str, region: str, name: str, types: Sequence[str], arns: Sequence[str],
               period: str | None, value: int | None, start: datetime | None, end: datetime | None,
               asset_groups: Sequence[str]) -> None:
        if not name or "/" in name or any(not (" " <= c <= "~") for c in name):
            raise invalid(f"ReportGeneratorName {name!r}: 1 to 100 printable ASCII characters without '/' (it names "
                          "the reports' folder)")
        if not types:
            raise invalid(f"Type: give at least one report type of {', '.join(REPORT_TYPES)}")
        for report_type in types:
            if report_type not in REPORT_TYPES:
                raise invalid(f"Type {report_type!r}: license asset group reports are not simulated; report types: "
                              f"{', '.join(REPORT_TYPES)}")
        if asset_groups:
            raise invalid("ReportContext.licenseAssetGroupArns: license asset groups are not simulated")
        if not arns:
            raise invalid("ReportContext.licenseConfigurationArns: give at least one license configuration")
        for arn in arns:
            cfg = self.state.configurations.get(arn)
            if cfg is None or cfg.owner_id != account_id or cfg.region != region:
                raise resource_not_found_exception(f"License configuration {arn} does not exist in account "
                                                   f"{account_id} in {region}")
        if period not in PERIODS:
            raise invalid(f"ReportFrequency.period {period!r}: one of {', '.join(PERIODS)}", _VALIDATION)
        if value not in (None, 1):
            raise invalid(f"ReportFrequency.value {value}: the only supported value is 1", _VALIDATION)
        if period == ONE_TIME:
            if start is None or end is None:
                raise invalid("ReportContext: a ONE_TIME report needs reportStartDate and reportEndDate", _VALIDATION)
            if start >= end:
                raise invalid(f"ReportContext: reportStartDate {start.isoformat()} must be before reportEndDate "
                              f"{end.isoformat()}", _VALIDATION)
        elif start is not None or end is not None:
            raise invalid(f"ReportContext: reportStartDate and reportEndDate apply to ONE_TIME reports, not {period}",
                          _VALIDATION)

    def _reported_on(self, cfg: LicenseConfiguration) -> str | None:
        names = [g.name for g in self.generators.values() if cfg.arn in g.configuration_arns]
        if not names:
            return None
        return (f"License configuration {cfg.arn} is in the context of report generator(s) {', '.join(names)}; delete "
                "them (or take the configuration out of their context) first")

    # -- runs ---------------------------------------------------------------------------------

    def _schedule_first(self, generator: ReportGenerator) -> None:
        """Within the hour (at a fixed instant per seed, generator and update); a ONE_TIME
        report no earlier than the end of its period."""
        clock = self.state.clock
        spread = FIRST_RUN_MAX - FIRST_RUN_MIN
        delay = FIRST_RUN_MIN + stable_key(self.state.ids.seed, generator.arn, generator.epoch) % int(spread)
        when = clock.seconds + delay
        if generator.period == ONE_TIME and generator.report_end is not None:
            when = max(when, clock.to_seconds(generator.report_end))
        clock.call_at(when, self._run, generator, generator.epoch)

    def _next(self, generator: ReportGenerator) -> float | None:
        clock = self.state.clock
        if generator.period == ONE_TIME:
            return None
        if generator.period == MONTH:
            return clock.to_seconds(add_months(clock.now(), 1))
        return clock.seconds + PERIOD_SECONDS[generator.period]

    def _run(self, generator: ReportGenerator, epoch: int) -> None:
        if generator.deleted or generator.epoch != epoch:
            return
        self.run(generator)
        following = self._next(generator)
        if following is not None:
            self.state.clock.call_at(following, self._run, generator, epoch)

    def run(self, generator: ReportGenerator) -> bool:
        """Make the generator's reports now; whether they were all written."""
        state = self.state
        clock = state.clock
        now, when = clock.seconds, clock.now()
        if generator.period == ONE_TIME and generator.report_start is not None and generator.report_end is not None:
            start, end = clock.to_seconds(generator.report_start), clock.to_seconds(generator.report_end)
        else:
            start, end = generator.period_start, now
        configurations = [state.configurations[a] for a in generator.configuration_arns if a in state.configurations]
        bucket = self.bucket.name(generator.account_id, generator.region) or generator.bucket
        generator.bucket = bucket
        writer = self.bucket.writer(generator.account_id)
        s3 = state.world.global_services.s3
        failure = ""
        for report_type in generator.types:
            content = (summary_report(state, configurations, start, end) if report_type == SUMMARY_REPORT
                       else usage_report(self.views, configurations))
            key = generator.key(when, state.ids.uuid("license-manager-report"))
            try:
                if writer is None:
                    raise ServiceError("AccessDenied", "License Manager's service-linked role "
                                                       "AWSServiceRoleForAWSLicenseManagerRole does not exist")
                s3.put_object(writer, bucket, key, content, content_type="text/csv")
            except ServiceError as error:
                failure = failure or f"{error.code}: {error.message}"
                self.records.append((now, generator.account_id, generator.region, generator.arn, generator.name,
                                     report_type, FAILED, bucket, key, f"{error.code}: {error.message}"))
                continue
            self.records.append((now, generator.account_id, generator.region, generator.arn, generator.name,
                                 report_type, SUCCESS, bucket, key, ""))
        generator.last_run_status = FAILED if failure else SUCCESS
        generator.last_run_failure_reason = failure or None
        if not failure:
            generator.last_report_generation_time = when
            generator.period_start = now
        elif configurations:
            cfg = configurations[0]
            state.notify(cfg, REPORT_FAILED, f"License Manager alert: report {generator.name} on {cfg.name} failed",
                         f"Report generator {generator.name} ({generator.arn}) could not write its reports to "
                         f"s3://{bucket}/{generator.key_prefix}/: {failure}", resource_arn=generator.arn)
        return not failure

