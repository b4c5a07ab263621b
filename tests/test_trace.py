"""Traces: every input of a run as JSON lines (API calls, facade actions, the estate), and
the clear refusal of files that are not a trace this version replays."""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from simulator import Result, Simulation, replay, run_scenario
from simulator.actions.log import action
from simulator.cli import main
from simulator.runs.trace import FORMAT_VERSION, Trace, TraceError, package_version
from simulator.world.ec2 import Ec2Quotas, Ec2Timings
from tests.helpers import LINUX, public_ami, write_scenario

SCENARIO = '''
    """A small estate: an organization and a host at the start (before the clock runs), an
    account added on day 2, calls with a timestamp and a blob, and a facade action that
    makes an API call of its own."""
    from datetime import datetime, timezone

    from botocore.exceptions import ClientError

    DURATION = "3d"


    def build(sim, *, fleet=2):
        sim.create_organization("111111111111", ["222222222222"])
        sim.client("ec2", "111111111111").allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5",
                                                         Quantity=1)
        sim.process(_work(sim, fleet))


    def _work(sim, fleet):
        ec2 = sim.client("ec2", "222222222222")
        image = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}])
        image_id = image["Images"][0]["ImageId"]
        yield sim.env.timeout(3600.25)
        ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=image_id, InstanceType="m5.large",
                                                          MinCount=fleet, MaxCount=fleet)["Instances"]]
        for call in (lambda: ec2.describe_spot_price_history(StartTime=datetime(2026, 1, 1, tzinfo=timezone.utc)),
                     lambda: ec2.import_key_pair(KeyName="ops", PublicKeyMaterial=b"ssh-ed25519 AAAA")):
            try:
                call()
            except ClientError:
                pass
        yield sim.env.timeout(86400)
        sim.add_account("333333333333", name="late")
        sim.lab.outage("222222222222", ids[:1], when=sim.now)
        sim.lab.relaunch("333333333333", image_id)
'''


class Lab:
    """Facade actions of the tests: an outage stops instances outside the API; a relaunch
    makes an API call of its own (its consequence, not an input of the run)."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.actions = sim.actions

    @action("lab.outage", "ec2", account="account_id")
    def outage(self, account_id: str, instance_ids: list[str], *, when: datetime) -> None:
        self.sim.world.region(self.sim.region).ec2.instances.stop(account_id, instance_ids)

    @action("lab.relaunch", "ec2", account="account_id")
    def relaunch(self, account_id: str, image_id: str) -> None:
        self.sim.client("ec2", account_id).run_instances(ImageId=image_id, InstanceType="t3.large", MinCount=1,
                                                          MaxCount=1)


@pytest.fixture(scope="module")
def lab():
    """``sim.lab`` on every Simulation, the replay's included."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Simulation, "lab", property(Lab), raising=False)
        yield


@pytest.fixture(scope="module")
def recording(tmp_path_factory, lab):
    """The small estate's run and its trace file."""
    directory = tmp_path_factory.mktemp("trace")
    path = directory / "trace.jsonl"
    return run_scenario(write_scenario(directory, SCENARIO), seed=5, params={"fleet": 3}, record=path), path


@pytest.fixture
def recorded(recording, tmp_path):
    """The run, and a copy of its trace file and scenario a test may change."""
    run, path = recording
    (tmp_path / "scenario.py").write_text((path.parent / "scenario.py").read_text())
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    return run, copy


