"""``lmsim``: run scenarios, replay traces and CloudTrail histories, compare runs, sweep
parameters, and write their timelines and plots."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # the command line draws into files
from tqdm import tqdm

from simulator import bench
from simulator.core.errors import ServiceError
from simulator.replay.cloudtrail import cloudtrail_notes, replay_cloudtrail
from simulator.replay.diff import compare
from simulator.replay.replays import replay
from simulator.runs.result import FORMATS, Result, check_out_dir
from simulator.runs.scenario import ScenarioError, load_scenario, run_scenario
from simulator.runs.sweep import distributed_module, parse_grid, sweep, write_sweep
from simulator.serve.command import add_serve_command
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


def _seeds(text: str) -> int | list[int]:
    try:
        return [int(s) for s in text.split(",")] if "," in text else int(text)
    except ValueError:
        raise ValueError(f"--seeds needs a count or a comma-separated list of seeds, got {text!r}") from None


def _sweep(args: argparse.Namespace) -> int:
    check_out_dir(args.out, outputs=("sweep.csv",))
    scenario = load_scenario(args.scenario)
    grid = parse_grid(scenario, args.grid)
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


def parser() -> argparse.ArgumentParser:
    """The ``lmsim`` command line's parser."""
    top = argparse.ArgumentParser(prog="lmsim", description=__doc__)
    top.add_argument("--version", action="version", version=f"lmsim {_version()}")
    top.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    commands = top.add_subparsers(dest="command", required=True)
    for add in (_add_run_command, _add_replay_command, _add_diff_command, _add_sweep_command, bench.add_parser,
                add_serve_command):
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
