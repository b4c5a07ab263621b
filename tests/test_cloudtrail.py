"""CloudTrail replay: a real history, read from the log files AWS delivers, made again
against what-if license configurations ("Logging AWS License Manager API calls using AWS
CloudTrail"; "Build License Manager rules from vendor licenses": an operating-system license
counted by physical core on Dedicated Hosts, with a hard limit)."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.replay.cloudtrail import (
    CloudTrailError,
    WhatIfError,
    read_trail,
    replay_cloudtrail,
)
from simulator.replay.cloudtrail.translate import translate

EXAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "cloudtrail_example"
WHAT_IF = json.loads((EXAMPLE / "what_if.json").read_text())
WINDOWS_AMI, LINUX_AMI, SQL_AMI = "ami-0c1d2e3f4a5b6c7d8", "ami-0a9b8c7d6e5f4a3b2", "ami-0f1e2d3c4b5a69788"


def _what_if(count: int) -> dict:
    what_if = copy.deepcopy(WHAT_IF)
    what_if["license_configurations"][0]["LicenseCount"] = count
    return what_if


@pytest.fixture(scope="module")
def trail():
    """The example trail."""
    return read_trail([EXAMPLE])


@pytest.fixture(scope="module")
def at_96():
    """The example replayed against the example what-if (96 cores, hard limit)."""
    return replay_cloudtrail(EXAMPLE, WHAT_IF)


def test_the_log_files_are_read_as_aws_writes_them(trail):
    """Every .json.gz log file of the organization trail's S3 layout is read (the what-if file
    beside them is not a log), and the events come in event-time order."""
    assert len(trail.files) == 30 and all(p.name.endswith(".json.gz") for p in trail.files)
    assert trail.organization_id == "o-7h2k9d4m1x"
    assert trail.accounts == ["111111111111", "222222222222", "333333333333"] and trail.regions == ["us-east-1"]
    assert len(trail.events) == 33
    assert [e.time for e in trail.events] == sorted(e.time for e in trail.events)
    first = trail.events[0]
    assert (first.source, first.name, first.account_id) == ("license-manager.amazonaws.com",
                                                           "CreateLicenseConfiguration", "111111111111")
    assert first.principal == "arn:aws:sts::111111111111:assumed-role/LicenseAdministrator/maria.garcia"


def test_requests_translate_from_each_of_cloudtrails_forms(trail):
    """EC2's XML-ish form (instancesSet.items, minCount inside it, tagSpecificationSet),
    the <Action>Request form with {"content", "tag"} lists, older lowercase members, and
    License Manager's lowercase-initial names all become botocore parameters; a launch is
    made for as many instances as the trail's response shows."""
    by_name: dict[str, list] = {}
    for event in trail.events:
        by_name.setdefault(event.name, []).append(event)
    run = translate(by_name["RunInstances"][0])
    host = run.params["Placement"]["HostId"]
    assert run.params == {"ImageId": WINDOWS_AMI, "InstanceType": "m5.4xlarge", "MinCount": 1, "MaxCount": 1,
                          "Placement": {"Tenancy": "host", "HostId": host},
                          "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "etl-1"}]}]}
    assert run.created == [by_name["RunInstances"][0].response["instancesSet"]["items"][0]["instanceId"]]
    assert run.launched[0]["platform"] == "windows"
    linux = translate(by_name["RunInstances"][4])
    assert (linux.params["MinCount"], linux.params["MaxCount"], len(linux.created)) == (2, 2, 2)
    hosts = translate(by_name["AllocateHosts"][0])
    assert hosts.params == {"AvailabilityZone": "us-east-1a", "InstanceFamily": "m5", "Quantity": 2,
                            "AutoPlacement": "off", "HostRecovery": "on", "TagSpecifications": [
                                {"ResourceType": "dedicated-host", "Tags": [{"Key": "team", "Value": "analytics"}]}]}
    assert hosts.created == [host, translate(by_name["RunInstances"][3]).params["Placement"]["HostId"]]
    assert translate(by_name["ReleaseHosts"][0]).params == {"HostIds": [hosts.created[1]]}
    placement = translate(by_name["ModifyInstancePlacement"][0]).params
    etl_2 = translate(by_name["RunInstances"][1]).created[0]
    assert placement == {"InstanceId": etl_2, "Tenancy": "host", "Affinity": "host", "HostId": hosts.created[1]}
    assert translate(by_name["StopInstances"][0]).params["Force"] is False
    association = translate(by_name["UpdateLicenseSpecificationsForResource"][0]).params
    assert association["ResourceArn"] == f"arn:aws:ec2:us-east-1::image/{SQL_AMI}"
    assert association["AddLicenseSpecifications"][0]["AmiAssociationScope"] == "cross-account"
    create = translate(by_name["CreateLicenseConfiguration"][0])
    assert create.params["LicenseCountingType"] == "vCPU" and create.params["LicenseCountHardLimit"] is False
    assert create.created == [by_name["CreateLicenseConfiguration"][0].response["licenseConfigurationArn"]]


@pytest.mark.parametrize("count,blocked,skipped", [
    # 96 cores = two m5 hosts of 48. Monday: etl-1 and etl-2 on host a1 (48), iis-1 on b1
    # (96); etl-3 on a2 would make three hosts: blocked. Evening stops (etl-3's is skipped:
    # it never launched). Tuesday: iis-1 (48), etl-3's start skipped, etl-1 on a1 (96); the
    # refused terminate changes nothing; etl-2 moves to a2 and its start would add a third
    # host: blocked. iis-2 joins b1, which already counts. Wednesday fits in two hosts.
    (96, [("2026-03-02T09:40:02+00:00", "RunInstances"), ("2026-03-03T09:30:03+00:00", "StartInstances")],
     {"StartInstances": 1, "StopInstances": 1}),
    # 48 cores = one host: Monday iis-1 on b1 and etl-3 on a2 are blocked while a1 runs;
    # Tuesday etl-2's start on a2 and iis-2 on b1 are blocked while a1 runs; the web team's
    # later starts and stops name only servers that never launched: skipped.
    (48, [("2026-03-02T09:05:27+00:00", "RunInstances"), ("2026-03-02T09:40:02+00:00", "RunInstances"),
          ("2026-03-03T09:30:03+00:00", "StartInstances"), ("2026-03-03T12:00:26+00:00", "RunInstances")],
     {"StartInstances": 3, "StopInstances": 4}),
])
def test_a_lowered_count_blocks_the_launches_a_hand_count_blocks(count, blocked, skipped):
    """Against a Core configuration with a hard limit (each Dedicated Host counts its 48
    physical cores once while a tracked instance runs on it), the replay refuses exactly the
    launches and starts a count made by hand from the trail refuses."""
    result = replay_cloudtrail(EXAMPLE, _what_if(count))
    report = result.report
    assert [(b["event_time"], b["event_name"]) for b in report["blocked"]] == blocked
    assert {b["error_code"] for b in report["blocked"]} == {"LicenseUsageException"}
    assert report["skipped"] == skipped and report["diverged"] == [] and report["untranslatable"] == []
    assert result.summary["blocked_launches"] == len(blocked)
    assert result.summary["peak_consumed[windows-server-datacenter-cores]"] == count


def test_at_a_count_above_the_peak_the_history_replays_as_it_happened():
    """With 144 cores (three hosts, the trail's peak) nothing is refused or skipped."""
    report = replay_cloudtrail(EXAMPLE, _what_if(144)).report
    assert report["blocked"] == [] and report["skipped"] == {} and report["diverged"] == []
    assert sum(report["replayed"].values()) == 30


def test_the_replay_reports_what_it_replayed_and_what_it_did_not(at_96):
    """Unknown events (a console sign-in, a read-only Describe, an IAM call) are counted by
    source and name, never dropped silently; the call that failed in the trail is replayed
    as a failure; stand-in AMIs take the platform the trail shows, Linux when it shows none."""
    report = at_96.report
    assert report["events"] == 33 and report["files"] == 30
    assert report["not_replayed"] == {"ec2.amazonaws.com DescribeInstances": 1, "iam.amazonaws.com CreateRole": 1,
                                      "signin.amazonaws.com ConsoleLogin": 1}
    assert report["failed_in_trail"] == {"TerminateInstances": 1}
    assert report["stand_in_images"] == {WINDOWS_AMI: "Windows", LINUX_AMI: "Linux/UNIX", SQL_AMI: "Windows"}
    assert list(report["license_configurations"]["us-east-1"]) == ["windows-server-datacenter-cores"]
    events = at_96.timelines.events
    refused = events[(events.event_name == "TerminateInstances") & (events.outcome == "error")]
    assert list(refused.error_code) == ["UnauthorizedOperation"]
    ec2 = at_96.sim.client("ec2", "222222222222")
    images = ec2.describe_images(ImageIds=[WINDOWS_AMI, LINUX_AMI])["Images"]
    assert {i["ImageId"]: i["PlatformDetails"] for i in images} == {WINDOWS_AMI: "Windows", LINUX_AMI: "Linux/UNIX"}


def test_the_trails_own_license_manager_calls_are_replayed(at_96):
    """The administrator's configuration and AMI association from the trail are made again
    (the trail's ARN maps to the simulated one): the SQL Server launch is tracked by it."""
    compliance = at_96.timelines.compliance
    sql = compliance[compliance.name == "sql-server-enterprise-vcpus"]
    assert sql.consumed.max() == 4 and not sql.hard_limit.any()
    association = at_96.timelines.events.query("event_name == 'UpdateLicenseSpecificationsForResource'")
    assert list(association.outcome) == ["success", "success"]  # the what-if's and the trail's


def test_lmsim_replay_cloudtrail_writes_the_report_and_timelines(tmp_path, capsys):
    """lmsim replay --cloudtrail DIR --config what_if.json --out DIR."""
    out = tmp_path / "out"
    assert main(["replay", "--cloudtrail", str(EXAMPLE), "--config", str(EXAMPLE / "what_if.json"),
                 "--out", str(out)]) == 0
    assert "2 blocked by License Manager" in capsys.readouterr().out
    report = json.loads((out / "report.json").read_text())
    assert len(report["blocked"]) == 2
    assert {"events.csv", "compliance.csv", "violations.csv", "summary.json"} <= {p.name for p in out.iterdir()}


def _records(trail) -> list[dict]:
    return json.loads(gzip.decompress(trail.files[0].read_bytes()))["Records"]


@pytest.mark.parametrize("content,message", [
    (b"this is not json", "not a CloudTrail log file: it is not JSON"),
    (gzip.compress(b"{broken")[:20], "damaged gzip file"),
    (json.dumps({"events": []}).encode(), 'no "Records" array'),
    (json.dumps({"Records": [{"eventSource": "ec2.amazonaws.com"}]}).encode(), "lacks eventTime, eventName"),
], ids=["not-json", "damaged-gzip", "no-records", "bad-record"])
def test_a_file_that_is_not_a_cloudtrail_log_is_refused(tmp_path, content, message, capsys):
    """A log file that is not JSON, a damaged gzip, JSON without a Records array or a record
    without its time and name is an error naming the file (lmsim: exit status 2)."""
    path = tmp_path / "111111111111_CloudTrail_us-east-1_20260302T0810Z_AbCdEf0123456789.json.gz"
    path.write_bytes(content)
    with pytest.raises(CloudTrailError, match=message):
        replay_cloudtrail(path, WHAT_IF)
    assert main(["replay", "--cloudtrail", str(path), "--config", str(EXAMPLE / "what_if.json"),
                 "--out", str(tmp_path / "out")]) == 2
    assert path.name in capsys.readouterr().err


def test_plain_json_files_and_explicit_files_are_read(tmp_path, trail):
    """A plain (not gzip) JSON log file given by path replays like the delivered ones."""
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"Records": _records(trail)}))
    events = read_trail([path]).events
    assert [e.name for e in events] == ["CreateLicenseConfiguration", "UpdateLicenseSpecificationsForResource",
                                        "ListLicenseConfigurations"]
    assert replay_cloudtrail(path, WHAT_IF).report["replayed"] == {
        "CreateLicenseConfiguration": 1, "ListLicenseConfigurations": 1, "UpdateLicenseSpecificationsForResource": 1}


