"""The inventory benchmark: Systems Manager inventory and License Manager's automated
discovery over a large estate of on-premises servers.

N managed nodes spread over M member accounts of one organization register through hybrid
activations, each with a few applications (a tenth with SQL Server Enterprise). For D
simulated days, a share of the nodes changes software every day (SQL Server Enterprise
installed where it is missing, removed where it is), at exponential intervals, one SimPy
process per account; Systems Manager gathers every account's inventory every 30 minutes,
and the management account, with cross-account discovery on, runs a discovering vCPU
configuration over its members' copies, excluding the last account and the servers tagged
as dev (a fifth of each account). The workload
calls the world's domain methods directly.

Figures: wall and CPU seconds of the set-up and of the run, and the process's peak memory.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass

from simulator.bench.common import Stopwatch, peak_memory_mib, print_figures, settled_heap
from simulator.simulation import Simulation
from simulator.world.ssm import Platform, ServerSpec

MANAGEMENT = "100000000000"
SQL = ("Microsoft SQL Server 2022 Enterprise", "Microsoft Corporation", "16.0.1000.6")
BASE_SOFTWARE = (("Amazon SSM Agent", "Amazon Web Services", "3.3.1611.0"),
                 ("Microsoft Edge", "Microsoft Corporation", "131.0.2903.112"),
                 ("7-Zip 24.08 (x64)", "Igor Pavlov", "24.08"))
PLATFORM = Platform("Windows", "Microsoft Windows Server 2022 Datacenter", "10.0.20348")
SQL_SHARE = 0.1


@dataclass
class InventoryBenchResult:
    """The figures of one inventory benchmark run."""

    nodes: int
    accounts: int
    days: float
    software_changes: int
    gather_cycles: int
    gathered_changes: int
    discovered: int
    consumed_vcpus: int
    true_vcpus: int
    setup_seconds: float
    setup_cpu_seconds: float
    wall_seconds: float
    cpu_seconds: float
    peak_memory_mib: float


def _workload(sim: Simulation, account_id: str, nodes: list[str], changes_per_day: float, days: float,
              stats: dict[str, int]):
    """One account's administrators change software on random nodes at exponential intervals."""
    ssm = sim.world.region(sim.region).ssm
    rng = sim.random.stream(f"inventory-bench-{account_id}")
    count = max(1, int(changes_per_day * days))
    gaps = rng.exponential(86400.0 / changes_per_day, count).tolist()
    picks = rng.integers(0, len(nodes), count).tolist()
    for gap, pick in zip(gaps, picks, strict=True):
        yield sim.env.timeout(gap)
        node_id = nodes[pick]
        if SQL[0] in ssm.find(node_id).software:  # type: ignore[union-attr]
            ssm.uninstall(node_id, SQL[0])
        else:
            ssm.install(node_id, *SQL)
        stats["changes"] += 1


def _register(sim: Simulation, account_id: str, count: int) -> list[str]:
    ssm = sim.world.region(sim.region).ssm
    rng = sim.random.stream(f"inventory-bench-fleet-{account_id}")
    with_sql = (rng.random(count) < SQL_SHARE).tolist()
    cores = rng.choice([4, 8, 16], count).tolist()
    node_ids: list[str] = []
    size = min(1000, -(-count // 5))  # an activation registers at most 1,000 servers; the first fifth are dev
    for start in range(0, count, size):
        batch = range(start, min(count, start + size))
        activation = ssm.activations.create(account_id, "SSMServiceRole", registration_limit=len(batch),
                                            tags={"tier": "prod" if start else "dev"})
        specs = [ServerSpec(name=f"srv-{n:05d}", platform=PLATFORM, cores=cores[n], sockets=1 + (cores[n] > 8),
                            vcpus=2 * cores[n], software=BASE_SOFTWARE + ((SQL,) if with_sql[n] else ()))
                 for n in batch]
        node_ids += [node.node_id for node in ssm.register_servers(activation.activation_id, activation.code, specs)]
    return node_ids


def run_inventory_bench(nodes: int = 100_000, accounts: int = 20, days: float = 7.0, change_share: float = 0.02,
                        seed: int = 0) -> InventoryBenchResult:
    """Run the inventory benchmark once; return its figures."""
    with Stopwatch() as setup:
        sim, arn, stats = _build(nodes, accounts, days, change_share, seed)
    with settled_heap(), Stopwatch() as run:
        sim.run(sim.clock.to_datetime(days * 86400.0))
    lm = sim.license_manager
    cfg = lm.state.configurations[arn]
    groups = sim.records.rows("event_groups")
    names, ids = groups.column("event_name"), groups.column("resource_ids")
    gathered = sum(len(group) for name, group in zip(names, ids, strict=True) if name == "InventoryGathered")
    return InventoryBenchResult(
        nodes=(nodes // accounts) * accounts, accounts=accounts, days=days, software_changes=stats["changes"],
        gather_cycles=accounts * int(days * 86400 // sim.world.region(sim.region).ssm.timings.inventory_interval),
        gathered_changes=gathered, discovered=len(cfg.discovered), consumed_vcpus=cfg.consumed,
        true_vcpus=lm.exposure.true_consumed(cfg), setup_seconds=round(setup.timing.wall, 2),
        setup_cpu_seconds=round(setup.timing.cpu, 2), wall_seconds=round(run.timing.wall, 2),
        cpu_seconds=round(run.timing.cpu, 2), peak_memory_mib=peak_memory_mib(),
    )


def _build(nodes: int, accounts: int, days: float, change_share: float,
           seed: int) -> tuple[Simulation, str, dict[str, int]]:
    """The estate, its discovering configuration's ARN and the workloads' counters, ready to run."""
    sim = Simulation(seed=seed)
    members = [f"{200000000000 + n:012d}" for n in range(accounts)]
    sim.create_organization(MANAGEMENT, members)
    sim.client("organizations", MANAGEMENT).enable_aws_service_access(ServicePrincipal="license-manager.amazonaws.com")
    lm = sim.license_manager
    lm.settings.update(MANAGEMENT, sim.region, organization_integration=True, cross_account_discovery=True)
    lm_client = sim.client("license-manager", MANAGEMENT)
    arn = lm_client.create_license_configuration(
        Name="sql-enterprise-vcpus", LicenseCountingType="vCPU", LicenseCount=10 * nodes,
        DisassociateWhenNotFound=True,
        ProductInformationList=[{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
            {"ProductInformationFilterName": "Application Name", "ProductInformationFilterValue": [SQL[0]],
             "ProductInformationFilterComparator": "EQUALS"},
            {"ProductInformationFilterName": "AccountId", "ProductInformationFilterValue": [members[-1]],
             "ProductInformationFilterComparator": "NOT_EQUALS"},
            {"ProductInformationFilterName": "Tag:tier", "ProductInformationFilterValue": ["dev"],
             "ProductInformationFilterComparator": "NOT_EQUALS"},
        ]}])["LicenseConfigurationArn"]
    per_account = nodes // accounts
    stats = {"changes": 0}
    for account_id in members:
        node_ids = _register(sim, account_id, per_account)
        sim.process(_workload(sim, account_id, node_ids, per_account * change_share, days, stats))
    return sim, arn, stats


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode inventory``."""
    result = run_inventory_bench(nodes=args.nodes, accounts=args.accounts or 20, days=args.days,
                                 change_share=args.change_share, seed=args.seed)
    print_figures(asdict(result), args.json)
    return 0
