"""What License Manager lists about configurations, as AWS returns it, and the owner's
control over what its configurations track."""

from __future__ import annotations

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    assert_refused,
    associated,
    consumed,
    create_configuration,
    image_arn,
    instance_arn,
    launch,
    license_specs,
    license_state,
    summaries,
)

ORACLE = [{"ResourceType": "RDS", "ProductInformationFilterList": [
    {"ProductInformationFilterName": "Engine Edition", "ProductInformationFilterValue": ["oracle-ee"],
     "ProductInformationFilterComparator": "EQUALS"}]}]


def test_summary_lists_name_every_resource_type(lm):
    """The AWS CLI's list-license-configurations example: ConsumedLicenseSummaryList lists
    EC2_INSTANCE, EC2_HOST and SYSTEMS_MANAGER_MANAGED_INSTANCE, ManagedResourceSummaryList
    also EC2_AMI, with 0 when unused; DisassociateWhenNotFound is false when not set."""
    create_configuration(lm, "Core", count=10)
    (listed,) = lm.list_license_configurations()["LicenseConfigurations"]
    assert listed["ConsumedLicenseSummaryList"] == [
        {"ResourceType": "EC2_INSTANCE", "ConsumedLicenses": 0}, {"ResourceType": "EC2_HOST", "ConsumedLicenses": 0},
        {"ResourceType": "SYSTEMS_MANAGER_MANAGED_INSTANCE", "ConsumedLicenses": 0}]
    assert listed["ManagedResourceSummaryList"] == [
        {"ResourceType": t, "AssociationCount": 0}
        for t in ("EC2_INSTANCE", "EC2_HOST", "EC2_AMI", "SYSTEMS_MANAGER_MANAGED_INSTANCE")]
    assert listed["DisassociateWhenNotFound"] is False
    assert "AutomatedDiscoveryInformation" not in listed


def test_automated_discovery_information_with_product_information(sim, lm):
    """A configuration with product information reports AutomatedDiscoveryInformation; RDS
    products add the RDS resource type to the summaries."""
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    arn = create_configuration(lm, "vCPU", hard=False, name="oracle", ProductInformationList=ORACLE)
    cfg = lm.get_license_configuration(LicenseConfigurationArn=arn)
    assert "AutomatedDiscoveryInformation" in cfg
    consumed_by, managed = summaries(cfg)
    assert consumed_by["RDS"] == 0 and managed["RDS"] == 0


def test_page_size_is_clamped_not_refused(lm):
    """The model puts no bound on License Manager's MaxResults: a large page size is served."""
    for n in range(3):
        create_configuration(lm, name=f"c{n}")
    page = lm.list_license_configurations(MaxResults=100_000)
    assert len(page["LicenseConfigurations"]) == 3 and "NextToken" not in page


def test_repeated_arns_are_answered_once(lm, ec2):
    """ListLicenseConfigurations and DescribeImages answer once per resource, as
    DescribeInstances does, however often an id is repeated."""
    arn = create_configuration(lm)
    assert len(lm.list_license_configurations(LicenseConfigurationArns=[arn, arn, arn])["LicenseConfigurations"]) == 1
    image = ec2.register_image(Name="golden")["ImageId"]
    assert len(ec2.describe_images(ImageIds=[image, image])["Images"]) == 1


def test_owner_disassociates_member_instances_then_deletes(sim, ec2, lm):
    """Troubleshooting, "Master account cannot disassociate resources": the management account
    may disassociate member resources its configuration tracks (unless the member removed its
    service-linked role, which the simulation does not model), so it can delete the configuration."""
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    arn = create_configuration(lm, "vCPU", count=100)
    image = ec2.register_image(Name="golden")["ImageId"]
    ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"UserId": ACCOUNT_B}]})
    lm.update_license_specifications_for_resource(ResourceArn=image_arn(image),
                                                  AddLicenseSpecifications=license_specs(arn, scope="cross-account"))
    ec2_b = sim.client("ec2", ACCOUNT_B)
    (member,) = launch(ec2_b, image=image)
    assert consumed(lm, arn) == 2
    member_arn = instance_arn(ACCOUNT_B, member)
    other = create_configuration(lm, name="other")
    for change in ("RemoveLicenseSpecifications", "AddLicenseSpecifications"):
        assert_refused(sim, "InvalidParameterValueException", lambda change=change: (
            lm.update_license_specifications_for_resource(ResourceArn=member_arn, **{change: license_specs(other)})),
            license_state([ec2_b], lm, [arn, other]))
    lm.update_license_specifications_for_resource(ResourceArn=member_arn,
                                                  RemoveLicenseSpecifications=license_specs(arn))
    lm.update_license_specifications_for_resource(ResourceArn=image_arn(image),
                                                  RemoveLicenseSpecifications=license_specs(arn))
    assert consumed(lm, arn) == 0 and associated(lm, arn) == []
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
