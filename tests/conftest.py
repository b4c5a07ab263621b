"""Shared fixtures: a simulation with two accounts and boto3 clients for them. The suite
runs the simulator in strict mode (responses checked against their output shapes, error
codes against the operations' models, internal errors raised)."""

from __future__ import annotations

import os

import pytest

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B

os.environ["LMSIM_STRICT"] = "1"  # inherited by notebook kernels and CLI subprocesses too


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--over-http", action="store_true",
                     help="make every sim.client(...) a boto3 client that reaches its simulation over HTTP "
                          "(the wire path of lmsim serve)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "in_process: the test inspects the in-process gateway itself (skipped "
                                       "under --over-http)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--over-http"):
        skip = pytest.mark.skip(reason="inspects the in-process gateway")
        for item in items:
            if "in_process" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def over_http(request: pytest.FixtureRequest):
    """Under ``--over-http``, ``Simulation.client`` builds clients over HTTP (see
    tests/http_transport.py)."""
    if not request.config.getoption("--over-http"):
        yield None
        return
    from tests.helpers import OVER_HTTP
    from tests.http_transport import SharedTransport

    OVER_HTTP["on"] = True
    transport = SharedTransport()
    patch = pytest.MonkeyPatch()
    patch.setattr(Simulation, "client", lambda sim, *args, **kwargs: transport.client(sim, *args, **kwargs))
    yield transport
    patch.undo()
    transport.stop()


@pytest.fixture
def sim() -> Simulation:
    """A fresh simulation with two standalone accounts."""
    simulation = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    simulation.add_account(ACCOUNT_A, name="alpha")
    simulation.add_account(ACCOUNT_B, name="beta")
    return simulation


@pytest.fixture
def ec2(sim: Simulation):
    """An EC2 client of account A."""
    return sim.client("ec2", ACCOUNT_A)


@pytest.fixture
def ec2_b(sim: Simulation):
    """An EC2 client of account B."""
    return sim.client("ec2", ACCOUNT_B)


@pytest.fixture
def lm(sim: Simulation):
    """A License Manager client of account A."""
    return sim.client("license-manager", ACCOUNT_A)


@pytest.fixture
def lm_b(sim: Simulation):
    """A License Manager client of account B."""
    return sim.client("license-manager", ACCOUNT_B)
