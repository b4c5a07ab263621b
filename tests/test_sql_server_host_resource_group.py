"""The SQL Server host resource group scenario: packing into a shared host resource group
licenses fewer cores than the same workload on hand-allocated hosts (AWS License Manager User
Guide, "Host resource groups in AWS License Manager", /work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

from pathlib import Path

from simulator.runs.scenario import load_scenario, run_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "sql_server_host_resource_group.py"


def licensed_core_hours(packing: bool) -> tuple[float, float]:
    """(License Manager's core-hours, the hosts' licensed core-hours) over 30 days."""
    sim = run_scenario(load_scenario(SCENARIO), seed=0, until="30d", params={"packing": packing})
    hours = 30 * 24
    counted = sim.timelines.utilization().mean_consumed.iloc[0] * hours
    return counted, sim.timelines.host_utilization(by="account").licensed_core_hours.sum()


def test_packing_licenses_fewer_cores():
    """The group packs both teams onto shared hosts: fewer licensed core-hours, counted by License
    Manager and by the hosts alone."""
    packed, loose = licensed_core_hours(True), licensed_core_hours(False)
    assert packed[0] < 0.85 * loose[0]
    assert packed[1] < 0.85 * loose[1]
