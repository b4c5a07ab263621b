"""The public contract of Simulation: accounts, organizations, time, processes, determinism."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from simulator import Simulation
from tests.helpers import LINUX, public_ami


def test_now_and_env():
    """sim.now is tz-aware UTC and follows sim.env."""
    sim = Simulation(start="2026-02-01T08:00:00Z")
    assert sim.now == datetime(2026, 2, 1, 8, tzinfo=UTC)
    sim.advance("90m")
    assert sim.env.now == 5400
    assert sim.now == datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    sim.run(until="2026-02-02T00:00:00Z")
    assert sim.now == datetime(2026, 2, 2, tzinfo=UTC)
    sim.run(until=datetime(2026, 2, 3, tzinfo=UTC))
    assert sim.env.now == 2 * 86400 - 8 * 3600
    with pytest.raises(ValueError, match="before"):
        sim.run(until="2026-01-01T00:00:00Z")
    with pytest.raises(ValueError):
        sim.advance("soon")


def test_processes_run_on_the_simulated_clock():
    """sim.process starts a SimPy process that calls the API at simulated instants."""
    sim = Simulation()
    sim.add_account("123456789012")
    ec2 = sim.client("ec2", "123456789012")
    launched_at = []

    def workload():
        yield sim.env.timeout(3600)
        ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="m5.large",
                          MinCount=1, MaxCount=1)
        launched_at.append(sim.now)

    sim.process(workload())
    sim.advance("2h")
    assert launched_at == [datetime(2026, 1, 1, 1, tzinfo=UTC)]


@pytest.mark.parametrize("bad", ["12345", "abcdefghijkl", 123456789012, "1234567890123"])
def test_add_account_rejects_malformed_ids(bad):
    """Account ids must be 12 digits; the error names the argument."""
    sim = Simulation()
    with pytest.raises(ValueError, match="account_id"):
        sim.add_account(bad)
    assert sim.world.organizations.accounts == {}


def test_create_organization_adds_unknown_accounts():
    """create_organization makes the management account and adds members not yet known."""
    sim = Simulation()
    sim.add_account("111111111111")
    org = sim.create_organization("111111111111", ["222222222222", "333333333333"], feature_set="CONSOLIDATED_BILLING")
    assert org.feature_set == "CONSOLIDATED_BILLING"
    assert org.member_account_ids == ["111111111111", "222222222222", "333333333333"]
    assert sim.world.organizations.accounts["222222222222"].joined_method == "CREATED"
    orgs = sim.client("organizations", "333333333333")
    assert orgs.describe_organization()["Organization"]["MasterAccountId"] == "111111111111"


def _scenario(seed: int) -> pd.DataFrame:
    sim = Simulation(seed=seed)
    sim.create_organization("111111111111", ["222222222222"])
    for account in ("111111111111", "222222222222"):
        ec2 = sim.client("ec2", account)
        image = public_ami(ec2, LINUX)
        host = ec2.allocate_hosts(AvailabilityZone="us-east-1b", InstanceType="m5.xlarge", AutoPlacement="on")["HostIds"][0]
        ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=image, InstanceType="m5.xlarge", MinCount=3,
                                                           MaxCount=3, Placement={"Tenancy": "host"})["Instances"]]
        sim.advance("1h")
        ec2.stop_instances(InstanceIds=ids[:2])
        sim.advance("1h")
        ec2.create_image(InstanceId=ids[0], Name=f"image-{account}")
        ec2.start_instances(InstanceIds=ids[:1])
        ec2.terminate_instances(InstanceIds=ids[2:])
        sim.advance("1d")
        ec2.describe_hosts(HostIds=[host])
    return sim.timelines.events


def test_same_seed_same_events_and_other_seed_other_ids():
    """Two runs with one seed give identical events; another seed gives different ids."""
    first, second = _scenario(5), _scenario(5)
    pd.testing.assert_frame_equal(first, second)
    assert first.to_csv(index=False) == second.to_csv(index=False)
    other = _scenario(6)
    assert len(other) == len(first)
    assert set(first.resource_id) - {""} != set(other.resource_id) - {""}
    assert list(first.event_name) == list(other.event_name)


def test_events_columns_and_types(sim):
    """The events timeline has the documented columns and tz-aware UTC times."""
    events = sim.timelines.events
    assert list(events.columns)[:6] == ["time", "account_id", "region", "service", "event_name", "resource_id"]
    assert {"outcome", "error_code", "detail", "principal", "source"} <= set(events.columns)
    assert str(events["time"].dtype) == "datetime64[ns, UTC]" or "UTC" in str(events["time"].dtype)


def test_zero_durations_do_nothing_and_bad_ones_are_clear(sim):
    """advance(0), advance("0s") and run(until=now) are no-ops; NaN, infinite, negative and
    too-long durations are ValueErrors naming the value."""
    sim.advance(0)
    sim.advance("0s")
    sim.run(until=sim.now)
    assert sim.env.now == 0
    for bad in (float("nan"), float("inf"), -1, 10**400, "1e9999d", "99999999999d"):
        with pytest.raises(ValueError):
            sim.advance(bad)
    with pytest.raises(ValueError, match="ten simulated years"):
        sim.run(until="2040-01-01T00:00:00Z")
    assert sim.env.now == 0


def test_a_failing_process_surfaces_its_own_error_and_time_goes_on(sim):
    """An AWS error raised inside a simulation process reaches the caller of advance as that
    ClientError (code and message intact), and the next advance runs its full length."""
    ec2 = sim.client("ec2", "111111111111")

    def broken():
        yield sim.env.timeout(60)
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])

    sim.process(broken())
    with pytest.raises(ClientError) as excinfo:
        sim.advance("1h")
    assert excinfo.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    assert sim.env.now == 60
    sim.advance("2h")
    assert sim.env.now == 60 + 7200
