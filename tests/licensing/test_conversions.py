"""License type conversions through real boto3 clients: the usage-operation table, the
prerequisites and limits (each refused with its own message, nothing changed), and the
task's life on the simulation clock."""

from __future__ import annotations

import pytest

from simulator import Simulation
from simulator.licensing import ConversionTimings
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    REGION,
    WINDOWS,
    assert_refused,
    billing,
    conversion_task,
    convert,
    convertible,
    described,
    imported_windows,
    instance_arn,
    launch,
    public_ami,
)

#: The usage-operation table ("Eligible license types for license type conversion") and the
#: combined example ("Convert Windows Server from license included to BYOL and SQL Server
#: Standard from BYOL to license included"): source, destination, the destination's
#: PlatformDetails, the SQL Server edition installed, the tenancy both codes may run on.
TABLE = [
    ("RunInstances:0002", "RunInstances:0800", "Windows BYOL", None, "dedicated"),
    ("RunInstances:0800", "RunInstances:0002", "Windows", None, "dedicated"),
    ("RunInstances:0002", "RunInstances:0006", "Windows with SQL Server Standard", "Standard", "default"),
    ("RunInstances:0002", "RunInstances:0102", "Windows with SQL Server Enterprise", "Enterprise", "default"),
    ("RunInstances:0002", "RunInstances:0202", "Windows with SQL Server Web", "Web", "default"),
    ("RunInstances:0006", "RunInstances:0002", "Windows", "Standard", "default"),
    ("RunInstances:0102", "RunInstances:0800", "Windows BYOL", "Enterprise", "dedicated"),
    ("RunInstances:0800", "RunInstances:0202", "Windows with SQL Server Web", "Web", "dedicated"),
    ("RunInstances:0002", "RunInstances:0804", "Windows BYOL with SQL Server Standard", "Standard", "dedicated"),
]


def tasks(lm) -> list[dict]:
    """ListLicenseConversionTasks."""
    return lm.list_license_conversion_tasks()["LicenseConversionTasks"]


def refused(sim, lm, ec2, code: str, instance_id: str, source: str, destination: str, **extra) -> str:
    """The conversion is refused with ``code``: no task, no change to the instance as
    DescribeInstances shows it, nor to the consumption of any configuration, and no world
    event; the message."""
    arn = extra.pop("arn", instance_arn(ACCOUNT_A, instance_id))
    source_extra = extra.pop("source_extra", {})

    def state() -> tuple:
        levels = lm.list_license_configurations()["LicenseConfigurations"]
        return tasks(lm), described(ec2, instance_id), [(c["LicenseConfigurationArn"], c["ConsumedLicenses"])
                                                        for c in levels]

    return assert_refused(sim, code, lambda: lm.create_license_conversion_task_for_resource(
        ResourceArn=arn, SourceLicenseContext={"UsageOperation": source, **source_extra},
        DestinationLicenseContext={"UsageOperation": destination}), state)


@pytest.mark.parametrize("source, destination, details, sql, tenancy", TABLE,
                         ids=[f"{s[-4:]}->{d[-4:]}" for s, d, *_ in TABLE])
def test_usage_operation_table(sim, ec2, lm, source, destination, details, sql, tenancy):
    """"Eligible license types for license type conversion", "Convert a license type using
    the AWS CLI": each row converts; DescribeInstances shows the new UsageOperation,
    PlatformDetails and UsageOperationUpdateTime, DescribeImages keeps the AMI's billing."""
    image = imported_windows(sim, ec2, source)
    instance_id = convertible(sim, ec2, image, tenancy=tenancy, sql=sql)
    task_id = convert(lm, ACCOUNT_A, instance_id, source, destination)
    assert conversion_task(lm, task_id)["Status"] == "IN_PROGRESS"
    sim.advance("1h")
    task = conversion_task(lm, task_id)
    assert task["Status"] == "SUCCEEDED" and "StatusMessage" not in task
    assert (task["SourceLicenseContext"], task["DestinationLicenseContext"]) == (
        {"UsageOperation": source}, {"UsageOperation": destination})
    assert billing(ec2, instance_id) == (destination, details)
    assert described(ec2, instance_id)["UsageOperationUpdateTime"] == task["LicenseConversionTime"]
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["UsageOperation"] == source


