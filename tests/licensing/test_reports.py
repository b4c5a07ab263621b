"""Report generators through boto3 (User Guide, "License reporting in License Manager":
creating a report generator, the two report types, the S3 URI pattern, editing, deleting,
and the bucket License Manager creates; the API model's ReportGenerator, ReportContext and
ReportFrequency)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from simulator import Simulation
from simulator.licensing import LicenseManagerQuotas
from simulator.licensing.reports.content import SUMMARY_COLUMNS, USAGE_COLUMNS
from tests.helpers import ACCOUNT_A, REGION, assert_refused, create_configuration, launch

SUMMARY, USAGE = "LicenseConfigurationSummaryReport", "LicenseConfigurationUsageReport"
KEY = re.compile(r"Reports/(?P<name>[^/]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
                 r"(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.csv")


def _generator(lm, arn: str, name: str = "weekly-usage", period: str = "WEEK", types=(SUMMARY, USAGE),
               token: str = "t-1", **context) -> str:
    return lm.create_license_manager_report_generator(
        ReportGeneratorName=name, Type=list(types), ReportContext={"licenseConfigurationArns": [arn], **context},
        ReportFrequency={"value": 1, "period": period}, ClientToken=token)["LicenseManagerReportGeneratorArn"]


def _get(lm, arn: str) -> dict:
    return lm.get_license_manager_report_generator(LicenseManagerReportGeneratorArn=arn)["ReportGenerator"]


def _reports(sim: Simulation, name: str | None = None):
    frame = sim.timelines.reports
    return frame if name is None else frame[frame.report_generator_name == name]


def _rows(sim: Simulation, bucket: str, key: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(sim.s3.read(f"s3://{bucket}/{key}").decode())))


@pytest.fixture
def estate(sim, lm):
    """A vCPU configuration of account A tracking two running instances."""
    arn = create_configuration(lm, "vCPU", count=16, name="sql-vcpus", LicenseRules=["#minimumVcpus=2"])
    ec2 = sim.client("ec2", ACCOUNT_A)
    launch(ec2, "m5.xlarge", 2, licenses=[arn])
    sim.advance("10m")
    return arn


def test_first_report_within_an_hour_in_the_bucket_license_manager_makes(sim, lm, estate):
    """Without an S3 bucket in the settings, License Manager makes aws-license-manager-service-*
    in the account and records it; the first reports come within 60 minutes, one CSV per type,
    at Reports/<name>/<yyyy>/<mm>/<dd>/<report id>.csv, with their header row and columns."""
    arn = _generator(lm, estate)
    bucket = lm.get_service_settings()["S3BucketArn"].removeprefix("arn:aws:s3:::")
    assert bucket.startswith("aws-license-manager-service-")
    assert sim.client("s3", ACCOUNT_A).head_bucket(Bucket=bucket)["BucketRegion"] == REGION
    generator = _get(lm, arn)
    assert generator["S3Location"] == {"bucket": bucket, "keyPrefix": "Reports/weekly-usage"}
    assert "LastRunStatus" not in generator and generator["ReportCreatorAccount"] == ACCOUNT_A
    sim.advance("60m")
    runs = _reports(sim)
    assert list(runs.status) == ["SUCCESS", "SUCCESS"] and set(runs.report_type) == {SUMMARY, USAGE}
    assert (runs.time.iloc[0] - sim.clock.start).total_seconds() <= 600 + 3600
    generator = _get(lm, arn)
    assert generator["LastRunStatus"] == "SUCCESS" and generator["LastReportGenerationTime"].startswith("2026-01-01")
    keys = {row.report_type: row.key for row in runs.itertuples()}
    for key in keys.values():
        match = KEY.fullmatch(key)
        assert match and (match["name"], match["y"], match["m"], match["d"]) == ("weekly-usage", "2026", "01", "01")
    assert sim.s3.list(f"s3://{bucket}/Reports/weekly-usage/") == sorted(f"s3://{bucket}/{k}" for k in keys.values())
    (summary,) = _rows(sim, bucket, keys[SUMMARY])
    assert tuple(summary) == SUMMARY_COLUMNS
    assert (summary["LicenseConfigurationName"], summary["LicenseCountingType"], summary["LicenseCount"],
            summary["LicenseCountHardLimit"], summary["LicenseRules"], summary["ConsumedLicenses"],
            summary["ConsumedLicensesEC2Instance"], summary["PeakConsumedLicenses"], summary["Status"]) == (
        "sql-vcpus", "vCPU", "16", "true", "#minimumVcpus=2", "8", "8", "8", "AVAILABLE")
    usage = _rows(sim, bucket, keys[USAGE])
    assert tuple(usage[0]) == USAGE_COLUMNS and len(usage) == 2
    assert {(r["ResourceType"], r["ResourceStatus"], r["ResourceOwnerId"], r["ConsumedLicenses"]) for r in usage} == {
        ("EC2_INSTANCE", "running", ACCOUNT_A, "4")}


def test_one_report_per_period_and_a_calendar_month(sim, lm, estate):
    """A DAY generator reports daily, a MONTH one on the same day of each month; ONE_TIME
    reports once, for its period, no earlier than its end."""
    _generator(lm, estate, "daily", "DAY", types=(SUMMARY,), token="d")
    _generator(lm, estate, "monthly", "MONTH", types=(SUMMARY,), token="m")
    start, end = sim.clock.to_datetime(0), sim.clock.to_datetime(86400 * 3)
    _generator(lm, estate, "once", "ONE_TIME", types=(SUMMARY,), token="o", reportStartDate=start,
               reportEndDate=end)
    sim.run("2026-03-02T12:00:00Z")
    daily, monthly, once = (_reports(sim, n) for n in ("daily", "monthly", "once"))
    assert len(daily) == 61
    assert [t.strftime("%m-%d") for t in monthly.time] == ["01-01", "02-01", "03-01"]
    assert len(once) == 1 and once.time.iloc[0] >= end
    (row,) = _rows(sim, once.bucket.iloc[0], once.key.iloc[0])
    assert (row["ReportPeriodStart"], row["ReportPeriodEnd"]) == ("2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z")


def test_rename_update_and_delete(sim, lm, estate):
    """An update reports again within an hour; a new name sends later reports to its folder;
    a deleted generator writes nothing more and leaves its reports; a configuration in a
    generator's context cannot be deleted until the generator is."""
    arn = _generator(lm, estate, "weekly-usage", "WEEK", types=(USAGE,))
    sim.advance("2h")
    lm.update_license_manager_report_generator(
        LicenseManagerReportGeneratorArn=arn, ReportGeneratorName="usage-renamed", Type=[USAGE],
        ReportContext={"licenseConfigurationArns": [estate]}, ReportFrequency={"value": 1, "period": "WEEK"},
        ClientToken="u-1", Description="renamed")
    sim.advance("1h")
    runs = _reports(sim)
    assert list(runs.report_generator_name) == ["weekly-usage", "usage-renamed"]
    assert runs.key.iloc[1].startswith("Reports/usage-renamed/")
    assert _get(lm, arn)["Description"] == "renamed"
    assert_refused(sim, "InvalidParameterValueException",
                   lambda: lm.delete_license_configuration(LicenseConfigurationArn=estate))
    lm.delete_license_manager_report_generator(LicenseManagerReportGeneratorArn=arn)
    assert_refused(sim, "ResourceNotFoundException", lambda: _get(lm, arn))
    sim.advance("15d")
    assert len(_reports(sim)) == 2
    assert all(sim.s3.read(f"s3://{b}/{k}") for b, k in zip(runs.bucket, runs.key, strict=True))
    bucket = runs.bucket.iloc[0]
    ec2 = sim.client("ec2", ACCOUNT_A)
    instances = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    ec2.terminate_instances(InstanceIds=instances)
    sim.advance("2h")
    lm.delete_license_configuration(LicenseConfigurationArn=estate)
    assert sim.s3.list(f"s3://{bucket}/Reports/")


