"""License Manager follows license type conversions: the License Included rules of
automated discovery, which configurations an instance's license type consumes, hard limits,
and Core counting on Dedicated Hosts."""

from __future__ import annotations

from tests.helpers import (
    ACCOUNT_A,
    associate,
    associated,
    billing,
    configuration,
    consumed,
    conversion_task,
    convert,
    convertible,
    create_configuration,
    discover,
    failures,
    imported_windows,
    instance_arn,
    kinds,
    launch,
    license_specs,
    product_filter,
)

NOT_WINDOWS_LI = product_filter("License Included", ["windows-server-datacenter"], "NOT_EQUALS")
NOT_SQL_ENTERPRISE_LI = product_filter("License Included", ["sql-server-enterprise"], "NOT_EQUALS")


def rule(*filters: dict) -> dict:
    """An SSM_MANAGED automated discovery rule."""
    return {"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": list(filters)}


def recounted(sim, arn: str) -> int:
    """The configuration's consumption recounted from scratch."""
    return sim.license_manager.views.recount(arn)


def test_two_license_included_rules_disassociate(sim, ec2, lm):
    """"Convert a license type": with two automated discovery rules that each exclude
    license included Windows Server, a conversion from BYOL to license included Windows
    Server disassociates the instance."""
    windows = product_filter("Platform Type", ["Windows"])
    arn = create_configuration(lm, "vCPU", name="windows-byol", ProductInformationList=[
        rule(windows, NOT_WINDOWS_LI), rule(product_filter("Application Name", ["Notepad++"]), NOT_WINDOWS_LI)])
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2, "RunInstances:0800"))
    assert associated(lm, arn) == [instance_arn(ACCOUNT_A, instance_id)]
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    assert associated(lm, arn) == []


def test_one_license_included_rule_of_two_keeps_the_instance(sim, ec2, lm):
    """"Convert a license type": if only one of the two rules has a License Included rule,
    the instance is not disassociated (and keeps counting: the other rule still applies)."""
    windows = product_filter("Platform Type", ["Windows"])
    arn = create_configuration(lm, "vCPU", name="windows-any", ProductInformationList=[
        rule(windows, NOT_WINDOWS_LI), rule(windows)])
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2, "RunInstances:0800"))
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    assert associated(lm, arn) == [instance_arn(ACCOUNT_A, instance_id)]
    ec2.start_instances(InstanceIds=[instance_id])
    assert consumed(lm, arn) == 4 == recounted(sim, arn)


def test_license_included_instances_stop_consuming_byol_configurations(sim, ec2, lm):
    """License included SQL Server Enterprise consumes no BYOL SQL Server Enterprise licenses
    (the configuration's License Included rule excludes it); converted to BYOL it does, and
    converted back it stops again; a configuration without License Included rules counts
    every license type. Consumption equals a recount throughout."""
    byol = create_configuration(lm, "vCPU", 64, name="sql-ent-byol",
                                ProductInformationList=[rule(NOT_SQL_ENTERPRISE_LI)])
    plain = create_configuration(lm, "Instance", name="any-software")
    image = imported_windows(sim, ec2, "RunInstances:0102")
    instance_id = convertible(sim, ec2, image, "m5.2xlarge", tenancy="default", sql="Enterprise",
                              LicenseSpecifications=license_specs(byol, plain))
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert (consumed(lm, byol), consumed(lm, plain)) == (0, 1)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0102", "RunInstances:0002")
    ec2.start_instances(InstanceIds=[instance_id])  # starts during the task: the billing changes while it runs
    sim.advance("1h")
    assert (consumed(lm, byol), consumed(lm, plain)) == (8, 1)
    assert recounted(sim, byol) == 8 and recounted(sim, plain) == 1
    sim.advance("2m")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0102")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("1h")
    assert (consumed(lm, byol), consumed(lm, plain)) == (0, 1) == (recounted(sim, byol), recounted(sim, plain))


def test_rules_changed_after_the_fact_recount_running_instances(sim, ec2, lm):
    """Giving a configuration a License Included rule later stops the license-included
    instances it tracks from consuming at once (and removing it counts them again)."""
    arn = create_configuration(lm, "vCPU", name="sql-ent")
    image = imported_windows(sim, ec2, "RunInstances:0102")
    (instance_id,) = launch(ec2, "m5.2xlarge", image=image, licenses=[arn])
    assert consumed(lm, arn) == 8
    lm.update_license_configuration(LicenseConfigurationArn=arn, ProductInformationList=[rule(NOT_SQL_ENTERPRISE_LI)])
    assert consumed(lm, arn) == 0 == recounted(sim, arn)
    lm.update_license_configuration(LicenseConfigurationArn=arn, ProductInformationList=[
        rule(product_filter("Platform Type", ["Windows"]))])
    assert consumed(lm, arn) == 8 == recounted(sim, arn)


