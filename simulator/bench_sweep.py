"""The sweep benchmark: wall time of one sweep run in this process, on a local process pool
and on a Dask LocalCluster, at several worker counts, with a check that every way gives
the same rows."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.scenario import load_scenario
from simulator.sweep import distributed_module, points, sweep

EXECUTORS = ("serial", "pool", "dask")


def benchmark_sweep(
    scenario: str | Path, grid: Mapping[str, Sequence[Any]], seeds: int, workers: Sequence[int],
    executors: Sequence[str] = EXECUTORS, params: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Time the sweep ``grid`` x ``seeds`` of ``scenario`` with each executor and worker count.

    ``serial`` runs in this process (one worker); ``pool`` runs a process pool of each
    worker count above 1; ``dask`` starts a LocalCluster of that many single-threaded
    worker processes (its start-up is timed apart) and sweeps through a Client.

    Returns:
        One dict per measurement: executor, workers, points, wall_seconds (the sweep),
        startup_seconds (the cluster), runs_per_second, speedup (against serial),
        identical (whether its rows equal serial's) and load (the machine's one-minute load
        average after it: other work on the cores makes speed-ups smaller).

    Raises:
        ValueError: for an unknown executor.
        ImportError: for ``dask`` when the ``dask`` extra is not installed.
    """
    unknown = sorted(set(executors) - set(EXECUTORS))
    if unknown:
        raise ValueError(f"unknown executors {', '.join(unknown)}; choose from {', '.join(EXECUTORS)}")
    loaded = load_scenario(scenario)
    total = len(points(grid, seeds))
    results: list[dict[str, Any]] = []
    reference: pd.DataFrame | None = None
    baseline: float | None = None
    plan = [("serial", 1)] if "serial" in executors else []
    plan += [(e, w) for e in ("pool", "dask") if e in executors for w in workers if e == "dask" or w > 1]
    for executor, count in plan:
        startup = 0.0
        if executor == "dask":
            distributed = distributed_module()
            began = time.perf_counter()
            with distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                          dashboard_address=None) as cluster, distributed.Client(cluster) as client:
                startup = time.perf_counter() - began
                began = time.perf_counter()
                frame = sweep(loaded, grid, seeds, client=client, params=params, progress=False)
                wall = time.perf_counter() - began
        else:
            began = time.perf_counter()
            frame = sweep(loaded, grid, seeds, workers=count, params=params, progress=False)
            wall = time.perf_counter() - began
        if reference is None:
            reference, baseline = frame, wall
        results.append({
            "executor": executor, "workers": count, "points": total, "wall_seconds": round(wall, 2),
            "startup_seconds": round(startup, 2), "runs_per_second": round(total / wall, 2),
            "speedup": round(baseline / wall, 2) if baseline else 1.0, "identical": bool(frame.equals(reference)),
            "load": round(os.getloadavg()[0], 2),
        })
    return results
