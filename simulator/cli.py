"""``lmsim``: run scenarios, replay traces and CloudTrail histories, compare runs, sweep
parameters, and write their timelines and plots."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # the command line draws into files
from tqdm import tqdm

from simulator.bench import inventory as inventory_bench
from simulator.bench import principal as principal_bench
from simulator.bench.checkout import checkout_benchmark
from simulator.bench.fleet import MODES, as_dict, benchmark
from simulator.bench.sweep import EXECUTORS, benchmark_sweep
from simulator.core.errors import ServiceError
from simulator.replay.cloudtrail import cloudtrail_notes, replay_cloudtrail
from simulator.replay.diff import compare
from simulator.replay.replays import replay
from simulator.runs.result import FORMATS, Result, check_out_dir
from simulator.runs.scenario import Scenario, ScenarioError, load_scenario, run_scenario
from simulator.runs.sweep import distributed_module, sweep, write_sweep
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
    _print_outcome(result, args.out, format=args.format)
    if args.record:
        print(f"trace: {args.record}")
    return 0


def _print_outcome(result: Result, out: str, notes: Sequence[str] = (), format: str = "csv") -> None:
    """The run's headline figures, then what else there is to say, then where its files are
    (the timelines in ``format``)."""
    files = result.write(out, format)
    print("\n".join(result.headline()))
    for note in notes:
        print(f"  {note}")
    print(f"{len(files)} files in {Path(out)}{os.sep}: {', '.join(path.name for path in files)}")


def _replay(args: argparse.Namespace) -> int:
    check_out_dir(args.out)
    if args.cloudtrail:
        return _replay_cloudtrail(args)
    if args.skip_bad_files:
        raise ValueError("--skip-bad-files applies to --cloudtrail log files")
    if not args.trace:
        raise ValueError("give a trace to replay, or --cloudtrail LOGS --config what_if.json")
    if args.config or args.until or args.seed is not None:
        raise ValueError("--config, --until and --seed apply to --cloudtrail; a trace replays as recorded")
    result = replay(args.trace, args.overrides)
    report = result.report or {}
    _print_outcome(result, args.out, [f"replayed {report['replayed']} of {report['entries']} calls and actions; "
                                      f"{sum(report['skipped'].values())} skipped"])
    return 0


def _replay_cloudtrail(args: argparse.Namespace) -> int:
    if args.trace or args.overrides:
        raise ValueError("--cloudtrail replays log files: give no trace and no --overrides")
    if not args.config:
        raise ValueError("--cloudtrail needs --config what_if.json (the license configurations to replay against)")
    result = replay_cloudtrail(args.cloudtrail, args.config, until=args.until, seed=args.seed or 0)
    report = result.report or {}
    for warning in report.get("warnings", []):
        print(f"lmsim: warning: {warning}", file=sys.stderr)
    for bad in report.get("unreadable", []):
        print(f"lmsim: skipped {bad['file']}: {bad['reason']}", file=sys.stderr)
    _print_outcome(result, args.out, cloudtrail_notes(report))
    if report.get("unreadable") and not args.skip_bad_files:
        print(f"lmsim: {len(report['unreadable'])} log file(s) could not be read and were skipped "
              "(--skip-bad-files accepts that)", file=sys.stderr)
        return 1
    return 0


def _diff(args: argparse.Namespace) -> int:
    comparison = compare(args.a, args.b)
    print(comparison.render())
    return 0 if comparison.identical else 1


def _grid(scenario: Scenario, specs: list[str]) -> dict[str, list]:
    grid: dict[str, list] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        if not sep or not values:
            raise ValueError(f"--grid needs name=value,value,..., got {spec!r}")
        grid[key] = [scenario.convert(key, text) for text in values.split(",")]
    return grid


def _seeds(text: str) -> int | list[int]:
    try:
        return [int(s) for s in text.split(",")] if "," in text else int(text)
    except ValueError:
        raise ValueError(f"--seeds needs a count or a comma-separated list of seeds, got {text!r}") from None


def _sweep(args: argparse.Namespace) -> int:
    check_out_dir(args.out, outputs=("sweep.csv",))
    scenario = load_scenario(args.scenario)
    grid = _grid(scenario, args.grid)
    if not grid:
        raise ValueError("give at least one --grid name=value,value,...")
    params = scenario.parse_params(args.param)
    if args.scheduler:
        with _dask_client(args.scheduler) as client:
            frame = sweep(scenario, grid, _seeds(args.seeds), client=client, params=params, until=args.until)
    else:
        frame = sweep(scenario, grid, _seeds(args.seeds), workers=args.workers, params=params, until=args.until)
    files = write_sweep(frame, args.out, list(grid))
    failed = int((frame.error != "").sum())
    print(f"{len(frame)} points, {failed} failed; {files[0]} and {len(files) - 1} plots in {files[0].parent / 'plots'}")
    if failed:
        print(f"lmsim: {failed} of {len(frame)} points failed; their errors are in the error column of "
              f"{files[0]}", file=sys.stderr)
        return 1
    return 0


def _dask_client(address: str) -> Any:
    """A ``dask.distributed.Client`` of the scheduler at ``address``.

    Raises:
        ValueError: if the scheduler cannot be reached (naming it).
        ImportError: without the dask extra.
    """
    distributed = distributed_module()
    try:
        return distributed.Client(address)
    except (OSError, ValueError) as error:  # unreachable (OSError, TimeoutError) or not an address (ValueError)
        raise ValueError(
            f"cannot reach the Dask scheduler at {address}: {str(error).strip() or type(error).__name__}") from None


def _bench(args: argparse.Namespace) -> int:
    if args.mode == "sweep":
        return _bench_sweep(args)
    if args.mode == "checkout":
        figures = asdict(checkout_benchmark(args.checkouts, args.live, args.seed))
        print(json.dumps(figures) if args.json else "\n".join(f"{k}: {v}" for k, v in figures.items()))
        return 0
    if args.mode == "inventory":
        return _bench_inventory(args)
    args.accounts = args.accounts or 10
    if args.principal is not None:
        return _bench_principal(args)
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


def _bench_principal(args: argparse.Namespace) -> int:
    """lmsim bench --principal user: the lifecycle fleet through boto3, as root and as an IAM
    user holding a 20-statement policy; the user's slowdown."""
    if args.mode != "lifecycle" or args.principal != "user":
        raise ValueError("--principal user applies to --mode lifecycle")
    result = principal_bench.as_dict(principal_bench.principal_benchmark(
        int(args.instances.split(",")[0]), args.accounts, args.days, args.batch, args.seed, args.repeats))
    if args.json:
        print(json.dumps(result))
    else:
        _print_results([result], list(result))
    return 0


