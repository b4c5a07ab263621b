"""The user guide's operating-system license under a month of real use.

"Example: Implementing an operating system license" (Build License Manager rules from
vendor licenses): licenses for 96 physical cores, counted by core on Dedicated Hosts, each
server running 8 to 16 cores, with a hard limit. The license administrator of the
management account imports the company's Windows Server image (BYOL), shares it with two
member accounts and associates it with the license configuration for all accounts, so
every launch from it is tracked with no action by the teams.

Each member account owns two m5 Dedicated Hosts (48 physical cores, 96 vCPUs each) with
auto-placement. On business days its team starts last night's servers and launches more
to meet the day's demand, and stops them in the evening; on Fridays it retires the
oldest. A host counts its 48 cores once, however many servers run on it, so 96 licenses
cover two busy hosts: when both teams spill onto a second host the same day, License
Manager blocks the launch. Now and then someone tries an m5.2xlarge (4 cores), which
breaks the minimum of 8 cores and is blocked whatever the count.

Parameters:
    license_count: Core licenses purchased (the user guide's 96).
    hard_limit: Whether the count is enforced (False: launches go ahead and alert).
    days: Days of workload.
    peak_servers: The most servers a team wants on a busy day.
    misconfigured_share: The share of days on which a team tries an undersized server.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from simulator import Simulation

START = "2026-01-05T00:00:00Z"  # a Monday
DURATION = "31d"

MANAGEMENT = "111111111111"
TEAMS = ("222222222222", "333333333333")
HOUR = 3600.0
DAY = 24 * HOUR
SERVER_TYPES = ("m5.4xlarge", "m5.8xlarge")  # 8 and 16 physical cores
BLOCKING = ("LicenseUsageException", "InsufficientHostCapacity")


def build(
    sim: Simulation, *, license_count: int = 96, hard_limit: bool = True, days: int = 30,
    peak_servers: int = 6, misconfigured_share: float = 0.1,
) -> None:
    """Set up the organization, the license configuration and the shared BYOL image, and
    start each team's workload."""
    sim.create_organization(MANAGEMENT, TEAMS)
    sim.process(_administrator(sim, license_count, hard_limit, days, peak_servers, misconfigured_share))


def _administrator(sim, license_count, hard_limit, days, peak_servers, misconfigured_share):
    lm = sim.client("license-manager", MANAGEMENT)
    ec2 = sim.client("ec2", MANAGEMENT)
    arn = lm.create_license_configuration(
        Name="windows-server-datacenter-cores",
        Description="Server OS licensed per physical core (user guide example)",
        LicenseCountingType="Core",
        LicenseCount=license_count,
        LicenseCountHardLimit=hard_limit,
        LicenseRules=["#minimumCores=8", "#maximumCores=16", "#allowedTenancy=EC2-DedicatedHost"],
    )["LicenseConfigurationArn"]
    task = ec2.import_image(
        Description="Company Windows Server 2022 Datacenter build", Platform="Windows", LicenseType="BYOL",
        DiskContainers=[{"Format": "VHDX", "UserBucket": {"S3Bucket": "vm-images", "S3Key": "ws2022.vhdx"}}],
    )
    while True:
        yield sim.env.timeout(15 * 60)
        status = ec2.describe_import_image_tasks(ImportTaskIds=[task["ImportTaskId"]])["ImportImageTasks"][0]
        if status["Status"] == "completed":
            break
    image_id = status["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": t} for t in TEAMS]})
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": arn, "AmiAssociationScope": "cross-account"}],
    )
    for team in TEAMS:
        sim.process(_team(sim, team, image_id, days, peak_servers, misconfigured_share))


def _team(sim, account_id, image_id, days, peak_servers, misconfigured_share):
    ec2 = sim.client("ec2", account_id)
    rng = sim.random.stream(f"quickstart-{account_id}")
    ec2.allocate_hosts(AvailabilityZone=f"{sim.region}a", InstanceFamily="m5", AutoPlacement="on", Quantity=2)
    for day in range(days):
        if day % 7 >= 5:  # weekend
            continue
        yield sim.env.timeout(day * DAY + 8 * HOUR + rng.uniform(0, 2 * HOUR) - sim.env.now)
        wanted = int(rng.integers(2, peak_servers + 1))
        stopped = _servers(ec2, "stopped")
        for instance_id in stopped[:wanted]:
            if _attempt(ec2.start_instances, InstanceIds=[instance_id]):
                wanted -= 1
        for _ in range(max(wanted, 0)):
            launched = _attempt(ec2.run_instances, ImageId=image_id, InstanceType=str(rng.choice(SERVER_TYPES)),
                                MinCount=1, MaxCount=1, Placement={"Tenancy": "host"})
            if not launched:
                break  # refused: the team makes do with what runs and asks for more licenses
            yield sim.env.timeout(rng.uniform(60, 600))
        if rng.random() < misconfigured_share:
            _attempt(ec2.run_instances, ImageId=image_id, InstanceType="m5.2xlarge", MinCount=1, MaxCount=1,
                     Placement={"Tenancy": "host"})
        yield sim.env.timeout(day * DAY + 18 * HOUR + rng.uniform(0, 2 * HOUR) - sim.env.now)
        running = _servers(ec2, "pending", "running")
        if running:
            ec2.stop_instances(InstanceIds=running)
        if day % 7 == 4:  # Friday: retire the oldest servers
            yield sim.env.timeout(HOUR)
            oldest = _servers(ec2, "stopped")[:2]
            if oldest:
                ec2.terminate_instances(InstanceIds=oldest)


def _attempt(call, **params) -> bool:
    """Make the call; a refusal by License Manager or for host capacity is part of the story."""
    try:
        call(**params)
    except ClientError as error:
        if error.response["Error"]["Code"] not in BLOCKING:
            raise
        return False
    return True


def _servers(ec2, *states: str) -> list[str]:
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": list(states)}]
    )
    return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]
