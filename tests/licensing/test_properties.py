"""Property tests of consumption tracking ("License rules in License Manager": tracking from
launch to termination; hard limits block launches past the license count)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.core.errors import ServiceError
from simulator.world.ec2 import LaunchParameters, PlacementRequest

ACCOUNTS = ("111111111111", "222222222222")
REGION = "us-east-1"
TYPES = ("m5.large", "m5.2xlarge", "m5.4xlarge", "m5.8xlarge")

operations = st.one_of(
    st.tuples(st.just("launch"), st.integers(0, 1), st.sampled_from(TYPES), st.booleans(), st.integers(1, 3),
              st.integers(-1, 3)),
    st.tuples(st.sampled_from(["stop", "start", "terminate"]), st.integers(0, 50)),
    st.tuples(st.just("advance"), st.sampled_from([10, 45, 120, 3600, 2 * 86400])),
    st.tuples(st.sampled_from(["associate", "disassociate"]), st.integers(0, 50), st.integers(0, 3)),
    st.tuples(st.just("count"), st.integers(0, 3), st.integers(0, 200)),
    st.tuples(st.just("hard"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("status"), st.integers(0, 3), st.sampled_from(["AVAILABLE", "DISABLED"])),
)


def _world():
    sim = Simulation(seed=1)
    sim.create_organization(ACCOUNTS[0], ACCOUNTS[1:])
    lm = sim.license_manager
    ec2 = sim.world.region(REGION).ec2
    image = ec2.images.register(ACCOUNTS[0], "golden")
    ec2.images.modify_launch_permission(ACCOUNTS[0], image.image_id, add_users=[ACCOUNTS[1]])
    configs = {}
    for account in ACCOUNTS:
        configs[account] = [
            lm.configurations.create(account, REGION, name="vcpu", counting_type="vCPU", license_count=24,
                                    hard_limit=True, rules=["#honorVcpuOptimization=True"]),
            lm.configurations.create(account, REGION, name="inst", counting_type="Instance", license_count=3),
            lm.configurations.create(account, REGION, name="core", counting_type="Core", license_count=96,
                                    hard_limit=True, rules=["#licenseAffinityToHost=1"]),
            lm.configurations.create(account, REGION, name="sock", counting_type="Socket", license_count=4,
                                    hard_limit=True),
        ]
        ec2.hosts.allocate(account, availability_zone="us-east-1a", instance_family="m5", auto_placement="on",
                           quantity=3)
    lm.associations.update(ACCOUNTS[0], REGION, image.arn, add=[(configs[ACCOUNTS[0]][1].arn, "cross-account")])
    return sim, lm, ec2, image, configs


def _levels(lm, configs):
    return {c.arn: (c.consumed, c.license_count, c.hard_limit, c.status) for cs in configs.values() for c in cs}


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=35))
def test_consumption_always_equals_a_recount_and_hard_limits_hold(ops):
    """Any sequence of lifecycle, association and count changes keeps each configuration's
    running consumption equal to a recount from scratch, and no launch, start or association
    takes a hard-limited configuration past its count."""
    sim, lm, ec2, image, configs = _world()
    instances: list = []
    for op in ops:
        before = _levels(lm, configs)
        grows = op[0] in ("launch", "start", "associate")
        try:
            if op[0] == "launch":
                _, who, type_name, on_host, count, explicit = op
                account = ACCOUNTS[who]
                arns = () if explicit < 0 else (configs[account][explicit].arn,)
                params = LaunchParameters(image_id=image.image_id, instance_type=type_name,
                                          placement=PlacementRequest(tenancy="host") if on_host else None,
                                          license_configuration_arns=arns)
                instances += ec2.instances.run(account, params, min_count=count, max_count=count)
            elif op[0] in ("stop", "start", "terminate") and instances:
                instance = instances[op[1] % len(instances)]
                getattr(ec2.instances, op[0])(instance.account_id, [instance.instance_id])
            elif op[0] == "advance":
                sim.advance(op[1])
            elif op[0] in ("associate", "disassociate") and instances:
                instance = instances[op[1] % len(instances)]
                cfg = configs[instance.account_id][op[2]]
                change = {"add" if op[0] == "associate" else "remove": [(cfg.arn, None)]}
                lm.associations.update(instance.account_id, REGION, instance.arn, **change)
            elif op[0] == "count":
                cfg = configs[ACCOUNTS[0]][op[1]]
                lm.configurations.update(ACCOUNTS[0], REGION, cfg.arn, license_count=op[2])
            elif op[0] == "hard":
                cfg = configs[ACCOUNTS[0]][op[1]]
                lm.configurations.update(ACCOUNTS[0], REGION, cfg.arn, hard_limit=op[2])
            elif op[0] == "status":
                cfg = configs[ACCOUNTS[0]][op[1]]
                lm.configurations.update(ACCOUNTS[0], REGION, cfg.arn, status=op[2])
        except ServiceError:
            assert _levels(lm, configs) == before, f"a refused {op[0]} changed consumption"
            continue
        for cfg in (c for cs in configs.values() for c in cs):
            assert cfg.consumed == lm.views.recount(cfg.arn), (op, cfg.name)
            old_consumed, count, hard, _ = before[cfg.arn]
            if grows and hard and count is not None and cfg.consumed > old_consumed:
                assert cfg.consumed <= count, (op, cfg.name, cfg.consumed, count)
        instances = [i for i in instances if i.instance_id in ec2.instances.account_instances(i.account_id)]
