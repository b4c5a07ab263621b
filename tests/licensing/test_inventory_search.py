"""Inventory search (ListResourceInventory) through boto3, over License Manager's own,
lagging copy of the inventory (License Manager User Guide, "Discover resource inventory":
"Using inventory search"; troubleshooting: "New child account instances are slow to appear
in resource inventory", "After enabling cross-account mode, child account instances are
slow to appear", "Apparent persistence of a de-registered AMI")."""

from __future__ import annotations

import pytest

from simulator import Simulation
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    SQL_ENTERPRISE,
    SQL_STANDARD,
    assert_refused,
    create_configuration,
    enable_cross_account_discovery,
    image_arn,
    launch,
    license_specs,
    public_ami,
    register_servers,
)

HOUR = 3600


def ids(lm, *filters: tuple) -> list[str]:
    """The resource ids ListResourceInventory finds with ``(name, condition, value)`` filters."""
    found = lm.list_resource_inventory(Filters=[
        {"Name": n, "Condition": c, **({"Value": v} if v is not None else {})} for n, c, v in filters])
    return [r["ResourceId"] for r in found["ResourceInventoryList"]]


@pytest.fixture
def estate(sim, ec2, lm):
    """Two servers (one with SQL Server Enterprise, tagged prod), one SQL Server Standard
    license-included instance, copied by License Manager at 6:00."""
    ssm = sim.client("ssm", ACCOUNT_A)
    with_sql = register_servers(sim, ACCOUNT_A, software=[SQL_ENTERPRISE], Tags=[{"Key": "env", "Value": "prod"}])[0]
    without = register_servers(sim, ACCOUNT_A)[0]
    ssm.add_tags_to_resource(ResourceType="ManagedInstance", ResourceId=without, Tags=[{"Key": "env", "Value": "dev"}])
    instance = launch(ec2, "m5.xlarge", pattern=SQL_STANDARD)[0]
    sim.run("2026-01-01T06:00:01Z")
    return {"sql": with_sql, "plain": without, "instance": instance}


def test_search_reads_the_copy_and_lags(sim, ec2, lm):
    """"Discover resource inventory": License Manager periodically collects inventory; the
    search shows its copy, refreshed every 6 hours, not the live machines."""
    node_id = register_servers(sim, ACCOUNT_A, software=[SQL_ENTERPRISE])[0]
    instance = launch(ec2, "m5.xlarge", pattern=SQL_STANDARD)[0]
    sim.advance("1h")
    assert ids(lm) == []
    sim.run("2026-01-01T06:00:01Z")
    rows = {r["ResourceId"]: r for r in lm.list_resource_inventory()["ResourceInventoryList"]}
    assert set(rows) == {node_id, instance}
    assert rows[node_id] | {"ResourceArn": ""} == {
        "ResourceId": node_id, "ResourceType": "SYSTEMS_MANAGER_MANAGED_INSTANCE", "ResourceArn": "",
        "Platform": "Microsoft Windows Server 2019 Datacenter", "PlatformVersion": "10.0.17763",
        "ResourceOwningAccountId": ACCOUNT_A, "Region": "us-east-1"}
    assert rows[instance]["ResourceType"] == "EC2_INSTANCE" and rows[instance]["UsageOperation"] == "RunInstances:0006"
    assert rows[instance]["InstanceType"] == "m5.xlarge" and rows[instance]["AmiId"] == public_ami(ec2, SQL_STANDARD)
    late = register_servers(sim, ACCOUNT_A)[0]
    sim.advance("5h")
    assert late not in ids(lm)
    sim.advance("1h")
    assert late in ids(lm)


@pytest.mark.parametrize("filters, expected", [
    ([("application_name", "EQUALS", SQL_ENTERPRISE[0])], ["sql"]),
    ([("application_name", "BEGINS_WITH", "Microsoft SQL Server")], ["sql", "instance"]),
    ([("license_included", "EQUALS", "sql-server-standard")], ["instance"]),
    ([("license_included", "NOT_EQUALS", "windows-server-datacenter")], ["sql", "plain"]),
    ([("platform", "EQUALS", "Microsoft Windows Server 2019 Datacenter")], ["sql", "plain"]),
    ([("platform", "NOT_EQUALS", "Microsoft Windows Server 2019 Datacenter")], ["instance"]),
    ([("platform", "BEGINS_WITH", "Microsoft Windows Server 202")], ["instance"]),
    ([("platform", "CONTAINS", "Server 20")], ["sql", "plain", "instance"]),
    ([("account_id", "EQUALS", ACCOUNT_A)], ["sql", "plain", "instance"]),
    ([("account_id", "NOT_EQUALS", ACCOUNT_A)], []),
    ([("tag:env", "EQUALS", "prod")], ["sql"]),
    ([("tag:env", "EQUALS", None)], ["sql", "plain"]),
    ([("platform", "CONTAINS", "2019"), ("application_name", "BEGINS_WITH", "Microsoft")], ["sql"]),
])
def test_filters_and_conditions(estate, lm, filters, expected):
    """"Using inventory search": each filter with the logical operators it allows."""
    assert ids(lm, *filters) == [estate[name] for name in expected]


