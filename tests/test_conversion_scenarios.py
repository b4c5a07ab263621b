"""The license type conversion scenarios (byol_migration, expiring_agreement): what they show,
and what ``lmsim run`` writes for a scenario that declares its price table (``PRICES``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main
from simulator.runs.scenario import load_scenario, run_scenario

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def migration():
    """byol_migration at seed 0."""
    return run_scenario(load_scenario(ROOT / "scenarios" / "byol_migration.py"), seed=0)


@pytest.fixture(scope="module")
def expiring():
    """expiring_agreement at seed 0."""
    return run_scenario(load_scenario(ROOT / "scenarios" / "expiring_agreement.py"), seed=0)


def test_byol_migration_converts_what_the_licenses_cover(migration):
    """"Migrate on-premises workloads to Amazon EC2": SQL Server first, then Windows Server on
    a Dedicated Host; the team's server from Amazon's AMI and the conversion past the hard limit
    are refused, the retired server's task fails; BYOL consumption reaches the limit."""
    tasks = migration.timelines.conversions
    ended = tasks[tasks.status != "IN_PROGRESS"]
    assert (ended.status == "SUCCEEDED").sum() == 12
    assert list(ended.status_message[ended.status == "FAILED"].str.contains("terminated")) == [True]
    errors = migration.timelines.events
    errors = errors[(errors.event_name == "CreateLicenseConversionTaskForResource") & (errors.outcome == "error")]
    assert list(errors.error_code) == ["ValidationException", "ValidationException"]
    violations = migration.timelines.violations
    assert list(zip(violations.kind, violations.action, violations.operation)) == [
        ("hard_limit", "blocked", "CreateLicenseConversionTaskForResource")]
    compliance = migration.timelines.compliance
    sql = compliance[compliance.name == "SQL Server Enterprise BYOL"]
    assert sql.consumed.max() == 48 == sql.license_count.iloc[-1]
    types = migration.timelines.license_types
    last = types.groupby("instance_id").last()
    assert sorted(last.usage_operation.value_counts().items()) == [("RunInstances:0102", 3), ("RunInstances:0800", 6)]
    assert (last.tenancy[last.usage_operation == "RunInstances:0800"] == "host").all()


def test_byol_migration_costs_fall(migration):
    """Under the example prices the license-included premium falls wave after wave and the
    total cost per hour ends lower than it started."""
    costs = migration.sim.costs(ROOT / "scenarios" / "prices_example.csv", every="1D")
    daily = costs.pivot_table(index="time", columns="component", values="cost_per_hour", aggfunc="sum")
    assert daily.license_included.iloc[1] > daily.license_included.iloc[-1] > 0
    assert daily.byol.iloc[1] == 0 < daily.byol.iloc[-1]
    assert daily.sum(axis=1).iloc[-1] < daily.sum(axis=1).iloc[1]


def test_expiring_agreement_converts_before_the_end_and_recovers_the_activation(expiring):
    """"Continue running workloads with expiring license agreements" and "Troubleshooting
    license type conversion": every server ends license included; the failed activation is
    fixed by hand; the agreement's configurations count nothing and are deactivated; the
    host is released."""
    tasks = expiring.timelines.conversions
    ended = tasks[tasks.status != "IN_PROGRESS"]
    failed = ended[ended.status == "FAILED"]
    assert len(ended) == 6 and len(failed) == 1
    assert failed.status_message.iloc[0].startswith("Windows activation step failed")
    instance = expiring.sim.world.find_instance(failed.instance_id.iloc[0])
    assert instance.usage_operation == "RunInstances:0006" and instance.windows_activated
    last = expiring.timelines.license_types.groupby("instance_id").last()
    assert sorted(last.usage_operation.value_counts().items()) == [("RunInstances:0002", 1), ("RunInstances:0006", 5)]
    assert (last.tenancy == "dedicated").all()
    final = expiring.timelines.compliance.groupby("name").last()
    assert (final.status == "DISABLED").all() and (final.consumed == 0).all()
    hosts = expiring.timelines.hosts
    assert hosts.state.iloc[-1] == "released"


def test_lmsim_run_writes_costs_for_a_scenario_with_prices(tmp_path, capsys):
    """A scenario's PRICES makes lmsim run write costs.csv and costs.png, next to the license
    types and conversions timelines; --prices gives another table."""
    out = tmp_path / "migration"
    assert main(["run", str(ROOT / "scenarios" / "byol_migration.py"), "--until", "16d", "--out", str(out)]) == 0
    costs = pd.read_csv(out / "costs.csv")
    assert list(costs.columns) == ["time", "account_id", "component", "cost_per_hour"]
    assert set(costs.component) == {"license_included", "byol", "dedicated_hosts"}
    assert (out / "costs.png").read_bytes()[:8] == PNG
    assert {"license_types.csv", "conversions.csv"} <= {p.name for p in out.iterdir()}
    cheap = tmp_path / "cheap.csv"
    cheap.write_text((ROOT / "scenarios" / "prices_example.csv").read_text().replace(
        "license_included,RunInstances:0102,vCPU-hour,0.421", "license_included,RunInstances:0102,vCPU-hour,0"))
    again = tmp_path / "again"
    assert main(["run", str(ROOT / "scenarios" / "byol_migration.py"), "--until", "2d", "--prices", str(cheap),
                 "--out", str(again)]) == 0
    assert pd.read_csv(again / "costs.csv").cost_per_hour.max() == 0


def test_lmsim_run_refuses_a_bad_price_table_before_running(tmp_path, capsys):
    """A malformed price table stops lmsim run at once, naming the row."""
    bad = tmp_path / "bad.csv"
    bad.write_text("component,key,unit,price\ndedicated_host,m5,host-hour,free\n")
    code = main(["run", str(ROOT / "scenarios" / "byol_migration.py"), "--prices", str(bad), "--out",
                 str(tmp_path / "out")])
    assert code == 2 and "price row 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
