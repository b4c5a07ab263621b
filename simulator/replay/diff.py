"""Comparing two runs: where their timelines first part, and how their summaries differ.

A run is given as a directory ``lmsim run`` or ``lmsim replay`` wrote (timeline CSVs and
``summary.json``), a trace (replayed to get its run), a summary file such as a golden
file (summaries only), or a Result.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.runs.result import SUMMARY_FILE, Result

#: The columns of an events row that say what happened, shown at a divergence.
_EVENT_COLUMNS = ("event_name", "account_id", "resource_id", "outcome", "error_code")


@dataclass(frozen=True)
class RunView:
    """What a comparison reads of a run: its timelines as CSV text (none for a summary file)
    and its digest (``Result.digest``)."""

    label: str
    tables: dict[str, str]
    digest: dict[str, Any]


@dataclass(frozen=True)
class Divergence:
    """The first row where two runs' timeline differs (``None`` past one run's end)."""

    timeline: str
    row: int
    a: dict[str, str] | None
    b: dict[str, str] | None


@dataclass(frozen=True)
class Comparison:
    """Two runs compared: the first divergence of their timelines and their summary deltas."""

    a: RunView
    b: RunView
    divergence: Divergence | None
    deltas: pd.DataFrame
    only_in: dict[str, list[str]]
    #: The first events row where what happened differs (the call, its resource or its
    #: outcome), when the first divergence differs only in a request's parameters.
    outcome: Divergence | None = None

    @property
    def identical(self) -> bool:
        """Whether nothing differs."""
        return self.divergence is None and self.deltas.empty and not any(self.only_in.values())

    def render(self) -> str:
        """The comparison as text: the runs, the first divergence, the summary deltas."""
        lines = [f"A: {self.a.label}", f"B: {self.b.label}"]
        if self.identical:
            return "\n".join([*lines, "identical"])
        for side, names in self.only_in.items():
            if names:
                lines.append(f"timelines only in {side}: {', '.join(names)}")
        for title, d in (("first divergence", self.divergence), ("first other outcome", self.outcome)):
            if d is None:
                continue
            at = next((row["time"] for row in (d.a, d.b) if row and "time" in row), "")
            lines.append(f"{title}: {d.timeline} row {d.row}" + (f" at {at}" if at else ""))
            for side, row in (("A", d.a), ("B", d.b)):
                lines.append(f"  {side}: {_describe(d.timeline, row)}")
            if d.a and d.b:
                changed = [k for k in d.a if d.a.get(k) != d.b.get(k)]
                lines.extend(f"  {key}: A {_shown(d.a[key], 100)} | B {_shown(d.b.get(key), 100)}" for key in changed)
        if self.deltas.empty:
            lines.append("summaries: identical")
        else:
            lines.append("summary deltas:")
            lines.append(self.deltas.to_string(index=False))
        return "\n".join(lines)


def load_run(source: str | Path | Result) -> RunView:
    """A run to compare, from a directory, a trace (``.jsonl``), a summary file (``.json``)
    or a Result.

    Raises:
        FileNotFoundError: if the path does not exist, or a directory has no summary.json.
        ValueError: for a file that is neither a trace nor a summary.
    """
    if isinstance(source, Result):
        return RunView(f"{source.name} (run)", source.csv(), source.digest())
    path = Path(source)
    if path.is_dir():
        summary = path / SUMMARY_FILE
        if not summary.is_file():
            raise FileNotFoundError(f"{path} holds no {SUMMARY_FILE}: it is not a run directory")
        tables = {p.stem: p.read_text() for p in sorted(path.glob("*.csv"))}
        for parquet in sorted(path.glob("*.parquet")):  # a run written with --format parquet
            if parquet.stem not in tables:
                tables[parquet.stem] = pd.read_parquet(parquet).to_csv(index=False)
        return RunView(f"{path} (run directory)", tables, json.loads(summary.read_text()))
    if not path.is_file():
        raise FileNotFoundError(f"no run directory, trace or summary at {path}")
    if path.suffix == ".json":
        try:
            digest = json.loads(path.read_text())
        except ValueError:
            raise ValueError(f"{path} is not JSON: not a summary file") from None
        if not isinstance(digest, dict) or "summary" not in digest:
            raise ValueError(f"{path} is not a summary file (no \"summary\" member)")
        return RunView(f"{path} (summary)", {}, digest)
    from simulator.replay.replays import (
        replay,  # a trace is compared through its replay
    )

    result = replay(path)
    return RunView(f"{path} (trace, replayed)", result.csv(), result.digest())


def compare(a: str | Path | Result | RunView, b: str | Path | Result | RunView) -> Comparison:
    """Compare two runs (see ``load_run`` for what each may be).

    Timelines are compared where both runs have them; summaries always.
    """
    a = a if isinstance(a, RunView) else load_run(a)
    b = b if isinstance(b, RunView) else load_run(b)
    only_in: dict[str, list[str]] = {"A": [], "B": []}
    divergence = outcome = None
    if a.tables and b.tables:
        only_in = {"A": sorted(set(a.tables) - set(b.tables)), "B": sorted(set(b.tables) - set(a.tables))}
        names = sorted(set(a.tables) & set(b.tables), key=lambda n: (n != "events", n))
        for name in names:
            divergence = _first_divergence(name, a.tables[name], b.tables[name])
            if divergence is not None:
                break
        if divergence is not None and divergence.timeline == "events" and _only_detail(divergence):
            outcome = _first_divergence("events", a.tables["events"], b.tables["events"], ignore=("detail",))
    return Comparison(a, b, divergence, _deltas(a.digest, b.digest), only_in, outcome)


def _only_detail(d: Divergence) -> bool:
    if not d.a or not d.b:
        return False
    return [k for k in d.a if d.a.get(k) != d.b.get(k)] == ["detail"]


def _first_divergence(name: str, a: str, b: str, ignore: tuple[str, ...] = ()) -> Divergence | None:
    """The first row where the CSV texts ``a`` and ``b`` differ outside the ``ignore`` columns."""
    if a == b:
        return None
    rows_a = list(csv.reader(io.StringIO(a)))
    rows_b = list(csv.reader(io.StringIO(b)))
    header_a, header_b = rows_a[0] if rows_a else [], rows_b[0] if rows_b else []
    for index in range(1, max(len(rows_a), len(rows_b))):
        # a row of a damaged file may be shorter or longer than its header: compared as far as it goes
        row_a = dict(zip(header_a, rows_a[index], strict=False)) if index < len(rows_a) else None
        row_b = dict(zip(header_b, rows_b[index], strict=False)) if index < len(rows_b) else None
        if row_a is None or row_b is None or header_a != header_b or any(
                row_a[k] != row_b[k] for k in header_a if k not in ignore):
            return Divergence(name, index, row_a, row_b)
    return None if ignore else Divergence(name, 0, {h: h for h in header_a}, {h: h for h in header_b})


def _describe(timeline: str, row: dict[str, str] | None) -> str:
    if row is None:
        return "(no such row: the run ends before)"
    if timeline == "events":
        return " ".join(row.get(c, "") for c in _EVENT_COLUMNS if row.get(c))
    return ", ".join(f"{k}={v}" for k, v in row.items() if k != "time")


def _flatten(digest: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in digest.items():
        if key == "summary":
            flat.update(value)
        elif isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        elif isinstance(value, list):
            flat[key] = " ".join(map(str, value))
        else:
            flat[key] = value
    return flat


def _deltas(a: dict[str, Any], b: dict[str, Any]) -> pd.DataFrame:
    flat_a, flat_b = _flatten(a), _flatten(b)
    rows = []
    for key in sorted(set(flat_a) | set(flat_b)):
        value_a, value_b = flat_a.get(key), flat_b.get(key)
        if value_a == value_b:
            continue
        if (isinstance(value_a, (int, float)) and isinstance(value_b, (int, float))
                and not isinstance(value_a, bool) and not isinstance(value_b, bool)):
            delta = f"{value_b - value_a:+g}"
        else:
            delta = "changed"
        rows.append({"figure": key, "A": _shown(value_a), "B": _shown(value_b), "delta": delta})
    return pd.DataFrame(rows, columns=["figure", "A", "B", "delta"])


def _shown(value: Any, width: int = 40) -> str:
    if value is None:
        return "-"
    text = str(value)
    return text if len(text) <= width else text[:width - 3] + "..."
