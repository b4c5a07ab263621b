"""``lmsim``: run scenarios and write their timelines and plots."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from simulator.scenario import load_scenario, run_scenario
from simulator.simulation import Simulation


def write_outputs(sim: Simulation, out: Path) -> list[Path]:
    """Write the simulation's timelines into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    events = out / "events.csv"
    sim.timelines.events.to_csv(events, index=False)
    written.append(events)
    return written


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    params = scenario.parse_params(args.param)
    bar = tqdm(total=100, unit="%", desc=f"{scenario.name} (simulated time)", disable=None,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def progress(done: float, total: float) -> None:
        bar.n = 100 * done / total if total else 100
        bar.refresh()

    sim = run_scenario(scenario, seed=args.seed, until=args.until, params=params, progress=progress)
    bar.close()
    for path in write_outputs(sim, Path(args.out)):
        print(path)
    return 0


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
    run.set_defaults(handler=_run)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"lmsim: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
