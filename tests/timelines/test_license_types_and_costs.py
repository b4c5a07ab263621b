"""The license types timeline and the license cost model (``sim.costs``, ``plot_costs``),
computed from the records of a run whose costs are worked out by hand here; the price table
and its errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from simulator import Simulation
from simulator.timelines.costs import Prices
from simulator.world.ec2 import Ec2Timings
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    AZ,
    LINUX,
    WINDOWS,
    convert,
    convertible,
    create_configuration,
    imported_windows,
    launch,
    license_specs,
    product_filter,
)

PRICES = Prices(license_included={"RunInstances:0002": 0.05}, byol={"Core": 0.01},
                dedicated_host={"m5": 2.0})


@pytest.fixture
def run():
    """Four hours: account A's m5 host (released at 3 h) runs a 4-vCPU Windows license-included
    instance under a Core configuration until 2 h; account B runs Linux for the 4 hours."""
    sim = Simulation(seed=0, ec2_timings=Ec2Timings(pending=0.0, stopping=0.0))
    sim.add_account(ACCOUNT_A)
    sim.add_account(ACCOUNT_B)
    ec2, ec2_b, lm = (sim.client("ec2", ACCOUNT_A), sim.client("ec2", ACCOUNT_B),
                      sim.client("license-manager", ACCOUNT_A))
    (host_id,) = ec2.allocate_hosts(AvailabilityZone=AZ, InstanceFamily="m5", AutoPlacement="on",
                                    Quantity=1)["HostIds"]
    cores = create_configuration(lm, "Core", name="windows-cores")
    (windows,) = launch(ec2, "m5.xlarge", pattern=WINDOWS, licenses=[cores], Placement={"Tenancy": "host"})
    launch(ec2_b, "m5.large", pattern=LINUX)
    sim.advance("2h")
    ec2.stop_instances(InstanceIds=[windows])
    sim.advance("1h")
    ec2.release_hosts(HostIds=[host_id])
    sim.advance("1h")
    return sim


def by_component(costs: pd.DataFrame, account: str) -> pd.DataFrame:
    """One account's cost per hour: a row per hour, a column per component."""
    rows = costs[costs.account_id == account]
    return rows.pivot(index="time", columns="component", values="cost_per_hour")


def test_costs_by_account_and_component(run):
    """License-included premium per vCPU while running, BYOL licenses consumed (the host's
    48 cores while the instance runs on it), the host while allocated; Linux costs nothing."""
    costs = run.costs(PRICES)
    assert list(costs.columns) == ["time", "account_id", "component", "cost_per_hour"]
    a = by_component(costs, ACCOUNT_A)
    assert list(a.index) == list(pd.date_range("2026-01-01", periods=4, freq="1h", tz="UTC"))
    assert a.license_included.tolist() == pytest.approx([0.2, 0.2, 0.0, 0.0])
    assert a.byol.tolist() == pytest.approx([0.48, 0.48, 0.0, 0.0])
    assert a.dedicated_hosts.tolist() == pytest.approx([2.0, 2.0, 2.0, 0.0])
    assert (by_component(costs, ACCOUNT_B).to_numpy() == 0).all()


def test_costs_on_a_coarser_grid_are_time_weighted(run):
    """A two-hour grid averages each level over its bucket."""
    a = by_component(run.costs(PRICES, every="2h"), ACCOUNT_A)
    assert a.dedicated_hosts.tolist() == pytest.approx([2.0, 1.0])
    assert a.license_included.tolist() == pytest.approx([0.2, 0.0])


def test_costs_follow_a_license_type_conversion(sim, ec2, lm):
    """A conversion from Windows license included to BYOL ends the premium and starts the
    BYOL licenses of the configuration that applies to BYOL Windows."""
    byol = create_configuration(lm, "vCPU", name="windows-byol", ProductInformationList=[{
        "ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
            product_filter("License Included", ["windows-server-datacenter"], "NOT_EQUALS")]}])
    prices = Prices(license_included={"RunInstances:0002": 0.05}, byol={"vCPU": 0.5})
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2), LicenseSpecifications=license_specs(byol))
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2h")
    before = sim.costs(prices).groupby("component").cost_per_hour.last()
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("3h")
    after = sim.costs(prices).groupby("component").cost_per_hour.last()
    assert (before["license_included"], before["byol"]) == pytest.approx((0.2, 0.0))
    assert (after["license_included"], after["byol"]) == pytest.approx((0.0, 2.0))


