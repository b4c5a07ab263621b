"""Two accounts of one organization run a small fleet for a week.

Every business day each account scales out in the morning, stops part of its fleet in the
evening and retires its oldest instances at the end of the week. Everything goes through
genuine boto3 clients, so the events timeline shows both the API calls and the instance
state changes they cause.

Parameters:
    accounts: How many accounts (besides the management account) run a fleet.
    fleet: Instances each account launches every morning.
    instance_type: The type they launch.
    stop_share: The share of running instances stopped each evening.
"""

from __future__ import annotations

from simulator import Simulation

DURATION = "7d"

MANAGEMENT_ACCOUNT = "100000000000"
HOUR = 3600.0


def build(
    sim: Simulation, *, accounts: int = 2, fleet: int = 4, instance_type: str = "m5.large",
    stop_share: float = 0.5,
) -> None:
    """Create the organization and start one workload process per account."""
    members = [f"{200000000000 + n:012d}" for n in range(1, accounts + 1)]
    sim.create_organization(MANAGEMENT_ACCOUNT, members)
    for account_id in members:
        sim.process(_workload(sim, account_id, fleet, instance_type, stop_share))


def _workload(sim: Simulation, account_id: str, fleet: int, instance_type: str, stop_share: float):
    ec2 = sim.client("ec2", account_id)
    rng = sim.random.stream(f"workload-{account_id}")
    image_id = ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}]
    )["Images"][0]["ImageId"]
    for day in range(7):
        yield sim.env.timeout(day * 24 * HOUR + 8 * HOUR + rng.uniform(0, HOUR) - sim.env.now)
        ec2.run_instances(
            ImageId=image_id, InstanceType=instance_type, MinCount=fleet, MaxCount=fleet,
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "day", "Value": str(day)}]}],
        )
        stopped = _ids(ec2, "stopped")
        if stopped:
            ec2.start_instances(InstanceIds=stopped)
        yield sim.env.timeout(10 * HOUR + rng.uniform(0, HOUR))
        running = _ids(ec2, "running")
        chosen = [i for i in running if rng.random() < stop_share]
        if chosen:
            ec2.stop_instances(InstanceIds=chosen)
        if day % 3 == 2:
            oldest = _ids(ec2, "running", "stopped")[: fleet]
            if oldest:
                ec2.terminate_instances(InstanceIds=oldest)


def _ids(ec2, *states: str) -> list[str]:
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": list(states)}]
    )
    return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]
