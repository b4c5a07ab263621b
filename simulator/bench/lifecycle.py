"""The lifecycle benchmark: how fast the simulator runs a fleet, against bare SimPy.

N instances across M accounts go through launches, stops, starts and terminations for D
simulated days under several license configurations: a vCPU configuration with a soft limit
tracking every launch through a cross-account AMI association, an Instance configuration with
a hard limit given in the launches' LicenseSpecifications, and a Core configuration for the
share of the fleet that runs on Dedicated Hosts with auto-placement.

The workload calls the world's domain methods directly, one SimPy process per account (the
boto3 path is measured by ``--mode api``). The figure of merit is lifecycle events (instance
state changes) per CPU second, against a bare SimPy loop doing as many timeouts in the same
process, both run ``repeats`` times interleaved with the best of each kept. The fleet and
its churn are shared with ``--mode hrg`` (``hrg.py``), which places it differently.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tracemalloc
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

import simpy

from simulator.bench.common import Stopwatch, Timing, peak_memory_mib, print_figures, settled_heap
from simulator.core.errors import ServiceError
from simulator.simulation import Simulation
from simulator.world.ec2 import Image, Instance, InstanceState, LaunchParameters, PlacementRequest

MANAGEMENT = "100000000000"
HOST_SHARE = 0.1
TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge")
RUNNING, STOPPED = InstanceState.RUNNING, InstanceState.STOPPED

#: Launch parameters of one batch: (index into TYPES, instances launched so far) -> parameters.
LaunchPlan = Callable[[int, int], LaunchParameters]
#: One account's launch plan: (image id, its Instance configuration's ARN, its Core
#: configuration's ARN, how many instances it launches) -> plan.
PlanFactory = Callable[[str, str, str, int], LaunchPlan]
#: Prepares a fleet's placement once per simulation (given the golden AMI) and returns the
#: accounts' plan factory.
Placement = Callable[[Simulation, Image], PlanFactory]


@dataclass
class BenchResult:
    """The figures of one fleet benchmark: the simulator's and bare SimPy's best times
    (wall and CPU seconds), events per CPU second and their ratio, memory."""

    mode: str
    instances: int
    accounts: int
    days: float
    batch: int
    lifecycle_events: int
    wall_seconds: float
    cpu_seconds: float
    events_per_second: float
    microseconds_per_event: float
    bare_wall_seconds: float
    bare_cpu_seconds: float
    bare_simpy_events_per_second: float
    ratio: float
    wall_ratio: float
    bytes_per_instance: int
    peak_memory_mib: float
    blocked_launches: int
    dedicated_hosts: int


@dataclass(frozen=True)
class FleetRun:
    """What one run of a fleet did and how long its clock ran."""

    events: int
    timing: Timing
    blocked: int
    hosts: int


def lifecycle_placement(sim: Simulation, image: Image) -> PlanFactory:
    """The lifecycle fleet: the first tenth of each account's instances on its auto-placement
    hosts (m5.4xlarge, also tracked by its Core configuration), the rest on shared tenancy,
    of mixed sizes."""
    on_host = PlacementRequest(tenancy="host")

    def factory(image_id: str, instance_arn: str, core_arn: str, count: int) -> LaunchPlan:
        host_quota = int(count * HOST_SHARE)
        on_hosts = LaunchParameters(image_id=image_id, instance_type="m5.4xlarge", placement=on_host,
                                    license_configuration_arns=(instance_arn, core_arn))
        shared = [LaunchParameters(image_id=image_id, instance_type=name, license_configuration_arns=(instance_arn,))
                  for name in TYPES]

        def plan(type_index: int, launched: int) -> LaunchParameters:
            return on_hosts if launched < host_quota else shared[type_index]

        return plan

    return factory


def _workload(sim: Simulation, account_id: str, count: int, days: float, batch: int, plan: LaunchPlan,
              stats: dict[str, int]):
    """One account's fleet, run like an auto scaling group: at exponential intervals the
    account launches, stops, starts or terminates a batch of its instances (1 to
    ``2 * batch - 1`` at a time, ``batch`` on average). Launches come first, churn fills the
    middle of the run, terminations close it. The random draws are made up front, per
    account, as arrays (typed: they are the workload's, not the simulator's, memory)."""
    ec2 = sim.world.region(sim.region).ec2.instances
    rng = sim.random.stream(f"bench-{account_id}")
    horizon = days * 86400.0
    actions = max(4 * count // batch, 1)
    draws = 4 * actions + 64
    gaps = array("d", rng.exponential(horizon / actions, draws).tobytes())
    coins = array("d", rng.random(draws).tobytes())
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
        ready: list[Instance] = []
        busy: list[Instance] = []
        for _ in range(min(len(pool), sizes[step])):
            instance = pool.pop()
            state = instance.state
            (ready if state is RUNNING or state is STOPPED else busy).append(instance)
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


def build_fleet(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
                placement: Placement = lifecycle_placement) -> tuple[Simulation, dict[str, int]]:
    """A simulation with the benchmark's organization, golden AMI, license configurations,
    hosts and one workload process per member account, ready to run; and the counters its
    workloads keep (``blocked``: launches and starts License Manager or capacity refused)."""
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
    plans = placement(sim, image)
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
        plan = plans(image.image_id, inst.arn, cores.arn, per_account)
        sim.process(_workload(sim, account_id, per_account, days, batch, plan, stats))
    return sim, stats


def _horizon(days: float) -> float:
    """Simulated seconds a fleet runs: its days and two hours for the last terminations."""
    return days * 86400.0 + 7200


def run_fleet(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
              placement: Placement = lifecycle_placement) -> FleetRun:
    """Build the fleet and run its clock (timed, the heap settled first)."""
    sim, stats = build_fleet(instances, accounts, days, batch, seed, placement)
    with settled_heap(), Stopwatch() as watch:
        sim.run_to(_horizon(days))
    groups = sim.records.rows("event_groups")
    events = sum(len(ids) for name, ids in zip(groups.column("event_name"), groups.column("resource_ids"), strict=True)
                 if name == "InstanceStateChange")
    region = sim.world.region(sim.region)
    hosts = sum(len(region.ec2.hosts.account_hosts(a)) for a in sim.world.organizations.accounts)
    return FleetRun(events, watch.timing, stats["blocked"], hosts)


def bytes_per_instance(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
                       placement: Placement = lifecycle_placement) -> int:
    """Memory the run of a fleet needs per instance: the peak of what it allocates after
    set-up (its instances, the engine's tracking and every record written), divided by the
    instances. Traced with ``tracemalloc`` in a run of its own (tracing slows it down)."""
    sim, _ = build_fleet(instances, accounts, days, batch, seed, placement)
    with settled_heap():
        tracemalloc.start()
        try:
            sim.run_to(_horizon(days))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return round(peak / max(instances, 1))


def run_bare_simpy(timeouts: int, processes: int) -> Timing:
    """A bare SimPy loop doing ``timeouts`` timeouts in ``processes`` processes (timed, the
    heap settled first)."""
    env = simpy.Environment()

    def loop(env: simpy.Environment, count: int):
        for _ in range(count):
            yield env.timeout(1.0)

    share, extra = divmod(timeouts, processes)
    for n in range(processes):
        env.process(loop(env, share + (1 if n < extra else 0)))
    with settled_heap(), Stopwatch() as watch:
        env.run()
    return watch.timing


def benchmark(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0, repeats: int = 5,
              min_seconds: float = 2.0, placement: Placement = lifecycle_placement,
              mode: str = "lifecycle") -> BenchResult:
    """Run the fleet and the bare SimPy loop ``repeats`` times each (more, up to 50, until
    ``min_seconds`` of fleet CPU time have been measured), interleaved, keep the best time
    of each, and measure the memory per instance in one more, traced run."""
    runs: list[FleetRun] = []
    bares: list[Timing] = []
    # Small fleets run in milliseconds: repeat them until min_seconds have been measured.
    while len(runs) < repeats or (sum(r.timing.cpu for r in runs) < min_seconds and len(runs) < 50):
        runs.append(run_fleet(instances, accounts, days, batch, seed, placement))
        bares.append(run_bare_simpy(runs[-1].events, accounts))
    run = runs[-1]
    fleet, bare = Timing.best(r.timing for r in runs), Timing.best(bares)
    return BenchResult(
        mode=mode, instances=instances, accounts=accounts, days=days, batch=batch, lifecycle_events=run.events,
        wall_seconds=round(fleet.wall, 3), cpu_seconds=round(fleet.cpu, 3),
        events_per_second=round(run.events / fleet.cpu), microseconds_per_event=round(1e6 * fleet.cpu / run.events, 2),
        bare_wall_seconds=round(bare.wall, 3), bare_cpu_seconds=round(bare.cpu, 3),
        bare_simpy_events_per_second=round(run.events / bare.cpu), ratio=round(fleet.cpu / bare.cpu, 2),
        wall_ratio=round(fleet.wall / bare.wall, 2),
        bytes_per_instance=bytes_per_instance(instances, accounts, days, batch, seed, placement),
        peak_memory_mib=peak_memory_mib(), blocked_launches=run.blocked, dedicated_hosts=run.hosts,
    )


COLUMNS = ("mode", "instances", "accounts", "days", "batch", "lifecycle_events", "wall_seconds", "cpu_seconds",
           "microseconds_per_event", "bare_wall_seconds", "bare_cpu_seconds", "ratio", "wall_ratio",
           "bytes_per_instance", "peak_memory_mib", "blocked_launches", "dedicated_hosts")


def command(args: argparse.Namespace, placement: Placement = lifecycle_placement) -> int:
    """``lmsim bench --mode lifecycle`` (and ``hrg``, with its placement): one size in this
    process, or each of several sizes in a process of its own, so that each peak memory
    figure is its own."""
    accounts = args.accounts or 10
    sizes = [int(n) for n in args.instances.split(",")]
    if len(sizes) == 1:
        result = benchmark(sizes[0], accounts, args.days, args.batch, args.seed, args.repeats, args.min_seconds,
                           placement, args.mode)
        print_figures(asdict(result), args.json, COLUMNS)
        return 0
    results = []
    for size in sizes:
        command = [sys.executable, "-m", "simulator.cli", "bench", "--instances", str(size),
                   "--accounts", str(accounts), "--days", str(args.days), "--batch", str(args.batch),
                   "--seed", str(args.seed), "--repeats", str(args.repeats), "--min-seconds",
                   str(args.min_seconds), "--mode", args.mode, "--json"]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print_figures(results, args.json, COLUMNS)
    if not args.json:
        per_event = [r["microseconds_per_event"] for r in results]
        ratios = [r["ratio"] for r in results]
        sizes_text = ", ".join(str(r["instances"]) for r in results)
        print(f"cost per event across N = {sizes_text}: max/min = {max(per_event) / min(per_event):.2f} in CPU "
              f"microseconds, {max(ratios) / min(ratios):.2f} in bare-SimPy events (the ratio, measured "
              "alongside each size, cancels the machine's drift between sizes)")
    return 0
