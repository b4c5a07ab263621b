"""SQL Server Enterprise licensed per core, packed by a host resource group, for a quarter.

"Host resource groups in AWS License Manager": the license administrator of the management
account creates a Core license configuration for SQL Server Enterprise (BYOL, every
physical core of a Dedicated Host it runs on, with a license affinity to host), associates
the company's SQL Server image with it for all accounts, and creates a host resource group
of r5 Dedicated Hosts that allocates hosts when launches need them, releases them when they
empty and recovers them when they fail, allowing that configuration only. The group is shared through AWS RAM with the
two application accounts of the organization, which launch their SQL Server instances into
it; the hosts belong to the management account, the instances to the teams.

For a quarter each team resizes its fleet of SQL Server instances (r5.large to r5.4xlarge)
a few times a day: it starts stopped servers or launches new ones when it needs more, stops
some when it needs fewer, and retires old stopped ones. A few hosts fail during the quarter
(``sim.faults.fail_host``); host recovery moves their instances to replacement hosts, and
the failed host's cores are released as they leave it.

With ``packing=False`` the same teams run the same workload without a group: each team
allocates its own r5 hosts by hand (auto-placement on, host recovery on) when a launch finds
no room, and releases empty ones at its Friday review. Instances of two teams never share a
host, and a restarted instance goes back to its last host, so more hosts carry instances and
more cores need licenses.

Licensed core-hours of the SQL Server configuration over the quarter, as License Manager
counts them (the time integral of its consumption, affinity bindings included;
``sim.timelines.utilization()``: mean consumed x hours), seed 0:

    affinity_days   packing=True   packing=False
    1 (default)          241,359         348,856
    30                   419,919         503,224

The hosts alone (``sim.timelines.host_utilization()``: cores of hosts while they carry
instances) need 229,738 licensed core-hours packed and 331,575 unpacked, over 4,787 and
7,291 host-hours. A long affinity keeps the cores of every host a server left licensed for
a month, which costs either way, but packing still saves.

Parameters:
    packing: Launch into the shared host resource group (False: hand-allocated hosts).
    affinity_days: The configuration's licenseAffinityToHost, in days.
    peak_servers: The most SQL Server instances a team runs at once.
    host_failures: How many Dedicated Hosts fail during the quarter.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from simulator import Simulation

DURATION = "91d"

MANAGEMENT = "111111111111"
TEAMS = ("222222222222", "333333333333")
HOUR = 3600.0
DAY = 24 * HOUR
SIZES = ("r5.large", "r5.xlarge", "r5.2xlarge", "r5.4xlarge")
SQL_IMAGE = "Windows_Server-2022-English-Full-Base-*"


def build(
    sim: Simulation, *, packing: bool = True, affinity_days: int = 1, peak_servers: int = 14,
    host_failures: int = 3,
) -> None:
    """Set up the organization, the license configuration, the image and (with packing) the
    shared host resource group; start the teams and the host failures."""
    sim.create_organization(MANAGEMENT, TEAMS)
    lm = sim.client("license-manager", MANAGEMENT)
    ec2 = sim.client("ec2", MANAGEMENT)
    cores = lm.create_license_configuration(
        Name="sql-server-enterprise-cores", Description="SQL Server Enterprise BYOL, per physical core",
        LicenseCountingType="Core", LicenseCount=960, LicenseCountHardLimit=False,
        LicenseRules=[f"#licenseAffinityToHost={affinity_days}", "#allowedTenancy=EC2-DedicatedHost"],
    )["LicenseConfigurationArn"]
    public = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [SQL_IMAGE]}])["Images"][0]
    image_id = ec2.copy_image(SourceRegion=sim.region, SourceImageId=public["ImageId"],
                              Name="sql-server-2022-enterprise-byol")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": t} for t in TEAMS]})
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": cores, "AmiAssociationScope": "cross-account"}],
    )
    group_arn = _shared_group(sim, cores) if packing else None
    for team in TEAMS:
        sim.process(_team(sim, team, image_id, group_arn, peak_servers))
    sim.process(_failures(sim, host_failures))


def _shared_group(sim: Simulation, license_arn: str) -> str:
    """The host resource group of r5 hosts, shared with the teams."""
    group = sim.client("resource-groups", MANAGEMENT).create_group(
        Name="sql-server-hosts", Description="r5 Dedicated Hosts for SQL Server Enterprise",
        Configuration=[
            {"Type": "AWS::EC2::HostManagement", "Parameters": [
                {"Name": "auto-allocate-host", "Values": ["true"]},
                {"Name": "auto-release-host", "Values": ["true"]},
                {"Name": "auto-host-recovery", "Values": ["true"]},
                {"Name": "allowed-host-families", "Values": ["r5"]},
                {"Name": "allowed-host-based-license-configurations", "Values": [license_arn]},
            ]},
            {"Type": "AWS::ResourceGroups::Generic", "Parameters": [
                {"Name": "allowed-resource-types", "Values": ["AWS::EC2::Host"]},
                {"Name": "deletion-protection", "Values": ["UNLESS_EMPTY"]},
            ]},
        ],
    )["Group"]
    ram = sim.client("ram", MANAGEMENT)
    ram.enable_sharing_with_aws_organization()
    ram.create_resource_share(name="sql-server-hosts", resourceArns=[group["GroupArn"]], principals=list(TEAMS))
    return group["GroupArn"]


def _team(sim, account_id, image_id, group_arn, peak_servers):
    """A team resizing its SQL Server fleet a few times a day for the quarter."""
    ec2 = sim.client("ec2", account_id)
    rng = sim.random.stream(f"sql-{account_id}")
    placement = {"Tenancy": "host", "HostResourceGroupArn": group_arn} if group_arn else {"Tenancy": "host"}
    target = peak_servers // 2
    while sim.env.now < 90 * DAY:
        yield sim.env.timeout(rng.uniform(4 * HOUR, 10 * HOUR))
        target = int(min(peak_servers, max(2, target + rng.integers(-3, 4))))
        running, stopped = _servers(ec2, "pending", "running"), _servers(ec2, "stopped")
        if len(running) > target:
            surplus = list(rng.choice(running, size=len(running) - target, replace=False))
            ec2.stop_instances(InstanceIds=surplus)
        for instance_id in stopped[:max(0, target - len(running))]:
            _attempt(ec2, group_arn, lambda i=instance_id: ec2.start_instances(InstanceIds=[i]))
        for _ in range(target - len(running) - len(stopped)):
            size = str(rng.choice(SIZES))
            _attempt(ec2, group_arn, lambda s=size: ec2.run_instances(
                ImageId=image_id, InstanceType=s, MinCount=1, MaxCount=1, Placement=placement))
        if len(stopped) > 4:
            ec2.terminate_instances(InstanceIds=stopped[:len(stopped) - 4])
        if group_arn is None and int(sim.env.now // DAY) % 7 == 4:  # Friday review of hand-allocated hosts
            _release_empty_hosts(ec2)


def _attempt(ec2, group_arn, call) -> None:
    """Make a launch or start; without a group, allocate a host by hand when none has room."""
    try:
        call()
    except ClientError as error:
        if group_arn is not None or error.response["Error"]["Code"] != "InsufficientHostCapacity":
            raise
        ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="r5", AutoPlacement="on",
                           HostRecovery="on", Quantity=1)
        call()


def _release_empty_hosts(ec2) -> None:
    hosts = ec2.describe_hosts(Filters=[{"Name": "state", "Values": ["available"]}])["Hosts"]
    empty = [h["HostId"] for h in hosts if not h["Instances"]]
    if empty:
        ec2.release_hosts(HostIds=empty)


def _failures(sim, count):
    """Hosts that carry instances fail at random times of the quarter."""
    rng = sim.random.stream("sql-host-failures")
    for when in sorted(rng.uniform(5 * DAY, 85 * DAY, count)):
        yield sim.env.timeout(when - sim.env.now)
        candidates = [h for account in (MANAGEMENT, *TEAMS)
                      for h in sim.client("ec2", account).describe_hosts(
                          Filters=[{"Name": "state", "Values": ["available"]}])["Hosts"] if h["Instances"]]
        if candidates:
            sim.faults.fail_host(str(rng.choice([h["HostId"] for h in candidates])))


def _servers(ec2, *states: str) -> list[str]:
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": list(states)}]
    )
    return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]
