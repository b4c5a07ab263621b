"""An expiring license agreement: BYOL Windows Server and SQL Server Standard instances are
converted to license included before the agreement ends, and the agreement's license
configurations are deactivated after (License Manager User Guide, "License type conversions
in License Manager": "Continue running workloads with expiring license agreements";
"Troubleshooting license type conversion").

The account runs ``servers`` instances from its own imported VM image (Windows Server BYOL,
RunInstances:0800) with SQL Server Standard installed from its own media, on one Dedicated
Host (Windows BYOL is not permitted on shared tenancy), tracked by two configurations of the
agreement: Windows Server Datacenter per physical core and SQL Server Standard per vCPU, each
with a License Included rule, so that they stop counting an instance once AWS provides its
licenses. One server is a small reporting server (``small_type``).

From day ``conversion_day`` the administrator converts the servers one every ``gap_hours``:
stop; move to a Dedicated Instance (ModifyInstancePlacement tenancy dedicated: license-included
SQL Server cannot run on a Dedicated Host, Windows BYOL cannot run on shared tenancy); convert
both products to license included (0800 -> 0006, the User Guide's multi-product conversion);
start. On the way:

- the reporting server has fewer than the 4 vCPUs license-included SQL Server needs: its
  conversion is refused; it converts Windows Server alone (0800 -> 0002) and its team removes
  SQL Server from it and from the agreement's configuration;
- on one server the Windows activation step fails (``sim.faults.fail_conversion_activation``):
  the task ends FAILED with the billing already changed, and the administrator, as the
  troubleshooting section says, starts it and points it at the AWS KMS server by hand.

When the host is empty it is released; on day ``agreement_ends_day`` both configurations are
deactivated. It writes the license types, conversions and compliance timelines and, under
``prices_example.csv`` (illustrative figures), the cost per hour: BYOL licenses and the host
give way to license-included premiums.

Parameters:
    servers: BYOL servers on the Dedicated Host (the last one is the small reporting server).
    instance_type: Their instance type.
    small_type: The reporting server's instance type.
    conversion_day: The day the conversions start.
    gap_hours: Hours between two servers' conversions.
    agreement_ends_day: The day the agreement ends and its configurations are deactivated.
    failed_activation: The server (by position) whose Windows activation step fails (-1: none).
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from simulator import Simulation

START = "2026-03-02T00:00:00Z"
DURATION = "60d"
PRICES = "prices_example.csv"

ACCOUNT = "222222222222"
DAY = 86400.0
BYOL, ALL_INCLUDED, WINDOWS_INCLUDED = "RunInstances:0800", "RunInstances:0006", "RunInstances:0002"
SQL_STANDARD = ("Microsoft SQL Server 2019 Standard", "Microsoft Corporation", "15.0.2000.5")
AWS_KMS = "169.254.169.250"


def _rule(*filters: tuple[str, str, str]) -> list[dict]:
    """A ProductInformationList of one SSM_MANAGED rule of (name, value, comparator) filters."""
    return [{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
        {"ProductInformationFilterName": name, "ProductInformationFilterValue": [value],
         "ProductInformationFilterComparator": comparator} for name, value, comparator in filters]}]


def build(
    sim: Simulation, *, servers: int = 6, instance_type: str = "m5.xlarge", small_type: str = "m5.large",
    conversion_day: int = 30, gap_hours: int = 6, agreement_ends_day: int = 45, failed_activation: int = 2,
) -> None:
    """Set up the account, the agreement's configurations and the VM import; start the story."""
    sim.add_account(ACCOUNT, name="finance-apps")
    lm = sim.client("license-manager", ACCOUNT)
    ec2 = sim.client("ec2", ACCOUNT)
    windows = lm.create_license_configuration(
        Name="Windows Server Datacenter (agreement)", LicenseCountingType="Core", LicenseCount=48,
        LicenseCountHardLimit=True, ProductInformationList=_rule(
            ("Platform Type", "Windows", "EQUALS"), ("License Included", "windows-server-datacenter", "NOT_EQUALS")),
    )["LicenseConfigurationArn"]
    sql = lm.create_license_configuration(
        Name="SQL Server Standard (agreement)", LicenseCountingType="vCPU", LicenseCount=32,
        LicenseCountHardLimit=True, ProductInformationList=_rule(
            ("Application Name", SQL_STANDARD[0], "EQUALS"), ("License Included", "sql-server-standard", "NOT_EQUALS")),
    )["LicenseConfigurationArn"]
    host_id = ec2.allocate_hosts(AvailabilityZone=f"{sim.region}a", InstanceFamily="m5", AutoPlacement="on",
                                 Quantity=1)["HostIds"][0]
    task = ec2.import_image(
        Description="Windows Server 2019 with SQL Server 2019 Standard (our media)", Platform="Windows",
        LicenseType="BYOL",
        DiskContainers=[{"Format": "VHDX", "UserBucket": {"S3Bucket": "golden-images", "S3Key": "finance.vhdx"}}],
    )
    sim.process(_story(sim, task["ImportTaskId"], (windows, sql), host_id, servers, instance_type, small_type,
                       conversion_day, gap_hours, agreement_ends_day, failed_activation))


