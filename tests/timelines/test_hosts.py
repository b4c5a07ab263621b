"""The Dedicated Host timeline, host utilization, the regular grid and the hosts plot (AWS
License Manager User Guide, "Host resource groups in AWS License Manager": packing onto the
fewest hosts and licensed cores, /work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from tests.helpers import ACCOUNT_A, allocate, launch

COLUMNS = ["time", "host_id", "account_id", "host_resource_group_arn", "instance_family", "instance_type", "state",
           "instance_count", "vcpus_used", "vcpus_total", "cores", "sockets"]


@pytest.fixture
def story(sim, ec2):
    """An m5 host (48 cores, 96 vCPUs): two m5.xlarge (4 vCPUs each) for 2 hours, then one for 2
    hours, then none for 2 hours, then released; a c4.xlarge host that stays empty."""
    (m5,) = allocate(ec2, InstanceFamily="m5")
    (c4,) = allocate(ec2, InstanceType="c4.xlarge")
    ids = launch(ec2, "m5.xlarge", 2, Placement={"Tenancy": "host", "HostId": m5})
    sim.advance("2h")
    ec2.terminate_instances(InstanceIds=ids[:1])
    sim.advance("2h")
    ec2.terminate_instances(InstanceIds=ids[1:])
    sim.advance("2h")
    ec2.release_hosts(HostIds=[m5])
    sim.advance("2h")
    return m5, c4


def test_hosts_timeline_has_a_row_per_change(sim, story):
    """``sim.timelines.hosts``: change-point rows with the documented columns."""
    m5, c4 = story
    hosts = sim.timelines.hosts
    assert list(hosts.columns) == COLUMNS
    rows = hosts[hosts.host_id == m5]
    assert list(zip(rows.state, rows.instance_count, rows.vcpus_used)) == [
        ("available", 0, 0), ("available", 2, 8), ("available", 1, 4), ("available", 0, 0), ("released", 0, 0)]
    assert [str(t) for t in rows.time] == ["2026-01-01 00:00:00+00:00", "2026-01-01 00:00:00+00:00",
                                           "2026-01-01 02:00:30+00:00", "2026-01-01 04:00:30+00:00",
                                           "2026-01-01 06:00:00+00:00"]
    assert set(rows.account_id) == {ACCOUNT_A} and set(rows.instance_family) == {"m5"}
    assert (rows.cores.iloc[0], rows.sockets.iloc[0], rows.vcpus_total.iloc[0]) == (48, 2, 96)
    (c4_row,) = hosts[hosts.host_id == c4].itertuples()
    assert (c4_row.instance_type, c4_row.host_resource_group_arn) == ("c4.xlarge", "")


def test_host_utilization_by_host(sim, story):
    """host_utilization: host-hours while allocated, licensed core-hours while instances run on it, and
    mean vCPU utilization."""
    m5, c4 = story
    by_host = sim.timelines.host_utilization()
    row = by_host.loc[m5]
    assert row.host_hours == pytest.approx(6.0)
    assert row.occupied_host_hours == pytest.approx(4.0 + 1 / 120)
    assert row.licensed_core_hours == pytest.approx(48 * (4.0 + 1 / 120))
    assert row.licensed_socket_hours == pytest.approx(2 * (4.0 + 1 / 120))
    vcpu_hours = 8 * (2 + 1 / 120) + 4 * 2
    assert row.mean_vcpu_utilization == pytest.approx(vcpu_hours / (96 * 6))
    assert by_host.loc[c4].host_hours == pytest.approx(8.0) and by_host.loc[c4].licensed_core_hours == 0


def test_host_utilization_window_and_groupings(sim, story):
    """host_utilization over a window, by account and by group."""
    m5, _ = story
    window = sim.timelines.host_utilization(start="2026-01-01T01:00:00Z", end="2026-01-01T03:00:00Z")
    assert window.loc[m5].host_hours == pytest.approx(2.0)
    by_account = sim.timelines.host_utilization(by="account")
    assert list(by_account.index) == [ACCOUNT_A] and by_account.host_hours.iloc[0] == pytest.approx(14.0)
    assert list(sim.timelines.host_utilization(by="group").index) == [""]
    with pytest.raises(ValueError):
        sim.timelines.host_utilization(by="rack")


def test_hosts_grid(sim, story):
    """hosts_grid: a level per host on a regular grid, blank once the host is released."""
    m5, _ = story
    grid = sim.timelines.hosts_grid("1h")
    assert list(grid[m5].iloc[:8].fillna(-1)) == [8, 8, 8, 4, 4, 0, -1, -1]
    utilization = sim.timelines.hosts_grid("1h", value="vcpu_utilization")
    assert utilization[m5].iloc[0] == pytest.approx(8 / 96)
    assert grid.index[1] - grid.index[0] == pd.Timedelta("1h")


def test_plot_hosts_returns_its_axes(sim, story):
    """plot_hosts draws a heatmap (host against time) and returns the Axes."""
    ax = sim.timelines.plot_hosts()
    assert ax.get_ylabel() == "Dedicated Host" and len(ax.images) == 1
    assert ax.images[0].get_array().shape[0] == 2


def test_no_hosts_no_plot(sim):
    """Without Dedicated Hosts the timeline is empty and there is nothing to plot."""
    assert sim.timelines.hosts.empty
    with pytest.raises(ValueError):
        sim.timelines.plot_hosts()
