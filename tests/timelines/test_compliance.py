"""Compliance and violation timelines, resampling, utilization and the compliance plot
("Dashboard": consumption, remaining licenses, alerts)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest
from botocore.exceptions import ClientError

from simulator.timelines import resample_levels, time_weighted
from tests.helpers import ACCOUNT_A, LINUX, public_ami


@pytest.fixture
def story(sim):
    """A 4-vCPU hard-limited configuration: 2 vCPUs for an hour, 4 for an hour, one refusal, then 0."""
    lm = sim.client("license-manager", ACCOUNT_A)
    ec2 = sim.client("ec2", ACCOUNT_A)
    arn = lm.create_license_configuration(Name="pool", LicenseCountingType="vCPU", LicenseCount=4,
                                          LicenseCountHardLimit=True)["LicenseConfigurationArn"]
    image = public_ami(ec2, LINUX)
    spec = [{"LicenseConfigurationArn": arn}]
    first = ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=1, MaxCount=1,
                              LicenseSpecifications=spec)["Instances"][0]["InstanceId"]
    sim.advance("1h")
    second = ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=1, MaxCount=1,
                               LicenseSpecifications=spec)["Instances"][0]["InstanceId"]
    with pytest.raises(ClientError):
        ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=1, MaxCount=1, LicenseSpecifications=spec)
    sim.advance("1h")
    ec2.terminate_instances(InstanceIds=[first, second])
    sim.advance("1h")
    return arn


def test_compliance_rows_at_each_change(sim, story):
    """One row at creation and one per change of consumption (one for the two instances
    terminated together), with available = count - consumed."""
    compliance = sim.timelines.compliance
    assert list(compliance.columns)[:9] == ["time", "license_configuration_arn", "name", "counting_type",
                                            "license_count", "hard_limit", "consumed", "available", "status"]
    assert list(compliance.consumed) == [0, 2, 4, 0]
    assert list(compliance.available) == [4, 2, 0, 4]
    assert [str(t) for t in compliance.time] == [
        "2026-01-01 00:00:00+00:00", "2026-01-01 00:00:00+00:00", "2026-01-01 01:00:00+00:00",
        "2026-01-01 02:00:00+00:00"]
    assert str(compliance.time.dtype).endswith("UTC]")


def test_violations_timeline(sim, story):
    """The refused launch is one blocked hard_limit violation naming the configuration and the AMI."""
    violations = sim.timelines.violations
    assert len(violations) == 1
    row = violations.iloc[0]
    assert (row.license_configuration_arn, row.kind, row.action, row.operation) == (
        story, "hard_limit", "blocked", "RunInstances")
    assert row.resource_arn.startswith("arn:aws:ec2:us-east-1::image/ami-")
    assert str(row.time) == "2026-01-01 01:00:00+00:00"


def test_resampled_grid_forward_fills(sim, story):
    """On a 30-minute grid the level holds until the next change."""
    grid = sim.timelines.compliance_grid("30min")
    assert list(grid[story]) == [2, 2, 4, 4, 0, 0, 0]
    assert grid.index[0] == pd.Timestamp("2026-01-01T00:00:00Z")


def test_utilization_is_time_weighted(sim, story):
    """Over three hours: 2 vCPUs for one, 4 for one, 0 for one -> mean 2 of 4, peak 4."""
    row = sim.timelines.utilization().loc[story]
    assert row.mean_consumed == pytest.approx(2.0)
    assert row.mean_license_count == pytest.approx(4.0)
    assert row.utilization == pytest.approx(0.5)
    assert row.peak_consumed == 4
    assert row.hours_over_count == 0
    window = sim.timelines.utilization(start="2026-01-01T01:00:00Z", end="2026-01-01T02:00:00Z").loc[story]
    assert window.mean_consumed == pytest.approx(4.0)


def test_level_functions_on_their_own():
    """resample_levels and time_weighted work on any change-point frame."""
    t = pd.Timestamp("2026-01-01T00:00:00Z")
    levels = pd.DataFrame({"time": [t, t, t + pd.Timedelta("2h")], "license_configuration_arn": ["a", "a", "a"],
                           "consumed": [1, 3, 5]})
    grid = resample_levels(levels, "1h", end=t + pd.Timedelta("3h"))
    assert list(grid["a"]) == [3, 3, 5, 5]
    mean = time_weighted(levels, t, t + pd.Timedelta("4h"))
    assert mean["a"] == pytest.approx((3 * 2 + 5 * 2) / 4)
    assert math.isnan(time_weighted(levels.assign(consumed=float("nan")), t, t + pd.Timedelta("1h"))["a"])


def test_plot_draws_levels_and_markers(sim, story):
    """The plot has the consumed step line, the count line and a blocked marker, on the given
    Axes, and ends where the run is now, not at the last change."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    sim.advance("5h")
    fig, ax = plt.subplots()
    returned = sim.timelines.plot_compliance(story, ax=ax)
    assert returned is ax
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["consumed", "license count"]
    assert [c.get_label() for c in ax.collections] == ["blocked launches (1)"]
    assert ax.get_xlim()[1] == pytest.approx(mdates.date2num(pd.Timestamp(sim.now)))
    plt.close(fig)
    with pytest.raises(ValueError, match="no compliance records"):
        sim.timelines.plot_compliance("arn:aws:license-manager:us-east-1:111111111111:license-configuration:lic-x")


def test_a_launch_breaking_a_rule_and_the_limit_is_one_blocked_launch(sim):
    """A launch refused by both a rule (minimumVcpus) and the hard limit is two violations
    but one blocked launch, in the summary and in the plot's legend alike."""
    import matplotlib.pyplot as plt

    from simulator.runs.summary import summarize

    lm, ec2 = sim.client("license-manager", ACCOUNT_A), sim.client("ec2", ACCOUNT_A)
    arn = lm.create_license_configuration(Name="strict", LicenseCountingType="vCPU", LicenseCount=1,
                                          LicenseCountHardLimit=True,
                                          LicenseRules=["#minimumVcpus=4"])["LicenseConfigurationArn"]
    with pytest.raises(ClientError):
        ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="m5.large", MinCount=1, MaxCount=1,
                          LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    sim.advance("1h")
    assert sorted(sim.timelines.violations.kind) == ["hard_limit", "rule:minimumVcpus"]
    assert summarize(sim.timelines, pd.Timestamp(sim.now))["blocked_launches"] == 1
    ax = sim.timelines.plot_compliance(arn)
    assert [c.get_label() for c in ax.collections] == ["blocked launches (1)"]
    plt.close(ax.figure)


def test_dashboard_frame(sim, story):
    """sim.dashboard shows each configuration's consumption, remaining licenses and enforcement."""
    board = sim.dashboard(ACCOUNT_A)
    row = board.set_index("license_configuration_arn").loc[story]
    assert (row.license_type, row.consumed, row.remaining, row.rules_enforced) == ("vCPU", 0, 4, True)