def test_cli_examples_windows_li_to_byol_and_back(sim, ec2, lm):
    """"Convert Windows Server from license included to BYOL" and "... from BYOL to license
    included": 0002 -> 0800 leaves Windows for you to activate with your KMS server; 0800 ->
    0002 points it at the AWS KMS servers after the activation step."""
    image = imported_windows(sim, ec2)
    instance_id = convertible(sim, ec2, image)
    world = sim.world.find_instance(instance_id)
    assert world.windows_activated and world.kms_server == "169.254.169.250"
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    assert billing(ec2, instance_id)[0] == "RunInstances:0800" and not world.windows_activated
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    sim.set_kms_server(instance_id, "kms.corp.example.com")  # slmgr.vbs /skms <your-kms-address>
    assert world.windows_activated
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    assert conversion_task(lm, task_id)["Status"] == "SUCCEEDED"
    assert world.kms_server == "169.254.169.250" and world.windows_activated


# -- refusals ---------------------------------------------------------------------------------


def test_source_must_match_the_instance(sim, ec2, lm):
    """"Convert a license type": the source must be the instance's current usage operation;
    the message names both."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    message = refused(sim, lm, ec2, "InvalidParameterValueException", instance_id, "RunInstances:0800",
                      "RunInstances:0002")
    assert "RunInstances:0800" in message and "RunInstances:0002" in message


@pytest.mark.parametrize("source, destination, words", [
    ("RunInstances:0006", "RunInstances:0102", "SQL Server edition"),
    ("RunInstances:0006", "RunInstances:0006", "nothing to convert"),
    ("RunInstances:0006", "RunInstances:0010", "not a license type"),
])
def test_pairs_the_table_does_not_allow(sim, ec2, lm, source, destination, words):
    """"Eligible license types for license type conversion": a pair outside the table is
    refused naming both usage operations."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2, source), tenancy="default", sql="Standard")
    message = refused(sim, lm, ec2, "InvalidParameterValueException", instance_id, source, destination)
    assert words in message and source in message and destination in message


def test_linux_instances_are_not_eligible(sim, ec2, lm):
    """"License type conversion is available for Windows Server and SQL Server licenses"."""
    (instance_id,) = launch(ec2)
    sim.advance("2m")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    message = refused(sim, lm, ec2, "InvalidParameterValueException", instance_id, "RunInstances",
                      "RunInstances:0800")
    assert "RunInstances (Linux/UNIX)" in message


def test_instance_must_be_stopped(sim, ec2, lm):
    """"Prerequisites": the target instance must be stopped when the task is created."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0800")
    assert "running" in message and "stopped" in message


def test_instance_needs_inventory_license_manager_holds(sim, ec2, lm):
    """"Prerequisites": the instance must be configured with Systems Manager Inventory;
    License Manager holds it within a day of running, not before."""
    image = imported_windows(sim, ec2)
    (instance_id,) = launch(ec2, "m5.xlarge", image=image, Placement={"Tenancy": "dedicated"})
    sim.advance("40m")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    assert "inventory" in refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002",
                                  "RunInstances:0800")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("1d")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")


def test_byol_needs_your_own_vm_image(sim, ec2, lm):
    """"Prerequisites" and "License type conversion limits": an instance launched from an
    AWS-provided AMI cannot convert to BYOL; it may stay license included."""
    instance_id = convertible(sim, ec2, public_ami(ec2, WINDOWS))
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0800")
    assert "AWS-provided AMI" in message and "VM image" in message


def test_sql_server_license_included_not_on_a_dedicated_host(sim, ec2, lm):
    """"License type conversion limits": license included SQL Server cannot be run on a
    Dedicated Host."""
    ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on", Quantity=1)
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2), tenancy="host", sql="Standard")
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0006")
    assert "cannot be run on a Dedicated Host" in message


def test_sql_server_license_included_needs_four_vcpus(sim, ec2, lm):
    """"License type conversion limits": a license included SQL Server instance must have at
    least 4 vCPUs."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2), "m5.large", tenancy="default", sql="Standard")
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0006")
    assert "at least 4 vCPUs" in message and "has 2" in message


