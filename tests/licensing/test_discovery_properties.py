"""Property: after a discovery pass, a configuration with DisassociateWhenNotFound tracks
exactly the matching, non-excluded resources whose inventory Systems Manager had gathered,
and never one whose software was never installed (License Manager User Guide, "Automated
discovery of resource inventory")."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    SQL_ENTERPRISE,
    WINDOWS,
    enable_cross_account_discovery,
    instance_arn,
    launch,
    managed_instance_arn,
    product_filter,
    register_servers,
    ssm_product,
)

MACHINES = ("register", "register_dev", "launch")
ACTIONS = ("install", "install", "uninstall", "agent_off", "agent_on", *MACHINES)
FLEETS = st.lists(st.sampled_from(MACHINES), min_size=1, max_size=4)
STEPS = st.lists(st.tuples(st.integers(0, 900), st.sampled_from(ACTIONS), st.integers(0, 7)), min_size=1,
                 max_size=14)


def _apply(sim: Simulation, ec2, machines: list[str], installed: set[str], ever: set[str], action: str,
           pick: int) -> None:
    if action in ("register", "register_dev"):
        tags = [{"Key": "env", "Value": "dev" if action == "register_dev" else "prod"}]
        machines += register_servers(sim, ACCOUNT_A, Tags=tags)
        return
    if action == "launch":
        machines += launch(ec2, "m5.large", pattern=WINDOWS)
        sim.advance("1m")  # the instance runs and its agent registers
        return
    if not machines:
        return
    machine = machines[pick % len(machines)]
    if action == "install" and machine not in installed:
        sim.install_software(machine, SQL_ENTERPRISE[0], publisher=SQL_ENTERPRISE[1], version=SQL_ENTERPRISE[2])
        installed.add(machine)
        ever.add(machine)
    elif action == "uninstall" and machine in installed:
        sim.uninstall_software(machine, SQL_ENTERPRISE[0])
        installed.discard(machine)
    elif action in ("agent_off", "agent_on"):
        sim.set_agent_online(machine, action == "agent_on")


def _arn(machine: str) -> str:
    return instance_arn(ACCOUNT_A, machine) if machine.startswith("i-") else managed_instance_arn(ACCOUNT_A, machine)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleet=FLEETS, steps=STEPS)
def test_pass_tracks_exactly_the_gathered_matches(fleet, steps):
    """Random registrations (prod or dev), installs, uninstalls and agent outages; then a
    pass: the tracked set equals what Systems Manager's gathered inventory says matches."""
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    enable_cross_account_discovery(sim, ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    ssm = sim.client("ssm", ACCOUNT_A)
    ec2 = sim.client("ec2", ACCOUNT_A)
    arn = lm.create_license_configuration(
        Name="sql", LicenseCountingType="Instance", DisassociateWhenNotFound=True,
        ProductInformationList=[ssm_product(product_filter("Tag:env", ["dev"], "NOT_EQUALS"))],
    )["LicenseConfigurationArn"]
    machines: list[str] = []
    installed: set[str] = set()
    ever: set[str] = set()
    for minutes, action, pick in [(0, kind, 0) for kind in fleet] + steps:
        sim.advance(f"{minutes}m")
        _apply(sim, ec2, machines, installed, ever, action, pick)
    sim.advance("40m")
    sim.license_manager.discovery.run()

    expected = set()
    for machine in machines:
        entries = lambda kind, m=machine: ssm.list_inventory_entries(InstanceId=m, TypeName=kind)  # noqa: E731
        applications = entries("AWS:Application")
        if "CaptureTime" not in applications:
            continue  # never gathered: License Manager knows nothing of it
        tags = {t["Key"]: t["Value"] for t in entries("AWS:Tag")["Entries"]}
        if SQL_ENTERPRISE[0] in {e["Name"] for e in applications["Entries"]} and tags.get("env") != "dev":
            expected.add(_arn(machine))
    listed = lm.list_associations_for_license_configuration(LicenseConfigurationArn=arn)
    tracked = {a["ResourceArn"] for a in listed["LicenseConfigurationAssociations"]}
    assert tracked == expected
    assert tracked <= {_arn(m) for m in ever}
    assert sim.license_manager.views.recount(arn) == lm.get_license_configuration(
        LicenseConfigurationArn=arn)["ConsumedLicenses"]