def test_a_deleted_bucket_fails_the_run_until_it_is_back(sim, lm, estate):
    """A run into a bucket that was deleted fails with the reason (LastRunStatus FAILED,
    LastRunFailureReason) and alerts; the generator keeps its schedule and the next run,
    once the bucket is created again, succeeds."""
    arn = _generator(lm, estate, "daily", "DAY", types=(SUMMARY,))
    sim.advance("1h")
    bucket = _get(lm, arn)["S3Location"]["bucket"]
    s3 = sim.client("s3", ACCOUNT_A)
    for entry in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        s3.delete_object(Bucket=bucket, Key=entry["Key"])
    s3.delete_bucket(Bucket=bucket)
    sim.advance("1d")
    failed = _get(lm, arn)
    assert failed["LastRunStatus"] == "FAILED" and failed["LastRunFailureReason"].startswith("NoSuchBucket")
    assert failed["LastReportGenerationTime"].startswith("2026-01-01")
    notes = sim.timelines.notifications
    assert list(notes[notes.kind == "report_failed"].resource_arn) == [arn]
    s3.create_bucket(Bucket=bucket)
    sim.advance("1d")
    recovered = _get(lm, arn)
    assert recovered["LastRunStatus"] == "SUCCESS" and "LastRunFailureReason" not in recovered
    assert list(_reports(sim).status) == ["SUCCESS", "FAILED", "SUCCESS"]


