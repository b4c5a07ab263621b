"""CloudTrail replay of logs as real estates write them ("Logging AWS License Manager API
calls using AWS CloudTrail"): logs that begin in the middle of a fleet's life, Regions newer
than any fixed list, records of other partitions, a damaged file among good ones, ids in
upper case, and what-if settings the logs never meet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.replay.cloudtrail import CloudTrailError, WhatIfError, replay_cloudtrail
from simulator.replay.cloudtrail.plan import UNKNOWN_IMAGE

ACCOUNT = "111111111111"
OTHER = "222222222222"
WINDOWS_AMI = "ami-0c1d2e3f4a5b6c7d8"
RUNNING = ["i-0a00000000000000a", "i-0a00000000000000b"]
STOPPED = "i-0a00000000000000c"
NEW = "i-0b00000000000000a"


def record(name: str, time: str, request: dict, response: dict | None = None, *, region: str = "us-east-1",
           account: str = ACCOUNT, error: str = "") -> dict:
    """A CloudTrail record of an EC2 call as the trail writes it."""
    return {"eventVersion": "1.09", "eventTime": time, "eventSource": "ec2.amazonaws.com", "eventName": name,
            "awsRegion": region, "recipientAccountId": account, "eventID": f"{name}-{time}",
            "userIdentity": {"type": "Root", "arn": f"arn:aws:iam::{account}:root", "accountId": account},
            "requestParameters": request, "responseElements": response, **({"errorCode": error} if error else {})}


def start(instance_id: str, time: str, **kwargs) -> dict:
    """StartInstances of one instance."""
    return record("StartInstances", time, {"instancesSet": {"items": [{"instanceId": instance_id}]}}, {}, **kwargs)


def run(instance_id: str, time: str, image: str = WINDOWS_AMI, **kwargs) -> dict:
    """RunInstances of one m5.large that launched ``instance_id``."""
    return record("RunInstances", time,
                  {"instancesSet": {"items": [{"imageId": image, "minCount": 1, "maxCount": 1}]},
                   "instanceType": "m5.large"},
                  {"instancesSet": {"items": [{"instanceId": instance_id, "imageId": image, "instanceType": "m5.large",
                                               "platform": "windows"}]}}, **kwargs)


def write_trail(directory: Path, *records: dict, name: str = "trail.json") -> Path:
    """A plain JSON log file of ``records``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps({"Records": list(records)}))
    return path


def described(*instances: tuple[str, str]) -> dict:
    """describe-instances output of m5.large Windows instances (id, state) of ACCOUNT, and a terminated one."""
    rows = [{"InstanceId": instance_id, "ImageId": WINDOWS_AMI, "InstanceType": "m5.large",
             "Placement": {"AvailabilityZone": "us-east-1b", "Tenancy": "default"}, "State": {"Name": state},
             "Platform": "windows", "PlatformDetails": "Windows", "UsageOperation": "RunInstances:0002",
             "Architecture": "x86_64", "Tags": [{"Key": "Name", "Value": instance_id[-1]}]}
            for instance_id, state in instances]
    rows.append({**rows[0], "InstanceId": "i-0a00000000000000f", "State": {"Name": "terminated"}})
    return {"Reservations": [{"ReservationId": "r-0123456789abcdef0", "OwnerId": ACCOUNT, "Instances": rows}]}


def what_if(count: int = 3, **extra) -> dict:
    """An Instance configuration with a hard limit of ``count`` on the Windows AMI."""
    return {"license_configurations": [{"Name": "windows", "LicenseCountingType": "Instance", "LicenseCount": count,
                                        "LicenseCountHardLimit": True, "AssociatedAmis": [WINDOWS_AMI]}], **extra}


@pytest.fixture
def trail(tmp_path) -> Path:
    """A day of logs that begins with a fleet already running: the stopped server is started
    (its id written in upper case by the tool that kept the logs), then one more is launched."""
    return write_trail(tmp_path / "logs", start(STOPPED.upper().replace("I-", "i-"), "2026-03-02T09:00:00Z"),
                       run(NEW, "2026-03-02T10:00:00Z"))


