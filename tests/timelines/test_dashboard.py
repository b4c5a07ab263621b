"""The dashboard ("Dashboard in License Manager": each configuration's name, license type,
licenses consumed and remaining, whether the rules are enforced, the hosts of each tenancy
type, and the alerts) as a DataFrame and as one self-contained HTML page: its structure is
checked with an HTML parser, and, when Debian's ``chromium`` is installed, it is rendered
headless with no console message."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pandas as pd
import pytest

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B, allocate, create_configuration, launch

NS = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """Two accounts' configurations after a day: a hard-limited Instance one with a blocked
    launch and instances on each tenancy, a soft vCPU one over its count, one without a count
    and a name that needs escaping; the page written for every account."""
    sim = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    sim.add_account(ACCOUNT_A)
    sim.add_account(ACCOUNT_B)
    lm, ec2 = sim.client("license-manager", ACCOUNT_A), sim.client("ec2", ACCOUNT_A)
    hard = create_configuration(lm, "Instance", count=4, name="seats")
    soft = create_configuration(lm, "vCPU", count=2, hard=False, name="vcpus <soft> & co")
    create_configuration(lm, "Core", name="uncounted")
    allocate(ec2, auto="on")
    launch(ec2, count=2, licenses=[hard])
    launch(ec2, licenses=[hard], Placement={"Tenancy": "dedicated"})
    launch(ec2, licenses=[hard], Placement={"Tenancy": "host"})
    sim.advance("6h")
    with pytest.raises(ec2.exceptions.ClientError):
        launch(ec2, licenses=[hard])
    launch(ec2, "m5.xlarge", licenses=[soft])
    create_configuration(sim.client("license-manager", ACCOUNT_B), "vCPU", count=8, name="b-vcpus")
    sim.advance("18h")
    path = sim.dashboard_html(None, tmp_path_factory.mktemp("dashboard") / "dashboard.html")
    return sim, path


def test_the_dashboard_frame_has_the_documented_columns(board):
    """One row per configuration: name, license type, consumed, remaining (empty without a
    count), rules enforced, instances per tenancy, alerts and the last alert."""
    sim, _ = board
    frame = sim.dashboard(ACCOUNT_A).set_index("name")
    assert list(frame.reset_index().columns[:10]) == [
        "name", "license_type", "consumed", "remaining", "rules_enforced", "hosts_default", "hosts_dedicated",
        "hosts_host", "alerts", "last_alert"]
    seats = frame.loc["seats"]
    assert (seats.license_type, seats.consumed, seats.remaining, seats.rules_enforced) == ("Instance", 4, 0, True)
    assert (seats.hosts_default, seats.hosts_dedicated, seats.hosts_host, seats.dedicated_hosts) == (2, 1, 1, 1)
    assert seats.alerts == 1 and seats.last_alert.startswith("hard_limit blocked")
    assert frame.loc["vcpus <soft> & co"].remaining == -2
    assert pd.isna(frame.loc["uncounted"].remaining) and str(frame.remaining.dtype) == "Int64"


def test_the_page_is_well_formed_self_contained_html(board):
    """html5lib parses the page without a single parse error; it holds a section per account
    with a configuration, the dashboard table (escaped text), an inline SVG compliance plot
    per configuration, the alerts, inline CSS, and neither a script nor anything to fetch."""
    _, path = board
    text = path.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    document = parser.parse(text)
    assert parser.errors == []
    assert document.find(f"{NS}head/{NS}title").text == "License Manager dashboard"
    assert document.find(f"{NS}head/{NS}style") is not None
    sections = document.findall(f".//{NS}section")
    assert [s.get("id") for s in sections] == [f"account-{ACCOUNT_A}", f"account-{ACCOUNT_B}"]
    table = sections[0].find(f".//{NS}table[@class='configurations']")
    heads = [th.text for th in table.findall(f"{NS}thead/{NS}tr/{NS}th")]
    assert heads[:5] == ["Name", "License type", "Consumed", "Remaining", "Rules enforced"]
    rows = table.findall(f"{NS}tbody/{NS}tr")
    names = [row.find(f"{NS}td").text for row in rows]
    assert names == ["seats", "vcpus <soft> & co", "uncounted"]
    assert [td.text for td in rows[2].findall(f"{NS}td")][3] is None  # no count: nothing remaining shown
    plots = sections[0].findall(f".//{SVG}svg")
    assert len(plots) == 3 and all(p.find(f"{SVG}title") is not None for p in plots)
    assert plots[0].findall(f"{SVG}path")[-1].get("fill") == "#d13212"  # the blocked launch
    alerts = sections[0].find(f".//{NS}table[@class='alerts']")
    assert [td.text for td in alerts.findall(f"{NS}tbody/{NS}tr/{NS}td")][1] == "soft_limit"
    assert document.find(f".//{NS}script") is None
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", text)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_the_page_renders_in_headless_chromium_without_console_messages(board, tmp_path):
    """A real browser loads the page from disk, logs no console message (no error, no
    warning), and its DOM holds the tables and plots."""
    _, path = board
    done = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--dump-dom",
         Path(path).resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    dom = done.stdout
    assert dom.count("<svg") == 4 and dom.count('<section class="account"') == 2
    assert "vcpus &lt;soft&gt; &amp; co" in dom
