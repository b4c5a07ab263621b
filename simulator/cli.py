"""``lmsim``: run scenarios and write their timelines and plots."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from tqdm import tqdm  # noqa: E402

from simulator import inventory_bench  # noqa: E402
from simulator.bench import MODES, as_dict, benchmark  # noqa: E402
from simulator.bench_checkouts import checkout_benchmark  # noqa: E402
from simulator.scenario import load_scenario, run_scenario  # noqa: E402
from simulator.simulation import Simulation  # noqa: E402
from simulator.timelines.costs import Prices, as_prices  # noqa: E402
from simulator.timelines.plots import plot_costs  # noqa: E402


def write_outputs(sim: Simulation, out: Path, prices: Prices | None = None) -> list[Path]:
    """Write the simulation's timelines (events, compliance, violations as CSV; entitlements,
    grants and checkouts when licenses were issued; hosts with Dedicated Hosts; inventory and
    exposure when managed nodes or discovery rules exist; license types and conversions; the
    costs under the price table ``prices`` when given) and their plots (the compliance of
    its first license configuration, the entitlements of its first license, the hosts, the
    exposure of its first discovering configuration, the costs) into ``out``; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    timelines = sim.timelines
    written = []
    for name, frame in (("events", timelines.events), ("compliance", timelines.compliance),
                        ("violations", timelines.violations)):
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    if not timelines.compliance.empty:
        figure = timelines.plot_compliance().figure
        path = out / "compliance.png"
        figure.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    levels = timelines.entitlements
    if not levels.empty:
        for name, frame in (("entitlements", levels), ("grants", timelines.grants), ("checkouts", timelines.checkouts)):
            path = out / f"{name}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
        limited = levels[levels.max_count.notna()]
        if not limited.empty:
            figure = timelines.plot_entitlements(limited.license_arn.iloc[0]).figure
            path = out / "entitlements.png"
            figure.savefig(path, dpi=120, bbox_inches="tight")
            plt.close(figure)
            written.append(path)
    hosts = timelines.hosts
    if not hosts.empty:
        path = out / "hosts.csv"
        hosts.to_csv(path, index=False)
        written.append(path)
        figure = timelines.plot_hosts().figure
        path = out / "hosts.png"
        figure.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    written += _write_inventory(sim, out)
    written += _write_costs(sim, out, prices)
    return written


def _write_costs(sim: Simulation, out: Path, prices: Prices | None) -> list[Path]:
    """The license types and conversions timelines, and with ``prices`` the costs
    (``costs.csv``) and their plot (``costs.png``)."""
    timelines, written = sim.timelines, []
    for name, frame in (("license_types", timelines.license_types), ("conversions", timelines.conversions)):
        if not frame.empty:
            frame.to_csv(out / f"{name}.csv", index=False)
            written.append(out / f"{name}.csv")
    if prices is not None:
        costs = sim.costs(prices)
        costs.to_csv(out / "costs.csv", index=False)
        figure = plot_costs(costs).figure
        figure.savefig(out / "costs.png", dpi=120, bbox_inches="tight")
        plt.close(figure)
        written += [out / "costs.csv", out / "costs.png"]
    return written


def _write_inventory(sim: Simulation, out: Path) -> list[Path]:
    """The inventory timeline, and the exposure of each configuration with discovery rules
    (``exposure.csv``) with the plot of the first (``exposure.png``)."""
    timelines, written = sim.timelines, []
    inventory = timelines.inventory
    if not inventory.empty:
        inventory.to_csv(out / "inventory.csv", index=False)
        written.append(out / "inventory.csv")
    arns = list(dict.fromkeys(r[1] for r in sim.records.rows("exposure")))
    if arns:
        frames = [timelines.exposure(arn).assign(license_configuration_arn=arn) for arn in arns]
        pd.concat(frames, ignore_index=True).to_csv(out / "exposure.csv", index=False)
        figure = timelines.plot_exposure(arns[0]).figure
        figure.savefig(out / "exposure.png", dpi=120, bbox_inches="tight")
        plt.close(figure)
        written += [out / "exposure.csv", out / "exposure.png"]
    return written


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    params = scenario.parse_params(args.param)
    prices_path = Path(args.prices) if args.prices else scenario.prices
    prices = as_prices(prices_path) if prices_path is not None else None  # a bad table fails before the run
    bar = tqdm(total=100, unit="%", desc=f"{scenario.name} (simulated time)", disable=None,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def progress(done: float, total: float) -> None:
        bar.n = 100 * done / total if total else 100
        bar.refresh()

    sim = run_scenario(scenario, seed=args.seed, until=args.until, params=params, progress=progress)
    bar.close()
    for path in write_outputs(sim, Path(args.out), prices):
        print(path)
    return 0


def _bench(args: argparse.Namespace) -> int:
    if args.mode == "checkout":
        figures = asdict(checkout_benchmark(args.checkouts, args.live, args.seed))
        print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))
        return 0
    if args.mode == "inventory":
        return _bench_inventory(args)
    args.accounts = args.accounts or 10
    sizes = [int(n) for n in args.instances.split(",")]
    if len(sizes) == 1:
        result = benchmark(sizes[0], args.accounts, args.days, args.batch, args.seed, args.repeats,
                           args.min_seconds, args.mode)
        if args.json:
            print(json.dumps(as_dict(result)))
        else:
            _print_results([as_dict(result)])
        return 0
    results = []
    for size in sizes:  # one process per size, so each peak memory figure is its own
        command = [sys.executable, "-m", "simulator.cli", "bench", "--instances", str(size),
                   "--accounts", str(args.accounts), "--days", str(args.days), "--batch", str(args.batch),
                   "--seed", str(args.seed), "--repeats", str(args.repeats), "--min-seconds",
                   str(args.min_seconds), "--mode", args.mode, "--json"]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results))
    else:
        _print_results(results)
        per_event = [r["microseconds_per_event"] for r in results]
        ratios = [r["ratio"] for r in results]
        sizes_text = ", ".join(str(r["instances"]) for r in results)
        print(f"cost per event across N = {sizes_text}: max/min = {max(per_event) / min(per_event):.2f} in "
              f"microseconds, {max(ratios) / min(ratios):.2f} in bare-SimPy events (the ratio, measured "
              "alongside each size, cancels the machine's drift between sizes)")
    return 0