def test_windows_byol_not_on_shared_tenancy(sim, ec2, lm):
    """"Tenancy conversion limits": the Windows BYOL billing code is not permitted on shared
    tenancy, so a conversion to it is refused there (move the instance first)."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2), tenancy="default")
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0800")
    assert "not permitted on shared tenancy" in message
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="dedicated")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")


def test_sql_edition_must_be_installed(sim, ec2, lm):
    """"Convert a license type": License Manager validates the products on the instance:
    SQL Server becomes license included only in the edition its inventory shows."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2), tenancy="default", sql="Web")
    message = refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002", "RunInstances:0102")
    assert "SQL Server Enterprise" in message and "Microsoft SQL Server 2019 Web" in message


def test_one_task_at_a_time_and_bad_requests(sim, ec2, lm):
    """A second task while one is in progress, Marketplace product codes, another account's
    instance and a non-instance ARN are refused."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    first = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    assert first in refused(sim, lm, ec2, "ValidationException", instance_id, "RunInstances:0002",
                            "RunInstances:0800")
    sim.advance("1h")
    assert "ProductCodes" in refused(sim, lm, ec2, "InvalidParameterValueException", instance_id,
                                     "RunInstances:0800", "RunInstances:0002", source_extra={"ProductCodes": [
                                         {"ProductCodeId": "abc123", "ProductCodeType": "marketplace"}]})
    assert ACCOUNT_B in refused(sim, lm, ec2, "InvalidParameterValueException", instance_id, "RunInstances:0800",
                                "RunInstances:0002", arn=instance_arn(ACCOUNT_B, instance_id))
    assert "not the ARN of an EC2 instance" in refused(
        sim, lm, ec2, "InvalidParameterValueException", instance_id, "RunInstances:0800", "RunInstances:0002",
        arn=f"arn:aws:ec2:{REGION}::image/ami-0123456789abcdef0")


def test_get_and_list_tasks(sim, ec2, lm):
    """GetLicenseConversionTask of an unknown task; ListLicenseConversionTasks filters
    ResourceArns and Status, pages, and refuses unknown filters and statuses."""
    image = imported_windows(sim, ec2)
    first, second = (convertible(sim, ec2, image) for _ in range(2))
    one = convert(lm, ACCOUNT_A, first, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    two = convert(lm, ACCOUNT_A, second, "RunInstances:0002", "RunInstances:0800")
    with pytest.raises(lm.exceptions.InvalidParameterValueException):
        lm.get_license_conversion_task(LicenseConversionTaskId="lct-0123456789")

    def listed(**params):
        return [t["LicenseConversionTaskId"] for t in lm.list_license_conversion_tasks(**params)[
            "LicenseConversionTasks"]]

    assert listed() == [one, two]
    assert listed(Filters=[{"Name": "Status", "Values": ["IN_PROGRESS"]}]) == [two]
    assert listed(Filters=[{"Name": "ResourceArns", "Values": [instance_arn(ACCOUNT_A, first)]}]) == [one]
    page = lm.list_license_conversion_tasks(MaxResults=1)
    assert len(page["LicenseConversionTasks"]) == 1
    assert listed(MaxResults=1, NextToken=page["NextToken"]) == [two]
    for bad in ({"Name": "State", "Values": ["SUCCEEDED"]}, {"Name": "Status", "Values": ["DONE"]}):
        with pytest.raises(lm.exceptions.InvalidParameterValueException):
            lm.list_license_conversion_tasks(Filters=[bad])
    assert sim.client("license-manager", ACCOUNT_B).list_license_conversion_tasks()["LicenseConversionTasks"] == []


# -- the task on the clock --------------------------------------------------------------------


def test_task_timings_are_configurable():
    """The task is IN_PROGRESS until its billing step (``ConversionTimings.billing``), then,
    for Windows becoming license included, the activation step (``activation``)."""
    sim = Simulation(seed=0, conversion_timings=ConversionTimings(billing=120, activation=60))
    sim.add_account(ACCOUNT_A)
    ec2, lm = sim.client("ec2", ACCOUNT_A), sim.client("license-manager", ACCOUNT_A)
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2, "RunInstances:0800"))
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance(119)
    assert conversion_task(lm, task_id)["Status"] == "IN_PROGRESS"
    assert billing(ec2, instance_id)[0] == "RunInstances:0800"
    sim.advance(2)
    task = conversion_task(lm, task_id)
    assert task["Status"] == "IN_PROGRESS" and billing(ec2, instance_id)[0] == "RunInstances:0002"
    assert (task["LicenseConversionTime"] - task["StartTime"]).total_seconds() == 120
    sim.advance(60)
    task = conversion_task(lm, task_id)
    assert task["Status"] == "SUCCEEDED" and (task["EndTime"] - task["StartTime"]).total_seconds() == 180


def test_instance_may_start_and_stop_while_the_task_runs(sim, ec2, lm):
    """"Prerequisites": while a task is in progress the instance can start and stop; the
    billing changes while it runs."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("1h")
    assert conversion_task(lm, task_id)["Status"] == "SUCCEEDED"
    assert described(ec2, instance_id)["State"]["Name"] == "running"
    assert billing(ec2, instance_id)[0] == "RunInstances:0800"


