"""The cost of IAM policy evaluation: the lifecycle fleet driven through boto3 clients, once as
each account's root user (nothing is evaluated) and once as an IAM user holding a
20-statement policy (a customer managed policy attached to it; every call is evaluated:
statements on resources, conditions on the region and on resource tags, explicit denies),
interleaved, the best CPU time of each kept.

N instances across M member accounts go through launches (a tenth on auto-placement
Dedicated Hosts, every launch naming an Instance configuration with a hard limit, and a
cross-account AMI association with a vCPU configuration), stops, starts and terminations for
D simulated days, one SimPy process per account, every change a boto3 call
(RunInstances, StopInstances, StartInstances, TerminateInstances). The figure of merit is the
slowdown of the user's run against the root user's.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from botocore.exceptions import ClientError

from simulator.bench.common import print_figures
from simulator.simulation import Simulation
from simulator.world.ec2 import InstanceState

MANAGEMENT = "100000000000"
HOST_SHARE = 0.1
TYPES = ("m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge")
SETTLED = frozenset({InstanceState.RUNNING, InstanceState.STOPPED})
PRINCIPALS = ("root", "user")


def twenty_statements(account_id: str, region: str) -> dict[str, Any]:
    """An operator's policy of 20 statements: what the fleet needs, on named resources and
    under conditions, among statements about other services and explicit denies."""
    def stmt(sid: str, effect: str, action: Any, resource: Any = "*", condition: dict | None = None) -> dict:
        out = {"Sid": sid, "Effect": effect, "Action": action, "Resource": resource}
        if condition:
            out["Condition"] = condition
        return out

    here = {"StringEquals": {"aws:RequestedRegion": region}}
    return {"Version": "2012-10-17", "Statement": [
        stmt("Describe", "Allow", "ec2:Describe*"),
        stmt("Launch", "Allow", "ec2:RunInstances", [
            f"arn:aws:ec2:{region}:{account_id}:instance/*", f"arn:aws:ec2:{region}::image/ami-*",
            f"arn:aws:license-manager:{region}:*:license-configuration:lic-*"], here),
        stmt("Lifecycle", "Allow", ["ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances"], [
            f"arn:aws:ec2:{region}:{account_id}:instance/*",
            f"arn:aws:license-manager:{region}:*:license-configuration:lic-*"], here),
        stmt("KeepProtected", "Deny", ["ec2:ModifyInstanceAttribute", "ec2:DeleteTags"], "*",
             {"StringEquals": {"aws:ResourceTag/protected": "true"}}),
        stmt("Hosts", "Allow", ["ec2:AllocateHosts", "ec2:ReleaseHosts", "ec2:ModifyHosts"], "*", here),
        stmt("ReadLicenses", "Allow", ["license-manager:List*", "license-manager:Get*"]),
        stmt("NoLicenseChanges", "Deny", ["license-manager:Delete*", "license-manager:Update*"]),
        stmt("Tags", "Allow", ["ec2:CreateTags", "ec2:DeleteTags"], "*",
             {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}),
        stmt("Images", "Allow", ["ec2:RegisterImage", "ec2:DeregisterImage"], f"arn:aws:ec2:{region}::image/*"),
        stmt("Templates", "Allow", ["ec2:CreateLaunchTemplate*", "ec2:DeleteLaunchTemplate*"], "*", here),
        stmt("Inventory", "Allow", ["ssm:Describe*", "ssm:List*", "ssm:GetInventory"]),
        stmt("Keys", "Allow", ["kms:Describe*", "kms:GetPublicKey", "kms:Verify"], f"arn:aws:kms:{region}:*:key/*"),
        stmt("SelfService", "Allow", ["iam:GetUser", "iam:ListAccessKeys"], f"arn:aws:iam::{account_id}:user/operator"),
        stmt("NoIdentityChanges", "Deny", ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*"]),
        stmt("Shares", "Allow", ["ram:Get*", "ram:List*"]),
        stmt("Groups", "Allow", ["resource-groups:Get*", "resource-groups:List*"]),
        stmt("Databases", "Allow", ["rds:Describe*"], f"arn:aws:rds:{region}:{account_id}:db:*"),
        stmt("Organization", "Allow", ["organizations:Describe*"]),
        stmt("Trail", "Allow", ["cloudtrail:LookupEvents", "cloudtrail:GetTrailStatus"]),
        stmt("OutsideHours", "Deny", "ec2:RunInstances", "*",
             {"DateGreaterThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}),
    ]}


@dataclass
class PrincipalBenchResult:
    """The figures: calls and lifecycle events of one run, the best CPU and wall seconds of
    each principal's runs, and the user's slowdown against the root user's (in percent)."""

    instances: int
    accounts: int
    days: float
    batch: int
    calls: int
    lifecycle_events: int
    root_cpu_seconds: float
    user_cpu_seconds: float
    root_wall_seconds: float
    user_wall_seconds: float
    slowdown_percent: float
    blocked_launches: int


