"""The ``lmsim serve`` subcommand: build a simulation (empty, with accounts, or from a
scenario), serve it over HTTP until SIGINT or SIGTERM, then write its timelines and trace
as ``lmsim run`` does."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from simulator.core.validation import check_account_id
from simulator.runs.result import check_out_dir
from simulator.runs.scenario import end_seconds, load_scenario
from simulator.runs.trace import Trace
from simulator.simulation import Simulation
from simulator.timelines.costs import as_prices


def add_serve_command(commands: Any) -> None:
    """Add ``serve`` to the ``lmsim`` subcommands (an ``argparse`` subparsers action)."""
    serve = commands.add_parser(
        "serve", help="serve a simulation on one AWS-compatible HTTP endpoint (AWS CLI, any AWS SDK)")
    serve.add_argument("scenario", nargs="?", help="scenario file to build first (default: an empty simulation)")
    serve.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    serve.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="scenario parameter (repeatable)")
    serve.add_argument("--until", help="run the scenario to this ISO-8601 instant or duration before serving")
    serve.add_argument("--accounts", metavar="ID,ID,...",
                       help="without a scenario: these accounts in an organization managed by the first")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=4566, help="port (default 4566; 0 picks a free one)")
    serve.add_argument("--speed", type=float,
                       help="simulated seconds per wall second (default: the clock moves only when asked)")
    serve.add_argument("--record", metavar="TRACE", help="on stop, write the run's trace (JSON lines) here")
    serve.add_argument("--out", help="on stop, write the run's timelines, summary and plots into this folder")
    serve.set_defaults(handler=serve_command)


def build_simulation(args: argparse.Namespace) -> tuple[Simulation, str, dict[str, Any], Any]:
    """The simulation ``args`` ask for, its name, scenario parameters and price table.

    Raises:
        ValueError: for accounts with a scenario, malformed account ids, unknown
            parameters or a bad ``--until``.
        ScenarioError: if the scenario's code fails.
    """
    if args.scenario is None:
        if args.param or args.until:
            raise ValueError("--param and --until apply to a scenario")
        sim = Simulation(seed=args.seed)
        accounts = [a.strip() for a in (args.accounts or "").split(",") if a.strip()]
        for account_id in accounts:
            check_account_id(account_id, "--accounts")
        if accounts:
            sim.create_organization(accounts[0], accounts[1:])
        return sim, "serve", {}, None
    if args.accounts:
        raise ValueError("--accounts applies without a scenario (the scenario sets up its accounts)")
    scenario = load_scenario(args.scenario)
    params = scenario.parse_params(args.param)
    sim = Simulation(start=scenario.start, seed=args.seed)
    with scenario.failures():
        scenario.build(sim, **params)
        if args.until:
            sim.run_to(end_seconds(sim, args.until))
    return sim, scenario.name, params, scenario.prices


def serve_command(args: argparse.Namespace) -> int:
    """``lmsim serve``: serve until SIGINT or SIGTERM, then write the outputs."""
    from simulator.serve.server import SimulationServer  # the wire protocols load only to serve

    if args.out:
        check_out_dir(args.out)
    sim, name, params, prices = build_simulation(args)
    try:
        server = SimulationServer(sim, args.host, args.port, speed=args.speed, name=name, params=params,
                                  prices=as_prices(prices) if prices is not None else None)
    except OSError as error:
        raise ValueError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        print(f"lmsim serving {name} (seed {sim.seed}, simulated time {sim.now.isoformat()}) on {server.url}",
              flush=True)
        print(f"export AWS_ENDPOINT_URL={server.url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    result = server.result()
    if args.out:
        for path in result.write(args.out):
            print(path)
    if args.record:
        print(Trace.of(result).write(args.record))
    return 0