@pytest.mark.parametrize("what_if,message", [
    ({"license_configurations": []}, "non-empty list"),
    ({**WHAT_IF, "budget": 3}, "keys license_configurations, management_account_id"),
    ({"license_configurations": [{"Name": "x", "LicenseCountingType": "Cores"}]}, "Cores"),
    ({"license_configurations": [{"LicenseCountingType": "Core"}]}, "Missing required parameter"),
    ({"license_configurations": [{"Name": "x", "LicenseCountingType": "Core", "AssociatedAmis": ["windows"]}]},
     "AssociatedAmis must be a list of AMI ids"),
    ({**WHAT_IF, "management_account_id": "12"}, "12 digits"),
], ids=["empty", "unknown-key", "counting-type", "no-name", "ami", "manager"])
def test_a_what_if_that_cannot_be_used_is_refused(tmp_path, what_if, message, capsys):
    """The what-if is checked against CreateLicenseConfiguration's model before anything runs."""
    with pytest.raises(WhatIfError, match=message):
        replay_cloudtrail(EXAMPLE, what_if)
    path = tmp_path / "what_if.json"
    path.write_text(json.dumps(what_if))
    assert main(["replay", "--cloudtrail", str(EXAMPLE), "--config", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "lmsim:" in capsys.readouterr().err


def test_the_command_line_asks_for_what_a_cloudtrail_replay_needs(tmp_path, capsys):
    """--cloudtrail needs --config; a trace and --cloudtrail do not mix."""
    assert main(["replay", "--cloudtrail", str(EXAMPLE), "--out", str(tmp_path)]) == 2
    assert "--config" in capsys.readouterr().err
    assert main(["replay", "t.jsonl", "--cloudtrail", str(EXAMPLE), "--config", "w.json", "--out", str(tmp_path)]) == 2
    assert main(["replay", "--cloudtrail", str(tmp_path / "nothing"), "--config", "w.json",
                 "--out", str(tmp_path)]) == 2
