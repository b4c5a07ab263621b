"""The organization governance scenario: what each of its episodes leaves in the run
("License Manager across your AWS accounts", "Register a delegated administrator",
"Identity and access management for AWS License Manager", the troubleshooting entries
"Child account user cannot associate shared license configuration with an instance" and
"Master account cannot disassociate resources from a license Configuration", "Logging AWS
License Manager API calls using AWS CloudTrail")."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.replay.cloudtrail import read_trail
from simulator.runs.scenario import run_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "organization_governance.py"
MANAGEMENT, PLATFORM, RESEARCH, WEB = "111111111111", "222222222222", "666666666666", "555555555555"


@pytest.fixture(scope="module")
def run():
    return run_scenario(SCENARIO, seed=0)


def api(run, name: str) -> pd.DataFrame:
    events = run.timelines.events
    return events[(events.source == "api") & (events.event_name == name)]


def test_the_auditor_is_denied_the_deletion_by_its_deny_statement(run):
    """The auditor lists, then its DeleteLicenseConfiguration is denied by NeverDelete."""
    access = run.timelines.access
    auditor = access[access.principal == f"arn:aws:iam::{MANAGEMENT}:user/auditor"]
    assert list(zip(auditor.event_name, auditor.decision, auditor.matched_statement, strict=True)) == [
        ("ListLicenseConfigurations", "allowed", "user/auditor/read-only-license-manager#ReadLicenseManager"),
        ("DeleteLicenseConfiguration", "denied", "user/auditor/read-only-license-manager#NeverDelete")]


def test_the_research_account_loses_the_shared_configuration_when_it_leaves(run):
    """After the research account leaves, its launches no longer carry the shared SQL Server
    configuration it had associated with its AMI (the launches' CloudTrail responses show
    their licenses)."""
    left = api(run, "LeaveOrganization").time.iloc[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    cloudtrail = run.sim.cloudtrail
    launches = [cloudtrail.record_of(n) for n, event in enumerate(cloudtrail.events)
                if event[1] == RESEARCH and event[4] == "RunInstances" and not event[8]]
    licensed = {r["eventTime"] < left: set() for r in launches}
    for record in launches:
        for item in record["responseElements"]["instancesSet"]["items"]:
            licensed[record["eventTime"] < left] |= {
                entry["licenseConfigurationArn"] for entry in item.get("licenseSet", {}).get("items", [])}
    assert len(licensed[True]) == 1 and licensed[False] == set()


def test_the_management_account_disassociates_once_the_member_role_is_back(run):
    """The disassociation of a web server fails while the web account's member role is
    deleted, and succeeds after it is restored."""
    calls = api(run, "UpdateLicenseSpecificationsForResource")
    by_management = calls[calls.account_id == MANAGEMENT]
    assert list(by_management.outcome) == ["error", "success"]
    assert by_management.error_code.iloc[0] == "AccessDeniedException"
    assert list(api(run, "DeleteServiceLinkedRole").account_id) == [WEB]


def test_the_hard_limit_blocks_member_launches_and_the_trail_is_written(run, tmp_path):
    """The shared SQL Server configuration's hard limit blocks a member's launch; the
    organization trail's log files are written under cloudtrail/ and read back as an
    organization's CloudTrail logs."""
    violations = run.timelines.violations
    assert (violations.action == "blocked").any()
    assert set(violations.account_id) <= {"333333333333", "444444444444", RESEARCH}
    files = run.write(tmp_path)
    assert tmp_path / "cloudtrail" in files and (tmp_path / "access.csv").is_file()
    trail = read_trail([tmp_path / "cloudtrail"])
    assert trail.organization_id is not None and PLATFORM in trail.accounts
    assert {"RegisterDelegatedAdministrator", "CreateGrant", "LeaveOrganization"} <= {e.name for e in trail.events}
