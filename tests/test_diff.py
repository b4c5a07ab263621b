"""lmsim diff: where two runs first part, and their summary deltas; exit status 0 when
identical, 1 otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.replay.diff import compare

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.py"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A short quickstart run written out with its trace, its replay, and a what-if replay
    at 48 core licenses instead of 96."""
    base = tmp_path_factory.mktemp("diff")
    trace = base / "trace.jsonl"
    assert main(["run", str(QUICKSTART), "--param", "days=5", "--until", "6d", "--out", str(base / "run"),
                 "--record", str(trace)]) == 0
    assert main(["replay", str(trace), "--out", str(base / "replay")]) == 0
    overrides = base / "overrides.json"
    overrides.write_text(json.dumps({"license_configurations": {"windows-server-datacenter-cores": {"LicenseCount": 48}}}))
    assert main(["replay", str(trace), "--overrides", str(overrides), "--out", str(base / "what_if")]) == 0
    return base


def test_a_run_and_its_replay_are_identical(runs, capsys):
    """Directories, a directory and a trace: identical, exit status 0."""
    capsys.readouterr()
    assert main(["diff", str(runs / "run"), str(runs / "replay")]) == 0
    assert capsys.readouterr().out.endswith("identical\n")
    assert main(["diff", str(runs / "trace.jsonl"), str(runs / "run")]) == 0


def test_a_what_if_shows_its_first_divergence_and_summary_deltas(runs, capsys):
    """The first divergence names the timeline row, its time and both outcomes (here the
    creation request carrying the overridden count, so the first call that went otherwise is
    shown too: a launch the lower count refuses), and the deltas table shows the figures
    that moved; exit status 1."""
    capsys.readouterr()
    assert main(["diff", str(runs / "run"), str(runs / "what_if")]) == 1
    out = capsys.readouterr().out
    assert "first divergence: events row 1 at 2026-01-05 00:00:00" in out
    assert '"LicenseCount":96' in out and '"LicenseCount":48' in out
    comparison = compare(runs / "run", runs / "what_if")
    other = comparison.outcome
    assert other.row > 1 and other.a["event_name"] == other.b["event_name"] == "RunInstances"
    assert (other.a["outcome"], other.b["error_code"]) == ("success", "LicenseUsageException")
    assert f"first other outcome: events row {other.row}" in out
    deltas = comparison.deltas.set_index("figure")
    assert int(deltas.loc["blocked_launches", "B"]) > int(deltas.loc["blocked_launches", "A"])
    assert deltas.loc["peak_consumed[windows-server-datacenter-cores]", "delta"] == "-48"


def test_a_summary_file_compares_summaries_only(runs, tmp_path, capsys):
    """A golden-style summary file against a run: only the summaries are compared."""
    summary = json.loads((runs / "run" / "summary.json").read_text())
    golden = tmp_path / "golden.json"
    golden.write_text(json.dumps(summary))
    assert main(["diff", str(golden), str(runs / "run")]) == 0
    summary["summary"]["blocked_launches"] += 2
    summary["by_event"]["RunInstances"] -= 1
    golden.write_text(json.dumps(summary))
    capsys.readouterr()
    assert main(["diff", str(golden), str(runs / "run")]) == 1
    out = capsys.readouterr().out
    assert "first divergence" not in out
    assert "blocked_launches" in out and "by_event.RunInstances" in out and "-2" in out


def test_a_run_that_ends_early_diverges_where_it_stops(runs, tmp_path):
    """Rows past one run's end are shown as missing."""
    short = tmp_path / "short"
    short.mkdir()
    for path in (runs / "run").iterdir():
        (short / path.name).write_bytes(path.read_bytes())
    events = (short / "events.csv").read_text().splitlines()
    (short / "events.csv").write_text("\n".join(events[:50]) + "\n")
    comparison = compare(runs / "run", short)
    assert comparison.divergence.row == 50 and comparison.divergence.b is None
    assert "the run ends before" in comparison.render()


@pytest.mark.parametrize("make", [
    lambda d: d / "missing",
    lambda d: (d / "empty").mkdir() or d / "empty",
    lambda d: (d / "x.json").write_text("[1, 2]") and d / "x.json",
], ids=["missing", "not-a-run-directory", "not-a-summary"])
def test_what_is_not_a_run_is_refused(runs, tmp_path, make, capsys):
    """A path that is not a run directory, a trace or a summary file: exit status 2."""
    assert main(["diff", str(make(tmp_path)), str(runs / "run")]) == 2
    assert "lmsim:" in capsys.readouterr().err