def _bench_sweep(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    grid = _grid(scenario, args.grid) or {"license_count": [48, 64, 80, 96, 112, 128, 144, 160]}
    workers = [int(n) for n in args.workers.split(",")]
    results = benchmark_sweep(scenario.path, grid, int(args.seeds), workers, args.executors.split(","),
                              scenario.parse_params(args.param), args.repeats)
    if args.json:
        print(json.dumps(results))
    else:
        _print_results(results, list(results[0]))
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


def _print_results(results: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or ["mode", "instances", "accounts", "days", "batch", "lifecycle_events", "wall_seconds",
                          "events_per_second", "microseconds_per_event", "bare_simpy_events_per_second", "ratio",
                          "peak_memory_mib", "blocked_launches", "dedicated_hosts"]
    print("  ".join(columns))
    for result in results:
        print("  ".join(str(result[c]).rjust(len(c)) for c in columns))


def _add_run_command(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run a scenario and write its timelines")
    run.add_argument("scenario", help="path of the scenario file (a build(sim, **params) function)")
    run.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    run.add_argument("--until", help="ISO-8601 instant or duration such as 30d (default: the scenario's DURATION)")
    run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="scenario parameter (repeatable)")
    run.add_argument("--out", required=True, help="directory for the outputs")
    run.add_argument("--record", metavar="TRACE", help="also write the run's trace (JSON lines) to this file")
    run.add_argument("--format", choices=FORMATS, default="csv",
                     help="write the timelines as CSV (default), Parquet, or both")
    run.add_argument("--prices", help="price table CSV for the cost model (default: the scenario's PRICES)")
    run.set_defaults(handler=_run)


def _add_replay_command(commands: argparse._SubParsersAction) -> None:
    again = commands.add_parser(
        "replay", help="replay a trace (optionally with overrides), or CloudTrail logs against what-if configurations")
    again.add_argument("trace", nargs="?", help="trace file written by lmsim run --record")
    again.add_argument("--overrides", metavar="FILE",
                       help='JSON: {"license_configurations": {"<name>": {"LicenseCount": 64, ...}}}')
    again.add_argument("--cloudtrail", nargs="+", metavar="LOGS", help="CloudTrail log files or directories")
    again.add_argument("--config", metavar="WHAT_IF", help="what-if JSON file for --cloudtrail")
    again.add_argument("--until", help="with --cloudtrail: ISO-8601 instant or duration from the trail's first day")
    again.add_argument("--seed", type=int, help="with --cloudtrail: simulation seed (default 0)")
    again.add_argument("--skip-bad-files", action="store_true",
                       help="with --cloudtrail: log files that cannot be read are skipped without failing the "
                            "command (they are reported either way)")
    again.add_argument("--out", required=True, help="directory for the outputs")
    again.set_defaults(handler=_replay)


def _add_diff_command(commands: argparse._SubParsersAction) -> None:
    diff = commands.add_parser("diff", help="compare two runs: first divergence and summary deltas "
                                            "(exit 1 if they differ)")
    diff.add_argument("a", help="run directory, trace (.jsonl) or summary file (.json)")
    diff.add_argument("b", help="run directory, trace (.jsonl) or summary file (.json)")
    diff.set_defaults(handler=_diff)


def _add_sweep_command(commands: argparse._SubParsersAction) -> None:
    grid = commands.add_parser("sweep", help="run a scenario over a grid of parameters and seeds "
                                             "(exit 1 if a point failed)")
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


def _add_bench_command(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser(
        "bench", help="time N instances' lifecycles across M accounts against a bare SimPy loop (also in a "
                      "host resource group), entitlement checkouts (--mode checkout), inventory collection "
                      "and automated discovery over N managed nodes (--mode inventory), or a sweep's executors "
                      "(--mode sweep)")
    bench.add_argument("--mode", choices=(*MODES, "checkout", "inventory", "sweep"), default="lifecycle",
                       help="lifecycle: a fleet partly on auto-placement hosts, against bare SimPy (default); hrg: "
                            "the fleet in a shared host resource group that allocates and releases hosts; "
                            "checkout: entitlement checkouts and check-ins through the engine; inventory: Systems "
                            "Manager inventory and automated discovery; sweep: a sweep in this process, on a "
                            "process pool and on a Dask LocalCluster")
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
                       help="runs of each side (sweep mode: of each executor), interleaved, the best time kept "
                            "(default 5)")
    bench.add_argument("--min-seconds", type=float, default=2.0,
                       help="repeat small fleets until this many seconds were measured (default 2)")
    bench.add_argument("--principal", choices=("user",), default=None,
                       help="lifecycle mode: drive the fleet through boto3 clients, as each account's root user "
                            "and as an IAM user holding a 20-statement policy (every call evaluated), and report "
                            "the user's slowdown")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--scenario", default="scenarios/quickstart.py", help="sweep mode: the scenario")
    bench.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                       help="sweep mode: swept parameter (default license_count=48,64,...,160: 8 values)")
    bench.add_argument("--seeds", default="8", help="sweep mode: seeds per grid point (default 8)")
    bench.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="sweep mode: fixed scenario parameter")
    bench.add_argument("--workers", default="1,2", help="sweep mode: worker counts to time (default 1,2)")
    bench.add_argument("--executors", default=",".join(EXECUTORS),
                       help="sweep mode: serial, pool and/or dask (default all three)")
    bench.set_defaults(handler=_bench)


