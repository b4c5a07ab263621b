"""The lmsim command and scenario files: every scenario in scenarios/ against its golden
summary in tests/golden/, and replayed from its trace.

Regenerate the golden summaries (after a change that legitimately alters them, or for a new
scenario): ``python -m tests.test_cli``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from simulator import replay, run_scenario
from simulator.cli import main
from simulator.diff import RunView, compare

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.py"))
GOLDEN = Path(__file__).with_name("golden")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenarios_match_their_golden_summary_and_replay_byte_for_byte(path, tmp_path):
    """Each scenario at seed 0 reproduces its golden summary (the events digest and the
    summary figures; regenerate: python -m tests.test_cli), and the replay of its recorded
    trace, without the scenario code, gives byte-identical timelines and the same figures."""
    trace = tmp_path / "trace.jsonl"
    run = run_scenario(path, seed=0, record=trace)
    golden = GOLDEN / f"{path.stem}.json"
    assert golden.is_file(), f"no golden summary for {path.name}: run python -m tests.test_cli"
    against_golden = compare(RunView(str(golden), {}, json.loads(golden.read_text())), run)
    assert against_golden.identical, against_golden.render()
    replayed = replay(trace)
    against_replay = compare(run, replayed)
    assert replayed.csv() == run.csv(), against_replay.render()
    assert replayed.summary == dataclasses.replace(run, extra_figures=None).summary


def test_lmsim_run_writes_events_csv(tmp_path, capsys):
    """lmsim run writes the timelines of the scenario into --out."""
    out = tmp_path / "demo"
    code = main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--seed", "3", "--until", "2d",
                 "--param", "fleet=2", "--out", str(out)])
    assert code == 0
    events = pd.read_csv(out / "events.csv")
    assert {"RunInstances", "InstanceStateChange"} <= set(events.event_name)
    assert str(out / "events.csv") in capsys.readouterr().out
    assert pd.to_datetime(events.time).max() <= pd.Timestamp("2026-01-03T00:00:00Z")


def test_lmsim_run_quickstart_writes_timelines_and_plot(tmp_path):
    """The quickstart writes events, compliance and violations CSVs and the compliance plot, with
    at least one blocked launch."""
    out = tmp_path / "qs"
    assert main(["run", str(ROOT / "scenarios" / "quickstart.py"), "--until", "12d", "--out", str(out)]) == 0
    compliance = pd.read_csv(out / "compliance.csv")
    violations = pd.read_csv(out / "violations.csv")
    assert set(compliance.counting_type) == {"Core"} and compliance.license_count.max() == 96
    assert compliance.consumed.max() <= 96
    assert (violations.action == "blocked").any()
    assert (out / "compliance.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lmsim_bench_prints_its_figures(capsys):
    """lmsim bench prints lifecycle events, wall time, events per second, the bare SimPy rate and the ratio."""
    assert main(["bench", "--instances", "200", "--accounts", "2", "--days", "1", "--repeats", "1",
                 "--min-seconds", "0", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["instances"] == 200 and figures["lifecycle_events"] > 400
    assert figures["events_per_second"] > 0 and figures["bare_simpy_events_per_second"] > 0
    assert figures["ratio"] == pytest.approx(figures["bare_simpy_events_per_second"] / figures["events_per_second"], rel=0.01)
    assert figures["peak_memory_mib"] > 0


def test_lmsim_bench_checkout_mode_prints_its_figures(capsys):
    """lmsim bench --mode checkout prints checkouts, check-ins, lapses, throughput and memory."""
    assert main(["bench", "--mode", "checkout", "--checkouts", "2000", "--live", "100", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["checkouts"] == 2000 and figures["check_ins"] + figures["lapses"] == 2000
    assert figures["operations_per_second"] > 0 and figures["peak_memory_mib"] > 0
def test_lmsim_bench_hrg_mode(capsys):
    """lmsim bench --mode hrg runs the fleet in a shared host resource group and prints the same figures."""
    assert main(["bench", "--mode", "hrg", "--instances", "200", "--accounts", "2", "--days", "1", "--repeats", "1",
                 "--min-seconds", "0", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["mode"] == "hrg" and figures["instances"] == 200 and figures["lifecycle_events"] > 400
    assert figures["dedicated_hosts"] > 0 and figures["blocked_launches"] == 0
    with pytest.raises(SystemExit):
        main(["bench", "--mode", "packing"])


def test_lmsim_run_writes_the_hosts_timeline(tmp_path):
    """lmsim run writes hosts.csv and hosts.png for a scenario with Dedicated Hosts."""
    out = tmp_path / "hrg"
    assert main(["run", str(ROOT / "scenarios" / "sql_server_host_resource_group.py"), "--until", "10d",
                 "--out", str(out)]) == 0
    hosts = pd.read_csv(out / "hosts.csv")
    assert {"pending", "available"} <= set(hosts.state) and hosts.host_resource_group_arn.notna().any()
    assert (out / "hosts.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lmsim_run_reports_bad_parameters(tmp_path, capsys):
    """An unknown parameter is refused with the list of the scenario's parameters."""
    code = main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--param", "colour=red", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "colour" in err and "fleet=4" in err
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--param", "fleet=many", "--out", str(tmp_path)]) == 2
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--until", "someday", "--out", str(tmp_path)]) == 2
    assert not (tmp_path / "events.csv").exists()


if __name__ == "__main__":
    for path in SCENARIOS:
        digest = run_scenario(path, seed=0).digest()
        (GOLDEN / f"{path.stem}.json").write_text(json.dumps(digest, indent=2) + "\n")
        print("wrote", GOLDEN / f"{path.stem}.json")


def test_lmsim_bench_inventory_mode_prints_its_figures(capsys):
    """lmsim bench --mode inventory prints the run's wall time, peak memory and what it did."""
    assert main(["bench", "--mode", "inventory", "--nodes", "400", "--accounts", "2", "--days", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["nodes"], figures["accounts"]) == (400, 2)
    assert figures["gather_cycles"] == 2 * 48 and figures["software_changes"] >= 1
    assert figures["discovered"] > 0 and figures["consumed_vcpus"] > 0
    assert figures["wall_seconds"] > 0 and figures["peak_memory_mib"] > 0


def test_lmsim_run_writes_inventory_and_exposure(tmp_path):
    """A discovery scenario writes the inventory and exposure timelines and the exposure plot."""
    out = tmp_path / "discovery"
    assert main(["run", str(ROOT / "scenarios" / "on_prem_sql_discovery.py"), "--until", "10d", "--out", str(out)]) == 0
    inventory = pd.read_csv(out / "inventory.csv")
    assert {"registered", "installed", "gathered", "agent_offline"} <= set(inventory.change)
    exposure = pd.read_csv(out / "exposure.csv")
    assert (exposure.gap > 0).any() and (exposure.gap == exposure.true_consumed - exposure.reported_consumed).all()
    assert (out / "exposure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