def test_task_fails_when_its_instance_moves_to_a_tenancy_the_code_is_not_permitted_on(sim, ec2, lm):
    """"Tenancy conversion limits" hold at the billing step too: moved to shared tenancy
    while converting to Windows BYOL, the task ends FAILED and the billing stays."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="default")
    sim.advance("1h")
    task = conversion_task(lm, task_id)
    assert task["Status"] == "FAILED" and "not permitted on shared tenancy" in task["StatusMessage"]
    assert "LicenseConversionTime" not in task and billing(ec2, instance_id)[0] == "RunInstances:0002"


def test_task_fails_when_its_instance_is_terminated(sim, ec2, lm):
    """A task whose instance is terminated before the billing step ends FAILED."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("1h")
    task = conversion_task(lm, task_id)
    assert task["Status"] == "FAILED" and "terminated" in task["StatusMessage"]


def test_activation_fault_and_recovery(sim, ec2, lm):
    """"Troubleshooting license type conversion": the billing products change but the KMS
    server does not switch; the task ends FAILED naming the activation step, the instance
    keeps its new usage operation, and switching to the AWS KMS server by hand activates
    Windows; the next conversion of the instance works."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2, "RunInstances:0800"))
    sim.faults.fail_conversion_activation(instance_id)
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    task = conversion_task(lm, task_id)
    assert task["Status"] == "FAILED" and "LicenseConversionTime" in task
    assert "Windows activation step failed" in task["StatusMessage"]
    assert "AWSSupport-ActivateWindowsWithAmazonLicense" in task["StatusMessage"]
    assert billing(ec2, instance_id)[0] == "RunInstances:0002"
    instance = sim.world.find_instance(instance_id)
    assert not instance.windows_activated
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    sim.set_kms_server(instance_id, "169.254.169.250")
    assert instance.windows_activated
    events = sim.timelines.events
    assert list(events[events.event_name == "WindowsActivationChange"].detail) == [
        "kms=169.254.169.250 activated=true"]
    actions = events[events.source == "action"]
    assert list(actions.event_name) == ["faults.fail_conversion_activation", "set_kms_server"]
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    again = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    assert conversion_task(lm, again)["Status"] == "SUCCEEDED"


def test_fault_and_kms_actions_check_their_input(sim, ec2):
    """The fault and the KMS action name what is wrong with their input."""
    (linux,) = launch(ec2)
    with pytest.raises(ValueError, match="not an instance"):
        sim.faults.fail_conversion_activation("i-0123456789abcdef0")
    with pytest.raises(ValueError, match="not Windows"):
        sim.faults.fail_conversion_activation(linux)
    with pytest.raises(ValueError, match="runs"):
        sim.set_kms_server(linux, "kms.example.com")  # pending, not running yet
    sim.advance("2m")
    with pytest.raises(ValueError, match="not Windows"):
        sim.set_kms_server(linux, "kms.example.com")


def test_conversions_timeline(sim, ec2, lm):
    """``sim.timelines.conversions``: a row when a task is created and one when it ends."""
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    task_id = convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    rows = sim.timelines.conversions
    assert list(rows.task_id) == [task_id] * 2 and list(rows.status) == ["IN_PROGRESS", "SUCCEEDED"]
    assert (rows.instance_id == instance_id).all() and list(rows.destination) == ["RunInstances:0800"] * 2
