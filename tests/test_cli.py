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
from simulator.replay.diff import RunView, compare

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
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "two_accounts, seed 3: 2.0 days simulated, 2026-01-01 00:00 to 2026-01-03 00:00 UTC"
    assert printed[-1].startswith(f"{len(list(out.iterdir())) - 1} files in {out}/: ") and "events.csv" in printed[-1]
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


def test_lmsim_run_writes_the_buckets_the_dashboard_and_parquet(tmp_path):
    """lmsim run --format parquet writes the timelines as Parquet (no CSV), the run's S3
    buckets under s3/ (the reports at their key pattern) and dashboard.html."""
    out = tmp_path / "reports"
    assert main(["run", str(ROOT / "scenarios" / "monthly_reports.py"), "--until", "15d", "--format", "parquet",
                 "--out", str(out)]) == 0
    assert (out / "events.parquet").is_file() and not (out / "events.csv").exists()
    assert str(pd.read_parquet(out / "reports.parquet").time.dt.tz) == "UTC"
    (bucket,) = (out / "s3").iterdir()
    assert bucket.name.startswith("aws-license-manager-service-")
    weekly = sorted(p.relative_to(bucket / "Reports" / "weekly-usage").as_posix()
                    for p in (bucket / "Reports" / "weekly-usage").rglob("*.csv"))
    assert [w.rsplit("/", 1)[0] for w in weekly] == ["2026/01/05", "2026/01/12", "2026/01/19"]
    assert (out / "dashboard.html").read_text().startswith("<!DOCTYPE html>")