def test_hard_limit_blocks_a_conversion_as_it_would_block_a_start(sim, ec2, lm):
    """A conversion that makes a hard-limited BYOL configuration count the instance is
    judged as its start would be: refused past the count, recorded as a blocked violation
    and a failure of the operation; one that fits goes ahead."""
    byol = create_configuration(lm, "vCPU", 12, name="sql-ent-byol",
                                ProductInformationList=[rule(NOT_SQL_ENTERPRISE_LI)])
    image = imported_windows(sim, ec2, "RunInstances:0102")
    first, second = (convertible(sim, ec2, image, "m5.2xlarge", sql="Enterprise",
                                 LicenseSpecifications=license_specs(byol)) for _ in range(2))
    convert(lm, ACCOUNT_A, first, "RunInstances:0102", "RunInstances:0800")
    sim.advance("1h")
    ec2.start_instances(InstanceIds=[first])
    sim.advance("2m")
    assert consumed(lm, byol) == 8
    try:
        convert(lm, ACCOUNT_A, second, "RunInstances:0102", "RunInstances:0800")
    except lm.exceptions.ValidationException as error:
        assert "4 of 12 vCPU licenses are available and the request needs 8" in str(error)
    else:
        raise AssertionError("the conversion past the hard limit went ahead")
    assert kinds(sim, byol) == [("hard_limit", "blocked")]
    assert [f["OperationName"] for f in failures(lm, byol)] == ["CreateLicenseConversionTaskForResource"]
    ec2.stop_instances(InstanceIds=[first])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, second, "RunInstances:0102", "RunInstances:0800")


def test_hard_limit_fails_a_task_whose_instance_started_meanwhile(sim, ec2, lm):
    """At the billing step a running instance would start counting at once: past a hard
    limit the task ends FAILED, the billing unchanged."""
    byol = create_configuration(lm, "vCPU", 8, name="sql-ent-byol",
                                ProductInformationList=[rule(NOT_SQL_ENTERPRISE_LI)])
    image = imported_windows(sim, ec2, "RunInstances:0102")
    first, second = (convertible(sim, ec2, image, "m5.2xlarge", sql="Enterprise",
                                 LicenseSpecifications=license_specs(byol)) for _ in range(2))
    fits = convert(lm, ACCOUNT_A, second, "RunInstances:0102", "RunInstances:0800")
    ec2.start_instances(InstanceIds=[second])
    late = convert(lm, ACCOUNT_A, first, "RunInstances:0102", "RunInstances:0800")  # fits while second is LI
    ec2.start_instances(InstanceIds=[first])
    sim.advance("1h")
    assert conversion_task(lm, fits)["Status"] == "SUCCEEDED"
    task = conversion_task(lm, late)
    assert task["Status"] == "FAILED" and "0 of 8 vCPU licenses are available" in task["StatusMessage"]
    assert billing(ec2, first)[0] == "RunInstances:0102"
    assert consumed(lm, byol) == 8 == recounted(sim, byol)


def test_core_consumption_starts_and_ends_with_host_tenancy(sim, ec2, lm):
    """"Tenancy conversion": Windows Server Datacenter BYOL per core counts the host's cores
    while a BYOL instance runs on it; moved there from a Dedicated Instance and converted, the
    instance counts; converted back to license included it stops, and the licenses stay bound
    to the host for the affinity period."""
    (host_id,) = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on",
                                    Quantity=1)["HostIds"]
    cores = create_configuration(lm, "Core", 96, name="windows-datacenter", rules=["#licenseAffinityToHost=1"],
                                 ProductInformationList=[rule(NOT_WINDOWS_LI)])
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    associate(lm, instance_arn(ACCOUNT_A, instance_id), cores)
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", Affinity="default")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert consumed(lm, cores) == 48 == recounted(sim, cores)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    ec2.start_instances(InstanceIds=[instance_id])
    cfg = configuration(lm, cores)
    assert cfg["ConsumedLicenses"] == 48 == recounted(sim, cores)  # bound to the host for a day
    assert sim.license_manager.state.configurations[cores].bound == 48
    sim.advance("2d")
    assert consumed(lm, cores) == 0 == recounted(sim, cores)
    assert host_id in {h["HostId"] for h in ec2.describe_hosts()["Hosts"]}


def test_discovery_rules_and_pass_agree_after_a_conversion(sim, ec2, lm):
    """A discovering configuration for BYOL Windows finds the converted instance at its next
    pass and counts it, equal to a recount."""
    arn = create_configuration(lm, "vCPU", name="windows-byol", ProductInformationList=[
        rule(product_filter("Platform Type", ["Windows"]), NOT_WINDOWS_LI)])
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    assert associated(lm, arn) == []
    convert(lm, ACCOUNT_A, instance_id, "RunInstances:0002", "RunInstances:0800")
    sim.advance("1h")
    ec2.start_instances(InstanceIds=[instance_id])
    discover(sim)
    assert associated(lm, arn) == [instance_arn(ACCOUNT_A, instance_id)]
    assert consumed(lm, arn) == 4 == recounted(sim, arn)
