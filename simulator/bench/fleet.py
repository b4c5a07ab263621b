"""The benchmarks: how fast the simulator runs a fleet, against bare SimPy.

Mode ``lifecycle``: N instances across M accounts go through launches, stops, starts and
terminations for D simulated days under several license configurations: a vCPU
configuration with a soft limit tracking every launch through a cross-account AMI
association, an Instance configuration with a hard limit given in the launches'
LicenseSpecifications, and a Core configuration for the share of the fleet that runs on
Dedicated Hosts with auto-placement.

Mode ``hrg``: the same fleet and churn, every instance launched into one host resource group
of the management account, shared with the organization, that allocates and releases hosts
as the fleet grows and shrinks and allows the Core configuration the golden AMI is
associated with; each member account also keeps its own auto-placement hosts outside the
group, which placement in the group never looks at.

The workload calls the world's domain methods directly (the boto3 path costs a few hundred
microseconds per call by design), one SimPy process per account. The figure of merit is
lifecycle events (instance state changes) per wall second, compared with a bare SimPy loop
doing as many timeouts.
"""

from __future__ import annotations

import gc
import resource
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

import simpy

from simulator.core.errors import ServiceError
from simulator.core.records import EventGroupRecord
from simulator.simulation import Simulation
from simulator.world.ec2 import InstanceState, LaunchParameters, PlacementRequest
from simulator.world.resource_groups import ConfigurationItem

MANAGEMENT = "100000000000"
HOST_SHARE = 0.1
TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge")
SETTLED = frozenset({InstanceState.RUNNING, InstanceState.STOPPED})


MODES = ("lifecycle", "hrg")
#: Launch parameters of one batch: (index into TYPES, instances launched so far) -> parameters.
LaunchPlan = Callable[[int, int], LaunchParameters]


@dataclass
class BenchResult:
    """The figures of one benchmark run."""

    mode: str
    instances: int
    accounts: int
    days: float
    batch: int
    lifecycle_events: int
    wall_seconds: float
    events_per_second: float
    microseconds_per_event: float
    bare_simpy_events_per_second: float
    ratio: float
    peak_memory_mib: float
    blocked_launches: int
    dedicated_hosts: int


def _lifecycle_plan(image_id: str, count: int, instance_arn: str, core_arn: str) -> LaunchPlan:
    """The lifecycle fleet: the first tenth on auto-placement hosts (m5.4xlarge), the rest
    shared tenancy of mixed sizes."""
    host_quota = int(count * HOST_SHARE)
    on_host = PlacementRequest(tenancy="host")

    def plan(type_index: int, launched: int) -> LaunchParameters:
        host = launched < host_quota
        return LaunchParameters(
            image_id=image_id, instance_type="m5.4xlarge" if host else TYPES[type_index],
            placement=on_host if host else None,
            license_configuration_arns=(instance_arn, core_arn) if host else (instance_arn,),
        )

    return plan


def _group_plan(image_id: str, group_arn: str, instance_arn: str) -> LaunchPlan:
    """The hrg fleet: every launch into the host resource group, of mixed sizes."""
    in_group = PlacementRequest(tenancy="host", host_resource_group_arn=group_arn)

    def plan(type_index: int, launched: int) -> LaunchParameters:
        return LaunchParameters(image_id=image_id, instance_type=TYPES[type_index], placement=in_group,
                                license_configuration_arns=(instance_arn,))

    return plan