def test_resource_id_filter(estate, lm):
    """"Using inventory search": Resource ID with Equals and Not equals."""
    assert ids(lm, ("resource_id", "EQUALS", estate["plain"])) == [estate["plain"]]
    assert ids(lm, ("resource_id", "NOT_EQUALS", estate["plain"])) == [estate["sql"], estate["instance"]]


@pytest.mark.parametrize("name, condition, value", [
    ("application_name", "CONTAINS", "SQL"),
    ("resource_id", "BEGINS_WITH", "mi-"),
    ("account_id", "CONTAINS", "1"),
    ("license_included", "EQUALS", "sql-server-developer"),
    ("tag:env", "NOT_EQUALS", "dev"),
    ("owner", "EQUALS", "me"),
    ("platform", "EQUALS", None),
])
def test_conditions_a_filter_does_not_allow_are_refused(sim, estate, lm, name, condition, value):
    """"Using inventory search": a condition a filter does not allow is refused; tag Not equals
    only with cross-account discovery on."""
    assert_refused(sim, "InvalidParameterValueException", lambda: ids(lm, (name, condition, value)))


def test_paging(estate, lm):
    """ListResourceInventory pages with MaxResults and NextToken."""
    first = lm.list_resource_inventory(MaxResults=2)
    rest = lm.list_resource_inventory(MaxResults=2, NextToken=first["NextToken"])
    found = [r["ResourceId"] for r in first["ResourceInventoryList"] + rest["ResourceInventoryList"]]
    assert found == [estate["sql"], estate["plain"], estate["instance"]] and "NextToken" not in rest


def test_cross_account_search_grows_over_hours_then_syncs_daily_at_13():
    """"After enabling cross-account mode, child account instances are slow to appear" (minutes
    to hours, growing with accounts and instances) and "New child account instances are slow
    to appear in resource inventory" (a daily update at 1 PM)."""
    sim = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    members = ["222222222222", "333333333333", "444444444444"]
    sim.create_organization(ACCOUNT_A, members)
    servers = {m: register_servers(sim, m, 2 + 20 * n) for n, m in enumerate(members)}
    sim.advance("1h")
    enable_cross_account_discovery(sim, ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    seen = []
    for _ in range(12):
        sim.advance("5m")
        seen.append(len(ids(lm)))
    assert seen[0] == 0 and seen[-1] == 2 + 22 + 42
    assert sorted(set(seen)) == [0, 2, 24, 66]  # one account after the other, the larger ones later
    assert ids(lm, ("tag:site", "NOT_EQUALS", "x"))  # cross-account search allows tag NOT_EQUALS
    sim.run("2026-01-01T14:00:00Z")
    late = register_servers(sim, members[0])[0]
    sim.run("2026-01-02T12:59:00Z")
    assert late not in ids(lm)
    sim.run("2026-01-02T13:00:01Z")
    assert late in ids(lm)
    assert ids(sim.client("license-manager", members[0]), ("resource_id", "EQUALS", servers[members[1]][0])) == []


def test_deregistered_ami_appears_until_the_8_hour_sweep(sim, ec2, lm):
    """"Apparent persistence of a de-registered AMI": an associated AMI stays in the resource
    inventory until the sweep that runs every 8 hours, and cannot be disassociated meanwhile."""
    arn = create_configuration(lm, "vCPU")
    image_id = ec2.register_image(Name="golden")["ImageId"]
    lm.update_license_specifications_for_resource(ResourceArn=image_arn(image_id),
                                                  AddLicenseSpecifications=license_specs(arn))
    sim.run("2026-01-01T06:00:01Z")
    assert ids(lm) == [image_id]
    assert lm.list_resource_inventory()["ResourceInventoryList"][0]["ResourceType"] == "EC2_AMI"
    ec2.deregister_image(ImageId=image_id)
    sim.run("2026-01-01T07:59:00Z")
    assert ids(lm) == [image_id]
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.update_license_specifications_for_resource(
        ResourceArn=image_arn(image_id), RemoveLicenseSpecifications=license_specs(arn)))
    sim.run("2026-01-01T08:00:01Z")
    assert ids(lm) == []
    assert lm.list_associations_for_license_configuration(LicenseConfigurationArn=arn)[
        "LicenseConfigurationAssociations"] == []
    sim.advance("12h")
    assert ids(lm) == []
    assert ids(sim.client("license-manager", ACCOUNT_B)) == []
