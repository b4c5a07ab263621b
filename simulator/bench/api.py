"""The API benchmark: the path scenario scripts, notebooks and replays take, through boto3.

N instances in M member accounts, driven for D simulated days by one SimPy process per
account that makes only boto3 calls, as a scenario does: before each launch it reads its
Instance configuration (GetLicenseConfiguration), launches a batch (RunInstances, a tenth of
the fleet onto its auto-placement hosts), checks that the first instance is tracked
(ListUsageForLicenseConfiguration filtered by its ARN); it then churns its fleet, asking
which instances of a batch are settled (DescribeInstances by id, filtered by state) before
stopping or starting them, and terminates everything at the end. The set-up (organization,
golden AMI, license configurations, hosts) goes through boto3 too and is not timed.

Each call is timed in CPU seconds and made again, right after, through a client of the same
account whose ``before-call`` hook answers with the simulator's response: botocore's own cost
for the same request (validation, serialization, endpoint resolution, event hooks), the
floor no in-process simulator can go below. The figures are the microseconds per call of
each operation on both sides and their ratio, the best of ``repeats`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from simulator.aws.models import boto3_session
from simulator.bench.common import Stopwatch, Timing, peak_memory_mib, print_figures, settled_heap
from simulator.simulation import Simulation

MANAGEMENT = "100000000000"
HOST_SHARE = 0.1
TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge")
#: The operations the workload calls, reads first.
READS = ("DescribeInstances", "GetLicenseConfiguration", "ListUsageForLicenseConfiguration")
CHANGES = ("RunInstances", "StartInstances", "StopInstances", "TerminateInstances")


@dataclass
class OperationFigures:
    """One operation's calls and microseconds per call (CPU) through lmsim and on botocore's
    floor, and their ratio."""

    operation: str
    kind: str
    calls: int
    lmsim_us: float
    floor_us: float
    ratio: float


@dataclass
class ApiBenchResult:
    """The figures of the API benchmark."""

    instances: int
    accounts: int
    days: float
    batch: int
    calls: int
    wall_seconds: float
    cpu_seconds: float
    floor_cpu_seconds: float
    blocked: int
    peak_memory_mib: float
    operations: list[OperationFigures]


class Driver:
    """Makes each call through lmsim's client and then through botocore's floor client of
    the same account, and adds up the CPU seconds of each by operation."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.lmsim: dict[str, float] = {}
        self.floor: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._clients: dict[tuple[str, str], tuple[BaseClient, BaseClient, dict]] = {}

    def clients(self, service: str, account_id: str) -> tuple[BaseClient, BaseClient, dict]:
        """lmsim's client, the floor client and the floor's answers (lmsim's last response
        of each operation; ``"next"``: the one the floor gives now)."""
        key = (service, account_id)
        if key not in self._clients:
            answer: dict = {}
            floor = boto3_session().client(service, region_name=self.sim.region,
                                           aws_access_key_id=f"ASIA{account_id}SIM",
                                           aws_secret_access_key="simulated", aws_session_token="simulated")

            def canned(**_: Any) -> tuple[AWSResponse, dict]:
                status, body = answer["next"]
                return AWSResponse("https://floor.invalid/", status, {}, None), body

            floor.meta.events.register(f"before-call.{floor.meta.service_model.service_id.hyphenize()}", canned)
            self._clients[key] = (self.sim.client(service, account_id), floor, answer)
        return self._clients[key]

    def call(self, service: str, account_id: str, method: str, **params: Any) -> dict[str, Any]:
        """Call ``method`` with ``params`` on both sides, one call lmsim first, the next the
        floor first (answering with lmsim's last response of the operation), so that neither
        side always finds the caches warmed by the other; return lmsim's response (or raise
        its ClientError)."""
        client, floor, answer = self.clients(service, account_id)
        operation = client.meta.method_to_api_mapping[method]
        calls = self.calls.get(operation, 0)
        self.calls[operation] = calls + 1
        floor_first = calls % 2 == 1 and operation in answer
        if floor_first:
            answer["next"] = answer[operation]
        floor_seconds = self._floor(floor, method, params) if floor_first else 0.0
        started = time.process_time()
        error: ClientError | None = None
        try:
            response = getattr(client, method)(**params)
        except ClientError as failure:
            error, response = failure, failure.response
        self.lmsim[operation] = self.lmsim.get(operation, 0.0) + time.process_time() - started
        answer[operation] = answer["next"] = (response["ResponseMetadata"]["HTTPStatusCode"], response)
        if not floor_first:
            floor_seconds = self._floor(floor, method, params)
        self.floor[operation] = self.floor.get(operation, 0.0) + floor_seconds
        if error is not None:
            raise error
        return response

    @staticmethod
    def _floor(floor: BaseClient, method: str, params: dict[str, Any]) -> float:
        started = time.process_time()
        with contextlib.suppress(ClientError):  # the floor answers as lmsim did, errors included
            getattr(floor, method)(**params)
        return time.process_time() - started


