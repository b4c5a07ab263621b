"""Property test of license type and tenancy conversions (License Manager User Guide,
"License type conversions in License Manager", "Tenancy conversion limits"): no sequence of
conversions, placement changes, starts, stops and waits leaves an instance running with a
billing code its tenancy does not permit, and every configuration's consumption equals a
recount from the instances' current state."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.core.billing import PERMITTED_TENANCIES
from simulator.core.errors import ServiceError
from simulator.licensing.conversion_paths import ELIGIBLE
from simulator.licensing.products import ProductFilter, ProductInformation
from simulator.world.ec2 import ACTIVE_STATES, LaunchParameters, PlacementRequest

ACCOUNT = "111111111111"
REGION = "us-east-1"
SQL = ("Microsoft SQL Server 2019 Standard", "Microsoft Corporation", "15.0.2000.5")

operations = st.one_of(
    st.tuples(st.just("convert"), st.integers(0, 5), st.sampled_from(sorted(ELIGIBLE)), st.booleans()),
    st.tuples(st.just("place"), st.integers(0, 5), st.sampled_from(["default", "dedicated", "host"])),
    st.tuples(st.sampled_from(["start", "stop"]), st.integers(0, 5)),
    st.tuples(st.just("advance"), st.sampled_from([60, 300, 700, 3600])),
)


def _not_included(name: str) -> tuple[ProductInformation, ...]:
    return (ProductInformation("SSM_MANAGED", (ProductFilter("License Included", (name,), "NOT_EQUALS"),)),)


def _world():
    sim = Simulation(seed=3)
    sim.add_account(ACCOUNT)
    ec2 = sim.world.region(REGION).ec2
    lm = sim.license_manager
    ec2.hosts.allocate(ACCOUNT, availability_zone="us-east-1a", instance_family="m5", auto_placement="on", quantity=1)
    configs = [
        lm.configurations.create(ACCOUNT, REGION, name="sql-std-byol", counting_type="vCPU", license_count=16,
                                 hard_limit=True, product_information=_not_included("sql-server-standard")),
        lm.configurations.create(ACCOUNT, REGION, name="windows-byol", counting_type="Core", license_count=96,
                                 hard_limit=True, product_information=_not_included("windows-server-datacenter")),
        lm.configurations.create(ACCOUNT, REGION, name="everything", counting_type="Instance"),
    ]
    arns = tuple(c.arn for c in configs)
    launches = [("RunInstances:0002", "dedicated"), ("RunInstances:0002", "default"), ("RunInstances:0800", "host"),
                ("RunInstances:0006", "default"), ("RunInstances:0804", "dedicated"),
                ("RunInstances:0102", "dedicated")]
    images = {}
    for code, _ in launches:
        if code not in images:
            images[code] = ec2.imports.start(ACCOUNT, usage_operation=code)
    sim.advance("2h")
    instances = []
    for code, tenancy in launches:
        image_id = ec2.imports.tasks[images[code].task_id].image_id
        params = LaunchParameters(image_id=image_id, instance_type="m5.xlarge",
                                  placement=PlacementRequest(tenancy=tenancy), license_configuration_arns=arns[2:])
        instances += ec2.instances.run(ACCOUNT, params)
    sim.advance("5m")
    for instance in instances:
        sim.install_software(instance.instance_id, SQL[0], publisher=SQL[1], version=SQL[2])
    sim.advance("1d")
    ec2.instances.stop(ACCOUNT, [i.instance_id for i in instances])
    sim.advance("5m")
    for instance in instances:  # stopped: the configurations judge their next start
        lm.associations.update(ACCOUNT, REGION, instance.arn, add=[(arns[0], None), (arns[1], None)])
    return sim, ec2, lm, configs, instances


def _check(ec2, lm, configs, instances, op) -> None:
    for instance in instances:
        if instance.state in ACTIVE_STATES:
            assert instance.tenancy in PERMITTED_TENANCIES[instance.usage_operation], (op, instance.instance_id)
    for cfg in configs:
        assert cfg.consumed == lm.views.recount(cfg.arn), (op, cfg.name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=25))
def test_no_instance_runs_with_a_code_its_tenancy_forbids_and_consumption_equals_a_recount(ops):
    """Any sequence of conversions (with the right or a wrong source), placement changes,
    starts, stops and waits: a running instance's billing code is always permitted on its
    tenancy, consumption always equals a recount, and a refused request changes nothing."""
    sim, ec2, lm, configs, instances = _world()
    for op in ops:
        before = ([(i.usage_operation, i.tenancy, i.state) for i in instances], [c.level for c in configs])
        instance = instances[op[1] % len(instances)] if op[0] != "advance" else None
        try:
            if op[0] == "convert":
                source = instance.usage_operation if op[3] else "RunInstances:0002"
                lm.conversions.create(ACCOUNT, REGION, instance.arn, source, op[2])
            elif op[0] == "place":
                ec2.instances.modify_placement(ACCOUNT, instance.instance_id, PlacementRequest(tenancy=op[2]))
            elif op[0] == "start":
                ec2.instances.start(ACCOUNT, [instance.instance_id])
            elif op[0] == "stop":
                ec2.instances.stop(ACCOUNT, [instance.instance_id])
            else:
                sim.advance(op[1])
        except ServiceError:
            after = ([(i.usage_operation, i.tenancy, i.state) for i in instances], [c.level for c in configs])
            assert after == before, f"a refused {op[0]} changed something"
        _check(ec2, lm, configs, instances, op)
    sim.advance("2h")
    _check(ec2, lm, configs, instances, "end")