def test_the_fleet_when_the_logs_begin_counts_from_the_start(tmp_path, trail):
    """With initial_instances (describe-instances output, a path relative to the what-if
    file), the running and stopped instances exist from the start and count: the start of
    the stopped one (named in upper case) is replayed and fills the three licenses, and the
    launch after it is blocked. The terminated one is gone."""
    (tmp_path / "fleet.json").write_text(json.dumps(described((RUNNING[0], "running"), (RUNNING[1], "running"),
                                                              (STOPPED, "stopped"))))
    config = tmp_path / "what_if.json"
    config.write_text(json.dumps(what_if(initial_instances="fleet.json")))
    result = replay_cloudtrail(trail, config)
    report = result.report
    assert report["initial_instances"] == 3 and report["stand_in_instances"] == {}
    assert report["replayed"] == {"RunInstances": 1, "StartInstances": 1} and report["skipped"] == {}
    assert [b["event_name"] for b in report["blocked"]] == ["RunInstances"]
    assert result.summary["peak_consumed[windows]"] == 3
    compliance = result.timelines.compliance
    assert list(compliance.hard_limit)[-1] and compliance.consumed.iloc[-1] == 3
    ec2 = result.sim.client("ec2", ACCOUNT)
    states = {i["Tags"][0]["Value"]: i["State"]["Name"]
              for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    assert states == {"a": "running", "b": "running", "c": "running"}


def test_without_the_fleet_an_instance_first_seen_later_gets_a_stand_in(trail, capsys, tmp_path):
    """Without initial_instances, the instance the logs start before launching it gets a
    stand-in (stopped at first, of the default type m5.large and an AMI no configuration
    tracks), counted in report.json and in one printed line; the launch then fits."""
    result = replay_cloudtrail(trail, what_if())
    report = result.report
    assert report["stand_in_instances"] == {STOPPED: {"account_id": ACCOUNT, "region": "us-east-1",
                                                      "instance_type": "m5.large", "image_id": UNKNOWN_IMAGE,
                                                      "state": "stopped"}}
    assert report["replayed"] == {"RunInstances": 1, "StartInstances": 1} and report["blocked"] == []
    assert result.summary["peak_consumed[windows]"] == 1
    config = tmp_path / "what_if.json"
    config.write_text(json.dumps(what_if()))
    assert main(["replay", "--cloudtrail", str(trail), "--config", str(config), "--out", str(tmp_path / "out")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "stand-ins" in line]
    assert len(lines) == 1 and "1 instances launched before the logs begin" in lines[0] and "m5.large" in lines[0]


def test_stand_ins_take_the_what_ifs_default_type_and_image(trail):
    """default_instance_type and default_image_id make the stand-ins count: with the
    Windows AMI, the started stand-in and the new launch hold two licenses."""
    result = replay_cloudtrail(trail, what_if(default_instance_type="m5.xlarge", default_image_id=WINDOWS_AMI))
    stand_in = result.report["stand_in_instances"][STOPPED]
    assert (stand_in["instance_type"], stand_in["image_id"]) == ("m5.xlarge", WINDOWS_AMI)
    assert result.summary["peak_consumed[windows]"] == 2 and result.report["blocked"] == []


def test_regions_come_from_botocore_and_other_partitions_are_skipped_and_counted(tmp_path):
    """A launch in ap-southeast-5 (a Region newer than the old fixed list) is replayed; records
    of the China and GovCloud partitions are skipped and counted by Region, never fatal; a
    request the replay cannot make (no InstanceId) is listed with its reason."""
    logs = write_trail(tmp_path / "logs", run(NEW, "2026-03-02T10:00:00Z", region="ap-southeast-5"),
                       run("i-0c00000000000000a", "2026-03-02T10:05:00Z", region="cn-north-1"),
                       start("i-0c00000000000000b", "2026-03-02T10:06:00Z", region="us-gov-west-1"),
                       record("ModifyInstancePlacement", "2026-03-02T10:07:00Z", {"tenancy": "host"},
                              region="ap-southeast-5"))
    result = replay_cloudtrail(logs, what_if())
    report = result.report
    assert report["replayed"] == {"RunInstances": 1}
    assert report["unplaceable"] == {"cn-north-1": 1, "us-gov-west-1": 1}
    assert [(u["event_name"], u["reason"]) for u in report["untranslatable"]] == [
        ("ModifyInstancePlacement", "its request lacks InstanceId")]
    assert list(report["license_configurations"]) == ["ap-southeast-5"]
    assert result.summary["peak_consumed[windows]"] == 1


def test_an_unreadable_log_file_is_reported_and_skipped(tmp_path, capsys):
    """A damaged file among good ones is named and skipped; the replay goes on and lmsim
    exits with status 1 at the end, or 0 with --skip-bad-files. Alone, it is an error naming it."""
    logs = tmp_path / "logs"
    write_trail(logs, run(NEW, "2026-03-02T10:00:00Z"))
    bad = logs / "broken.json"
    bad.write_text('{"Records": [')
    config = tmp_path / "what_if.json"
    config.write_text(json.dumps(what_if()))
    report = replay_cloudtrail(logs, config).report
    assert [u["file"] for u in report["unreadable"]] == [str(bad)] and report["replayed"] == {"RunInstances": 1}
    assert main(["replay", "--cloudtrail", str(logs), "--config", str(config), "--out", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert f"skipped {bad}: not a CloudTrail log file" in err and "--skip-bad-files" in err
    assert (tmp_path / "a" / "events.csv").is_file()
    assert main(["replay", "--cloudtrail", str(logs), "--config", str(config), "--out", str(tmp_path / "b"),
                 "--skip-bad-files"]) == 0
    assert f"skipped {bad}" in capsys.readouterr().err
    with pytest.raises(CloudTrailError, match="broken.json"):
        replay_cloudtrail(bad, config)


def test_what_if_settings_the_trail_never_meets_are_warnings(tmp_path, capsys):
    """A what-if AMI no launch uses and a management account that is not in the trail are
    printed as warnings, and listed in report.json."""
    logs = write_trail(tmp_path / "logs", run(NEW, "2026-03-02T10:00:00Z", image="ami-0d0d0d0d0d0d0d0d0"))
    config = tmp_path / "what_if.json"
    config.write_text(json.dumps(what_if(management_account_id=OTHER)))
    assert main(["replay", "--cloudtrail", str(logs), "--config", str(config), "--out", str(tmp_path / "o")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("lmsim: warning:")]
    assert len(warnings) == 2
    assert WINDOWS_AMI in warnings[0] and "never launched" in warnings[0]
    assert OTHER in warnings[1] and "not an account of the trail" in warnings[1]
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["what_if_amis_not_launched"] == [WINDOWS_AMI] and len(report["warnings"]) == 2


@pytest.mark.parametrize("extra,message", [
    ({"initial_instances": "missing.json"}, "no initial_instances file"),
    ({"initial_instances": {"Instances": []}}, 'no "Reservations" list'),
    ({"initial_instances": {"Reservations": [{"OwnerId": ACCOUNT, "Instances": [{"InstanceId": STOPPED}]}]}},
     r"Reservations\[0\].Instances\[0\] lacks InstanceType, ImageId, Placement, State"),
    ({"default_image_id": "windows"}, "default_image_id must be an AMI id"),
], ids=["missing-file", "not-describe-instances", "incomplete-instance", "bad-default-image"])
def test_a_fleet_that_cannot_be_used_is_refused(trail, extra, message):
    """initial_instances must be describe-instances output, naming the instance at fault."""
    with pytest.raises((WhatIfError, FileNotFoundError), match=message):
        replay_cloudtrail(trail, what_if(**extra))
