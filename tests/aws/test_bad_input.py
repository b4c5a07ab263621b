"""Input botocore accepts but AWS refuses gets the service's error naming the field, never a
Python exception, and changes nothing."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import (
    over_http,
    ACCOUNT_A,
    LINUX,
    assert_refused,
    create_configuration,
    error_code,
    launch,
    public_ami,
)

NO_KEY = [{"ResourceType": "instance", "Tags": [{"Value": "no key"}]}]


def _instances(ec2) -> list:
    return ec2.describe_instances()["Reservations"]


@pytest.mark.parametrize("params, code, field", [
    # On the query wire an empty structure is not sent at all: only a client in-process can pass one.
    pytest.param({"LicenseSpecifications": [{}]}, "MissingParameter", "LicenseSpecifications[0].LicenseConfigurationArn",
                 marks=pytest.mark.in_process),
    ({"TagSpecifications": NO_KEY}, "InvalidParameterValue", "TagSpecifications[0].Tags[0]"),
])
def test_run_instances_members_the_model_leaves_optional(sim, ec2, params, code, field):
    """Members optional in the model but needed by EC2 are refused by name."""
    assert_refused(sim, code, lambda: launch(ec2, **params), lambda: _instances(ec2))
    with pytest.raises(ClientError) as excinfo:
        launch(ec2, **params)
    assert field in excinfo.value.response["Error"]["Message"]


def test_launch_template_members_the_model_leaves_optional(sim, ec2):
    """CreateLaunchTemplate refuses a license specification or a tag without its key member."""
    templates = lambda: ec2.describe_launch_templates()["LaunchTemplates"]  # noqa: E731
    data = {"ImageId": public_ami(ec2, LINUX), "InstanceType": "m5.large"}
    cases = [({"TagSpecifications": NO_KEY}, "InvalidParameterValue")]
    if not over_http():  # an empty structure is not sent on the query wire
        cases.append(({"LicenseSpecifications": [{}]}, "MissingParameter"))
    for extra, code in cases:
        assert_refused(sim, code, lambda extra=extra: ec2.create_launch_template(
            LaunchTemplateName="web", LaunchTemplateData={**data, **extra}), templates)


def test_allocate_hosts_tag_without_key(sim, ec2):
    """AllocateHosts refuses a tag without a key."""
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.allocate_hosts(
        AvailabilityZone="us-east-1a", InstanceType="m5.large", Quantity=1,
        TagSpecifications=[{"ResourceType": "dedicated-host", "Tags": [{"Value": "x"}]}]),
        lambda: ec2.describe_hosts()["Hosts"])


def test_license_manager_tags_without_key(sim, lm):
    """CreateLicenseConfiguration and TagResource refuse a tag without a key."""
    listing = lambda: lm.list_license_configurations()["LicenseConfigurations"]  # noqa: E731
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.create_license_configuration(
        Name="x", LicenseCountingType="vCPU", Tags=[{"Value": "v"}]), listing)
    arn = create_configuration(lm)
    assert_refused(sim, "InvalidParameterValueException",
                   lambda: lm.tag_resource(ResourceArn=arn, Tags=[{"Value": "v"}]), listing)


def test_instance_types_have_no_tag_filters(ec2):
    """DescribeInstanceTypes offers no tag filters: InvalidParameterValue naming the filter."""
    for name in ("tag:Name", "tag-key"):
        with pytest.raises(ClientError) as excinfo:
            ec2.describe_instance_types(Filters=[{"Name": name, "Values": ["x"]}])
        assert error_code(excinfo) == "InvalidParameterValue" and name in str(excinfo.value)


def test_number_like_strings(sim, ec2, lm):
    """Unicode digits and huge numbers in strings that hold numbers are refused, never parsed."""
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": public_ami(ec2, LINUX), "InstanceType": "m5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    for version in ("²", "9" * 5000):
        with pytest.raises(ClientError) as excinfo:
            ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateId": template, "Version": version})
        assert error_code(excinfo) == "InvalidLaunchTemplateId.VersionNotFound"
    listing = lambda: lm.list_license_configurations()["LicenseConfigurations"]  # noqa: E731
    for rule in ("#maximumVcpus=" + "9" * 5000, "#maximumVcpus=²", "#maximumVcpus=+4"):
        assert_refused(sim, "InvalidParameterValueException", lambda rule=rule: lm.create_license_configuration(
            Name="x", LicenseCountingType="vCPU", LicenseRules=[rule]), listing)
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.create_license_configuration(
        Name="x", LicenseCountingType="vCPU", LicenseCount=10**30), listing)


def test_account_ids_are_ascii_digits(sim):
    """Unicode digits or a trailing newline do not make an account id."""
    for bad in ("１１１１１１１１１１１１", "11111111111\n"):
        with pytest.raises(ValueError):
            sim.add_account(bad)
        with pytest.raises(ValueError):
            sim.client("ec2", bad)
    sim.create_organization(ACCOUNT_A)
    org = sim.client("organizations", ACCOUNT_A)
    with pytest.raises(ClientError) as excinfo:
        org.describe_account(AccountId="11111111111\n")
    assert error_code(excinfo) == "InvalidInputException"
