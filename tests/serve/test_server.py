"""lmsim serve's HTTP endpoint: bad requests answered with AWS's errors while the server
keeps serving, the /_lmsim/ control API, and the same run in-process and over HTTP."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import boto3
import pytest

from simulator import Simulation, replay, run_scenario
from simulator.aws.http import MAX_BODY_BYTES
from simulator.runs.trace import Trace
from simulator.serve import SimulationServer
from tests.helpers import ACCOUNT_A, ACCOUNT_B, WINDOWS, public_ami
from tests.http_transport import SharedTransport

ROOT = Path(__file__).resolve().parents[2]
EC2_VERSION = "2016-11-15"


@pytest.fixture
def server():
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    with SimulationServer(sim, port=0) as running:
        yield running


def client(server: SimulationServer, service: str, key: str = ACCOUNT_B, **kwargs):
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key="x", **kwargs)


def scope(service: str, key: str = ACCOUNT_B, region: str = "us-east-1") -> str:
    return (f"AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0")


def raw(server: SimulationServer, body: bytes | str = b"", headers: dict | None = None, method: str = "POST",
        path: str = "/") -> tuple[int, dict, str]:
    request = urllib.request.Request(server.url + path, data=body.encode() if isinstance(body, str) else body,
                                     method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def lm_headers(operation: str, service: str = "license-manager") -> dict:
    return {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AWSLicenseManager.{operation}",
            "Authorization": scope(service)}


BAD_REQUESTS = [
    # (what, body, headers, status, code)
    ("unknown service", "{}", {**lm_headers("ListLicenseConfigurations"), "Authorization": scope("nosuchservice")},
     400, "UnknownServiceException"),
    ("unknown EC2 action", f"Action=LaunchRocket&Version={EC2_VERSION}", {**FORM, "Authorization": scope("ec2")},
     400, "InvalidAction"),
    ("unknown JSON operation", "{}", lm_headers("LaunchRocket"), 400, "UnknownOperationException"),
    ("malformed JSON body", "{nope", lm_headers("ListLicenseConfigurations"), 400, "SerializationException"),
    ("missing required JSON parameter", "{}", lm_headers("GetLicenseConfiguration"), 400, "ValidationException"),
    ("missing required EC2 parameter", f"Action=CreateKeyPair&Version={EC2_VERSION}",
     {**FORM, "Authorization": scope("ec2")}, 400, "MissingParameter"),
    ("JSON request to a query service", "{}", {**lm_headers("ListLicenseConfigurations"), "Authorization":
                                               scope("ec2")}, 400, "MissingAction"),
    ("query request to a JSON service", "Action=ListLicenseConfigurations&Version=2018-08-01",
     {**FORM, "Authorization": scope("license-manager")}, 400, "UnknownOperationException"),
    ("unknown access key", "{}", {**lm_headers("ListLicenseConfigurations"), "Authorization":
                                  scope("license-manager", "AKIAIOSFODNN7EXAMPLE")}, 403,
     "UnrecognizedClientException"),
    ("unknown access key, EC2", f"Action=DescribeInstances&Version={EC2_VERSION}",
     {**FORM, "Authorization": scope("ec2", "AKIAIOSFODNN7EXAMPLE")}, 403, "AuthFailure"),
    ("no credentials", f"Action=DescribeInstances&Version={EC2_VERSION}", FORM, 403, "MissingAuthenticationToken"),
    ("unknown region", "{}", {**lm_headers("ListLicenseConfigurations"), "Authorization":
                              scope("license-manager", region="mars-north-1")}, 400, "UnrecognizedClientException"),
]


@pytest.mark.parametrize("what, body, headers, status, code", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests_get_the_aws_error_and_the_server_keeps_serving(server, what, body, headers, status, code):
    """Each bad request is answered with the AWS error for it in the service's protocol (no
    stack trace), and the next good call is served."""
    answer_status, _, text = raw(server, body, headers)
    assert answer_status == status, text
    assert code in text
    assert "Traceback" not in text
    lm = client(server, "license-manager")
    assert lm.list_license_configurations()["LicenseConfigurations"] == []


def test_an_oversized_body_is_refused_unread(server):
    """A body over the limit is refused with 413 before it is read; the server keeps serving."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall((f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\n"
                      f"X-Amz-Target: AWSLicenseManager.ListLicenseConfigurations\r\n"
                      f"Authorization: {scope('license-manager')}\r\n"
                      f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n").encode())
        answer = sock.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 413")
    assert "RequestEntityTooLarge" in answer
    assert client(server, "ec2").describe_instances()["Reservations"] == []


