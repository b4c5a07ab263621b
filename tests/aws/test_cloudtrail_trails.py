"""CloudTrail ("Logging AWS License Manager API calls using AWS CloudTrail"): every call is an
event of the guide's log entry format in its account's event history (LookupEvents), and a
trail delivers log files every five minutes in CloudTrail's S3 layout; the log files of a run
replay through ``lmsim replay --cloudtrail`` to the same blocked launches."""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from simulator import Simulation, replay_cloudtrail
from simulator.replay.cloudtrail import read_trail
from tests.helpers import ACCOUNT_A, ACCOUNT_B, create_configuration, iam_user, launch

ROOT = Path(__file__).resolve().parents[2]
GUIDE_FIELDS = ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "requestID", "eventID",
                "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory"]


def events(sim, account=ACCOUNT_A, region="us-east-1", **attribute) -> list[dict]:
    trail = sim.client("cloudtrail", account, region)
    params = {"LookupAttributes": [{"AttributeKey": k, "AttributeValue": v} for k, v in attribute.items()]}
    return [json.loads(e["CloudTrailEvent"]) for e in trail.lookup_events(**params)["Events"]]


def test_every_call_is_an_event_of_the_guides_format(sim, lm):
    """An event holds the guide's fields: the caller (Root here), the simulated time, the
    source, the request in lower camel case, the response of a call that changed something
    (null for a read), ids, the recipient account."""
    sim.advance("90m")
    arn = create_configuration(lm, name="guide")
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
    lm.list_license_configurations()
    record = events(sim, EventName="DeleteLicenseConfiguration")[0]
    assert list(record) == GUIDE_FIELDS
    assert record["userIdentity"] == {"type": "Root", "principalId": ACCOUNT_A, "arn": f"arn:aws:iam::{ACCOUNT_A}:root",
                                      "accountId": ACCOUNT_A, "accessKeyId": f"ASIA{ACCOUNT_A}SIM"}
    assert record["eventTime"] == "2026-01-01T01:30:00Z" and record["eventSource"] == "license-manager.amazonaws.com"
    assert record["requestParameters"] == {"licenseConfigurationArn": arn}
    assert record["responseElements"] is None and record["readOnly"] is False
    assert record["recipientAccountId"] == ACCOUNT_A and record["eventType"] == "AwsApiCall"
    created = events(sim, EventName="CreateLicenseConfiguration")[0]
    assert created["responseElements"] == {"licenseConfigurationArn": arn}
    assert created["requestParameters"]["licenseCountingType"] == "Instance"
    assert events(sim, EventName="ListLicenseConfigurations")[0]["readOnly"] is True


