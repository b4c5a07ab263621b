"""The README's AWS CLI session ("Driving it with the AWS CLI") runs as written in bash, with
the real aws and lmsim commands, on a free port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def session() -> str:
    text = README.read_text()
    section = text[text.index("## Driving it with the AWS CLI"):]
    return re.search(r"```sh\n(.*?)```", section, re.S)[1]


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("curl") is None, reason="needs bash and curl")
def test_readme_aws_cli_session_runs(tmp_path):
    """The session creates a configuration, launches within it, is refused past the hard
    limit, moves the clock, lists the configurations as a table, reads the violations
    timeline, and stopping the server writes the run's files."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = session().replace("4566", str(port))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert re.search(r'"i-[0-9a-f]{17}"', run.stdout)
    assert "refused at the hard limit" in run.stdout
    assert "(LicenseUsageException) when calling the RunInstances operation" in run.stderr
    assert '"time": "2026-01-02T00:00:00Z"' in run.stdout
    assert "sql-enterprise-vcpus" in run.stdout and "ListLicenseConfigurations" in run.stdout
    assert "hard_limit" in run.stdout
    assert (tmp_path / "out" / "served" / "events.csv").is_file()
