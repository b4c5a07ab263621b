"""EC2 quotas: vCPU-based On-Demand limits and Dedicated Hosts per family (Amazon EC2 User
Guide, "On-Demand Instance quotas"; EC2 API reference, RunInstances MinCount/MaxCount)."""

from __future__ import annotations

import pytest

from simulator import Simulation
from simulator.world.ec2 import Ec2Quotas
from tests.helpers import ACCOUNT_A, AZ, allocate, assert_refused, launch


@pytest.fixture
def tight() -> Simulation:
    """A simulation whose accounts may run 16 Standard vCPUs and 2 hosts per family."""
    sim = Simulation(seed=0, ec2_quotas=Ec2Quotas(on_demand_vcpus={"Standard": 16}, hosts_per_family=2))
    sim.add_account(ACCOUNT_A)
    return sim


def _count(ec2) -> int:
    return sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])


def test_max_count_past_the_quota_launches_as_many_as_fit(tight):
    """MaxCount beyond the vCPU quota launches the largest number that fits, at least MinCount."""
    ec2 = tight.client("ec2", ACCOUNT_A)
    assert len(launch(ec2, "m5.xlarge", 100_000, minimum=1)) == 4  # 4 x 4 vCPUs = 16
    assert _count(ec2) == 4


def test_huge_counts_are_refused_cleanly(tight):
    """MaxCount 2**31-1 answers at once (no MemoryError); MinCount past the quota launches nothing."""
    ec2 = tight.client("ec2", ACCOUNT_A)
    assert len(launch(ec2, "m5.large", 2**31 - 1, minimum=1)) == 8
    assert_refused(tight, "VcpuLimitExceeded", lambda: launch(ec2, "m5.large", 2**31 - 1, minimum=2**31 - 1),
                   lambda: _count(ec2))


def test_stopping_frees_quota_and_starting_checks_it(tight):
    """Stopped instances do not count; starting them again past the quota is refused."""
    ec2 = tight.client("ec2", ACCOUNT_A)
    first = launch(ec2, "m5.2xlarge", 2)  # 16 vCPUs
    tight.advance("2m")
    ec2.stop_instances(InstanceIds=first)
    tight.advance("2m")
    launch(ec2, "m5.xlarge", 2)  # 8 vCPUs
    assert_refused(tight, "VcpuLimitExceeded", lambda: ec2.start_instances(InstanceIds=first), lambda: _count(ec2))
    ec2.start_instances(InstanceIds=first[:1])
    assert [i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=first)["Reservations"]
            for i in r["Instances"]] == ["pending", "stopped"]


def test_instances_on_dedicated_hosts_do_not_count(tight):
    """The On-Demand quota counts shared and dedicated tenancy, not Dedicated Hosts."""
    ec2 = tight.client("ec2", ACCOUNT_A)
    allocate(ec2, "on", InstanceFamily="m5")
    assert len(launch(ec2, "m5.4xlarge", 6, Placement={"Tenancy": "host"})) == 6
    assert len(launch(ec2, "m5.4xlarge", 1, Placement={"Tenancy": "dedicated"})) == 1
    assert_refused(tight, "VcpuLimitExceeded", lambda: launch(ec2, "m5.large"), lambda: _count(ec2))


def test_dedicated_host_quota_per_family(tight):
    """AllocateHosts past the family's quota (or with an absurd Quantity) allocates nothing."""
    ec2 = tight.client("ec2", ACCOUNT_A)
    hosts = lambda: ec2.describe_hosts()["Hosts"]  # noqa: E731
    assert_refused(tight, "HostLimitExceeded", lambda: allocate(ec2, quantity=2**31 - 1), hosts)
    (first,) = allocate(ec2, InstanceFamily="m5")
    allocate(ec2, InstanceType="m5.large")
    assert_refused(tight, "HostLimitExceeded", lambda: allocate(ec2, InstanceFamily="m5"), hosts)
    allocate(ec2, InstanceFamily="c5")  # another family has its own quota
    ec2.release_hosts(HostIds=[first])
    assert ec2.allocate_hosts(AvailabilityZone=AZ, InstanceFamily="m5", Quantity=1)["HostIds"]