def _fleet(instances: int, accounts: int, seed: int, principal: str) -> tuple[Simulation, dict[str, Any], list]:
    """The estate, set up through the domain (not timed), and each account's client."""
    sim = Simulation(seed=seed)
    members = [f"{200000000000 + n:012d}" for n in range(accounts)]
    sim.create_organization(MANAGEMENT, members)
    region = sim.world.region(sim.region)
    image = region.ec2.images.register(MANAGEMENT, "bench-golden-image")
    region.ec2.images.modify_launch_permission(MANAGEMENT, image.image_id, add_users=members)
    lm = sim.license_manager
    vcpu = lm.configurations.create(MANAGEMENT, sim.region, name="vcpu-soft", counting_type="vCPU",
                                   license_count=16 * instances, hard_limit=False)
    lm.associations.update(MANAGEMENT, sim.region, image.arn, add=[(vcpu.arn, "cross-account")])
    iam = sim.world.global_services.iam
    per_account = instances // accounts
    clients = []
    for account_id in members:
        limit = lm.configurations.create(account_id, sim.region, name="instances-hard", counting_type="Instance",
                                         license_count=per_account, hard_limit=True)
        region.ec2.hosts.allocate(account_id, availability_zone=f"{sim.region}a", instance_family="m5",
                                  auto_placement="on", quantity=-(-(int(per_account * HOST_SHARE) + 20) // 6))
        principal_arn = None
        if principal == "user":
            user = iam.create_user(account_id, "operator")
            policy = iam.policies.create(account_id, "fleet-operator", json.dumps(twenty_statements(
                account_id, sim.region)))
            iam.policies.attach(user, account_id, policy.arn)
            principal_arn = user.arn
        clients.append((account_id, sim.client("ec2", account_id, principal=principal_arn), limit.arn, per_account))
    return sim, {"image": image.image_id}, clients


def _workload(sim: Simulation, account_id: str, ec2, image_id: str, license_arn: str, count: int, days: float,
              batch: int, stats: dict[str, int]):
    """One account's fleet through its client: launches first, churn in the middle,
    terminations at the end (the draws made up front, as the lifecycle benchmark does)."""
    instances = sim.world.region(sim.region).ec2.instances
    rng = sim.random.stream(f"bench-{account_id}")
    horizon = days * 86400.0
    actions = max(4 * count // batch, 1)
    draws = 4 * actions + 64
    gaps = rng.exponential(horizon / actions, draws).tolist()
    coins = rng.random(draws).tolist()
    sizes = rng.integers(1, 2 * batch, draws).tolist()
    types = rng.integers(0, len(TYPES), draws).tolist()
    running: deque = deque()
    stopped: deque = deque()
    specs = [{"LicenseConfigurationArn": license_arn}]
    step = launched = 0
    host_quota = int(count * HOST_SHARE)

    def call(method, **params):
        stats["calls"] += 1
        return method(**params)

    while launched < count:
        size = min(sizes[step], count - launched)
        yield sim.env.timeout(gaps[step])
        host = launched < host_quota
        params: dict[str, Any] = {"ImageId": image_id, "MinCount": size, "MaxCount": size,
                                  "InstanceType": "m5.4xlarge" if host else TYPES[types[step]],
                                  "LicenseSpecifications": specs}
        if host:
            params["Placement"] = {"Tenancy": "host"}
        step += 1
        launched += size
        try:
            out = call(ec2.run_instances, **params)
            running.extend(i["InstanceId"] for i in out["Instances"])
        except ClientError:
            stats["blocked"] += 1
    churn_end = horizon * 0.9
    while sim.env.now < churn_end and step < draws - 1:
        yield sim.env.timeout(gaps[step])
        if coins[step] < 0.5:
            pool, target, method = running, stopped, ec2.stop_instances
        else:
            pool, target, method = stopped, running, ec2.start_instances
        step += 1
        ready: list[str] = []
        busy: list[str] = []
        for _ in range(min(len(pool), sizes[step])):
            instance_id = pool.pop()
            instance = instances.lookup(instance_id)
            (ready if instance is not None and instance.state in SETTLED else busy).append(instance_id)
        pool.extendleft(busy)
        if not ready:
            continue
        try:
            call(method, InstanceIds=ready)
            target.extend(ready)
        except ClientError:
            stats["blocked"] += 1
            pool.extend(ready)
    remaining = running + stopped
    while remaining:
        yield sim.env.timeout(gaps[step % draws])
        step += 1
        chunk = [remaining.popleft() for _ in range(min(len(remaining), sizes[step % draws]))]
        call(ec2.terminate_instances, InstanceIds=chunk)


def run_once(instances: int, accounts: int, days: float, batch: int, seed: int, principal: str
             ) -> tuple[int, int, int, float, float]:
    """One run as ``principal`` (root or user); (calls, lifecycle events, blocked launches,
    CPU seconds, wall seconds) of its clock's run."""
    sim, shared, clients = _fleet(instances, accounts, seed, principal)
    stats = {"calls": 0, "blocked": 0}
    for account_id, ec2, license_arn, count in clients:
        sim.process(_workload(sim, account_id, ec2, shared["image"], license_arn, count, days, batch, stats))
    gc.collect()
    gc.freeze()
    cpu, wall = time.process_time(), time.perf_counter()
    sim.run(until=sim.clock.to_datetime(days * 86400.0 + 7200))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.unfreeze()
    events = sum(len(g[6]) for g in sim.records.rows("event_groups") if g[5] == "InstanceStateChange")
    if principal == "user":
        denied = [row for row in sim.records.rows("access") if row[5] != "allowed"]
        if denied:
            raise RuntimeError(f"the benchmark's user was denied {denied[0][4]}: its policy must allow the fleet")
    return stats["calls"], events, stats["blocked"], cpu, wall


def principal_benchmark(instances: int, accounts: int, days: float, batch: int = 10, seed: int = 0,
                        repeats: int = 3) -> PrincipalBenchResult:
    """Run the fleet as root and as the IAM user ``repeats`` times each, interleaved; keep the
    best CPU time of each."""
    best: dict[str, tuple[float, float]] = {}
    calls = events = blocked = 0
    for _ in range(repeats):
        for principal in PRINCIPALS:
            calls, events, blocked, cpu, wall = run_once(instances, accounts, days, batch, seed, principal)
            if principal not in best or cpu < best[principal][0]:
                best[principal] = (cpu, wall)
    root, user = best["root"], best["user"]
    return PrincipalBenchResult(
        instances=instances, accounts=accounts, days=days, batch=batch, calls=calls, lifecycle_events=events,
        root_cpu_seconds=round(root[0], 3), user_cpu_seconds=round(user[0], 3),
        root_wall_seconds=round(root[1], 3), user_wall_seconds=round(user[1], 3),
        slowdown_percent=round(100 * (user[0] / root[0] - 1), 1), blocked_launches=blocked)


def as_dict(result: PrincipalBenchResult) -> dict:
    """The result as a plain dict."""
    return asdict(result)


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --principal user``: the lifecycle fleet through boto3, as root and as an
    IAM user holding a 20-statement policy; the user's slowdown."""
    if args.mode != "lifecycle" or args.principal != "user":
        raise ValueError("--principal user applies to --mode lifecycle")
    result = as_dict(principal_benchmark(int(args.instances.split(",")[0]), args.accounts or 10, args.days,
                                         args.batch, args.seed, args.repeats))
    print_figures(result, args.json, list(result))
    return 0
