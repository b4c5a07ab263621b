"""A run as a value: the summary's figures, the scenario's own figures, and the files a run
writes (every timeline the simulation has)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from simulator import run_scenario
from simulator.replay.diff import compare
from simulator.timelines import Timelines
from tests.helpers import write_scenario

SCENARIO = '''
    """A vCPU pool of 8 with a hard limit, and a Dedicated Host under a Core configuration."""
    DURATION = "6h"
    PRICES = {"byol": {"configuration:db-vcpus": 0.5, "Core": 0.01}, "dedicated_host": {"m5": 5.0}}
    HOUR = 3600.0


    def build(sim):
        sim.add_account("111111111111")
        sim.process(_work(sim))


    def summarize(sim):
        return {"instances_launched": int((sim.timelines.events.detail == "none->pending").sum())}


    def _work(sim):
        lm = sim.client("license-manager", "111111111111")
        ec2 = sim.client("ec2", "111111111111")
        image = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}])
        image_id = image["Images"][0]["ImageId"]
        vcpus = lm.create_license_configuration(Name="db-vcpus", LicenseCountingType="vCPU", LicenseCount=8,
                                                LicenseCountHardLimit=True)["LicenseConfigurationArn"]
        cores = lm.create_license_configuration(Name="os-cores", LicenseCountingType="Core", LicenseCount=96,
                                                LicenseCountHardLimit=True)["LicenseConfigurationArn"]
        host = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", Quantity=1)["HostIds"][0]

        def launch(kind, arn, **extra):
            return ec2.run_instances(ImageId=image_id, InstanceType=kind, MinCount=1, MaxCount=1,
                                     LicenseSpecifications=[{"LicenseConfigurationArn": arn}], **extra)

        first = launch("m5.xlarge", vcpus)["Instances"][0]["InstanceId"]
        launch("m5.large", cores, Placement={"Tenancy": "host", "HostId": host})
        yield sim.env.timeout(HOUR)
        try:
            launch("m5.2xlarge", vcpus)
        except ec2.exceptions.ClientError:
            pass
        yield sim.env.timeout(HOUR)
        launch("m5.xlarge", vcpus)
        yield sim.env.timeout(2 * HOUR)
        ec2.stop_instances(InstanceIds=[first])
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """Six hours of the small estate."""
    return run_scenario(write_scenario(tmp_path_factory.mktemp("result"), SCENARIO))


def test_the_summary_holds_the_headline_figures(result):
    """"License configuration parameters and rules": the vCPU pool holds 4 vCPUs for 2 hours,
    8 for 2 hours (its peak: utilization 1.0) and 4 for 2 hours (32 vCPU-hours, a mean use of
    5.33 of 8); the 8-vCPU launch past the hard limit is blocked; the host's 48 cores count
    for the 6 hours (288 core-hours). The cost model prices the pool's 32 vCPU-hours at 0.5
    (16), the 288 core-hours at 0.01 (2.88) and the host's 6 hours at 5 (30)."""
    summary = result.summary
    assert summary["blocked_launches"] == 1 and summary["violations[hard_limit]"] == 1
    assert summary["api_calls"] == 9 and summary["api_errors"] == 1 and summary["alerts"] == 0
    assert summary["peak_consumed[db-vcpus]"] == 8 and summary["peak_utilization[db-vcpus]"] == 1.0
    assert summary["license_hours[db-vcpus]"] == 32.0
    assert summary["mean_utilization[db-vcpus]"] == round(32 / 6 / 8, 6)
    assert summary["license_hours[os-cores]"] == 288.0 and summary["licensed_core_hours"] == 288.0
    assert summary["peak_utilization[os-cores]"] == 0.5
    assert summary["cost[byol]"] == 18.88 and summary["cost[dedicated_hosts]"] == 30.0
    assert summary["cost[license_included]"] == 0.0 and summary["cost"] == 48.88
    assert summary["instances_launched"] == 3  # the scenario's own figure


