"""Sweeps on a local process pool: one row per (parameters, seed), equal to running each
point alone, failures reported in their row."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator import run_scenario, sweep
from simulator.cli import main
from simulator.runs.sweep import bands, confidence_band, points
from tests.helpers import write_scenario

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "scenarios" / "quickstart.py"
GRID = {"license_count": [48, 96]}
SEEDS = [0, 3]
FIXED = {"days": 4}


def alone(scenario: Path, grid_point: dict, seed: int, **fixed) -> dict:
    """The row of one point run by itself."""
    summary = run_scenario(scenario, seed=seed, params={**fixed, **grid_point}, until="5d").summary
    return {**fixed, **grid_point, "seed": seed, **summary, "error": ""}


@pytest.fixture(scope="module")
def expected():
    """The quickstart's points, each run alone, as a frame."""
    rows = [alone(QUICKSTART, p, s, **FIXED) for p, s in points(GRID, SEEDS)]
    frame = pd.DataFrame(rows)
    counts = [c for c in frame.columns if c.startswith("violations[")]
    frame[counts] = frame[counts].fillna(0)
    return frame


@pytest.mark.parametrize("workers", [1, 2])
def test_sweep_rows_equal_each_point_run_alone(expected, workers):
    """In this process or on a pool of two worker processes, a sweep's rows are those of
    running each point alone with the same seed, in grid-then-seed order."""
    frame = sweep(QUICKSTART, GRID, SEEDS, workers=workers, params=FIXED, until="5d", progress=False)
    assert list(frame.columns[:3]) == ["days", "license_count", "seed"] and frame.columns[-1] == "error"
    assert list(zip(frame.license_count, frame.seed)) == [(48, 0), (48, 3), (96, 0), (96, 3)]
    pd.testing.assert_frame_equal(frame, expected[frame.columns], check_dtype=False)
    assert (frame["blocked_launches"].groupby(frame.license_count).mean().diff().dropna() <= 0).all()


def test_a_failing_point_is_reported_in_its_row_and_the_sweep_goes_on(tmp_path):
    """A point whose run raises gets the error in its row; the other points run."""
    scenario = write_scenario(tmp_path, '''
        DURATION = "1d"

        def build(sim, *, fleet=1):
            if fleet == 13:
                raise RuntimeError("unlucky fleet")
            sim.add_account("111111111111")
    ''')
    frame = sweep(scenario, {"fleet": [1, 13, 2]}, 1, workers=2, progress=False)
    assert frame.error[0] == frame.error[2] == ""
    assert frame.error[1].endswith("scenario.py:6: RuntimeError: unlucky fleet")  # file and line of the failure
    assert frame.api_calls.isna().tolist() == [False, True, False]


def test_lmsim_sweep_counts_failures_as_it_goes_and_exits_1(tmp_path, capsys, monkeypatch):
    """The progress bar shows the failures so far; a sweep with a failed point writes its
    table and exits with status 1, saying how many failed and where their errors are."""
    scenario = write_scenario(tmp_path, '''
        DURATION = "1d"

        def build(sim, *, fleet=1):
            if fleet == 13:
                raise RuntimeError("unlucky fleet")
            sim.add_account("111111111111")
    ''')
    out = tmp_path / "out"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a terminal: the progress bar shows
    assert main(["sweep", str(scenario), "--grid", "fleet=1,13,2", "--workers", "1", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "3/3" in captured.err and "1 failed" in captured.err
    assert captured.err.splitlines()[-1] == (f"lmsim: 1 of 3 points failed; their errors are in the error column "
                                             f"of {out / 'sweep.csv'}")
    assert captured.out.startswith("3 points, 1 failed; ")
    assert pd.read_csv(out / "sweep.csv").error.notna().tolist() == [False, True, False]


@pytest.mark.parametrize("grid,seeds,message", [
    ({"colour": [1, 2]}, 1, "scenario quickstart has no parameter 'colour'; its parameters: license_count=96"),
    ({"license_count": []}, 1, "needs a non-empty list of values"),
    ({"license_count": 96}, 1, "needs a non-empty list of values"),
    ({"license_count": [96]}, 0, "seeds must be a positive count"),
    ({"license_count": [96]}, [-1], "seeds must be a positive count"),
    ({"days": [1, 2]}, 1, "both fixed and swept: days"),
], ids=["unknown-parameter", "no-values", "not-a-list", "no-seeds", "negative-seed", "fixed-and-swept"])
def test_a_bad_grid_is_refused_before_anything_runs(grid, seeds, message):
    """A grid naming a parameter the scenario does not have, without values, or with bad seeds."""
    with pytest.raises(ValueError, match=message):
        sweep(QUICKSTART, grid, seeds, params=FIXED, progress=False)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        sweep(QUICKSTART, {"license_count": [96]}, 1, workers=0)


def test_lmsim_sweep_writes_the_table_and_a_plot_per_figure_with_progress(tmp_path, capsys, monkeypatch):
    """lmsim sweep --grid ... --seeds N --out DIR writes sweep.csv and a plot of each figure
    that varies against the swept parameter, showing its progress; an unknown grid parameter
    exits with status 2."""
    out = tmp_path / "sweep"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a terminal: the progress bar shows
    assert main(["sweep", str(QUICKSTART), "--grid", "license_count=48,96", "--seeds", "2", "--param", "days=3",
                 "--until", "4d", "--workers", "2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "sweep quickstart" in captured.err and "4/4" in captured.err
    frame = pd.read_csv(out / "sweep.csv")
    assert len(frame) == 4 and frame.error.isna().all()
    plots = {p.name for p in (out / "plots").iterdir()}
    assert "blocked_launches.png" in plots and "api_calls.png" in plots
    assert (out / "plots" / "blocked_launches.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["sweep", str(QUICKSTART), "--grid", "colour=red", "--out", str(tmp_path / "x")]) == 2
    assert "colour" in capsys.readouterr().err
    assert main(["sweep", str(QUICKSTART), "--grid", "license_count=many", "--out", str(tmp_path / "x")]) == 2


def test_confidence_bands_are_reproducible_and_hold_the_mean():
    """The band of a figure across seeds is a bootstrap interval of its mean, the same every time."""
    values = [3.0, 7.0, 5.0, 9.0, 1.0]
    mean, low, high = confidence_band(values)
    assert mean == 5.0 and low < mean < high and (low, high) == confidence_band(values)[1:]
    assert confidence_band([4.0, 4.0])[1:] == (4.0, 4.0)
    frame = pd.DataFrame({"n": [1, 1, 2, 2], "seed": [0, 1, 0, 1], "f": [1.0, 3.0, 5.0, np.nan], "error": ""})
    table = bands(frame, "f", "n")
    assert table[["n", "mean", "runs"]].values.tolist() == [[1, 2.0, 2], [2, 5.0, 2]]


def test_lmsim_bench_sweep_prints_the_figures_of_each_executor(capsys):
    """lmsim bench --mode sweep times the sweep in this process and on a pool, and checks
    that their rows are the same."""
    assert main(["bench", "--mode", "sweep", "--scenario", str(QUICKSTART), "--grid", "license_count=48,96",
                 "--seeds", "2", "--param", "days=1", "--workers", "1,2", "--executors", "serial,pool", "--repeats", "2",
                 "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert [(f["executor"], f["workers"], f["points"]) for f in figures] == [("serial", 1, 4), ("pool", 2, 4)]
    assert all(f["identical"] and f["wall_seconds"] > 0 and f["runs_per_second"] > 0 for f in figures)
    assert all(f["cpu_seconds"] > 0 for f in figures)
    assert figures[0]["speedup"] == 1.0
