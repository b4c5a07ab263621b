"""The inventory and exposure timelines, built from the records only (License Manager User
Guide, "Discover resource inventory": License Manager periodically collects inventory; the
exposure is what it did not yet know)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from tests.helpers import ACCOUNT_A, SQL_ENTERPRISE, register_servers, ssm_product


def test_inventory_timeline_rows(sim):
    """sim.timelines.inventory: one change-point row per registration, installation,
    collection, agent change and deregistration, with the documented columns."""
    node_id = register_servers(sim, ACCOUNT_A, software=[SQL_ENTERPRISE])[0]
    sim.advance("31m")
    sim.set_agent_online(node_id, False)
    sim.uninstall_software(node_id, SQL_ENTERPRISE[0])
    sim.set_agent_online(node_id, True)
    sim.advance("30m")
    sim.client("ssm", ACCOUNT_A).deregister_managed_instance(InstanceId=node_id)
    inventory = sim.timelines.inventory
    assert list(inventory.columns) == ["time", "resource_id", "resource_type", "account_id", "platform",
                                       "application", "version", "change"]
    assert str(inventory.time.dt.tz) == "UTC"
    assert list(zip(inventory.change, inventory.application, inventory.version)) == [
        ("registered", "", ""), ("installed", SQL_ENTERPRISE[0], SQL_ENTERPRISE[2]),
        ("gathered", SQL_ENTERPRISE[0], SQL_ENTERPRISE[2]), ("agent_offline", "", ""),
        ("uninstalled", SQL_ENTERPRISE[0], SQL_ENTERPRISE[2]), ("agent_online", "", ""),
        ("gathered", SQL_ENTERPRISE[0], ""), ("deregistered", "", "")]
    assert set(inventory.resource_type) == {"ManagedInstance"} and set(inventory.account_id) == {ACCOUNT_A}


def test_exposure_is_true_against_reported(sim, lm):
    """sim.timelines.exposure(arn): the truth moves when software is installed, the reported
    consumption when License Manager's pass finds it; the gap is their difference."""
    arn = lm.create_license_configuration(Name="sql", LicenseCountingType="Core",
                                          ProductInformationList=[ssm_product()])["LicenseConfigurationArn"]
    node_id = register_servers(sim, ACCOUNT_A, cores=8)[0]
    sim.advance("1h")
    sim.install_software(node_id, SQL_ENTERPRISE[0], version=SQL_ENTERPRISE[2])
    sim.advance("6h")
    exposure = sim.timelines.exposure(arn)
    assert list(exposure.columns) == ["time", "true_consumed", "reported_consumed", "gap"]
    start = pd.Timestamp("2026-01-01T00:00:00Z")
    assert list(exposure.itertuples(index=False, name=None)) == [
        (start, 0, 0, 0), (start + pd.Timedelta("1h"), 8, 0, 8), (start + pd.Timedelta("6h"), 8, 8, 0)]
    with pytest.raises(ValueError, match="no compliance or exposure"):
        sim.timelines.exposure(arn.replace("lic-", "lic-f"))


def test_plot_exposure(sim, lm):
    """plot_exposure(arn, ax=None) draws both levels, the true one on top, and shades the gap;
    the legend lists only what is drawn; it returns the Axes."""
    arn = lm.create_license_configuration(Name="sql", LicenseCountingType="Instance",
                                          ProductInformationList=[ssm_product()])["LicenseConfigurationArn"]
    node_id = register_servers(sim, ACCOUNT_A)[0]
    sim.install_software(node_id, SQL_ENTERPRISE[0])
    sim.advance("7h")
    _, given = plt.subplots()
    ax = sim.timelines.plot_exposure(arn, ax=given)
    assert ax is given
    true, reported = ax.get_lines()
    assert (true.get_label(), reported.get_label()) == ("true consumption", "reported by License Manager")
    assert true.get_zorder() > reported.get_zorder()  # the truth is drawn over what was reported
    assert "sql" in ax.get_title()
    (unknown,) = ax.collections  # nothing was counted past the truth: no grey shade
    assert len(unknown.get_paths()) == 1  # the six hours before the pass found the install
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "true consumption", "reported by License Manager", "not yet known"]
    plt.close(ax.figure)