def test_the_scenarios_own_figures_are_checked(tmp_path):
    """summarize(sim) must give figures (numbers or strings) under names of its own."""
    for body, error, message in (('return {"api_calls": 1}', ValueError, "a built-in figure"),
                                 ('return {"x": [1]}', ValueError, "figures are"),
                                 ("return 3", TypeError, "must return a mapping")):
        path = write_scenario(tmp_path, f'''
            DURATION = "1h"

            def build(sim):
                sim.add_account("111111111111")

            def summarize(sim):
                {body}
        ''')
        result = run_scenario(path)
        with pytest.raises(error, match=message):
            _ = result.summary


def test_write_puts_every_timeline_the_summary_and_the_plot_in_the_directory(result, tmp_path, monkeypatch):
    """Each DataFrame property of Timelines with rows is written as <name>.csv (a timeline
    added later is written too) and the summary lists the empty ones, which get no
    header-only file; with summary.json (the golden form), the plots of the timelines that
    have something to show (compliance and hosts here; no license was issued), the costs
    under the scenario's price table, and the dashboard page (no bucket: no s3/ folder)."""
    monkeypatch.setattr(Timelines, "hosts_seen", property(
        lambda self: self.events[self.events.event_name == "HostAllocated"][["time", "resource_id"]]), raising=False)
    written = {p.name for p in result.write(tmp_path)}
    timelines = {name for name, member in vars(Timelines).items() if isinstance(member, property)}
    assert {"events", "compliance", "violations", "notifications", "hosts", "hosts_seen"} <= timelines
    digest = json.loads((tmp_path / "summary.json").read_text())
    empty = set(digest["empty_timelines"])
    assert {"entitlements", "grants", "checkouts", "deliveries", "reports"} <= empty <= timelines
    assert "notifications" not in empty  # the blocked launch's alert
    assert written == {f"{name}.csv" for name in timelines - empty} | {
        "summary.json", "compliance.png", "hosts.png", "costs.csv", "costs.png", "dashboard.html"}
    assert all(len(pd.read_csv(tmp_path / name)) > 0 for name in written if name.endswith(".csv"))
    assert len(pd.read_csv(tmp_path / "hosts_seen.csv")) == 1
    assert digest == json.loads(json.dumps(result.digest()))
    assert digest["summary"]["blocked_launches"] == 1 and digest["errors"] == {"LicenseUsageException": 1}


def test_run_scenario_checks_its_arguments(tmp_path):
    """An unknown parameter or a malformed until is refused before the scenario is built."""
    path = write_scenario(tmp_path, SCENARIO)
    with pytest.raises(ValueError, match="has no parameter 'fleet'; its parameters: none"):
        run_scenario(path, params={"fleet": 3})
    with pytest.raises(ValueError, match="--until needs an ISO-8601 instant or a duration"):
        run_scenario(path, until="later")
    with pytest.raises(FileNotFoundError):
        run_scenario(tmp_path / "missing.py")


def test_timelines_round_trip_through_parquet_with_their_types(result, tmp_path):
    """``write(format="parquet")`` writes every timeline with rows as Parquet through pyarrow;
    read back with pandas each equals its frame, column types included (times tz-aware UTC);
    ``both`` writes CSV beside it, and ``lmsim diff`` finds the two runs identical; another
    format is refused before anything is written."""
    written = {p.name for p in result.write(tmp_path / "pq", format="parquet")}
    tables = {name: frame for name, frame in result.tables().items() if not frame.empty}
    assert {f"{name}.parquet" for name in tables} <= written and not any(n.endswith(".csv") for n in written)
    for name, frame in tables.items():
        back = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_dtype=True)
    events = pd.read_parquet(tmp_path / "pq" / "events.parquet")
    assert str(events.time.dt.tz) == "UTC" and events.time.is_monotonic_increasing
    both = {p.name for p in result.write(tmp_path / "both", format="both")}
    assert {"compliance.csv", "compliance.parquet"} <= both
    assert compare(tmp_path / "pq", tmp_path / "both").identical  # lmsim diff reads Parquet-only runs
    with pytest.raises(ValueError, match="format must be one of csv, parquet, both"):
        result.write(tmp_path / "bad", format="feather")
    assert not (tmp_path / "bad").exists()
