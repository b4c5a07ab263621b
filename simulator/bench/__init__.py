"""The benchmarks behind ``lmsim bench``, one module per mode (``common`` holds what they
share): ``lifecycle`` and ``hrg`` (a fleet through the domain, against bare SimPy), ``api``
(the boto3 path, against botocore's floor), ``checkout`` (entitlement checkouts),
``inventory`` (Systems Manager inventory and automated discovery) and ``sweep`` (a sweep's
executors)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module

#: Mode -> the module that runs it (each has ``command(args) -> exit status``).
MODES = ("lifecycle", "hrg", "api", "checkout", "inventory", "sweep", "http")


def command(args: argparse.Namespace) -> int:
    """Run ``lmsim bench`` in the mode ``args.mode``."""
    module = "principal" if getattr(args, "principal", None) else args.mode
    run: Callable[[argparse.Namespace], int] = import_module(f"simulator.bench.{module}").command
    return run(args)


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add the ``bench`` command and its options to the ``lmsim`` parser."""
    bench = commands.add_parser(
        "bench", help="time N instances' lifecycles across M accounts against a bare SimPy loop (also in a "
                      "host resource group), the boto3 path against botocore's own cost (--mode api), "
                      "entitlement checkouts (--mode checkout), inventory collection and automated discovery "
                      "over N managed nodes (--mode inventory), or a sweep's executors (--mode sweep); every "
                      "mode reports CPU seconds next to wall seconds")
    bench.add_argument("--mode", choices=MODES, default="lifecycle",
                       help="lifecycle: a fleet partly on auto-placement hosts, against bare SimPy (default); hrg: "
                            "the fleet in a shared host resource group that allocates and releases hosts; "
                            "api: a fleet driven through boto3 clients, microseconds per call against "
                            "botocore's floor; checkout: entitlement checkouts and check-ins through the engine; "
                            "inventory: Systems Manager inventory and automated discovery; sweep: a sweep in "
                            "this process, on a process pool and on a Dask LocalCluster; http: calls per second "
                            "through lmsim serve, in-process and through moto_server")
    bench.add_argument("--checkouts", type=int, default=1_000_000,
                       help="checkout mode: how many checkouts (default 1000000)")
    bench.add_argument("--live", type=int, default=10_000,
                       help="checkout mode: checkouts held at once (default 10000)")
    bench.add_argument("--instances", default="10000",
                       help="lifecycle, hrg, api: N, or (lifecycle, hrg) a comma-separated list of N to compare "
                            "(default 10000)")
    bench.add_argument("--accounts", type=int, default=None,
                       help="M member accounts (default 10; 20 for inventory)")
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
                       help="lifecycle, hrg: repeat small fleets until this many CPU seconds were measured "
                            "(default 2)")
    bench.add_argument("--calls", type=int, default=2000, help="http mode: calls of each operation (default 2000)")
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
    bench.add_argument("--executors", default="serial,pool,dask",
                       help="sweep mode: serial, pool and/or dask (default all three)")
    bench.set_defaults(handler=command)