def _workload(sim: Simulation, account_id: str, count: int, days: float, batch: int, plan: LaunchPlan,
              stats: dict[str, int]):
    """One account's fleet, run like an auto scaling group: at exponential intervals the
    account launches, stops, starts or terminates a batch of its instances (1 to
    ``2 * batch - 1`` at a time, ``batch`` on average). Launches come first, churn fills the
    middle of the run, terminations close it. The random draws are made up front, per
    account, as arrays."""
    ec2 = sim.world.region(sim.region).ec2.instances
    rng = sim.random.stream(f"bench-{account_id}")
    horizon = days * 86400.0
    actions = max(4 * count // batch, 1)
    draws = 4 * actions + 64
    gaps = rng.exponential(horizon / actions, draws).tolist()
    coins = rng.random(draws).tolist()
    sizes = rng.integers(1, 2 * batch, draws).tolist()
    types = rng.integers(0, len(TYPES), draws).tolist()
    running: deque = deque()  # the newest at the right end: churn picks them first
    stopped: deque = deque()
    step = 0
    launched = 0
    while launched < count:
        size = min(sizes[step], count - launched)
        yield sim.env.timeout(gaps[step])
        params = plan(types[step], launched)
        step += 1
        launched += size
        try:
            running.extend(ec2.run(account_id, params, min_count=size, max_count=size))
        except ServiceError:
            stats["blocked"] += 1
    churn_end = horizon * 0.9
    while sim.env.now < churn_end and step < draws - 1:
        yield sim.env.timeout(gaps[step])
        if coins[step] < 0.5:
            pool, target, call = running, stopped, ec2.stop
        else:
            pool, target, call = stopped, running, ec2.start
        step += 1
        ready, busy = [], []
        for _ in range(min(len(pool), sizes[step])):
            instance = pool.pop()
            (ready if instance.state in SETTLED else busy).append(instance)
        pool.extendleft(busy)  # still in transition: to the far end
        if not ready:
            continue
        try:
            call(account_id, [i.instance_id for i in ready])
            target.extend(ready)
        except ServiceError:
            stats["blocked"] += 1
            pool.extend(ready)
    remaining = running + stopped
    while remaining:
        yield sim.env.timeout(gaps[step % draws])
        step += 1
        chunk = [remaining.popleft() for _ in range(min(len(remaining), sizes[step % draws]))]
        ec2.terminate(account_id, [i.instance_id for i in chunk])


def _settle_heap() -> None:
    """Collect, then freeze what exists before the timed run (imported libraries, the set-up
    world), so the cyclic garbage collector does not rescan it during the run. Both runs
    are measured this way."""
    gc.collect()
    gc.freeze()


def run_simulation(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
                   mode: str = "lifecycle") -> tuple[int, float, int, int]:
    """Run the benchmark fleet of ``mode``; return (lifecycle events, wall seconds, blocked
    launches, Dedicated Hosts allocated)."""
    sim = Simulation(seed=seed)
    members = [f"{200000000000 + n:012d}" for n in range(accounts)]
    sim.create_organization(MANAGEMENT, members)
    region = sim.world.region(sim.region)
    images = region.ec2.images
    image = images.register(MANAGEMENT, "bench-golden-image")
    images.modify_launch_permission(MANAGEMENT, image.image_id, add_users=members)
    lm = sim.license_manager
    vcpu = lm.configurations.create(MANAGEMENT, sim.region, name="vcpu-soft", counting_type="vCPU",
                                   license_count=16 * instances, hard_limit=False)
    lm.associations.update(MANAGEMENT, sim.region, image.arn, add=[(vcpu.arn, "cross-account")])
    group_arn = _shared_group(sim, image.arn) if mode == "hrg" else None
    per_account = instances // accounts
    stats = {"blocked": 0}
    for account_id in members:
        inst = lm.configurations.create(account_id, sim.region, name="instances-hard", counting_type="Instance",
                                       license_count=per_account, hard_limit=True)
        cores = lm.configurations.create(account_id, sim.region, name="cores", counting_type="Core",
                                        license_count=10**9, hard_limit=True,
                                        rules=["#allowedTenancy=EC2-DedicatedHost"])
        # room for the host share plus one whole batch that starts below the share: 6 x m5.4xlarge a host
        hosts_needed = -(-(int(per_account * HOST_SHARE) + 2 * batch) // 6)
        region.ec2.hosts.allocate(account_id, availability_zone=f"{sim.region}a", instance_family="m5",
                                  auto_placement="on", quantity=hosts_needed)
        if group_arn is None:
            plan = _lifecycle_plan(image.image_id, per_account, inst.arn, cores.arn)
        else:
            plan = _group_plan(image.image_id, group_arn, inst.arn)
        sim.process(_workload(sim, account_id, per_account, days, batch, plan, stats))
    _settle_heap()
    started = time.perf_counter()
    sim.run(until=sim.clock.to_datetime(days * 86400.0 + 7200))
    wall = time.perf_counter() - started
    gc.unfreeze()
    events = sum(len(group.resource_ids) for group in map(EventGroupRecord._make, sim.records.rows("event_groups"))
                 if group.event_name == "InstanceStateChange")
    hosts = sum(len(region.ec2.hosts.account_hosts(a)) for a in [MANAGEMENT, *members])
    return events, wall, stats["blocked"], hosts


def _shared_group(sim: Simulation, image_arn: str) -> str:
    """The management account's host resource group for the hrg mode: m5 hosts allocated and
    released on demand, allowing a Core configuration the golden AMI is associated with, and
    shared with the organization."""
    region = sim.world.region(sim.region)
    lm = sim.license_manager
    sql = lm.configurations.create(MANAGEMENT, sim.region, name="sql-enterprise-cores", counting_type="Core",
                                  license_count=10**9, hard_limit=True, rules=["#licenseAffinityToHost=1"])
    lm.associations.update(MANAGEMENT, sim.region, image_arn, add=[(sql.arn, "cross-account")])
    configuration = (
        ConfigurationItem("AWS::EC2::HostManagement", (
            ("auto-allocate-host", ("true",)), ("auto-release-host", ("true",)), ("allowed-host-families", ("m5",)),
            ("allowed-host-based-license-configurations", (sql.arn,)))),
        ConfigurationItem("AWS::ResourceGroups::Generic", (
            ("allowed-resource-types", ("AWS::EC2::Host",)), ("deletion-protection", ("UNLESS_EMPTY",)))),
    )
    group = region.resource_groups.create(MANAGEMENT, "bench-hosts", configuration=configuration)
    region.ram.enable_sharing_with_organization(MANAGEMENT)
    org = sim.world.organizations.organization_of(MANAGEMENT)
    region.ram.create(MANAGEMENT, "bench-hosts", resource_arns=[group.arn], principals=[org.arn])
    return group.arn


def run_bare_simpy(timeouts: int, processes: int) -> float:
    """Wall seconds of a bare SimPy loop doing ``timeouts`` timeouts in ``processes`` processes."""
    env = simpy.Environment()

    def loop(env: simpy.Environment, count: int):
        for _ in range(count):
            yield env.timeout(1.0)

    share, extra = divmod(timeouts, processes)
    for n in range(processes):
        env.process(loop(env, share + (1 if n < extra else 0)))
    _settle_heap()
    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
    gc.unfreeze()
    return wall


def benchmark(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
              repeats: int = 5, min_seconds: float = 2.0, mode: str = "lifecycle") -> BenchResult:
    """Run the fleet of ``mode`` and the bare SimPy loop ``repeats`` times each (more, up to
    50, until ``min_seconds`` of fleet runs have been measured), interleaved, and keep the
    best time of each (the least disturbed by the rest of the machine); return the figures.

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    walls: list[float] = []
    bares: list[float] = []
    # Small fleets run in milliseconds: repeat them until min_seconds have been measured.
    while len(walls) < repeats or (sum(walls) < min_seconds and len(walls) < 50):
        events, wall, blocked, hosts = run_simulation(instances, accounts, days, batch, seed, mode)
        walls.append(wall)
        bares.append(run_bare_simpy(events, accounts))
    wall, bare = min(walls), min(bares)
    eps = events / wall
    bare_eps = events / bare
    return BenchResult(
        mode=mode, instances=instances, accounts=accounts, days=days, batch=batch, lifecycle_events=events,
        wall_seconds=round(wall, 3), events_per_second=round(eps),
        microseconds_per_event=round(1e6 / eps, 2), bare_simpy_events_per_second=round(bare_eps),
        ratio=round(bare_eps / eps, 2),
        peak_memory_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        blocked_launches=blocked, dedicated_hosts=hosts,
    )


def as_dict(result: BenchResult) -> dict:
    """The result as a plain dict."""
    return asdict(result)