def _story(sim, import_task_id, licenses, host_id, servers, instance_type, small_type, conversion_day, gap_hours,
           agreement_ends_day, failed_activation):
    """Run the BYOL fleet, convert it before the agreement ends, then retire the agreement."""
    ec2 = sim.client("ec2", ACCOUNT)
    lm = sim.client("license-manager", ACCOUNT)
    yield sim.env.timeout(DAY / 24)
    image_id = ec2.describe_import_image_tasks(ImportTaskIds=[import_task_id])["ImportImageTasks"][0]["ImageId"]
    specs = [{"LicenseConfigurationArn": arn} for arn in licenses]
    fleet = []
    for n in range(servers):
        fleet += [i["InstanceId"] for i in ec2.run_instances(
            ImageId=image_id, InstanceType=small_type if n == servers - 1 else instance_type, MinCount=1, MaxCount=1,
            Placement={"Tenancy": "host"}, LicenseSpecifications=specs)["Instances"]]
    yield sim.env.timeout(DAY / 24)
    for instance_id in fleet:
        sim.install_software(instance_id, SQL_STANDARD[0], publisher=SQL_STANDARD[1], version=SQL_STANDARD[2])
    yield sim.env.timeout(conversion_day * DAY - sim.env.now)
    for n, instance_id in enumerate(fleet):
        if n == failed_activation:
            sim.faults.fail_conversion_activation(instance_id)
        sim.process(_convert(sim, instance_id, n * gap_hours * DAY / 24, licenses[1]))
    yield sim.env.timeout(servers * gap_hours * DAY / 24 + DAY)
    ec2.release_hosts(HostIds=[host_id])
    yield sim.env.timeout(agreement_ends_day * DAY - sim.env.now)
    for arn in licenses:
        lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")


def _convert(sim, instance_id, delay, sql_license):
    """One server to license included, the way the troubleshooting section recovers it."""
    ec2 = sim.client("ec2", ACCOUNT)
    lm = sim.client("license-manager", ACCOUNT)
    yield sim.env.timeout(delay)
    ec2.stop_instances(InstanceIds=[instance_id])
    yield sim.env.timeout(300)
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="dedicated")
    arn = f"arn:aws:ec2:{sim.region}:{ACCOUNT}:instance/{instance_id}"
    sql_dropped = False
    try:
        task_id = _create(lm, arn, ALL_INCLUDED)
    except ClientError:  # a license-included SQL Server instance needs 4 vCPUs: convert Windows alone
        task_id = _create(lm, arn, WINDOWS_INCLUDED)
        sql_dropped = True
    running = [{"Name": "ResourceArns", "Values": [arn]}, {"Name": "Status", "Values": ["IN_PROGRESS"]}]
    while lm.list_license_conversion_tasks(Filters=running)["LicenseConversionTasks"]:
        yield sim.env.timeout(300)
    task = lm.get_license_conversion_task(LicenseConversionTaskId=task_id)
    ec2.start_instances(InstanceIds=[instance_id])
    yield sim.env.timeout(600)
    if sql_dropped:  # the agreement's SQL Server licenses end: the team removes SQL Server
        sim.uninstall_software(instance_id, SQL_STANDARD[0])
        lm.update_license_specifications_for_resource(
            ResourceArn=arn, RemoveLicenseSpecifications=[{"LicenseConfigurationArn": sql_license}])
    if task["Status"] == "FAILED":  # "Incomplete license type conversion tasks": switch to the AWS KMS server
        sim.set_kms_server(instance_id, AWS_KMS)


def _create(lm, arn: str, destination: str) -> str:
    return lm.create_license_conversion_task_for_resource(
        ResourceArn=arn, SourceLicenseContext={"UsageOperation": BYOL},
        DestinationLicenseContext={"UsageOperation": destination})["LicenseConversionTaskId"]
