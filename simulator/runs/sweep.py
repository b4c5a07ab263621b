"""Parameter sweeps: one scenario over a grid of parameters and seeds, on a local process
pool or on a Dask cluster, with the same rows whatever runs them.

Each point (parameters, seed) is an independent run: its row holds the parameters, the
seed, the run's summary figures and ``error`` (empty when the run succeeded; a failing
point is reported there and the sweep goes on). Workers receive the scenario's source
text, so a Dask cluster needs lmsim installed but not the scenario file.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from simulator.runs.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    run_scenario,
    scenario_from_source,
)

if TYPE_CHECKING:
    from distributed import Client
    from matplotlib.axes import Axes

#: A sweep point as workers receive it: (scenario source, scenario path, params, seed, until).
Point = tuple[str, str, dict[str, Any], int, "str | None"]
#: Summary figures that count occurrences: a sweep row without one counted none.
_COUNTS = ("violations[",)


def parse_grid(scenario: Scenario, specs: Sequence[str]) -> dict[str, list[Any]]:
    """A grid from ``name=value,value,...`` specs, each value converted as the scenario's
    parameter ``name`` takes it.

    Raises:
        ValueError: for a malformed spec or a value the parameter does not take.
    """
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        if not sep or not values:
            raise ValueError(f"--grid needs name=value,value,..., got {spec!r}")
        grid[key] = [scenario.convert(key, text) for text in values.split(",")]
    return grid


def points(grid: Mapping[str, Sequence[Any]], seeds: int | Iterable[int]) -> list[tuple[dict[str, Any], int]]:
    """Every (parameters, seed) of a sweep, in row order: the grid's product in the order of
    its keys and values, each with every seed.

    Raises:
        ValueError: for an empty value list, or seeds that are not non-negative integers.
    """
    seed_list: list[Any]
    if isinstance(seeds, bool):
        seed_list = [seeds]  # refused below
    elif isinstance(seeds, int):
        seed_list = list(range(seeds))
    else:
        seed_list = list(seeds)
    if not seed_list or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seed_list):
        raise ValueError(f"seeds must be a positive count or a list of non-negative integers, got {seeds!r}")
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid parameter {name} needs a non-empty list of values, got {values!r}")
    combos = itertools.product(*grid.values())
    return [(dict(zip(grid, combo, strict=True)), seed) for combo in combos for seed in seed_list]


def run_point(point: Point) -> dict[str, Any]:
    """Run one sweep point and return its row (a failure is the row's ``error``)."""
    source, path, params, seed, until = point
    try:
        # a fresh module per point: a scenario's module state cannot leak from one run to the next
        scenario = scenario_from_source(source, path)
        summary = run_scenario(scenario, seed=seed, until=until, params=params).summary
    except Exception as error:
        message = str(error) if isinstance(error, ScenarioError) else f"{type(error).__name__}: {error}"
        return {**params, "seed": seed, "error": message}
    return {**params, "seed": seed, **summary, "error": ""}


def sweep(
    scenario: str | Path | Scenario, grid: Mapping[str, Sequence[Any]], seeds: int | Iterable[int], *,
    client: Client | None = None, workers: int | None = None, params: Mapping[str, Any] | None = None,
    until: str | None = None, progress: bool = True,
) -> pd.DataFrame:
    """Run ``scenario`` at every point of ``grid`` x ``seeds``.

    Args:
        scenario: The scenario file's path, or the loaded scenario.
        grid: Parameter name -> the values to sweep (their product is swept).
        seeds: A count n (seeds 0..n-1) or a list of seeds.
        client: A ``dask.distributed.Client``: run on its cluster. Default: a local process
            pool.
        workers: Processes of the local pool (default: every core; 1 runs in this process).
        params: Parameters held fixed at every point.
        until: The run length (default: the scenario's ``DURATION``).
        progress: Show a progress bar.

    Returns:
        One row per point, in ``points`` order: a column per grid parameter, ``seed``, the
        summary figures (``violations[...]`` counts are 0 where none occurred) and ``error``.

    Raises:
        ValueError: for a grid or fixed parameter the scenario does not have, an empty
            grid value list, bad seeds, a parameter both fixed and swept, or no worker.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    fixed = dict(params or {})
    scenario.check_params({**fixed, **grid})
    both = sorted(set(fixed) & set(grid))
    if both:
        raise ValueError(f"parameters both fixed and swept: {', '.join(both)}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    count = workers or os.cpu_count() or 1
    todo = [(scenario.source, str(scenario.path), {**fixed, **p}, seed, until) for p, seed in points(grid, seeds)]
    # disable=None: a bar on a terminal or in a notebook, none in a log file
    bar = tqdm(total=len(todo), desc=f"sweep {scenario.name}", unit="run", disable=None if progress else True,
               postfix="0 failed")
    failed = 0

    def done(row: dict[str, Any]) -> None:
        nonlocal failed
        if row["error"]:
            failed += 1
            bar.set_postfix_str(f"{failed} failed", refresh=False)
        bar.update(1)

    try:
        if client is not None:
            rows = _on_dask(client, todo, done)
        elif count == 1:
            rows = _in_process(todo, done)
        else:
            rows = _on_pool(todo, count, done)
    finally:
        bar.close()
    return _frame(rows, [*fixed, *grid])


def _in_process(todo: list[Point], done: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    rows = []
    for point in todo:
        rows.append(run_point(point))
        done(rows[-1])
    return rows


def _pool_context() -> multiprocessing.context.BaseContext:
    """How pool workers start: forked from a server process that imported the simulator once
    (no import per worker, and safe whatever threads the caller runs: a notebook kernel,
    a progress bar's monitor); spawned where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["simulator.runs.sweep"])
    return context


def _on_pool(todo: list[Point], workers: int, done: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{}] * len(todo)
    with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=_pool_context()) as pool:
        futures = {pool.submit(run_point, point): index for index, point in enumerate(todo)}
        for future in as_completed(futures):
            row = rows[futures[future]] = future.result()
            done(row)
    return rows


def distributed_module() -> Any:
    """The ``distributed`` package (Dask's cluster scheduler).

    Raises:
        ImportError: naming the extra that installs it.
    """
    try:
        import distributed
    except ImportError:
        raise ImportError('sweeps on Dask need the dask extra: pip install -e ".[dask]"') from None
    return distributed


def _on_dask(client: Client, todo: list[Point], done: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    dask_completed = distributed_module().as_completed

    futures = client.map(run_point, todo, pure=False)
    index = {future.key: n for n, future in enumerate(futures)}
    rows: list[dict[str, Any]] = [{}] * len(todo)
    for future in dask_completed(futures):
        row = rows[index[future.key]] = future.result()
        done(row)
    return rows


def _frame(rows: list[dict[str, Any]], parameters: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    figures = [c for c in frame.columns if c not in (*parameters, "seed", "error")]
    counts = [c for c in figures if c.startswith(_COUNTS)]
    ok = frame["error"] == ""
    frame.loc[ok, counts] = frame.loc[ok, counts].fillna(0)
    return frame[[*parameters, "seed", *figures, "error"]]


def confidence_band(values: Sequence[float], level: float = 0.95, resamples: int = 2000) -> tuple[float, float, float]:
    """The mean of ``values`` and a bootstrap percentile confidence interval of it
    (``resamples`` resamples from a fixed seed, so the band is reproducible)."""
    data = np.asarray([v for v in values if not np.isnan(v)], dtype="float64")
    if len(data) == 0:
        return (np.nan, np.nan, np.nan)
    means = np.random.default_rng(0).choice(data, size=(resamples, len(data))).mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(data.mean()), float(low), float(high)


def bands(frame: pd.DataFrame, figure: str, parameter: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """A figure's mean and 95% confidence band across seeds at each value of ``parameter``
    (one series per combination of the ``by`` parameters); failed points are left out.

    Columns: the ``by`` parameters, ``parameter``, ``mean``, ``low``, ``high``, ``runs``.
    """
    ok = frame[frame["error"] == ""]
    rows = []
    for key, group in ok.groupby([*by, parameter], sort=True):
        mean, low, high = confidence_band(group[figure].astype("float64"))
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip([*by, parameter], key, strict=True)), "mean": mean, "low": low, "high": high,
                     "runs": len(group)})
    return pd.DataFrame(rows, columns=[*by, parameter, "mean", "low", "high", "runs"])


def readable(name: str, width: int = 40) -> str:
    """A figure or parameter name as an axis label: words instead of underscores, the
    configuration of a ``figure[configuration]`` in parentheses, wrapped at ``width``
    characters (``mean_utilization[sql-cores]`` -> ``mean utilization (sql-cores)``)."""
    base, bracket, inner = name.partition("[")
    text = base.replace("_", " ") + (f" ({inner.removesuffix(']')})" if bracket else "")
    return textwrap.fill(text, width, break_on_hyphens=False, break_long_words=False)


def plot_sweep(frame: pd.DataFrame, figure: str, parameter: str, by: Sequence[str] = (),
               ax: Axes | None = None) -> Axes:
    """Plot a figure against ``parameter``: its mean across seeds as a line, the 95%
    confidence band of the mean shaded, one line per combination of the ``by`` parameters.
    Takes ``ax=None`` (a new figure then) and returns the Axes."""
    import matplotlib.pyplot as plt  # matplotlib loads only to plot

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    table = bands(frame, figure, parameter, by)
    series = table.groupby(list(by), sort=True) if by else [((), table)]
    for key, rows in series:
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{name}={value}" for name, value in zip(by, key, strict=True)) or readable(figure, 10_000)
        line, = ax.plot(rows[parameter], rows["mean"], marker="o", label=label)
        ax.fill_between(rows[parameter], rows["low"], rows["high"], color=line.get_color(), alpha=0.2)
    runs = int(table.runs.max()) if len(table) else 0
    width = _characters_across(ax)
    ax.set_xlabel(readable(parameter, width))
    ax.set_ylabel(readable(figure, 32))
    ax.set_title(textwrap.fill(f"{readable(figure, 10_000)}: mean and 95% band across {runs} seeds", width,
                               break_on_hyphens=False, break_long_words=False))
    ax.grid(True, alpha=0.3)
    if by:
        ax.legend()
    return ax


def _characters_across(ax: Axes) -> int:
    """About how many characters of a title fit across ``ax`` (a character is about 0.6 of
    the font size wide)."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    points = FontProperties(size=rcParams["axes.titlesize"]).get_size_in_points()
    pixels = ax.get_window_extent().width
    return max(24, int(pixels / (0.6 * points * ax.figure.dpi / 72)))


def write_sweep(frame: pd.DataFrame, out: str | Path, grid: Sequence[str]) -> list[Path]:
    """Write ``sweep.csv`` and, for each numeric figure that varies across the sweep, a
    plot against the first grid parameter (one line per value of the others) into
    ``out/plots/``; return the files."""
    import matplotlib.pyplot as plt

    out = Path(out)
    (out / "plots").mkdir(parents=True, exist_ok=True)
    path = out / "sweep.csv"
    frame.to_csv(path, index=False)
    written = [path]
    skip = {*frame.columns[: frame.columns.get_loc("seed") + 1], "error"}
    for figure in frame.columns:
        values = pd.to_numeric(frame[figure], errors="coerce") if figure not in skip else None
        if values is None or values.isna().all() or values.nunique() < 2:
            continue
        ax = plot_sweep(frame, figure, grid[0], by=grid[1:])
        path = out / "plots" / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', figure).strip('_')}.png"
        figure = ax.get_figure(root=True)
        assert figure is not None  # a drawn Axes has its figure
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written
