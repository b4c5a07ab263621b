"""The Auto Scaling weekday peak scenario: with enough SQL Server vCPU licenses the Friday peak
launches without a failed activity (AWS License Manager User Guide, "License rules": a hard
limit blocks launches, Auto Scaling's included; at the default count the golden summary
records the failed activities)."""

from __future__ import annotations

from pathlib import Path

from simulator.runs.scenario import load_scenario, run_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "autoscaling_weekday_peak.py"


def test_more_licenses_make_the_failed_activities_disappear():
    """``--param license_count=96``: both groups reach the Friday peak of 10 instances in
    service, no activity fails and nothing is blocked; the default count fails some."""
    scenario = load_scenario(SCENARIO)
    enough = run_scenario(scenario, seed=0, until="5d", params={"license_count": 96})
    scaling = enough.timelines.scaling
    assert len(scaling) and (scaling.status != "Failed").all()
    assert enough.summary["failed_scaling_activities"] == 0 and "violations[hard_limit]" not in enough.summary
    peak = scaling.groupby("account_id").in_service.max()
    assert list(peak) == [10, 10]
    short = run_scenario(scenario, seed=0, until="5d")
    assert short.summary["failed_scaling_activities"] > 0
    assert short.timelines.scaling.groupby("account_id").in_service.max().min() < 10