def test_requests_are_checked_and_the_quota_applies():
    """Bad names, types, contexts and frequencies are refused before anything changes; a
    configuration the account does not own is ResourceNotFoundException; the same client
    token returns the same generator; past the quota (configurable) the account gets
    ResourceLimitExceededException; List filters by configuration and pages."""
    sim = Simulation(seed=0, license_manager_quotas=LicenseManagerQuotas(report_generators_per_account=2))
    sim.add_account(ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    first = create_configuration(lm, name="first")
    second = create_configuration(lm, name="second")
    one = _generator(lm, first, "one", token="a")
    assert _generator(lm, first, "one", token="a") == one
    bad = [
        ("InvalidParameterValueException", {"ReportGeneratorName": "a/b"}),
        ("InvalidParameterValueException", {"ReportGeneratorName": "one"}),
        ("InvalidParameterValueException", {"Type": ["LicenseAssetGroupUsageReport"]}),
        ("InvalidParameterValueException", {"ReportContext": {"licenseConfigurationArns": []}}),
        ("ResourceNotFoundException", {"ReportContext": {"licenseConfigurationArns": [first[:-4] + "ffff"]}}),
        ("ValidationException", {"ReportFrequency": {"value": 2, "period": "DAY"}}),
        ("ValidationException", {"ReportFrequency": {"value": 1, "period": "ONE_TIME"}}),
    ]
    for code, change in bad:
        params = {"ReportGeneratorName": "two", "Type": [SUMMARY], "ReportContext": {"licenseConfigurationArns": [
            second]}, "ReportFrequency": {"value": 1, "period": "DAY"}, "ClientToken": "b", **change}
        assert_refused(sim, code, lambda p=params: lm.create_license_manager_report_generator(**p))
    _generator(lm, second, "two", token="b")
    assert_refused(sim, "ResourceLimitExceededException", lambda: _generator(lm, second, "three", token="c"))
    listed = lm.list_license_manager_report_generators(Filters=[{"Name": "LicenseConfigurationArn",
                                                                 "Values": [second]}])["ReportGenerators"]
    assert [g["ReportGeneratorName"] for g in listed] == ["two"]
    page = lm.list_license_manager_report_generators(MaxResults=1)
    assert len(page["ReportGenerators"]) == 1 and page["NextToken"]
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.list_license_manager_report_generators(
        Filters=[{"Name": "ReportType", "Values": [SUMMARY]}]))