def test_lmsim_run_ends_with_the_headline_figures(tmp_path, capsys):
    """lmsim run prints the figures a run is for, from its summary (span, API calls and
    errors, blocked launches, alerts, each configuration's utilization, the empty timelines),
    then where its files are."""
    out = tmp_path / "qs"
    assert main(["run", str(ROOT / "scenarios" / "quickstart.py"), "--until", "12d", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    figures = summary["summary"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "quickstart, seed 0: 12.0 days simulated, 2026-01-05 00:00 to 2026-01-17 00:00 UTC"
    assert lines[1] == (f"  API calls {figures['api_calls']} ({figures['api_errors']} failed), blocked launches "
                        f"{figures['blocked_launches']}, soft-limit alerts {figures['alerts']}")
    peak = figures["peak_utilization[windows-server-datacenter-cores]"]
    mean = figures["mean_utilization[windows-server-datacenter-cores]"]
    assert lines[2] == (f"  windows-server-datacenter-cores: utilization peak {peak:.0%}, mean {mean:.1%} "
                        f"(peak {figures['peak_consumed[windows-server-datacenter-cores]']} licenses consumed)")
    empty = " ".join(line.strip() for line in lines[3:-1])  # wrapped at 100 characters
    assert empty == f"empty timelines, not written: {', '.join(summary['empty_timelines'])}"
    written = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert lines[-1].startswith(f"{len(written)} files in {out}/: events.csv, compliance.csv")


def test_lmsim_bench_prints_its_figures(capsys):
    """lmsim bench prints lifecycle events, wall time, events per second, the bare SimPy rate and the ratio."""
    assert main(["bench", "--instances", "200", "--accounts", "2", "--days", "1", "--repeats", "1",
                 "--min-seconds", "0", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["instances"] == 200 and figures["lifecycle_events"] > 400
    assert figures["events_per_second"] > 0 and figures["bare_simpy_events_per_second"] > 0
    assert figures["ratio"] > 0  # measured, not derived here from the figures it is derived from
    assert figures["peak_memory_mib"] > 0
    assert figures["cpu_seconds"] > 0 and figures["bare_cpu_seconds"] > 0
    assert figures["wall_seconds"] > 0 and figures["bare_wall_seconds"] > 0 and figures["wall_ratio"] > 0
    assert figures["peak_memory_mib"] > 0 and figures["bytes_per_instance"] > 0


def test_lmsim_bench_api_mode_prints_each_operation_against_botocore(capsys):
    """lmsim bench --mode api drives a fleet through boto3 clients only and prints, per
    operation, microseconds per call through lmsim and on botocore's floor, and their ratio."""
    assert main(["bench", "--mode", "api", "--instances", "100", "--accounts", "2", "--days", "1", "--repeats", "1",
                 "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    operations = {f["operation"]: f for f in figures["operations"]}
    assert set(operations) == {"RunInstances", "StartInstances", "StopInstances", "TerminateInstances",
                               "DescribeInstances", "ListUsageForLicenseConfiguration", "GetLicenseConfiguration"}
    assert {operations[o]["kind"] for o in ("DescribeInstances", "GetLicenseConfiguration")} == {"read"}
    assert operations["RunInstances"]["kind"] == "change"
    assert figures["calls"] == sum(f["calls"] for f in operations.values())
    for f in operations.values():
        assert f["lmsim_us"] > 0 and f["floor_us"] > 0
        assert f["ratio"] == pytest.approx(f["lmsim_us"] / f["floor_us"], rel=0.05)
    assert figures["cpu_seconds"] > 0 and figures["wall_seconds"] > 0 and figures["blocked"] == 0


def test_lmsim_bench_checkout_mode_prints_its_figures(capsys):
    """lmsim bench --mode checkout prints checkouts, check-ins, lapses, throughput and memory."""
    assert main(["bench", "--mode", "checkout", "--checkouts", "2000", "--live", "100", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["checkouts"] == 2000 and figures["check_ins"] + figures["lapses"] == 2000
    assert figures["operations_per_second"] > 0 and figures["peak_memory_mib"] > 0
    assert figures["cpu_seconds"] > 0 and figures["wall_seconds"] > 0
def test_lmsim_bench_hrg_mode(capsys):
    """lmsim bench --mode hrg runs the fleet in a shared host resource group and prints the same figures."""
    assert main(["bench", "--mode", "hrg", "--instances", "200", "--accounts", "2", "--days", "1", "--repeats", "1",
                 "--min-seconds", "0", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["mode"] == "hrg" and figures["instances"] == 200 and figures["lifecycle_events"] > 400
    assert figures["dedicated_hosts"] > 0 and figures["blocked_launches"] == 0
    with pytest.raises(SystemExit):
        main(["bench", "--mode", "packing"])


def test_lmsim_bench_principal_user_compares_root_and_an_iam_user(capsys):
    """lmsim bench --principal user drives the fleet through boto3 as root and as an IAM user
    whose 20-statement policy allows every call, and reports both times and the slowdown."""
    assert main(["bench", "--principal", "user", "--instances", "200", "--accounts", "2", "--days", "1",
                 "--repeats", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["calls"] > 50 and figures["lifecycle_events"] > 400 and figures["blocked_launches"] == 0
    assert figures["root_cpu_seconds"] > 0 and figures["user_cpu_seconds"] > 0
    assert isinstance(figures["slowdown_percent"], float)  # of the unrounded times
    assert main(["bench", "--principal", "user", "--mode", "hrg"]) == 2


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
    assert "parameter fleet expects an int, got 'many'" in capsys.readouterr().err



@pytest.mark.parametrize("source, line, error", [
    ("def build(sim:\n    pass\n", 1, "SyntaxError"),
    ("import no_such_module_here\ndef build(sim):\n    pass\n", 1, "ModuleNotFoundError"),
    ("def build(sim):\n    raise RuntimeError('boom')\n", 2, "RuntimeError: boom"),
])
def test_a_failing_scenario_is_one_line_naming_file_and_line(tmp_path, capsys, source, line, error):
    """A scenario that does not compile, import or build is reported in one line (file, line,
    error) with exit status 1; --debug shows the traceback instead."""
    path = tmp_path / "broken.py"
    path.write_text(source)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:{line}: " in err and error in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    with pytest.raises(Exception):
        main(["--debug", "run", str(path), "--out", str(tmp_path / "out")])


def test_an_aws_error_inside_the_scenario_keeps_its_code(tmp_path, capsys):
    """An AWS error raised inside a scenario's process reaches the user with its code and
    message (not SimPy's rebuilt exception)."""
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--param", "fleet=-5", "--until", "1d",
                 "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "two_accounts.py:" in err and "InvalidParameterValue: MinCount must be a positive integer" in err


@pytest.mark.parametrize("args, fragment", [
    (["--out", ""], "--out needs a folder path"),
    (["--until", "", "--out", "OUT"], "--until needs"),
    (["--until", "4000d", "--out", "OUT"], "ten simulated years"),
    (["--until", "-1d", "--out", "OUT"], "--until -1d is negative: a run cannot end before it starts"),
    (["--out", "OUT", "--until", "-90m"], "--until -90m is negative"),
], ids=["empty-out", "empty-until", "too-long", "negative", "negative-last"])
def test_run_settings_are_checked_before_the_run(tmp_path, capsys, args, fragment):
    """--out and --until are checked before anything runs: empty values, and runs past ten
    simulated years, are refused with exit status 2."""
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), *args]) == 2
    assert fragment in capsys.readouterr().err and not (tmp_path / "out").exists()
    file = tmp_path / "a-file"
    file.write_text("")
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--out", str(file)]) == 2
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--out", str(file / "run")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"lmsim: --out {file / 'run'} is inside {file}, which is a file, not a folder"


def test_errors_say_their_code_once(tmp_path, capsys):
    """An AWS error from a scenario names its code once, not the exception class named after
    it and then the code again."""
    path = tmp_path / "refused.py"
    path.write_text("def build(sim):\n    sim.add_account('111111111111')\n"
                    "    sim.client('license-manager', '111111111111').create_license_configuration(\n"
                    "        Name='x', LicenseCountingType='Core', LicenseRules=['#bogus=1'])\n")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3: InvalidParameterValueException: " in err
    assert err.count("InvalidParameterValueException") == 1


def test_version_and_a_closed_pipe(capsys, monkeypatch):
    """lmsim --version names the installed version; output closed early by its reader
    (lmsim diff ... | head) ends the command quietly with status 141, no traceback."""
    from importlib import metadata

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"lmsim {metadata.version('lmsim')}"

    def closed(args):
        raise BrokenPipeError

    import simulator.cli as cli

    monkeypatch.setattr(cli, "_diff", closed)
    assert main(["diff", "a", "b"]) == 141
    assert capsys.readouterr().err == ""


def test_a_diff_piped_into_head_ends_quietly(tmp_path):
    """lmsim diff A B | head -1: the reader closes the pipe after a line; lmsim stops without
    a traceback (a long comparison, so the pipe fills)."""
    import subprocess
    import sys

    golden = json.loads((GOLDEN / "quickstart.json").read_text())
    other = {**golden, "summary": {f"figure_{n}": n for n in range(5000)}}
    (tmp_path / "other.json").write_text(json.dumps(other))
    command = (f"{sys.executable} -m simulator.cli diff {GOLDEN / 'quickstart.json'} {tmp_path / 'other.json'} "
               "| head -1")
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.stdout.startswith("A: ") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_a_bad_duration_in_a_scenario_is_named_as_such(tmp_path, capsys):
    """A scenario's malformed DURATION is reported as its DURATION, not as --until."""
    path = tmp_path / "endless.py"
    path.write_text("DURATION = 'forever'\ndef build(sim):\n    pass\n")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert f"DURATION of {path}" in capsys.readouterr().err


def test_a_rerun_replaces_the_last_runs_files(tmp_path):
    """A run into a folder used before removes that run's outputs (a quickstart's compliance
    plot does not linger beside a two-account run) and leaves other files alone."""
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "scenarios" / "quickstart.py"), "--until", "2d", "--out", str(out)]) == 0
    assert (out / "compliance.png").exists()
    (out / "notes.txt").write_text("mine")
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--until", "1d", "--out", str(out)]) == 0
    assert not (out / "compliance.png").exists() and (out / "events.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert not [p for p in out.iterdir() if p.name.startswith(".lmsim-") and p.is_dir()]


CLASH = """
from pathlib import Path

def build(sim, out=""):
    def clash():
        yield sim.env.timeout(60)
        taken = Path(out) / "summary.json"
        taken.unlink()
        taken.mkdir()
    sim.process(clash())
    sim.add_account("111111111111")
"""


@pytest.mark.parametrize("make", ["folder named like an output", "file above the folder", "read-only"])
def test_a_destination_that_cannot_take_the_outputs_is_refused_before_the_run(tmp_path, capsys, monkeypatch,
                                                                              make):
    """`lmsim run --out` checks its destination before the run: a folder holding an entry that
    clashes with an output name (a folder named compliance.png), a path under a file, or a
    folder it cannot write (read-only) ends in one line and exit status 2, nothing run or
    written."""
    out = tmp_path / "out"
    if make == "folder named like an output":
        (out / "compliance.png").mkdir(parents=True)
    elif make == "file above the folder":
        (tmp_path / "file").write_text("")
        out = tmp_path / "file" / "out"
    else:
        import simulator.runs.result as result_module

        out.mkdir()
        monkeypatch.setattr(result_module.os, "access", lambda path, mode: False)
    assert main(["run", str(ROOT / "scenarios" / "quickstart.py"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"lmsim: --out {out}") and "Traceback" not in err
    assert not (tmp_path / "out" / "events.csv").exists()


def test_outputs_are_moved_into_place_only_when_all_can_be(tmp_path, capsys):
    """The outputs are written to a temporary folder and moved into place at the end: when
    something takes an output's name during the run (a folder replaces summary.json), the run
    ends in one line (exit status 2), the earlier run's other outputs stay as they were and no
    temporary folder is left."""
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "scenarios" / "two_accounts.py"), "--until", "1d", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    path = tmp_path / "clash.py"
    path.write_text(CLASH)
    assert main(["run", str(path), "--until", "1h", "--param", f"out={out}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "summary.json" in err and "Traceback" not in err
    del before["summary.json"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".lmsim-") and p.is_dir()]


def test_lmsim_bench_inventory_mode_prints_its_figures(capsys):
    """lmsim bench --mode inventory prints the run's wall time, peak memory and what it did."""
    assert main(["bench", "--mode", "inventory", "--nodes", "400", "--accounts", "2", "--days", "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["nodes"], figures["accounts"]) == (400, 2)
    assert figures["gather_cycles"] == 2 * 48 and figures["software_changes"] >= 1
    assert figures["discovered"] > 0 and figures["consumed_vcpus"] > 0
    assert figures["wall_seconds"] > 0 and figures["peak_memory_mib"] > 0
    assert figures["cpu_seconds"] > 0 and figures["setup_cpu_seconds"] > 0


def test_lmsim_run_writes_inventory_and_exposure(tmp_path):
    """A discovery scenario writes the inventory and exposure timelines and the exposure plot."""
    out = tmp_path / "discovery"
    assert main(["run", str(ROOT / "scenarios" / "on_prem_sql_discovery.py"), "--until", "10d", "--out", str(out)]) == 0
    inventory = pd.read_csv(out / "inventory.csv")
    assert {"registered", "installed", "gathered", "agent_offline"} <= set(inventory.change)
    exposure = pd.read_csv(out / "exposure.csv")
    assert (exposure.gap > 0).any() and (exposure.gap == exposure.true_consumed - exposure.reported_consumed).all()
    assert (out / "exposure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


if __name__ == "__main__":
    for path in SCENARIOS:
        digest = run_scenario(path, seed=0).digest()
        (GOLDEN / f"{path.stem}.json").write_text(json.dumps(digest, indent=2) + "\n")
        print("wrote", GOLDEN / f"{path.stem}.json")