def test_a_body_that_stops_short_of_its_length_times_out():
    """A body that stops arriving short of its Content-Length is refused with S3's
    RequestTimeout once the read times out (never a server stuck waiting); the server keeps
    serving."""
    sim = Simulation(seed=0)
    with SimulationServer(sim, port=0, body_timeout=0.2) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall((f"PUT /reports/a.csv HTTP/1.1\r\nHost: {host}\r\nAuthorization: {scope('s3')}\r\n"
                          f"Content-Length: 10\r\n\r\nabc").encode())
            sock.settimeout(10)
            answer = b""
            while chunk := sock.recv(65536):  # the server closes the connection after answering
                answer += chunk
        assert answer.decode().startswith("HTTP/1.1 400")
        assert b"<Code>RequestTimeout</Code>" in answer
        assert client(server, "ec2").describe_instances()["Reservations"] == []


def test_a_twelve_digit_key_acts_as_that_accounts_root_and_adds_an_unknown_account(server):
    """Identity from the access key: 12 digits act as the account's root user; an account the
    simulation does not know is added on first use."""
    assert client(server, "sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_B}:root"
    identity = client(server, "sts", key="333333333333").get_caller_identity()
    assert identity["Account"] == "333333333333"
    assert "333333333333" in server.sim.world.organizations.accounts


def test_the_call_is_recorded_as_in_process(server):
    """A call over HTTP leaves the events row a sim.client call leaves: account, region,
    principal, parameters (without an SDK's generated idempotency token)."""
    ec2 = client(server, "ec2")
    image = public_ami(ec2, WINDOWS)
    ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    row = server.sim.timelines.events.query("event_name == 'RunInstances'").iloc[0]
    assert (row.account_id, row.region, row.principal, row.outcome) == (
        ACCOUNT_B, "us-east-1", f"arn:aws:iam::{ACCOUNT_B}:root", "success")
    assert json.loads(row.detail) == {"ImageId": image, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1}


def control(server, path: str, body: dict | None = None) -> tuple[int, str]:
    status, _, text = raw(server, json.dumps(body) if body is not None else b"", method="POST" if body is not None
                          else "GET", path="/_lmsim/" + path)
    return status, text


def test_control_api_moves_the_clock_and_answers_timelines_and_summary(server):
    """/_lmsim/: status, advance by a duration or to an instant, timelines as CSV or JSON,
    the summary; actions and faults with their keyword arguments."""
    status = json.loads(control(server, "status")[1])
    assert (status["time"], status["seed"], status["accounts"]) == ("2026-01-01T00:00:00Z", 0, [ACCOUNT_A, ACCOUNT_B])
    client(server, "ec2").describe_instances()
    assert json.loads(control(server, "advance", {"duration": "1d"})[1])["time"] == "2026-01-02T00:00:00Z"
    after = json.loads(control(server, "advance", {"until": "2026-01-03T12:00:00Z"})[1])
    assert (after["time"], after["calls"]) == ("2026-01-03T12:00:00Z", 1)
    code, text = control(server, "timelines/events")
    assert code == 200 and text.splitlines()[0].startswith("time,account_id")
    rows = json.loads(control(server, "timelines/events?format=json")[1])
    assert [row["event_name"] for row in rows] == ["DescribeInstances"]
    assert json.loads(control(server, "summary")[1])["api_calls"] == 1
    assert control(server, "timelines/nothing")[0] == 404
    assert control(server, "actions/add_account", {"account_id": "333333333333"})[0] == 200
    assert "333333333333" in json.loads(control(server, "status")[1])["accounts"]
    code, text = control(server, "faults/fail_host", {"host_id": "h-0123456789abcdef0"})
    assert code == 400 and "h-0123456789abcdef0" in text
    assert control(server, "actions/install_software", {"nothing": 1})[0] == 400
    assert control(server, "actions/rm_rf", {})[0] == 404
    assert control(server, "advance", {"duration": "-1d"})[0] == 400


def test_the_same_scenario_gives_identical_timelines_in_process_and_over_http(monkeypatch):
    """The quickstart run with every client over HTTP writes the very timelines of the run with
    in-process clients."""
    in_process = run_scenario(ROOT / "scenarios" / "quickstart.py", seed=0, until="10d")
    transport = SharedTransport()
    try:
        monkeypatch.setattr(Simulation, "client", lambda sim, *a, **k: transport.client(sim, *a, **k))
        over_http = run_scenario(ROOT / "scenarios" / "quickstart.py", seed=0, until="10d")
    finally:
        transport.stop()
    assert len(over_http.sim.timelines.events) > 100
    assert over_http.csv() == in_process.csv()


def test_a_trace_recorded_over_http_replays_byte_for_byte(server, tmp_path):
    """Calls made over HTTP, as two accounts, with the clock moved between them, are recorded
    in a trace that lmsim replay turns into the same timelines."""
    lm = client(server, "license-manager")
    ec2 = client(server, "ec2")
    arn = lm.create_license_configuration(Name="win", LicenseCountingType="vCPU", LicenseCount=4,
                                          LicenseCountHardLimit=True)["LicenseConfigurationArn"]
    image = public_ami(ec2, WINDOWS)
    ids = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=image, InstanceType="t3.medium", MinCount=2, MaxCount=2,
        LicenseSpecifications=[{"LicenseConfigurationArn": arn}])["Instances"]]
    with pytest.raises(ec2.exceptions.ClientError):
        ec2.run_instances(ImageId=image, InstanceType="t3.medium", MinCount=1, MaxCount=1,
                          LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    control(server, "advance", {"duration": "2h"})
    ec2.stop_instances(InstanceIds=ids[:1])
    client(server, "organizations", key=ACCOUNT_A).list_accounts()
    control(server, "advance", {"duration": "1d"})
    with server.lock:
        result = server.result()
        trace = Trace.of(result).write(tmp_path / "trace.jsonl")
    again = replay(trace)
    assert again.csv() == result.csv()


def test_lmsim_bench_http_mode_reports_calls_per_second(capsys, monkeypatch):
    """lmsim bench --mode http prints calls per second of both operations in-process and
    through lmsim serve (moto_server, where installed, is left out here: it starts slowly)."""
    from simulator.bench import http
    from simulator.cli import main

    monkeypatch.setattr(http, "_moto_server", lambda: None)
    assert main(["bench", "--mode", "http", "--calls", "20", "--instances", "10", "--repeats", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    figures = {(r["target"], r["operation"]): r["calls_per_second"] for r in rows}
    for target in ("in-process", "lmsim serve"):
        for operation in ("DescribeInstances", "GetLicenseConfiguration"):
            assert figures[(target, operation)] > 0


def test_auto_scaling_and_ec2_networking_over_http(server):
    """EC2 Auto Scaling (query protocol) and the EC2 surface launch code uses, through a boto3
    client pointed at the endpoint: a group launches into the default subnets with the
    template's security group and key pair, and a parameter the simulator does not model is
    refused by name as in-process."""
    ec2, asg = client(server, "ec2"), client(server, "autoscaling")
    ec2.create_key_pair(KeyName="ops", KeyType="ed25519")
    ec2.create_security_group(GroupName="web", Description="web tier")
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": public_ami(ec2, WINDOWS), "InstanceType": "m5.large", "SecurityGroups": ["web"], "KeyName": "ops"})
    asg.create_auto_scaling_group(AutoScalingGroupName="web", MinSize=0, MaxSize=4, DesiredCapacity=2,
                                  AvailabilityZones=["us-east-1a", "us-east-1b"],
                                  LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"})
    assert control(server, "advance", {"duration": "2m"})[0] == 200
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    assert [m["LifecycleState"] for m in group["Instances"]] == ["InService", "InService"]
    instances = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    assert {i["Placement"]["AvailabilityZone"] for i in instances} == {"us-east-1a", "us-east-1b"}
    assert {(i["KeyName"], i["SecurityGroups"][0]["GroupName"]) for i in instances} == {("ops", "web")}
    with pytest.raises(asg.exceptions.ClientError) as excinfo:
        asg.create_auto_scaling_group(AutoScalingGroupName="old", MinSize=0, MaxSize=1,
                                      LaunchConfigurationName="old", AvailabilityZones=["us-east-1a"])
    assert excinfo.value.response["Error"]["Code"] == "ValidationError"
    assert "LaunchConfigurationName" in excinfo.value.response["Error"]["Message"]
