"""The HTTP benchmark: calls per second of DescribeInstances and GetLicenseConfiguration
through ``lmsim serve``'s endpoint, against the same calls in-process (``sim.client``) and
against moto's server mode (``moto_server``, when it is installed; moto serves EC2 but not
License Manager).

Each target serves a simulation (or moto) with ``instances`` instances of one account and
one license configuration; a call describes one instance, or gets the configuration. The
targets run interleaved, ``repeats`` times each, and the best time of each is kept.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from typing import Any

import boto3

from simulator.bench.common import print_figures
from simulator.serve import SimulationServer
from simulator.simulation import Simulation

ACCOUNT = "123456789012"
OPERATIONS = ("DescribeInstances", "GetLicenseConfiguration")


@dataclass
class HttpBenchRow:
    """One target's figures for one operation (``calls_per_second`` is None where the target
    does not serve the operation)."""

    target: str
    operation: str
    calls: int
    wall_seconds: float | None
    calls_per_second: float | None
    microseconds_per_call: float | None


def _client(service: str, endpoint: str | None = None) -> Any:
    return boto3.session.Session().client(
        service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=ACCOUNT,
        aws_secret_access_key="simulated", config=boto3.session.Config(retries={"total_max_attempts": 1}))


def _prepare(ec2: Any, lm: Any | None, instances: int) -> dict[str, Callable[[], Any]]:
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"] if lm is not None else "ami-12c6146b"
    launched: list[str] = []
    while len(launched) < instances:
        count = min(100, instances - len(launched))
        reservation = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=count, MaxCount=count)
        launched += [i["InstanceId"] for i in reservation["Instances"]]
    one = launched[len(launched) // 2]
    calls: dict[str, Callable[[], Any]] = {"DescribeInstances": lambda: ec2.describe_instances(InstanceIds=[one])}
    if lm is not None:
        arn = lm.create_license_configuration(Name="bench", LicenseCountingType="vCPU",
                                              LicenseCount=100)["LicenseConfigurationArn"]
        calls["GetLicenseConfiguration"] = lambda: lm.get_license_configuration(LicenseConfigurationArn=arn)
    return calls


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _moto_server() -> tuple[subprocess.Popen, str] | None:
    command = shutil.which("moto_server")
    if command is None:
        return None
    port = _free_port()
    process = subprocess.Popen([command, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return process, url
        except OSError:
            if process.poll() is not None:
                return None
            time.sleep(0.1)
    process.terminate()
    return None


def run_http_bench(calls: int = 2000, instances: int = 100, repeats: int = 3, seed: int = 0) -> list[HttpBenchRow]:
    """Time ``calls`` calls of each operation on each target; one row per target and
    operation (moto's rows are absent when moto_server is not installed)."""
    sim = Simulation(seed=seed)
    sim.add_account(ACCOUNT)
    targets: dict[str, dict[str, Callable[[], Any]]] = {}
    targets["in-process"] = _prepare(sim.client("ec2", ACCOUNT), sim.client("license-manager", ACCOUNT), instances)
    server = SimulationServer(sim, port=0).start()
    moto = _moto_server()
    try:
        ec2, lm = _client("ec2", server.url), _client("license-manager", server.url)
        one = sim.client("ec2", ACCOUNT).describe_instances(MaxResults=5)["Reservations"][0]["Instances"][0]
        arn = sim.client("license-manager", ACCOUNT).list_license_configurations()["LicenseConfigurations"][0][
            "LicenseConfigurationArn"]
        over_http: dict[str, Callable[[], Any]] = {
            "DescribeInstances": lambda: ec2.describe_instances(InstanceIds=[one["InstanceId"]]),
            "GetLicenseConfiguration": lambda: lm.get_license_configuration(LicenseConfigurationArn=arn)}
        targets["lmsim serve"] = over_http
        if moto is not None:
            targets["moto_server"] = _prepare(_client("ec2", moto[1]), None, instances)
        best: dict[tuple[str, str], float] = {}
        for _ in range(repeats):
            for target, operations in targets.items():
                for operation, call in operations.items():
                    call()  # warm: models loaded, connection open
                    began = time.perf_counter()
                    for _ in range(calls):
                        call()
                    elapsed = time.perf_counter() - began
                    key = (target, operation)
                    best[key] = min(best.get(key, elapsed), elapsed)
    finally:
        server.stop()
        if moto is not None:
            moto[0].terminate()
            moto[0].wait()
    rows = []
    for target in targets:
        for operation in OPERATIONS:
            seconds = best.get((target, operation))
            rows.append(HttpBenchRow(
                target, operation, calls, None if seconds is None else round(seconds, 3),
                None if seconds is None else round(calls / seconds, 1),
                None if seconds is None else round(seconds / calls * 1e6, 1)))
    return rows


def as_dicts(rows: list[HttpBenchRow]) -> list[dict[str, Any]]:
    """The rows as plain dicts (for JSON)."""
    return [asdict(row) for row in rows]


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode http``: calls per second through lmsim serve, in-process and
    through moto_server."""
    rows = as_dicts(run_http_bench(calls=args.calls, instances=int(args.instances.split(",")[0]),
                                   repeats=args.repeats, seed=args.seed))
    print_figures(rows, args.json, list(rows[0]))
    return 0