def _instance_arn(region: str, account_id: str, instance_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}"


def _workload(sim: Simulation, driver: Driver, account_id: str, image_id: str, count: int, days: float,
              batch: int, instance_arn: str, core_arn: str, stats: dict[str, int]):
    """One account's fleet, run as the lifecycle benchmark runs it (``lifecycle._workload``),
    through boto3 calls only."""
    rng = sim.random.stream(f"bench-{account_id}")
    horizon = days * 86400.0
    actions = max(4 * count // batch, 1)
    draws = 4 * actions + 64
    gaps = rng.exponential(horizon / actions, draws).tolist()
    coins = rng.random(draws).tolist()
    sizes = rng.integers(1, 2 * batch, draws).tolist()
    types = rng.integers(0, len(TYPES), draws).tolist()

    def call(service: str, method: str, **params: Any) -> dict[str, Any]:
        return driver.call(service, account_id, method, **params)

    running: deque[str] = deque()
    stopped: deque[str] = deque()
    host_quota = int(count * HOST_SHARE)
    step = launched = 0
    while launched < count:
        size = min(sizes[step], count - launched)
        yield sim.env.timeout(gaps[step])
        host = launched < host_quota
        arns = (instance_arn, core_arn) if host else (instance_arn,)
        placement = {"Placement": {"Tenancy": "host"}} if host else {}
        call("license-manager", "get_license_configuration", LicenseConfigurationArn=instance_arn)
        try:
            reservation = call("ec2", "run_instances", ImageId=image_id, MinCount=size, MaxCount=size,
                               InstanceType="m5.4xlarge" if host else TYPES[types[step]],
                               LicenseSpecifications=[{"LicenseConfigurationArn": a} for a in arns], **placement)
        except ClientError:
            stats["blocked"] += 1
            continue
        finally:
            step += 1
            launched += size
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        running.extend(ids)
        call("license-manager", "list_usage_for_license_configuration", LicenseConfigurationArn=instance_arn,
             Filters=[{"Name": "resourceArn", "Values": [_instance_arn(sim.region, account_id, ids[0])]}])
    churn_end = horizon * 0.9
    while sim.env.now < churn_end and step < draws - 1:
        yield sim.env.timeout(gaps[step])
        if coins[step] < 0.5:
            pool, target, method, settled = running, stopped, "stop_instances", "running"
        else:
            pool, target, method, settled = stopped, running, "start_instances", "stopped"
        step += 1
        picked = [pool.pop() for _ in range(min(len(pool), sizes[step]))]
        if not picked:
            continue
        described = call("ec2", "describe_instances", InstanceIds=picked,
                         Filters=[{"Name": "instance-state-name", "Values": [settled]}])
        ready_ids = {i["InstanceId"] for r in described["Reservations"] for i in r["Instances"]}
        ready = [i for i in picked if i in ready_ids]
        pool.extendleft(i for i in picked if i not in ready_ids)  # still in transition: to the far end
        if not ready:
            continue
        try:
            call("ec2", method, InstanceIds=ready)
            target.extend(ready)
        except ClientError:
            stats["blocked"] += 1
            pool.extend(ready)
    remaining = running + stopped
    while remaining:
        yield sim.env.timeout(gaps[step % draws])
        step += 1
        chunk = [remaining.popleft() for _ in range(min(len(remaining), sizes[step % draws]))]
        call("ec2", "terminate_instances", InstanceIds=chunk)


def _build(instances: int, accounts: int, days: float, batch: int,
           seed: int) -> tuple[Simulation, Driver, dict[str, int]]:
    """The organization, golden AMI, configurations and hosts (set up through boto3), and one
    workload process per member account, ready to run."""
    sim = Simulation(seed=seed)
    members = [f"{200000000000 + n:012d}" for n in range(accounts)]
    sim.create_organization(MANAGEMENT, members)
    ec2 = sim.client("ec2", MANAGEMENT)
    lm = sim.client("license-manager", MANAGEMENT)
    image_id = ec2.register_image(Name="bench-golden-image")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": m} for m in members]})
    vcpu = lm.create_license_configuration(Name="vcpu-soft", LicenseCountingType="vCPU",
                                           LicenseCount=16 * instances)["LicenseConfigurationArn"]
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": vcpu, "AmiAssociationScope": "cross-account"}])
    per_account = instances // accounts
    driver = Driver(sim)
    stats = {"blocked": 0}
    for account_id in members:
        lm = sim.client("license-manager", account_id)
        inst = lm.create_license_configuration(Name="instances-hard", LicenseCountingType="Instance",
                                               LicenseCount=per_account,
                                               LicenseCountHardLimit=True)["LicenseConfigurationArn"]
        cores = lm.create_license_configuration(Name="cores", LicenseCountingType="Core", LicenseCount=10**9,
                                                LicenseCountHardLimit=True,
                                                LicenseRules=["#allowedTenancy=EC2-DedicatedHost"])
        sim.client("ec2", account_id).allocate_hosts(
            AvailabilityZone=f"{sim.region}a", InstanceFamily="m5", AutoPlacement="on",
            Quantity=-(-(int(per_account * HOST_SHARE) + 2 * batch) // 6))  # 6 x m5.4xlarge a host
        sim.process(_workload(sim, driver, account_id, image_id, per_account, days, batch, inst,
                              cores["LicenseConfigurationArn"], stats))
    return sim, driver, stats


def run_api(instances: int, accounts: int, days: float, batch: int = 10,
            seed: int = 0) -> tuple[Driver, Timing, int]:
    """One run of the workload: its driver (the CPU seconds by operation on both sides), the
    run's timing (both sides) and the launches and starts refused."""
    sim, driver, stats = _build(instances, accounts, days, batch, seed)
    for (service, account_id) in [(s, a) for s in ("ec2", "license-manager") for a in sim.world.organizations.accounts]:
        driver.clients(service, account_id)  # made before the clock runs: not part of any call
    with settled_heap(), Stopwatch() as watch:
        sim.run_to(days * 86400.0 + 7200)
    return driver, watch.timing, stats["blocked"]


def benchmark(instances: int = 2000, accounts: int = 4, days: float = 7.0, batch: int = 10, seed: int = 0,
              repeats: int = 5) -> ApiBenchResult:
    """Run the workload ``repeats`` times and keep, for each operation, the least CPU time of
    each side (the same calls every time: the runs are deterministic)."""
    runs = [run_api(instances, accounts, days, batch, seed) for _ in range(max(repeats, 1))]
    driver, _, blocked = runs[0]
    timing = Timing.best(t for _, t, _ in runs)
    operations = []
    for operation in sorted(driver.calls, key=lambda op: (op not in READS, op)):
        calls = driver.calls[operation]
        mine = min(d.lmsim[operation] for d, _, _ in runs) / calls
        floor = min(d.floor[operation] for d, _, _ in runs) / calls
        operations.append(OperationFigures(operation, "read" if operation in READS else "change", calls,
                                           round(1e6 * mine, 1), round(1e6 * floor, 1), round(mine / floor, 2)))
    return ApiBenchResult(
        instances=instances, accounts=accounts, days=days, batch=batch, calls=sum(driver.calls.values()),
        wall_seconds=round(timing.wall, 3), cpu_seconds=round(timing.cpu, 3),
        floor_cpu_seconds=round(min(sum(d.floor.values()) for d, _, _ in runs), 3), blocked=blocked,
        peak_memory_mib=peak_memory_mib(), operations=operations,
    )


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode api``."""
    sizes = args.instances.split(",")
    if len(sizes) != 1:
        raise ValueError("--mode api takes one --instances figure")
    result = benchmark(int(sizes[0]), args.accounts or 10, args.days, args.batch, args.seed, args.repeats)
    figures = asdict(result)
    if args.json:
        print_figures(figures, True)
        return 0
    operations = figures.pop("operations")
    print_figures(figures, False)
    print()
    print_figures(operations, False)
    return 0

