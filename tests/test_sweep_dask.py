"""Sweeps on a Dask cluster (the ``dask`` extra): a LocalCluster of two worker processes
gives the rows of the sequential sweep. Skipped only where dask is not installed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from simulator import sweep  # noqa: E402
from tests.helpers import write_scenario  # noqa: E402

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.py"


@pytest.fixture(scope="module")
def client():
    """A Client of a LocalCluster with two single-threaded worker processes."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        yield client


def test_a_dask_sweep_equals_the_sequential_sweep(client):
    """The same grid and seeds on the cluster give the same rows, in the same order, as in
    this process: results do not depend on what runs them."""
    grid, seeds, fixed = {"license_count": [48, 96], "hard_limit": [True, False]}, [1], {"days": 3}
    sequential = sweep(QUICKSTART, grid, seeds, workers=1, params=fixed, until="4d", progress=False)
    on_dask = sweep(QUICKSTART, grid, seeds, client=client, params=fixed, until="4d", progress=False)
    assert len(on_dask) == 4 and (on_dask.error == "").all()
    pd.testing.assert_frame_equal(on_dask, sequential)
    workers = {w["id"] for w in client.scheduler_info()["workers"].values()}
    assert len(workers) == 2


def test_the_cluster_needs_no_scenario_file_and_reports_failures(client, tmp_path):
    """Workers get the scenario's source, not its path (the file is gone before the sweep
    runs); a failing point is reported in its row."""
    path = write_scenario(tmp_path, '''
        DURATION = "1d"

        def build(sim, *, fleet=1):
            if fleet < 0:
                raise ValueError("fleet must not be negative")
            sim.add_account("111111111111")
    ''')
    from simulator.runs.scenario import load_scenario

    scenario = load_scenario(path)
    path.unlink()
    frame = sweep(scenario, {"fleet": [-1, 1]}, 2, client=client, progress=False)
    assert [e.endswith("scenario.py:6: ValueError: fleet must not be negative") for e in frame.error] == [
        True, True, False, False]
    assert list(frame.error[2:]) == ["", ""]


def test_an_unreachable_scheduler_is_one_line(tmp_path, capsys):
    """lmsim sweep --scheduler with nothing listening there, or no address at all, is one
    line naming the scheduler, exit status 2, no traceback."""
    import dask

    from simulator.cli import main

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        for address in ("tcp://127.0.0.1:9", "nonsense"):
            assert main(["sweep", str(QUICKSTART), "--grid", "license_count=48", "--scheduler", address,
                         "--out", str(tmp_path / "out")]) == 2
            err = capsys.readouterr().err
            assert err.startswith(f"lmsim: cannot reach the Dask scheduler at {address}: ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
