"""A second SDK against lmsim serve: the AWS SDK for JavaScript v3 (the npm packages
@aws-sdk/client-license-manager and @aws-sdk/client-ec2, installed in tests/serve/node)
creates a license configuration, launches against it and is refused at the hard limit. It
runs when node is present; the packages are installed on first use (.ci/run installs them
before the suite)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator import Simulation
from simulator.serve import SimulationServer
from tests.helpers import ACCOUNT_A

NODE_DIR = Path(__file__).parent / "node"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def installed() -> bool:
    """Whether the SDK packages are in tests/serve/node/node_modules (installed if not)."""
    if (NODE_DIR / "node_modules" / "@aws-sdk" / "client-ec2").is_dir():
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    command = [npm, "ci" if (NODE_DIR / "package-lock.json").is_file() else "install", "--no-audit", "--no-fund"]
    return subprocess.run(command, cwd=NODE_DIR, capture_output=True, timeout=600).returncode == 0


def test_javascript_sdk_creates_launches_and_is_refused_at_the_hard_limit():
    """"License rules in License Manager": with a hard limit, a launch that would exceed the
    count is refused; the JavaScript SDK sees License Manager's LicenseUsageException from
    RunInstances, and the simulation counts what it launched."""
    if not installed():
        pytest.skip("the AWS SDK for JavaScript packages could not be installed")
    sim = Simulation(seed=0)
    sim.add_account(ACCOUNT_A)
    with SimulationServer(sim, port=0) as server:
        env = {**os.environ, "AWS_ENDPOINT_URL": server.url, "AWS_ACCESS_KEY_ID": ACCOUNT_A,
               "AWS_SECRET_ACCESS_KEY": "simulated", "AWS_REGION": "us-east-1"}
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        run = subprocess.run(["node", "sdk_check.mjs"], cwd=NODE_DIR, env=env, capture_output=True, text=True,
                             timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert len(result["launched"]) == 2  # t3.medium: 2 vCPUs each, 4 licensed
    assert result["refused"]["name"] == "LicenseUsageException"
    assert result["refused"]["status"] == 400
    assert result["consumed"] == 4
    events = sim.timelines.events
    assert list(events.query("event_name == 'RunInstances'").outcome) == ["success", "success", "error"]
    assert set(events.query("source == 'api'").principal) == {f"arn:aws:iam::{ACCOUNT_A}:root"}