def test_the_trace_holds_the_header_and_every_input_in_order(recorded):
    """The header rebuilds the estate (seed, start, region, options, the accounts and the
    organization with the simulated second they were set up); each API call and facade
    action is a line with its time, account, region, principal and exact parameters; an API
    call made inside an action is left to the action; the closing line gives the end."""
    run, path = recorded
    trace = Trace.read(path)
    header = trace.header
    assert (header.seed, header.start, header.region, header.scenario, header.params) == (
        5, "2026-01-01T00:00:00+00:00", "us-east-1", "scenario", {"fleet": 3})
    assert header.lmsim == package_version() and header.options["ec2_timings"]["pending"] == 30.0
    assert header.organizations == [{"at": 0, "management_account_id": "111111111111",
                                     "member_account_ids": ["222222222222"], "feature_set": "ALL"}]
    assert header.accounts == [{"at": 90000.25, "account_id": "333333333333", "name": "late"}]
    events = run.timelines.events
    calls = events[events.source.isin(["api", "action"])]
    assert [e.name for e in trace.entries] == ["AllocateHosts", "DescribeImages", "RunInstances",
                                               "DescribeSpotPriceHistory", "ImportKeyPair", "lab.outage", "lab.relaunch"]
    assert len(calls) == len(trace.entries) + 1  # the relaunch's own RunInstances
    run_instances = trace.entries[2]
    assert (run_instances.time, run_instances.account_id, run_instances.principal, run_instances.outcome) == (
        3600.25, "222222222222", "arn:aws:iam::222222222222:root", "success")
    params = dict(run_instances.params)
    assert params.pop("ImageId").startswith("ami-0")
    assert params == {"InstanceType": "m5.large", "MaxCount": 3, "MinCount": 3}
    assert trace.entries[3].params == {"StartTime": datetime(2026, 1, 1, tzinfo=UTC)}
    assert trace.entries[3].error_code == "InvalidAction"
    assert trace.entries[4].params["PublicKeyMaterial"] == b"ssh-ed25519 AAAA"
    outage = trace.entries[5]
    assert (outage.kind, outage.service, outage.account_id) == ("action", "ec2", "222222222222")
    assert outage.params["when"] == datetime(2026, 1, 2, 1, 0, 0, 250000, tzinfo=UTC)
    assert trace.end == 3 * 86400
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["format"] == "lmsim-trace" and json.loads(lines[0])["version"] == FORMAT_VERSION
    assert json.loads(lines[-1]) == {"end": 259200, "entries": 7}


def test_the_replay_gives_byte_identical_timelines(recorded):
    """Replayed without the scenario code, the trace gives the same ids and timelines byte for
    byte: the account added on day 2, the timestamp and blob parameters, the action's own
    API call (made once, by the action) and the instance it stopped outside the API."""
    run, path = recorded
    again = replay(path)
    assert again.csv() == run.csv()
    assert again.report == {"entries": 7, "replayed": 7, "skipped": {}, "overridden": {}}
    retraced, traced = Trace.of(again), Trace.read(path)
    assert (retraced.entries, retraced.header, retraced.end) == (traced.entries, traced.header, traced.end)
    changes = again.timelines.events
    assert (changes.detail == "running->stopping").sum() == 1


def test_a_trace_records_and_replays_through_the_command_line(recorded, tmp_path, capsys):
    """lmsim run --record writes the trace; lmsim replay writes the same timelines."""
    scenario = tmp_path / "scenario.py"
    trace = tmp_path / "cli.jsonl"
    assert main(["run", str(scenario), "--seed", "5", "--out", str(tmp_path / "a"), "--record", str(trace)]) == 0
    assert main(["replay", str(trace), "--out", str(tmp_path / "b")]) == 0
    assert "replayed 7 of 7 calls and actions" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / "a").iterdir() if p.suffix == ".csv")
    assert "events.csv" in written and written == sorted(p.name for p in (tmp_path / "b").iterdir() if p.suffix == ".csv")
    for name in written:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _rewrite(path, edit) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join(edit(lines)) + "\n")


