"""The sweep benchmark: wall time of one sweep run in this process, on a local process pool
and on a Dask LocalCluster, at several worker counts, with a check that every way gives
the same rows. CPU seconds count this process and the worker processes it waited for."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.bench.common import children_cpu_seconds, print_figures
from simulator.runs.scenario import Scenario, load_scenario
from simulator.runs.sweep import distributed_module, parse_grid, points, sweep

EXECUTORS = ("serial", "pool", "dask")


def benchmark_sweep(
    scenario: str | Path, grid: Mapping[str, Sequence[Any]], seeds: int, workers: Sequence[int],
    executors: Sequence[str] = EXECUTORS, params: Mapping[str, Any] | None = None, repeats: int = 1,
) -> list[dict[str, Any]]:
    """Time the sweep ``grid`` x ``seeds`` of ``scenario`` with each executor and worker count.

    ``serial`` runs in this process (one worker); ``pool`` runs a process pool of each
    worker count above 1; ``dask`` starts a LocalCluster of that many single-threaded
    worker processes (its start-up is timed apart) and sweeps through a Client. The
    measurements are made ``repeats`` times, interleaved, and the best time of each kept
    (other work on a shared machine only ever adds time).

    Returns:
        One dict per executor and worker count: executor, workers, points, wall_seconds (the
        sweep), cpu_seconds (of this process and its workers), startup_seconds (the cluster),
        runs_per_second, speedup (against serial),
        identical (whether its rows equal serial's every time) and load (the machine's
        one-minute load average after its best run: other work on the cores makes speed-ups
        smaller).

    Raises:
        ValueError: for an unknown executor or fewer than one repeat.
        ImportError: for ``dask`` when the ``dask`` extra is not installed.
    """
    unknown = sorted(set(executors) - set(EXECUTORS))
    if unknown:
        raise ValueError(f"unknown executors {', '.join(unknown)}; choose from {', '.join(EXECUTORS)}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    loaded = load_scenario(scenario)
    total = len(points(grid, seeds))
    plan = [("serial", 1)] if "serial" in executors else []
    plan += [(e, w) for e in ("pool", "dask") if e in executors for w in workers if e == "dask" or w > 1]
    best: dict[tuple[str, int], dict[str, Any]] = {}
    reference: pd.DataFrame | None = None
    for _ in range(repeats):
        for executor, count in plan:
            wall, cpu, startup, frame = _time_sweep(loaded, grid, seeds, params, executor, count)
            reference = frame if reference is None else reference
            same = bool(frame.equals(reference)) and best.get((executor, count), {}).get("identical", True)
            if (executor, count) not in best or wall < best[(executor, count)]["wall_seconds"]:
                best[(executor, count)] = {
                    "executor": executor, "workers": count, "points": total, "wall_seconds": round(wall, 2),
                    "cpu_seconds": round(cpu, 2), "startup_seconds": round(startup, 2),
                    "runs_per_second": round(total / wall, 2),
                    "load": round(os.getloadavg()[0], 2)}
            best[(executor, count)]["identical"] = same
    baseline = next(iter(best.values()))["wall_seconds"]
    columns = ("executor", "workers", "points", "wall_seconds", "cpu_seconds", "startup_seconds", "runs_per_second",
               "speedup", "identical", "load")
    return [{c: {**row, "speedup": round(baseline / row["wall_seconds"], 2)}[c] for c in columns}
            for row in best.values()]


def _time_sweep(scenario: Scenario, grid: Mapping[str, Sequence[Any]], seeds: int,
                params: Mapping[str, Any] | None, executor: str,
                count: int) -> tuple[float, float, float, pd.DataFrame]:
    """(sweep wall seconds, its CPU seconds, cluster start-up seconds, rows) of one measurement."""
    if executor != "dask":
        began, cpu = time.perf_counter(), _cpu_seconds()
        frame = sweep(scenario, grid, seeds, workers=count, params=params, progress=False)
        return time.perf_counter() - began, _cpu_seconds() - cpu, 0.0, frame
    distributed = distributed_module()
    began, cpu = time.perf_counter(), _cpu_seconds()
    with distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        startup = time.perf_counter() - began
        began = time.perf_counter()
        frame = sweep(scenario, grid, seeds, client=client, params=params, progress=False)
        wall = time.perf_counter() - began
    # The workers' CPU counts once the cluster's processes have exited (start-up included).
    return wall, _cpu_seconds() - cpu, startup, frame


def _cpu_seconds() -> float:
    return time.process_time() + children_cpu_seconds()


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode sweep``: by default the scenario at 8 license counts x 8 seeds."""
    scenario = load_scenario(args.scenario)
    grid = parse_grid(scenario, args.grid) or {"license_count": [48, 64, 80, 96, 112, 128, 144, 160]}
    workers = [int(n) for n in args.workers.split(",")]
    results = benchmark_sweep(scenario.path, grid, int(args.seeds), workers, args.executors.split(","),
                              scenario.parse_params(args.param), args.repeats)
    print_figures(results, args.json)
    return 0