def parser() -> argparse.ArgumentParser:
    """The ``lmsim`` command line's parser."""
    top = argparse.ArgumentParser(prog="lmsim", description=__doc__)
    top.add_argument("--version", action="version", version=f"lmsim {_version()}")
    top.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    commands = top.add_subparsers(dest="command", required=True)
    for add in (_add_run_command, _add_replay_command, _add_diff_command, _add_sweep_command, _add_bench_command):
        add(commands)
    return top


def _version() -> str:
    try:
        return metadata.version("lmsim")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def _negative_values_attached(argv: list[str]) -> list[str]:
    """``argv`` with a negative value of ``--until`` attached to it (``--until=-1d``), so the
    parser takes it as the value, which the run then refuses plainly, not as an unknown
    option."""
    args: list[str] = []
    rest = iter(argv)
    for arg in rest:
        value = next(rest, None) if arg == "--until" else None
        if value is not None and value.startswith("-") and value[1:2].isdigit():
            args.append(f"--until={value}")
        else:
            args.extend(a for a in (arg, value) if a is not None)
    return args


def main(argv: list[str] | None = None) -> int:
    """The ``lmsim`` command: the exit status is 0 on success, 1 when a scenario failed, a
    sweep point failed, a replay skipped unreadable log files or ``diff`` found a difference,
    2 for bad input, and 141 when the output was closed early (``lmsim diff ... | head``)."""
    args = parser().parse_args(_negative_values_attached(sys.argv[1:] if argv is None else argv))
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say, and nothing for Python to fail
        # to flush at exit either.
        with contextlib.suppress(OSError, ValueError):  # stdout may be no file (captured)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ScenarioError as error:  # the scenario's own code failed: one line, unless --debug
        if args.debug:
            raise
        print(f"lmsim: {error} (--debug shows the traceback)", file=sys.stderr)
        return 1
    except (ValueError, OSError, ImportError, ServiceError) as error:
        if args.debug:
            raise
        print(f"lmsim: {_one_line(error)}", file=sys.stderr)
        return 2


def _one_line(error: BaseException) -> str:
    """An error as one line: an OS error with the file it concerns, others as their message."""
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.filename}: {error.strerror}"
    return str(error).strip().split("\n")[0] or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
