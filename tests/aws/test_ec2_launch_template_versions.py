"""Launch template versions through a genuine boto3 client: new versions from a source
version with overrides, $Latest, $Default and ranges, the default version, deletions, and
the Warning CreateLaunchTemplate answers an unusable AMI with."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import LINUX, WINDOWS, error_code, public_ami


def _numbers(ec2, **params) -> list[int]:
    return [v["VersionNumber"] for v in ec2.describe_launch_template_versions(**params)["LaunchTemplateVersions"]]


def test_versions_from_a_source_version_with_overrides(ec2):
    """CreateLaunchTemplateVersion keeps the source version's parameters except those given;
    RunInstances launches $Latest, $Default (the default) or a number."""
    linux, windows = public_ami(ec2, LINUX), public_ami(ec2, WINDOWS)
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": linux, "InstanceType": "m5.large", "KeyName": "missing-is-checked-at-launch",
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "tier", "Value": "web"}]}]})
    second = ec2.create_launch_template_version(
        LaunchTemplateName="web", SourceVersion="1", VersionDescription="new image",
        LaunchTemplateData={"ImageId": windows})
    data = second["LaunchTemplateVersion"]["LaunchTemplateData"]
    assert data["ImageId"] == windows and data["InstanceType"] == "m5.large"
    assert data["TagSpecifications"][0]["Tags"] == [{"Key": "tier", "Value": "web"}]
    ec2.create_launch_template_version(LaunchTemplateName="web", LaunchTemplateData={"ImageId": linux})
    assert _numbers(ec2, LaunchTemplateName="web") == [1, 2, 3]
    assert _numbers(ec2, LaunchTemplateName="web", Versions=["$Latest", "$Default"]) == [1, 3]
    assert _numbers(ec2, LaunchTemplateName="web", MinVersion="2", MaxVersion="3") == [2, 3]
    third = ec2.describe_launch_template_versions(LaunchTemplateName="web", Versions=["3"])["LaunchTemplateVersions"]
    assert "InstanceType" not in third[0]["LaunchTemplateData"]  # no source version: only what was given
    ec2.modify_launch_template(LaunchTemplateName="web", DefaultVersion="2")
    template = ec2.describe_launch_templates(LaunchTemplateNames=["web"])["LaunchTemplates"][0]
    assert (template["DefaultVersionNumber"], template["LatestVersionNumber"]) == (2, 3)
    assert _numbers(ec2, Versions=["$Default"]) == [2]
    assert _numbers(ec2, LaunchTemplateName="web", Filters=[{"Name": "is-default-version", "Values": ["true"]}]) == [2]


def test_launches_use_the_version_asked_for(ec2):
    """RunInstances with LaunchTemplate Version $Latest, $Default or a number."""
    linux, windows = public_ami(ec2, LINUX), public_ami(ec2, WINDOWS)
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"ImageId": linux,
                                                                             "InstanceType": "m5.large"})
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="$Latest",
                                       LaunchTemplateData={"ImageId": windows})
    image = lambda version: ec2.run_instances(  # noqa: E731
        LaunchTemplate={"LaunchTemplateName": "web", **({"Version": version} if version else {})}, MinCount=1,
        MaxCount=1)["Instances"][0]["ImageId"]
    assert (image(None), image("$Default"), image("$Latest"), image("2")) == (linux, linux, windows, windows)


def test_deleting_versions_and_templates(sim, ec2):
    """DeleteLaunchTemplateVersions deletes the versions it can and reports the default one
    and unknown ones as unsuccessful; DeleteLaunchTemplate deletes the template."""
    ec2.create_launch_template(LaunchTemplateName="app", LaunchTemplateData={"InstanceType": "m5.large"})
    for _ in range(2):
        ec2.create_launch_template_version(LaunchTemplateName="app", LaunchTemplateData={"InstanceType": "c5.large"})
    result = ec2.delete_launch_template_versions(LaunchTemplateName="app", Versions=["1", "2", "9"])
    assert [v["VersionNumber"] for v in result["SuccessfullyDeletedLaunchTemplateVersions"]] == [2]
    failed = {v["VersionNumber"]: v["ResponseError"]["Code"] for v in
              result["UnsuccessfullyDeletedLaunchTemplateVersions"]}
    assert failed == {1: "unexpectedError", 9: "launchTemplateVersionDoesNotExist"}
    assert _numbers(ec2, LaunchTemplateName="app") == [1, 3]
    with pytest.raises(ClientError) as excinfo:
        ec2.modify_launch_template(LaunchTemplateName="app", DefaultVersion="2")
    assert error_code(excinfo) == "InvalidLaunchTemplateId.VersionNotFound"
    ec2.delete_launch_template(LaunchTemplateName="app")
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []
    with pytest.raises(ClientError) as excinfo:
        ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "app"}, MinCount=1, MaxCount=1)
    assert error_code(excinfo) == "InvalidLaunchTemplateName.NotFoundException"


def test_an_unusable_ami_is_a_warning_not_an_error(ec2):
    """CreateLaunchTemplate with an AMI the account cannot launch creates the template and
    returns the problem in Warning, as EC2 does; launching from it then fails."""
    created = ec2.create_launch_template(LaunchTemplateName="stale", LaunchTemplateData={
        "ImageId": "ami-0123456789abcdef0", "InstanceType": "m5.large"})
    assert created["Warning"]["Errors"][0]["Code"] == "InvalidAMIID.NotFound"
    assert created["LaunchTemplate"]["LatestVersionNumber"] == 1
    with pytest.raises(ClientError) as excinfo:
        ec2.run_instances(LaunchTemplate={"LaunchTemplateName": "stale"}, MinCount=1, MaxCount=1)
    assert error_code(excinfo) == "InvalidAMIID.NotFound"
    fine = ec2.create_launch_template(LaunchTemplateName="fine", LaunchTemplateData={
        "ImageId": public_ami(ec2, LINUX)})
    assert "Warning" not in fine
