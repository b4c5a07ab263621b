"""License affinity to host through boto3: a host's Core or Socket licenses stay bound to it
for N days after the last tracked instance left it, whatever made it leave, and the
compliance timeline shows the binding (AWS License Manager User Guide, "License
configuration parameters and rules": licenseAffinityToHost, "After the affinity period
elapses, the license will be available for reuse within 24 hours";
/work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

import pytest

from simulator.world.ec2 import Ec2Timings
from tests.helpers import consumed, create_configuration, launch

DAY = 86400.0
TIMINGS = Ec2Timings()


def host_usage(lm, arn: str) -> list[tuple[str, int]]:
    usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn, Filters=[
        {"Name": "resourceType", "Values": ["EC2_HOST"]}])["LicenseConfigurationUsageList"]
    return [(u["ResourceArn"].split("/")[-1], u["ConsumedLicenses"]) for u in usage]


@pytest.fixture
def bound(sim, ec2, lm):
    """A Core configuration with a 3-day affinity, and an instance it tracks on one of two hosts."""
    arn = create_configuration(lm, "Core", rules=["#licenseAffinityToHost=3"], name="bound")
    first, second = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", Quantity=2,
                                       HostRecovery="on")["HostIds"]
    (instance_id,) = launch(ec2, "m5.xlarge", licenses=[arn], Placement={"Tenancy": "host", "HostId": first})
    sim.advance("1d")  # the period counts from when the instance leaves, not from the launch
    return arn, first, second, instance_id


def released_between(sim, lm, arn: str, days_after_leaving: float) -> None:
    """The host's licenses are still bound just before the period ends, and free within 24 hours after."""
    sim.advance(days_after_leaving * DAY - 60)
    assert consumed(lm, arn) == 48
    sim.advance(DAY + 120)
    assert consumed(lm, arn) == 0


def test_bound_after_a_stop(sim, ec2, lm, bound):
    """licenseAffinityToHost: a stop leaves the host's cores bound for the period, then they are freed."""
    arn, first, _, instance_id = bound
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance(TIMINGS.stopping)
    assert host_usage(lm, arn) == [(first, 48)]
    released_between(sim, lm, arn, 3)


def test_bound_after_a_termination(sim, ec2, lm, bound):
    """licenseAffinityToHost: a termination leaves the cores bound just the same."""
    arn, _, _, instance_id = bound
    ec2.terminate_instances(InstanceIds=[instance_id])
    released_between(sim, lm, arn, 3)


def test_bound_after_a_placement_change(sim, ec2, lm, bound):
    """licenseAffinityToHost: an instance moved to another host by a placement change leaves its old
    host's cores bound; the new host counts too while both are held."""
    arn, first, second, instance_id = bound
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance(TIMINGS.stopping + 1)
    ec2.modify_instance_placement(InstanceId=instance_id, HostId=second, Affinity="host")
    ec2.start_instances(InstanceIds=[instance_id])
    assert sorted(host_usage(lm, arn)) == sorted([(first, 48), (second, 48)])
    sim.advance(3 * DAY + DAY + 120)
    assert host_usage(lm, arn) == [(second, 48)]


def test_returning_before_the_period_ends_reuses_the_binding(sim, ec2, lm, bound):
    """licenseAffinityToHost: an instance back on its host before the period ends uses the bound
    licenses again; the period starts over when it leaves again."""
    arn, first, _, instance_id = bound
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance(2 * DAY)
    ec2.start_instances(InstanceIds=[instance_id])
    assert host_usage(lm, arn) == [(first, 48)]
    sim.advance(2 * DAY)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance(TIMINGS.stopping)
    released_between(sim, lm, arn, 3)


def test_not_bound_to_a_failed_host_after_recovery(sim, ec2, lm, bound):
    """licenseAffinityToHost binds licenses to a host its instances left; a failed host whose
    instances host recovery moved is not held (the guide binds a failed host to nothing): its
    cores are released as the instance leaves, the replacement's count instead."""
    arn, first, _, _ = bound
    sim.faults.fail_host(first)
    sim.advance(TIMINGS.host_assessment + TIMINGS.host_recovery + 60)
    assert consumed(lm, arn) == 48
    assert (first, 48) not in host_usage(lm, arn)
    rows = sim.timelines.compliance
    assert rows[rows.license_configuration_arn == arn].consumed.max() == 48


def test_bound_after_the_host_is_released(sim, ec2, lm, bound):
    """licenseAffinityToHost: releasing the host does not free licenses bound to it."""
    arn, first, _, instance_id = bound
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("2h")
    assert ec2.release_hosts(HostIds=[first])["Successful"] == [first]
    assert consumed(lm, arn) == 48
    released_between(sim, lm, arn, 3 - 2 / 24)


def test_compliance_shows_the_binding(sim, ec2, lm, bound):
    """The compliance timeline's ``bound`` column: licenses held by affinity alone."""
    arn, _, _, instance_id = bound
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance(5 * DAY)
    rows = sim.timelines.compliance
    rows = rows[rows.license_configuration_arn == arn]
    assert list(zip(rows.consumed, rows.bound)) == [(0, 0), (48, 0), (48, 48), (0, 0)]


def test_without_the_rule_licenses_leave_with_the_instance(sim, ec2, lm):
    """Without licenseAffinityToHost a host's licenses end when its last tracked instance leaves."""
    arn = create_configuration(lm, "Core", name="free")
    (instance_id,) = launch(ec2, "m5.xlarge", licenses=[arn], Placement={"Tenancy": "host", "HostId": ec2.allocate_hosts(
        AvailabilityZone="us-east-1a", InstanceFamily="m5")["HostIds"][0]})
    sim.advance("1h")
    ec2.stop_instances(InstanceIds=[instance_id])
    assert consumed(lm, arn) == 0
    assert host_usage(lm, arn) == []
