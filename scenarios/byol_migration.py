"""BYOL migration: a datacenter's SQL Server Enterprise servers move to EC2 on license-included
instances, then convert to BYOL as the on-premises servers are decommissioned and their
licenses freed (License Manager User Guide, "License type conversions in License Manager":
"Migrate on-premises workloads to Amazon EC2").

The migration account imports the SQL Server farm's VM image (VM Import/Export, usage
operation RunInstances:0102: Windows Server and SQL Server Enterprise license included) and
runs ``servers`` instances from it on shared tenancy while the datacenter winds down; a team
also runs one server launched straight from Amazon's "Windows Server 2019 with SQL Server
Enterprise" AMI. Two license configurations hold the licenses the datacenter frees, each with a
License Included rule so that license-included instances do not consume them: SQL Server
Enterprise per vCPU (a hard limit of ``sql_byol_vcpus``, fewer than the fleet needs) and
Windows Server Datacenter per physical core of Dedicated Hosts.

From day ``first_wave_day``, ``waves`` waves (``wave_gap_days`` apart, servers two hours
apart) convert each server the way the limits require: stop it; convert SQL Server to BYOL
(0102 -> 0002: SQL Server license included cannot run on a Dedicated Host, so it converts
first, on shared tenancy); move it to a Dedicated Host (ModifyInstancePlacement, host tenancy,
auto-placement: Windows BYOL is not permitted on shared tenancy); convert Windows Server to
BYOL (0002 -> 0800); start it and point Windows at the company's KMS server. On the way:

- the team's server is refused (launched from an AWS-provided AMI: it stays license included);
- ``retired`` servers are decommissioned during the first wave while their task runs (the
  task ends FAILED);
- once the SQL Server Enterprise licenses are all in use, the last conversion is refused by
  the configuration's hard limit (a blocked violation; the server stays license included).

It writes the license types, conversions and compliance timelines and, under
``prices_example.csv`` (illustrative figures), the cost per hour: license-included premiums
fall as BYOL licenses and the Dedicated Host take over.

Parameters:
    servers: Servers migrated from the imported VM image.
    instance_type: Their instance type.
    sql_byol_vcpus: The SQL Server Enterprise vCPU licenses the datacenter frees (hard limit).
    waves: Conversion waves.
    first_wave_day: The day of the first wave.
    wave_gap_days: Days between waves.
    retired: Servers decommissioned during the first wave.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from simulator import Simulation

START = "2026-01-05T00:00:00Z"
DURATION = "40d"
PRICES = "prices_example.csv"

ACCOUNT = "111111111111"
HOUR = 3600.0
DAY = 24 * HOUR
SQL_ENTERPRISE = ("Microsoft SQL Server 2019 Enterprise", "Microsoft Corporation", "15.0.2000.5")
AMAZON_SQL_AMI = "Windows_Server-2019-English-Full-SQL_2019_Enterprise-*"
OWN_KMS = "kms.corp.example.com"
ALL_INCLUDED = "RunInstances:0102"  # Windows Server and SQL Server Enterprise license included
WINDOWS_INCLUDED = "RunInstances:0002"  # Windows Server license included, SQL Server BYOL
ALL_BYOL = "RunInstances:0800"  # Windows Server BYOL, SQL Server BYOL


def _filter(name: str, value: str, comparator: str = "EQUALS") -> dict:
    return {"ProductInformationFilterName": name, "ProductInformationFilterValue": [value],
            "ProductInformationFilterComparator": comparator}


def build(
    sim: Simulation, *, servers: int = 8, instance_type: str = "m5.2xlarge", sql_byol_vcpus: int = 48,
    waves: int = 3, first_wave_day: int = 10, wave_gap_days: int = 7, retired: int = 1,
) -> None:
    """Set up the account, the license configurations and the VM import; start the migration."""
    sim.add_account(ACCOUNT, name="migration")
    lm = sim.client("license-manager", ACCOUNT)
    ec2 = sim.client("ec2", ACCOUNT)
    sql_byol = lm.create_license_configuration(
        Name="SQL Server Enterprise BYOL", Description="vCPU licenses freed by the datacenter",
        LicenseCountingType="vCPU", LicenseCount=sql_byol_vcpus, LicenseCountHardLimit=True,
        ProductInformationList=[{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
            _filter("Application Name", SQL_ENTERPRISE[0]),
            _filter("License Included", "sql-server-enterprise", "NOT_EQUALS")]}],
    )["LicenseConfigurationArn"]
    windows_byol = lm.create_license_configuration(
        Name="Windows Server Datacenter BYOL", Description="per physical core of the Dedicated Hosts",
        LicenseCountingType="Core", LicenseCount=96, LicenseCountHardLimit=True,
        ProductInformationList=[{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
            _filter("Platform Type", "Windows"),
            _filter("License Included", "windows-server-datacenter", "NOT_EQUALS")]}],
    )["LicenseConfigurationArn"]
    task = ec2.import_image(
        Description="SQL Server 2019 Enterprise farm (physical-to-virtual)", UsageOperation=ALL_INCLUDED,
        DiskContainers=[{"Format": "VHDX", "UserBucket": {"S3Bucket": "datacenter-exports", "S3Key": "sql.vhdx"}}],
    )
    sim.process(_migration(sim, task["ImportTaskId"], (sql_byol, windows_byol), servers, instance_type, waves,
                           first_wave_day, wave_gap_days, retired))


def _migration(sim, import_task_id, licenses, servers, instance_type, waves, first_wave_day, wave_gap_days,
               retired):
    """Launch the fleet once the image is imported; convert it in waves."""
    ec2 = sim.client("ec2", ACCOUNT)
    yield sim.env.timeout(HOUR)
    image_id = ec2.describe_import_image_tasks(ImportTaskIds=[import_task_id])["ImportImageTasks"][0]["ImageId"]
    specs = [{"LicenseConfigurationArn": arn} for arn in licenses]
    fleet = [i["InstanceId"] for i in ec2.run_instances(
        ImageId=image_id, InstanceType=instance_type, MinCount=servers, MaxCount=servers,
        LicenseSpecifications=specs)["Instances"]]
    amazon = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [AMAZON_SQL_AMI]}])
    team = ec2.run_instances(ImageId=amazon["Images"][0]["ImageId"], InstanceType=instance_type, MinCount=1,
                             MaxCount=1, LicenseSpecifications=specs)["Instances"][0]["InstanceId"]
    yield sim.env.timeout(HOUR)
    for instance_id in fleet:  # the VM image carries SQL Server: Systems Manager inventory finds it
        sim.install_software(instance_id, SQL_ENTERPRISE[0], publisher=SQL_ENTERPRISE[1], version=SQL_ENTERPRISE[2])
    yield sim.env.timeout(first_wave_day * DAY - sim.env.now)
    ec2.allocate_hosts(AvailabilityZone=f"{sim.region}a", InstanceFamily="m5", AutoPlacement="on", Quantity=1)
    order = fleet[:4] + [team] + fleet[4:]
    size = -(-len(order) // waves)
    for wave in range(waves):
        members = order[wave * size:(wave + 1) * size]
        for slot, instance_id in enumerate(members):
            leaving = wave == 0 and 0 < slot <= retired
            sim.process(_convert(sim, instance_id, slot * 2 * HOUR, leaving))
        yield sim.env.timeout(wave_gap_days * DAY)


def _convert(sim, instance_id, delay, leaving):
    """One server's way to BYOL: SQL Server first, then a Dedicated Host, then Windows Server."""
    ec2 = sim.client("ec2", ACCOUNT)
    lm = sim.client("license-manager", ACCOUNT)
    yield sim.env.timeout(delay)
    ec2.stop_instances(InstanceIds=[instance_id])
    yield sim.env.timeout(300)
    status = yield from _conversion(sim, lm, instance_id, ALL_INCLUDED, WINDOWS_INCLUDED,
                                    then_terminate=ec2 if leaving else None)
    if status != "SUCCEEDED":
        if status is not None or leaving:
            return
        ec2.start_instances(InstanceIds=[instance_id])  # refused: it stays license included
        return
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", Affinity="default")
    status = yield from _conversion(sim, lm, instance_id, WINDOWS_INCLUDED, ALL_BYOL)
    ec2.start_instances(InstanceIds=[instance_id])
    yield sim.env.timeout(300)
    if status == "SUCCEEDED":  # License Manager does not activate BYOL Windows: the company's KMS does
        sim.set_kms_server(instance_id, OWN_KMS)


def _conversion(sim, lm, instance_id, source, destination, then_terminate=None):
    """Create a conversion task and wait for its end; its final status (None if refused)."""
    try:
        task_id = lm.create_license_conversion_task_for_resource(
            ResourceArn=f"arn:aws:ec2:{sim.region}:{ACCOUNT}:instance/{instance_id}",
            SourceLicenseContext={"UsageOperation": source},
            DestinationLicenseContext={"UsageOperation": destination})["LicenseConversionTaskId"]
    except ClientError:
        return None
    if then_terminate is not None:  # decommissioned while the task runs
        yield sim.env.timeout(120)
        then_terminate.terminate_instances(InstanceIds=[instance_id])
    while True:
        yield sim.env.timeout(300)
        status = lm.get_license_conversion_task(LicenseConversionTaskId=task_id)["Status"]
        if status != "IN_PROGRESS":
            return status
