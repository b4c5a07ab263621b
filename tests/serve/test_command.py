"""The lmsim serve command: it prints its URL and the export line when ready, serves until
SIGTERM or SIGINT, then writes the run's timelines (--out) and trace (--record) as lmsim run
does; the trace replays byte for byte. With a scenario it builds it first; --speed lets the
clock follow the wall clock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest

from simulator import Simulation, replay
from simulator.serve import SimulationServer
from tests.helpers import ACCOUNT_A, ACCOUNT_B

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "simulator.cli", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    assert first.startswith("lmsim serving"), first + process.stderr.read()
    url = first.rsplit(" on ", 1)[1].strip()
    assert process.stdout.readline().strip() == f"export AWS_ENDPOINT_URL={url}"
    return process, url


def test_serve_stops_cleanly_and_writes_its_run(tmp_path):
    """On SIGTERM the server stops, writes --out and --record and exits 0; the recorded trace
    replays into the very timelines written."""
    out, trace = tmp_path / "out", tmp_path / "trace.jsonl"
    process, url = start("--accounts", f"{ACCOUNT_A},{ACCOUNT_B}", "--out", str(out), "--record", str(trace))
    try:
        lm = boto3.client("license-manager", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=ACCOUNT_B, aws_secret_access_key="x")
        lm.create_license_configuration(Name="cores", LicenseCountingType="Core", LicenseCount=16)
        request = urllib.request.Request(url + "/_lmsim/advance", data=b'{"duration": "3h"}', method="POST")
        assert json.loads(urllib.request.urlopen(request).read())["time"] == "2026-01-01T03:00:00Z"
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert str(trace) in stdout and (out / "events.csv").is_file()
    again = replay(trace)
    assert again.csv()["events"] == (out / "events.csv").read_text()
    assert again.csv()["compliance"] == (out / "compliance.csv").read_text()


def test_serve_builds_a_scenario_and_advances_before_serving():
    """With a scenario, its build runs and the clock advances to --until before the first
    request; the scenario's accounts answer; SIGINT (Ctrl-C) stops it cleanly too."""
    process, url = start(str(ROOT / "scenarios" / "two_accounts.py"), "--until", "1d", "--param", "fleet=4")
    try:
        status = json.loads(urllib.request.urlopen(url + "/_lmsim/status").read())
        ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id=status["accounts"][-1], aws_secret_access_key="x")
        reservations = ec2.describe_instances()["Reservations"]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert status["time"] == "2026-01-02T00:00:00Z" and status["scenario"] == "two_accounts"
    assert reservations


def test_serve_refuses_bad_arguments():
    """Accounts that are not 12 digits, --accounts with a scenario, or a port in use are
    refused at once, in one line."""
    from simulator.cli import main

    assert main(["serve", "--accounts", "12345"]) == 2
    assert main(["serve", str(ROOT / "scenarios" / "two_accounts.py"), "--accounts", ACCOUNT_A]) == 2
    with SimulationServer(Simulation(seed=0), port=0) as busy:
        assert main(["serve", "--port", busy.url.rsplit(":", 1)[1]]) == 2  # the port is taken


def test_speed_lets_the_clock_follow_the_wall_clock():
    """--speed X: the simulated clock moves on its own between requests, forward only."""
    sim = Simulation(seed=0)
    with SimulationServer(sim, port=0, speed=86400.0) as server:
        seen = [0.0]
        for _ in range(200):
            seen.append(json.loads(urllib.request.urlopen(server.url + "/_lmsim/status").read())["seconds"])
            if seen[-1] > 0:
                break
    assert seen[-1] > 0 and seen == sorted(seen)
    with pytest.raises(ValueError):
        SimulationServer(sim, port=0, speed=0)