@pytest.mark.parametrize("edit,message", [
    (lambda lines: [json.dumps({**json.loads(lines[0]), "version": FORMAT_VERSION + 1}), *lines[1:]],
     f"format version {FORMAT_VERSION + 1}.*reads versions up to {FORMAT_VERSION}"),
    (lambda lines: lines[:-1], "truncated: it ends after 7 entries without its closing line"),
    (lambda lines: [*lines[:-2], lines[-2][:40]], r"truncated: its last line \(8\) is cut short"),
    (lambda lines: [lines[0], *lines[2:]], "closes with entries=7 but holds 6 entries"),
    (lambda lines: [lines[0], "{not json", *lines[1:]], "line 2 is not JSON"),
    (lambda lines: [lines[0], json.dumps({"time": 1.0}), *lines[1:]], "line 2 is not a trace entry"),
    (lambda lines: [json.dumps({"hello": "world"}), *lines[1:]], "is not an lmsim trace"),
    (lambda lines: [], "is empty"),
], ids=["newer-version", "missing-closing-line", "cut-mid-line", "line-missing", "not-json", "not-an-entry",
        "not-a-trace", "empty"])
def test_bad_traces_are_refused_with_a_clear_error(recorded, edit, message, capsys):
    """A trace from a newer format version, a truncated or damaged trace, or a file that is not
    a trace is refused before anything runs, by replay and by lmsim replay (exit status 2)."""
    _, path = recorded
    _rewrite(path, edit)
    with pytest.raises(TraceError, match=message):
        replay(path)
    assert main(["replay", str(path), "--out", str(path.parent / "out")]) == 2
    assert "lmsim:" in capsys.readouterr().err and not (path.parent / "out").exists()


def test_the_simulations_options_are_recorded_and_rebuilt(tmp_path):
    """Every keyword option of Simulation that shapes behaviour is in sim.options and in the
    trace's header (``s3_root`` says only where objects are stored: a replay keeps them in
    memory); a replay builds its simulation with them (slower starts and a tight vCPU quota
    give the same timelines again)."""
    keyword = {name for name, p in inspect.signature(Simulation).parameters.items()
               if p.kind is p.KEYWORD_ONLY and name != "s3_root"}
    sim = Simulation(seed=2, ec2_timings=Ec2Timings(pending=300.0),
                     ec2_quotas=Ec2Quotas(on_demand_vcpus={"Standard": 4}))
    assert set(sim.options) == keyword
    sim.add_account("111111111111")
    ec2 = sim.client("ec2", "111111111111")
    image_id = public_ami(ec2, LINUX)
    sim.advance("1h")
    ec2.run_instances(ImageId=image_id, InstanceType="m5.large", MinCount=1, MaxCount=3)  # the quota fits two
    sim.advance("1h")
    path = Trace.of(Result(sim)).write(tmp_path / "options.jsonl")
    header = Trace.read(path).header
    assert header.options["ec2_timings"]["pending"] == 300.0
    assert header.options["ec2_quotas"]["on_demand_vcpus"] == {"Standard": 4}
    again = replay(path)
    assert again.csv() == Result(sim).csv()
    assert again.sim.options == sim.options


def test_calls_with_temporary_credentials_and_unsigned_calls_replay_as_such(tmp_path):
    """A customer without an AWS account calls unsigned (GetAccessToken, AssumeRoleWithWebIdentity)
    and then with the assumed-role session's temporary credentials: the trace notes each call's
    session, and the replay makes it unsigned or with the same session again (refused alike
    once the credentials expire)."""
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "isv_floating_licenses.py"
    run = run_scenario(scenario, params={"members": 1, "nodes": 2, "laptops": 0}, record=tmp_path / "isv.jsonl")
    trace = Trace.read(tmp_path / "isv.jsonl")
    unsigned = [e for e in trace.entries if not e.account_id]
    signed_by_session = [e for e in trace.entries if e.session]
    assert {e.name for e in unsigned} == {"GetAccessToken", "AssumeRoleWithWebIdentity"}
    assert {e.name for e in signed_by_session} == {"CheckoutLicense", "CheckInLicense"}
    assert all(e.session.startswith("ASIA") and ":assumed-role/" in e.principal for e in signed_by_session)
    assert replay(trace).csv() == run.csv()