def test_failures_users_sessions_and_secrets(sim):
    """A failed call has errorCode and errorMessage (EC2's with Client.); an IAM user's
    event names the user and its access key; secrets in responses are hidden."""
    user = iam_user(sim, ACCOUNT_A, "dev")
    key = sim.client("iam", ACCOUNT_A).create_access_key(UserName="dev")["AccessKey"]
    ec2 = sim.client("ec2", credentials=key)
    with pytest.raises(ClientError):
        ec2.stop_instances(InstanceIds=["i-0123456789abcdef0"])
    failed = events(sim, EventName="StopInstances")[0]
    assert failed["errorCode"] == "Client.InvalidInstanceID.NotFound" and failed["errorMessage"]
    assert failed["userIdentity"]["type"] == "IAMUser" and failed["userIdentity"]["arn"] == user
    assert failed["userIdentity"]["accessKeyId"] == key["AccessKeyId"]
    assert failed["requestParameters"] == {"instancesSet": {"items": [{"instanceId": "i-0123456789abcdef0"}]}}
    created = events(sim, EventName="CreateAccessKey")[0]
    assert created["responseElements"]["accessKey"]["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS"


def test_launches_are_written_as_cloudtrail_writes_ec2(sim, ec2):
    """RunInstances: the image and counts inside instancesSet, the instances in the response."""
    [instance] = launch(ec2, "m5.large")
    record = events(sim, EventName="RunInstances")[0]
    assert record["requestParameters"]["instancesSet"]["items"][0]["minCount"] == 1
    assert record["requestParameters"]["instanceType"] == "m5.large"
    items = record["responseElements"]["instancesSet"]["items"]
    assert [i["instanceId"] for i in items] == [instance] and items[0]["instanceState"]["name"] == "pending"


def test_lookup_events_filters_and_pages(sim, lm):
    """LookupEvents: by EventName, EventSource, ResourceName, Username, ReadOnly and
    AccessKeyId; newest first, in pages; only the account's own events of the region;
    StartTime/EndTime; one attribute at a time."""
    arns = [create_configuration(lm, name=f"c{n}") for n in range(3)]
    sim.advance("1h")
    lm.list_license_configurations()
    trail = sim.client("cloudtrail", ACCOUNT_A)
    names = [e["eventName"] for e in events(sim, EventSource="license-manager.amazonaws.com")]
    assert names == ["ListLicenseConfigurations"] + ["CreateLicenseConfiguration"] * 3
    assert [e["responseElements"]["licenseConfigurationArn"] for e in events(sim, ResourceName=arns[1])] == [arns[1]]
    reads = events(sim, ReadOnly="true")  # the lookups themselves are read-only events too
    assert {e["eventName"] for e in reads} == {"ListLicenseConfigurations", "LookupEvents"}
    assert {e["readOnly"] for e in reads} == {True}
    assert {e["userIdentity"]["type"] for e in events(sim, Username="root")} == {"Root"}
    assert len(events(sim, AccessKeyId=f"ASIA{ACCOUNT_A}SIM")) > 4
    assert events(sim, AccessKeyId="AKIANOSUCHKEY0000000") == []
    source = [{"AttributeKey": "EventSource", "AttributeValue": "license-manager.amazonaws.com"}]
    first = trail.lookup_events(LookupAttributes=source, MaxResults=3)
    second = trail.lookup_events(LookupAttributes=source, MaxResults=3, NextToken=first["NextToken"])
    assert len(first["Events"]) == 3 and len(second["Events"]) == 1 and "NextToken" not in second
    later = trail.lookup_events(LookupAttributes=source, StartTime="2026-01-01T00:30:00Z")["Events"]
    assert [e["EventName"] for e in later] == ["ListLicenseConfigurations"]
    assert events(sim, ACCOUNT_B) == [] and events(sim, region="eu-west-1") == []
    with pytest.raises(trail.exceptions.InvalidLookupAttributesException):
        trail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"},
                                              {"AttributeKey": "Username", "AttributeValue": "root"}])
    with pytest.raises(trail.exceptions.InvalidTimeRangeException):
        trail.lookup_events(StartTime="2026-01-02T00:00:00Z", EndTime="2026-01-01T00:00:00Z")


def test_the_event_history_keeps_ninety_days(sim, lm):
    """Events older than 90 days are out of LookupEvents' reach."""
    create_configuration(lm)
    sim.advance("91d")
    lm.list_license_configurations()
    assert [e["eventName"] for e in events(sim)] == ["ListLicenseConfigurations"]


def test_trails_log_deliver_and_stop(sim, ec2):
    """CreateTrail, StartLogging, GetTrailStatus, DescribeTrails, StopLogging: a logging
    trail delivers a gzip {"Records": [...]} file per account and region every five
    minutes, under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ of its bucket; nothing
    after StopLogging."""
    trail = sim.client("cloudtrail", ACCOUNT_A)
    created = trail.create_trail(Name="audit", S3BucketName="audit-bucket", S3KeyPrefix="logs")
    assert created["TrailARN"] == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_A}:trail/audit"
    assert trail.get_trail_status(Name="audit")["IsLogging"] is False
    trail.start_logging(Name="audit")
    sim.advance("2m")
    launch(ec2)
    sim.advance("4m")
    status = trail.get_trail_status(Name="audit")
    assert status["IsLogging"] and str(status["LatestDeliveryTime"]) == "2026-01-01 00:05:00+00:00"
    [log] = sim.cloudtrail.log_files(include_pending=False)
    assert log.key.startswith(f"logs/AWSLogs/{ACCOUNT_A}/CloudTrail/us-east-1/2026/01/01/{ACCOUNT_A}_CloudTrail_"
                              "us-east-1_20260101T0005Z_")
    records = json.loads(gzip.decompress(sim.cloudtrail.log_file_content(log)))["Records"]
    assert [r["eventName"] for r in records] == ["StartLogging", "DescribeImages", "RunInstances"]
    trail.stop_logging(Name="audit")
    launch(ec2)
    sim.advance("1h")
    assert len(sim.cloudtrail.log_files(include_pending=False)) == 2  # StopLogging itself, then nothing
    assert [t["Name"] for t in trail.describe_trails()["trailList"]] == ["audit"]
    with pytest.raises(trail.exceptions.TrailAlreadyExistsException):
        trail.create_trail(Name="audit", S3BucketName="audit-bucket")
    with pytest.raises(trail.exceptions.InvalidS3BucketNameException):
        trail.create_trail(Name="other", S3BucketName="Bad_Bucket")
    with pytest.raises(trail.exceptions.TrailNotFoundException):
        trail.start_logging(Name="missing")