def test_unpriced_usage_is_an_error_naming_it(run):
    """A run that uses what the table does not price is refused, naming what is missing."""
    with pytest.raises(ValueError, match="RunInstances:0002"):
        run.costs(Prices(byol={"Core": 1.0}, dedicated_host={"m5": 1.0}))
    with pytest.raises(ValueError, match="Core"):
        run.costs(Prices(license_included={"RunInstances:0002": 1.0}, dedicated_host={"m5": 1.0}))
    with pytest.raises(ValueError, match="m5"):
        run.costs(Prices(license_included={"RunInstances:0002": 1.0}, byol={"Core": 1.0}))


def test_configuration_prices_win_over_counting_type_prices(run):
    """``configuration:<name>`` prices one configuration whatever its counting type costs."""
    prices = Prices(license_included={"RunInstances:0002": 0.05},
                    byol={"Core": 0.01, "configuration:windows-cores": 0.1}, dedicated_host={"m5": 2.0})
    assert by_component(run.costs(prices), ACCOUNT_A).byol.tolist() == pytest.approx([4.8, 4.8, 0.0, 0.0])


def test_price_table_from_csv(tmp_path):
    """A price CSV (with # comments) reads into per-hour prices; month = 730 h, year = 8,760 h."""
    path = tmp_path / "prices.csv"
    path.write_text("# illustrative\ncomponent,key,unit,price\nlicense_included,RunInstances:0006,vCPU-hour,0.2\n"
                    "byol,vCPU,license-month,73\nbyol,Core,license-year,87.6\ndedicated_host,r5,host-hour,6\n")
    prices = Prices.read_csv(path)
    assert prices.license_included == {"RunInstances:0006": 0.2}
    assert prices.byol == pytest.approx({"vCPU": 0.1, "Core": 0.01})
    assert prices.dedicated_host == {"r5": 6.0}


@pytest.mark.parametrize("row, words", [
    ("rental,m5,host-hour,1", "component must be one of"),
    ("dedicated_host,m5,host-day,1", "unit must be one of host-hour"),
    ("byol,Seat,license-month,1", "counting type"),
    ("license_included,RunInstances:9999,vCPU-hour,1", "usage operation"),
    ("dedicated_host,m5,host-hour,-1", "non-negative"),
    ("dedicated_host,m5,host-hour,cheap", "non-negative"),
])
def test_price_table_errors_name_the_row(tmp_path, row, words):
    """A malformed price row is refused with its number and what is wrong."""
    path = tmp_path / "prices.csv"
    path.write_text(f"component,key,unit,price\n{row}\n")
    with pytest.raises(ValueError, match=words) as excinfo:
        Prices.read_csv(path)
    assert "price row 1" in str(excinfo.value)


def test_example_price_table_is_labelled_illustrative():
    """scenarios/prices_example.csv says in its header that its figures are not AWS prices,
    and prices every license-included code."""
    from pathlib import Path

    from simulator.core.billing import USAGE_OPERATIONS
    from simulator.timelines.costs import needs_premium

    path = Path(__file__).resolve().parents[2] / "scenarios" / "prices_example.csv"
    header = path.read_text().splitlines()[0]
    assert "ILLUSTRATIVE" in header and "NOT AWS prices" in header
    prices = Prices.read_csv(path)
    assert {c for c in USAGE_OPERATIONS if needs_premium(c)} == set(prices.license_included)


def test_plot_costs(run):
    """plot_costs stacks the components and draws their total; it returns the Axes."""
    ax = run.timelines.plot_costs(PRICES)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "license included", "byol", "dedicated hosts", "total"]
    assert "what-if prices" in ax.get_title()


def test_license_types_timeline(run):
    """``sim.timelines.license_types``: exactly the columns time, instance_id, account_id,
    usage_operation, platform_details, tenancy, host_id, vcpus; a row per launch."""
    frame = run.timelines.license_types
    assert list(frame.columns) == ["time", "instance_id", "account_id", "usage_operation", "platform_details",
                                   "tenancy", "host_id", "vcpus"]
    assert list(zip(frame.account_id, frame.usage_operation, frame.tenancy)) == [
        (ACCOUNT_A, "RunInstances:0002", "host"), (ACCOUNT_B, "RunInstances", "default")]
    assert frame.host_id.iloc[0].startswith("h-") and frame.host_id.iloc[1] == ""
