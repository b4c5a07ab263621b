"""Property tests of host resource groups: whatever launches, stops, starts, host failures and
releases happen in shared groups, no host is over capacity, every running instance placed by
a group is on a host of that group, and Core consumption equals the cores of the distinct
hosts that carry tracked instances plus those still bound by license affinity (AWS License
Manager User Guide, "Host resource groups in AWS License Manager", licenseAffinityToHost;
/work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.core.errors import ServiceError
from simulator.world.ec2 import ACTIVE_STATES, LaunchParameters, PlacementRequest
from simulator.world.resource_groups import ConfigurationItem

OWNER, MEMBER = "111111111111", "222222222222"
REGION = "us-east-1"
TYPES = ("m5.large", "m5.2xlarge", "m5.8xlarge", "m5.24xlarge", "c4.xlarge", "c4.2xlarge")

_launches = st.tuples(st.just("launch"), st.integers(0, 1), st.integers(0, 1), st.sampled_from(TYPES),
                      st.integers(1, 3))
_time = st.tuples(st.just("advance"), st.sampled_from([10, 60, 400, 1200, 3600, 86400 + 7]))
operations = st.one_of(
    _launches, _launches,
    st.tuples(st.sampled_from(["stop", "start", "terminate"]), st.integers(0, 60)),
    st.tuples(st.just("fail"), st.integers(0, 60)),
    st.tuples(st.just("release"), st.integers(0, 60)),
    _time, _time,
)


def _group(region, name: str, core_arn: str, *, auto_release: bool) -> str:
    configuration = (
        ConfigurationItem("AWS::EC2::HostManagement", (
            ("auto-allocate-host", ("true",)), ("auto-release-host", (str(auto_release).lower(),)),
            ("allowed-host-based-license-configurations", (core_arn,)))),
        ConfigurationItem("AWS::ResourceGroups::Generic", (
            ("allowed-resource-types", ("AWS::EC2::Host",)), ("deletion-protection", ("UNLESS_EMPTY",)))),
    )
    return region.resource_groups.create(OWNER, name, configuration=configuration).arn


def _world():
    sim = Simulation(seed=3)
    sim.create_organization(OWNER, [MEMBER])
    region = sim.world.region(REGION)
    ec2 = region.ec2
    lm = sim.license_manager
    image = ec2.images.register(OWNER, "golden")
    ec2.images.modify_launch_permission(OWNER, image.image_id, add_users=[MEMBER])
    core = lm.configurations.create(OWNER, REGION, name="sql", counting_type="Core", license_count=10_000,
                                    rules=["#licenseAffinityToHost=1"])
    lm.associations.update(OWNER, REGION, image.arn, add=[(core.arn, "cross-account")])
    groups = [_group(region, "packed", core.arn, auto_release=True), _group(region, "kept", core.arn,
                                                                            auto_release=False)]
    region.ram.enable_sharing_with_organization(OWNER)
    region.ram.create(OWNER, "hosts", resource_arns=groups, principals=[MEMBER])
    return sim, ec2, image, core, groups


def _check(sim, ec2, core, instances) -> None:
    hosts = [h for account in (OWNER, MEMBER) for h in ec2.hosts.account_hosts(account).values()]
    for host in hosts:
        assert host.used_vcpus == sum(i.instance_type.default_vcpus for i in host.instances.values())
        if host.instance_type is None:
            assert host.used_vcpus <= host.host_type.total_vcpus, host.host_id
        for size, count in host.size_counts.items():
            assert count <= host.host_type.capacity[size], (host.host_id, size)
        assert all(i.host is host for i in host.instances.values())
    carrying = set()
    for instance in instances:
        if instance.state in ACTIVE_STATES:
            assert instance.host is not None and instance.instance_id in instance.host.instances
            assert instance.host.host_resource_group_arn == instance.host_resource_group_arn, instance.instance_id
            carrying.add(instance.host)
    bound = {u.host for u in core.host_usage.values() if u.consuming and u.bound_until is not None}
    assert not bound & carrying
    assert all(u.bound_until - sim.env.now <= 86400 for u in core.host_usage.values() if u.bound_until is not None)
    assert core.consumed == sum(h.cores for h in carrying | bound)
    assert core.bound == sum(h.cores for h in bound)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=20, max_size=50))
def test_groups_keep_capacity_membership_and_consumption(ops):
    """Any sequence of launches into two shared groups, stops, starts, terminations, host failures
    (with and without recovery), host releases and time keeps every host within capacity, every
    running group instance on a host of its group, and Core consumption equal to the cores of the
    hosts that carry tracked instances plus those bound by affinity."""
    sim, ec2, image, core, groups = _world()
    instances: list = []
    for op in ops:
        try:
            if op[0] == "launch":
                _, who, group, type_name, count = op
                params = LaunchParameters(image_id=image.image_id, instance_type=type_name, placement=PlacementRequest(
                    tenancy="host", host_resource_group_arn=groups[group]))
                instances += ec2.instances.run((OWNER, MEMBER)[who], params, min_count=count, max_count=count)
            elif op[0] in ("stop", "start", "terminate") and instances:
                instance = instances[op[1] % len(instances)]
                getattr(ec2.instances, op[0])(instance.account_id, [instance.instance_id])
            elif op[0] in ("fail", "release"):
                hosts = [h for h in ec2.hosts.account_hosts(OWNER).values() if h.state == "available"]
                if hosts:
                    host = hosts[op[1] % len(hosts)]
                    if op[0] == "fail":
                        host.host_recovery = "on" if op[1] % 2 else "off"  # ModifyHosts, as a domain change
                        ec2.host_failures.fail(host)
                    else:
                        ec2.hosts.release(OWNER, [host.host_id])
            elif op[0] == "advance":
                sim.advance(op[1])
        except ServiceError:
            pass
        _check(sim, ec2, core, instances)
        assert core.consumed == sim.license_manager.views.recount(core.arn)