def _bench_inventory(args: argparse.Namespace) -> int:
    result = asdict(inventory_bench.run_inventory_bench(
        nodes=args.nodes, accounts=args.accounts or 20, days=args.days, change_share=args.change_share,
        seed=args.seed))
    if args.json:
        print(json.dumps(result))
    else:
        print("  ".join(result))
        print("  ".join(str(value).rjust(len(key)) for key, value in result.items()))
    return 0


def _print_results(results: list[dict]) -> None:
    columns = ["mode", "instances", "accounts", "days", "batch", "lifecycle_events", "wall_seconds", "events_per_second",
               "microseconds_per_event", "bare_simpy_events_per_second", "ratio", "peak_memory_mib",
               "blocked_launches", "dedicated_hosts"]
    print("  ".join(columns))
    for result in results:
        print("  ".join(str(result[c]).rjust(len(c)) for c in columns))


def main(argv: list[str] | None = None) -> int:
    """The ``lmsim`` command."""
    parser = argparse.ArgumentParser(prog="lmsim", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a scenario and write its timelines")
    run.add_argument("scenario", help="path of the scenario file (a build(sim, **params) function)")
    run.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    run.add_argument("--until", help="ISO-8601 instant or duration such as 30d (default: the scenario's DURATION)")
    run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="scenario parameter (repeatable)")
    run.add_argument("--out", required=True, help="directory for the outputs")
    run.add_argument("--prices", help="price table CSV for the cost model (default: the scenario's PRICES)")
    run.set_defaults(handler=_run)
    bench = commands.add_parser(
        "bench", help="time N instances' lifecycles across M accounts against a bare SimPy loop (also in a "
                      "host resource group), entitlement checkouts (--mode checkout), or inventory collection "
                      "and automated discovery over N managed nodes (--mode inventory)")
    bench.add_argument("--mode", choices=(*MODES, "checkout", "inventory"), default="lifecycle",
                       help="lifecycle: a fleet partly on auto-placement hosts, against bare SimPy (default); hrg: "
                            "the fleet in a shared host resource group that allocates and releases hosts; "
                            "checkout: entitlement checkouts and check-ins through the engine; inventory: Systems "
                            "Manager inventory and automated discovery")
    bench.add_argument("--checkouts", type=int, default=1_000_000,
                       help="checkout mode: how many checkouts (default 1000000)")
    bench.add_argument("--live", type=int, default=10_000,
                       help="checkout mode: checkouts held at once (default 10000)")
    bench.add_argument("--instances", default="10000",
                       help="lifecycle: N, or a comma-separated list of N to compare (default 10000)")
    bench.add_argument("--accounts", type=int, default=None,
                       help="M member accounts (default 10 for lifecycle, 20 for inventory)")
    bench.add_argument("--nodes", type=int, default=100_000, help="inventory: managed nodes (default 100000)")
    bench.add_argument("--change-share", type=float, default=0.02,
                       help="inventory: share of the nodes changing software per day (default 0.02)")
    bench.add_argument("--days", type=float, default=7.0, help="D simulated days (default 7)")
    bench.add_argument("--batch", type=int, default=10,
                       help="mean instances per launch, stop, start or terminate call (default 10)")
    bench.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    bench.add_argument("--repeats", type=int, default=5,
                       help="runs of each side, the best time kept (default 5)")
    bench.add_argument("--min-seconds", type=float, default=2.0,
                       help="repeat small fleets until this many seconds were measured (default 2)")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.set_defaults(handler=_bench)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"lmsim: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
