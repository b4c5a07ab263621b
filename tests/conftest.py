"""Shared fixtures: a simulation with two accounts and boto3 clients for them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from simulator import Simulation

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


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


def error_code(excinfo: pytest.ExceptionInfo) -> str:
    """The AWS error code of a raised ClientError."""
    assert isinstance(excinfo.value, ClientError), excinfo.value
    return excinfo.value.response["Error"]["Code"]


def assert_refused(sim: Simulation, code: str, call, *views) -> None:
    """``call()`` fails with the AWS error code ``code``, records no world event, and leaves
    what each of ``views()`` shows unchanged."""
    before = [world_events(sim)] + [view() for view in views]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == code
    assert [world_events(sim)] + [view() for view in views] == before


def world_events(sim: Simulation) -> int:
    """How many world events (state changes, allocations, ...) the simulation has recorded."""
    return int((sim.timelines.events.source == "world").sum())


def public_ami(client, pattern: str) -> str:
    """The id of the first Amazon-owned public AMI whose name matches ``pattern``."""
    images = client.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [pattern]}])["Images"]
    assert images, pattern
    return images[0]["ImageId"]


LINUX = "al2023-ami-*-x86_64"
LINUX_ARM = "al2023-ami-*-arm64"
WINDOWS = "Windows_Server-2022-English-Full-Base-*"
SQL_STANDARD = "Windows_Server-2022-English-Full-SQL_2022_Standard-*"


def states(client, *instance_ids: str) -> list[str]:
    """The state names of the instances, in the order given."""
    reservations = client.describe_instances(InstanceIds=list(instance_ids))["Reservations"]
    by_id = {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}
    return [by_id[i] for i in instance_ids]
