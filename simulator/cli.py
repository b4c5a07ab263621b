"""``lmsim``: run scenarios, replay traces and CloudTrail histories, compare runs, sweep
parameters, and write their timelines and plots."""

from __future__ import annotations

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # the command line draws into files
from tqdm import tqdm

from simulator import bench
from simulator.replay.cloudtrail import replay_cloudtrail
from simulator.replay.diff import compare
from simulator.replay.replays import replay
from simulator.runs.result import check_out_dir
from simulator.runs.scenario import ScenarioError, load_scenario, run_scenario
from simulator.runs.sweep import distributed_module, parse_grid, sweep, write_sweep
from simulator.timelines.costs import as_prices


def _run(args: argparse.Namespace) -> int:
    check_out_dir(args.out)
    scenario = load_scenario(args.scenario)
    params = scenario.parse_params(args.param)
    prices = as_prices(args.prices) if args.prices else scenario.prices  # a bad table fails before the run
    bar = tqdm(total=100, unit="%", desc=f"{scenario.name} (simulated time)", disable=None,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def progress(done: float, total: float) -> None:
        bar.n = 100 * done / total if total else 100
        bar.refresh()

    result = run_scenario(scenario, seed=args.seed, until=args.until, params=params, record=args.record,
                          progress=progress, prices=prices)
    bar.close()
    for path in result.write(args.out):
        print(path)
    if args.record:
        print(args.record)
    return 0


def _replay(args: argparse.Namespace) -> int:
    check_out_dir(args.out)
    if args.cloudtrail:
        if args.trace or args.overrides:
            raise ValueError("--cloudtrail replays log files: give no trace and no --overrides")
        if not args.config:
            raise ValueError("--cloudtrail needs --config what_if.json (the license configurations to replay against)")
        result = replay_cloudtrail(args.cloudtrail, args.config, until=args.until, seed=args.seed or 0)
        report = result.report or {}
        print(f"replayed {sum(report['replayed'].values())} of {report['events']} events; "
              f"{len(report['blocked'])} blocked by License Manager, {sum(report['skipped'].values())} skipped, "
              f"{sum(report['not_replayed'].values())} not replayed")
    else:
        if not args.trace:
            raise ValueError("give a trace to replay, or --cloudtrail LOGS --config what_if.json")
        if args.config or args.until or args.seed is not None:
            raise ValueError("--config, --until and --seed apply to --cloudtrail; a trace replays as recorded")
        result = replay(args.trace, args.overrides)
        report = result.report or {}
        print(f"replayed {report['replayed']} of {report['entries']} calls and actions; "
              f"{sum(report['skipped'].values())} skipped")
    for path in result.write(args.out):
        print(path)
    return 0


def _diff(args: argparse.Namespace) -> int:
    comparison = compare(args.a, args.b)
    print(comparison.render())
    return 0 if comparison.identical else 1


def _seeds(text: str) -> int | list[int]:
    try:
        return [int(s) for s in text.split(",")] if "," in text else int(text)
    except ValueError:
        raise ValueError(f"--seeds needs a count or a comma-separated list of seeds, got {text!r}") from None


def _sweep(args: argparse.Namespace) -> int:
    check_out_dir(args.out)
    scenario = load_scenario(args.scenario)
    grid = parse_grid(scenario, args.grid)
    if not grid:
        raise ValueError("give at least one --grid name=value,value,...")
    params = scenario.parse_params(args.param)
    if args.scheduler:
        with distributed_module().Client(args.scheduler) as client:
            frame = sweep(scenario, grid, _seeds(args.seeds), client=client, params=params, until=args.until)
    else:
        frame = sweep(scenario, grid, _seeds(args.seeds), workers=args.workers, params=params, until=args.until)
    for path in write_sweep(frame, args.out, list(grid)):
        print(path)
    failed = int((frame.error != "").sum())
    if failed:
        print(f"{failed} of {len(frame)} points failed (see the error column)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``lmsim`` command."""
    parser = argparse.ArgumentParser(prog="lmsim", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a scenario and write its timelines")
    run.add_argument("scenario", help="path of the scenario file (a build(sim, **params) function)")
    run.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    run.add_argument("--until", help="ISO-8601 instant or duration such as 30d (default: the scenario's DURATION)")
    run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="scenario parameter (repeatable)")
    run.add_argument("--out", required=True, help="directory for the outputs")
    run.add_argument("--record", metavar="TRACE", help="also write the run's trace (JSON lines) to this file")
    run.add_argument("--prices", help="price table CSV for the cost model (default: the scenario's PRICES)")
    run.set_defaults(handler=_run)
    again = commands.add_parser(
        "replay", help="replay a trace (optionally with overrides), or CloudTrail logs against what-if configurations")
    again.add_argument("trace", nargs="?", help="trace file written by lmsim run --record")
    again.add_argument("--overrides", metavar="FILE",
                       help='JSON: {"license_configurations": {"<name>": {"LicenseCount": 64, ...}}}')
    again.add_argument("--cloudtrail", nargs="+", metavar="LOGS", help="CloudTrail log files or directories")
    again.add_argument("--config", metavar="WHAT_IF", help="what-if JSON file for --cloudtrail")
    again.add_argument("--until", help="with --cloudtrail: ISO-8601 instant or duration from the trail's first day")
    again.add_argument("--seed", type=int, help="with --cloudtrail: simulation seed (default 0)")
    again.add_argument("--out", required=True, help="directory for the outputs")
    again.set_defaults(handler=_replay)
    diff = commands.add_parser("diff", help="compare two runs: first divergence and summary deltas (exit 1 if they differ)")
    diff.add_argument("a", help="run directory, trace (.jsonl) or summary file (.json)")
    diff.add_argument("b", help="run directory, trace (.jsonl) or summary file (.json)")
    diff.set_defaults(handler=_diff)
    grid = commands.add_parser("sweep", help="run a scenario over a grid of parameters and seeds")
    grid.add_argument("scenario", help="path of the scenario file")
    grid.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                      help="a swept parameter and its values (repeatable: the product is swept)")
    grid.add_argument("--seeds", default="1", help="seed count n (seeds 0..n-1) or a comma-separated list (default 1)")
    grid.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="fixed scenario parameter")
    grid.add_argument("--until", help="run length of every point (default: the scenario's DURATION)")
    grid.add_argument("--workers", type=int, help="local worker processes (default: every core)")
    grid.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask scheduler (tcp://host:8786)")
    grid.add_argument("--out", required=True, help="directory for sweep.csv and the plots")
    grid.set_defaults(handler=_sweep)
    bench.add_parser(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as error:  # the scenario's own code failed: one line, unless --debug
        if args.debug:
            raise
        print(f"lmsim: {error} (--debug shows the traceback)", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError, ImportError) as error:
        if args.debug:
            raise
        print(f"lmsim: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
