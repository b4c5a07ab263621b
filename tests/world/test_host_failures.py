"""Dedicated Host failures (``sim.faults.fail_host``) and host recovery through boto3: the
host states, the instances moved or stopped, and what License Manager counts (Amazon EC2 User
Guide, "Host recovery"; AWS License Manager User Guide, "Host resource groups in AWS License
Manager": "Recover hosts automatically", and the licenseAffinityToHost rule of "License
configuration parameters and rules", /work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

import json

import pytest

from simulator.world.ec2 import Ec2Timings
from tests.helpers import (
    ACCOUNT_A,
    allocate,
    consumed,
    create_configuration,
    host_of,
    hosts_by_id,
    launch,
    states,
)

TIMINGS = Ec2Timings()
ASSESSED = TIMINGS.host_assessment
RECOVERED = TIMINGS.host_assessment + TIMINGS.host_recovery


def world_events(sim) -> list[tuple[str, str]]:
    events = sim.timelines.events
    rows = events[events.source != "api"]
    return list(zip(rows.event_name, rows.resource_id))


@pytest.fixture
def running(sim, ec2, lm):
    """Two instances tracked by a Core configuration on one m5 host (recovery on), with another host."""
    core = create_configuration(lm, "Core", name="cores")
    (host_id,) = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on",
                                    HostRecovery="on", TagSpecifications=[
                                        {"ResourceType": "dedicated-host", "Tags": [{"Key": "rack", "Value": "7"}]}])[
        "HostIds"]
    ids = launch(ec2, "m5.xlarge", 2, licenses=[core], Placement={"Tenancy": "host", "HostId": host_id,
                                                                   "Affinity": "host"})
    sim.advance("5m")
    return core, host_id, ids


def test_recovery_moves_instances_to_a_replacement_host(sim, ec2, lm, running):
    """"Host recovery": the failed host is under-assessment; a replacement with the same attributes is
    allocated (pending); the instances move to it keeping their ids and host affinity; then the
    replacement is available and the failed host released-permanent-failure. Every step is an event."""
    _, failed, ids = running
    sim.faults.fail_host(failed)
    assert hosts_by_id(ec2)[failed]["State"] == "under-assessment"
    assert states(ec2, *ids) == ["running", "running"]
    sim.advance(ASSESSED + 1)
    (replacement,) = set(hosts_by_id(ec2)) - {failed}
    described = hosts_by_id(ec2)[replacement]
    assert described["State"] == "pending" and described["Tags"] == [{"Key": "rack", "Value": "7"}]
    assert (described["AutoPlacement"], described["HostRecovery"], described["AvailabilityZone"]) == (
        "on", "on", "us-east-1a")
    assert [host_of(ec2, i) for i in ids] == [replacement, replacement]
    sim.advance(TIMINGS.host_recovery)
    assert hosts_by_id(ec2)[replacement]["State"] == "available"
    assert hosts_by_id(ec2)[failed]["State"] == "released-permanent-failure"
    assert states(ec2, *ids) == ["running", "running"]
    placement = ec2.describe_instances(InstanceIds=ids[:1])["Reservations"][0]["Instances"][0]["Placement"]
    assert placement["Affinity"] == "host"
    events = world_events(sim)
    assert ("HostFailed", failed) in events and ("HostRecovered", replacement) in events
    assert [e for e in events if e[0] == "InstanceRecovered"] == [("InstanceRecovered", i) for i in ids]
    assert ("HostReleased", failed) in events
    actions = sim.timelines.events
    row = actions[actions.event_name == "faults.fail_host"].iloc[0]
    assert row.source == "action" and json.loads(row.detail) == {"host_id": failed, "at": None}


def test_recovery_moves_consumption_to_the_replacement(sim, ec2, lm, running):
    """"Host recovery": License Manager counts the replacement host's cores instead of the failed host's."""
    core, failed, _ = running
    assert consumed(lm, core) == 48
    sim.faults.fail_host(failed)
    sim.advance(RECOVERED + 1)
    usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=core, Filters=[
        {"Name": "resourceType", "Values": ["EC2_HOST"]}])["LicenseConfigurationUsageList"]
    (replacement,) = set(hosts_by_id(ec2)) - {failed}
    assert [u["ResourceArn"].split("/")[-1] for u in usage] == [replacement]
    assert consumed(lm, core) == 48


def test_without_recovery_instances_stop(sim, ec2, lm):
    """"Host recovery" off: the host ends in permanent-failure and its instances stop (a server-side
    reason); their licenses are released."""
    core = create_configuration(lm, "Core", name="cores")
    (host_id,) = allocate(ec2, "on", InstanceFamily="m5")
    ids = launch(ec2, "m5.xlarge", 2, licenses=[core], Placement={"Tenancy": "host"})
    sim.advance("5m")
    sim.faults.fail_host(host_id)
    sim.advance(ASSESSED + 120)
    assert hosts_by_id(ec2)[host_id]["State"] == "permanent-failure"
    assert states(ec2, *ids) == ["stopped", "stopped"]
    reason = ec2.describe_instances(InstanceIds=ids[:1])["Reservations"][0]["Instances"][0]["StateReason"]
    assert reason["Code"] == "Server.InternalError"
    assert consumed(lm, core) == 0
    assert ("HostPermanentlyFailed", host_id) in world_events(sim)
    assert ec2.release_hosts(HostIds=[host_id])["Successful"] == [host_id]
    assert hosts_by_id(ec2)[host_id]["State"] == "released-permanent-failure"


@pytest.mark.parametrize("counting, limit", [("Core", 48), ("Socket", 2)])
def test_recovery_at_the_hard_limit_counts_nothing_twice(sim, ec2, lm, counting, limit):
    """"Host recovery" with a hard limit exactly met by one fully used host: the failed host stops
    counting as its instances leave it (no license affinity binds a failed host), so the
    replacement fits the limit; nothing is ever counted twice."""
    cfg = create_configuration(lm, counting, count=limit, hard=True, name="licenses",
                               rules=["#licenseAffinityToHost=2"])
    (host_id,) = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on",
                                    HostRecovery="on")["HostIds"]
    ids = launch(ec2, "m5.24xlarge", licenses=[cfg], Placement={"Tenancy": "host"})
    sim.advance("5m")
    assert consumed(lm, cfg) == limit
    sim.faults.fail_host(host_id)
    sim.advance(RECOVERED + 1)
    hosts = hosts_by_id(ec2)
    assert hosts[host_id]["State"] == "released-permanent-failure" and len(hosts) == 2
    assert states(ec2, *ids) == ["running"] and host_of(ec2, ids[0]) != host_id
    levels = sim.timelines.compliance
    levels = levels[levels.license_configuration_arn == cfg]
    assert levels.consumed.max() == limit and list(levels.bound.unique()) == [0]
    assert consumed(lm, cfg) == limit and sim.timelines.violations.empty


def test_recovery_that_breaks_a_hard_limit_is_not_allowed(sim, ec2, lm):
    """"Host recovery": if the replacement would breach a hard limit the recovery is not allowed and
    License Manager notifies; the host is retired and its instances stop. The failed host itself is
    associated with the configuration, so it keeps counting until released and the replacement's
    cores would come on top."""
    core = create_configuration(lm, "Core", count=48, hard=True, name="cores")
    (host_id,) = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on",
                                    HostRecovery="on")["HostIds"]
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:dedicated-host/{host_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": core}])
    ids = launch(ec2, "m5.xlarge", licenses=[core], Placement={"Tenancy": "host"})
    sim.advance("5m")
    sim.faults.fail_host(host_id)
    sim.advance(ASSESSED + 120)
    assert hosts_by_id(ec2)[host_id]["State"] == "permanent-failure" and len(hosts_by_id(ec2)) == 1
    assert states(ec2, *ids) == ["stopped"]
    assert ("HostRecoveryFailed", host_id) in world_events(sim)
    notifications = sim.timelines.notifications
    assert "Host recovery failed" in notifications.subject.iloc[-1]
    violations = sim.timelines.violations
    assert list(violations.operation) == ["HostRecovery"] and list(violations.action) == ["blocked"]


def test_fail_host_at_a_later_time(sim, ec2, running):
    """``sim.faults.fail_host(host_id, at=...)`` fails the host at that simulated instant."""
    _, host_id, _ = running
    sim.faults.fail_host(host_id, at="2026-01-01T06:00:00Z")
    sim.run(until="2026-01-01T05:59:00Z")
    assert hosts_by_id(ec2)[host_id]["State"] == "available"
    sim.run(until="2026-01-01T06:00:01Z")
    assert hosts_by_id(ec2)[host_id]["State"] == "under-assessment"


@pytest.mark.parametrize("host_id, at", [
    ("h-0123456789abcdef0", None),
    (None, "2025-12-31T00:00:00Z"),
    (None, "yesterday"),
])
def test_fail_host_refuses_bad_input(sim, ec2, running, host_id, at):
    """``fail_host`` refuses an unknown host or a time in the past or not ISO-8601, and records the refusal."""
    _, known, _ = running
    with pytest.raises(ValueError):
        sim.faults.fail_host(host_id or known, at=at)
    assert hosts_by_id(ec2)[known]["State"] == "available"
    rows = sim.timelines.events
    assert rows[rows.event_name == "faults.fail_host"].error_code.iloc[-1] == "ValueError"


def test_a_failing_host_cannot_fail_again(sim, running):
    """Only an available host can fail."""
    _, host_id, _ = running
    sim.faults.fail_host(host_id)
    with pytest.raises(ValueError):
        sim.faults.fail_host(host_id)


def test_failed_host_takes_no_launches(sim, ec2, lm, running):
    """"Host recovery": no instances launch on a host under assessment."""
    _, host_id, _ = running
    sim.faults.fail_host(host_id)
    with pytest.raises(ec2.exceptions.ClientError) as excinfo:
        launch(ec2, "m5.large", Placement={"Tenancy": "host", "HostId": host_id})
    assert excinfo.value.response["Error"]["Code"] == "InsufficientHostCapacity"


def test_a_recovery_in_a_group_keeps_the_replacement_in_the_group(sim, ec2, lm):
    """Host resource groups, "Recover hosts automatically": the replacement joins the failed host's group."""
    from tests.helpers import associated_image, create_host_group, in_group

    rg = sim.client("resource-groups", ACCOUNT_A)
    core = create_configuration(lm, "Core", name="cores")
    group = create_host_group(rg, "sql-hosts", core, auto_recover=True)
    image = associated_image(sim, ec2, lm, core)
    sim.advance("10m")
    (instance_id,) = launch(ec2, "m5.large", image=image, Placement=in_group(group))
    sim.advance("10m")
    (failed,) = hosts_by_id(ec2)
    sim.faults.fail_host(failed)
    sim.advance(RECOVERED + 1)
    members = [r["ResourceArn"].split("/")[-1] for r in rg.list_group_resources(Group=group)["ResourceIdentifiers"]]
    assert members == [host_of(ec2, instance_id)] and members != [failed]
    assert consumed(lm, core) == 48