def test_an_organization_trail_logs_every_member_under_the_organization_id(sim):
    """An organization trail (the management account, with CloudTrail's trusted access)
    delivers the members' events under AWSLogs/<organization id>/<account>/...; members see
    it as a shadow trail; the export reads back as a CloudTrail trail."""
    org = sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    trail = sim.client("cloudtrail", ACCOUNT_A)
    with pytest.raises(trail.exceptions.CloudTrailAccessNotEnabledException):
        trail.create_trail(Name="org", S3BucketName="org-bucket", IsOrganizationTrail=True)
    sim.client("organizations", ACCOUNT_A).enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
    with pytest.raises(ClientError):
        sim.client("cloudtrail", ACCOUNT_B).create_trail(Name="org", S3BucketName="org-bucket",
                                                         IsOrganizationTrail=True)
    trail.create_trail(Name="org", S3BucketName="org-bucket", IsOrganizationTrail=True)
    trail.start_logging(Name="org")
    launch(sim.client("ec2", ACCOUNT_B))
    sim.advance("10m")
    keys = [f.key for f in sim.cloudtrail.log_files()]
    assert any(k.startswith(f"AWSLogs/{org.organization_id}/{ACCOUNT_B}/CloudTrail/us-east-1/") for k in keys)
    shadow = sim.client("cloudtrail", ACCOUNT_B).describe_trails()["trailList"]
    assert [(t["Name"], t["IsOrganizationTrail"], t["HomeRegion"]) for t in shadow] == [("org", True, "us-east-1")]


def test_a_runs_log_files_replay_to_its_blocked_launches(tmp_path):
    """Round trip: the quickstart with an organization trail, exported, replayed with
    ``replay_cloudtrail`` against the run's configuration as the what-if: the replay blocks
    exactly the launches the run blocked, at the same instants."""
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / "scenarios" / "quickstart.py")
    quickstart = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quickstart)  # type: ignore[union-attr]
    sim = Simulation(start=quickstart.START, seed=0)
    quickstart.build(sim, days=10)
    sim.client("organizations", quickstart.MANAGEMENT).enable_aws_service_access(
        ServicePrincipal="cloudtrail.amazonaws.com")
    trail = sim.client("cloudtrail", quickstart.MANAGEMENT)
    trail.create_trail(Name="org", S3BucketName="org-trail-logs", IsOrganizationTrail=True)
    trail.start_logging(Name="org")
    sim.run("2026-01-16T00:00:00Z")
    violations = sim.timelines.violations
    blocked = violations[violations.action == "blocked"]
    # CloudTrail's eventTime has whole seconds: the replay makes each call at its second.
    run_blocked = sorted((t.floor("s").isoformat(), op) for t, op in zip(blocked.time, blocked.operation, strict=True))
    assert run_blocked
    sim.cloudtrail.export(tmp_path)
    assert read_trail([tmp_path]).organization_id is not None
    association = next(e for e in sim.timelines.events.itertuples()
                       if e.event_name == "UpdateLicenseSpecificationsForResource")
    image = json.loads(association.detail)["ResourceArn"].rsplit("/", 1)[1]
    what_if = {"license_configurations": [{
        "Name": "windows-server-datacenter-cores", "LicenseCountingType": "Core", "LicenseCount": 96,
        "LicenseCountHardLimit": True, "LicenseRules": ["#minimumCores=8", "#maximumCores=16",
                                                        "#allowedTenancy=EC2-DedicatedHost"],
        "AssociatedAmis": [image]}], "management_account_id": quickstart.MANAGEMENT}
    report = replay_cloudtrail(tmp_path, what_if).report
    assert sorted((b["event_time"], b["event_name"]) for b in report["blocked"]) == run_blocked
    assert all(b["blocked_in_trail"] for b in report["blocked"])
    assert report["unblocked"] == [] and report["diverged"] == []
