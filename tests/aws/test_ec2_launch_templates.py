"""Launch templates through boto3: CreateLaunchTemplate, DescribeLaunchTemplates, and
RunInstances from a template (versions, and how the call's parameters merge with the
template's)."""

from __future__ import annotations

import pytest

from tests.helpers import ACCOUNT_A, LINUX, WINDOWS, assert_refused, iam_user, public_ami

UNKNOWN_ID = "lt-0123456789abcdef0"
NO_SUCH_LICENSE = ("arn:aws:license-manager:us-east-1:111111111111:license-configuration:"
                   "lic-0123456789abcdef0123456789abcdef")


def refused(sim, ec2, code: str, call) -> None:
    """``call()`` fails with ``code`` and changes nothing: no world event, same templates and instances."""
    assert_refused(sim, code, call, lambda: ec2.describe_launch_templates()["LaunchTemplates"],
                   lambda: ec2.describe_instances()["Reservations"])


def tags(*pairs: tuple[str, str], resource: str = "instance") -> list[dict]:
    """TagSpecifications for one resource type."""
    return [{"ResourceType": resource, "Tags": [{"Key": k, "Value": v} for k, v in pairs]}]


def create(ec2, name: str = "web", **data) -> dict:
    """Create a template whose data is an Amazon Linux m5.large plus ``data``; its description."""
    data = {"ImageId": public_ami(ec2, LINUX), "InstanceType": "m5.large", **data}
    return ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)["LaunchTemplate"]


def launch(ec2, template: dict, **params) -> dict:
    """Run one instance from ``template`` (a LaunchTemplate specification); the instance as described."""
    reservation = ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate=template, **params)
    instance_id = reservation["Instances"][0]["InstanceId"]
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def names(ec2, **params) -> list[str]:
    """The names DescribeLaunchTemplates returns."""
    return [t["LaunchTemplateName"] for t in ec2.describe_launch_templates(**params)["LaunchTemplates"]]


# -- CreateLaunchTemplate ---------------------------------------------------------------------


def test_create_returned_fields(sim, ec2):
    """CreateLaunchTemplate returns an lt- id, version 1 as default and latest, the time and the root principal."""
    sim.advance("2h")
    template = create(ec2)
    assert template["LaunchTemplateId"].startswith("lt-") and len(template["LaunchTemplateId"]) == 20
    assert template["LaunchTemplateName"] == "web" and template["CreateTime"] == sim.now
    assert (template["DefaultVersionNumber"], template["LatestVersionNumber"]) == (1, 1)
    assert template["CreatedBy"] == f"arn:aws:iam::{ACCOUNT_A}:root"
    assert "Tags" not in template


def test_created_by_is_the_callers_principal(sim):
    """CreatedBy is the ARN of the IAM user that called CreateLaunchTemplate."""
    user = iam_user(sim, ACCOUNT_A, "alice")
    ec2 = sim.client("ec2", ACCOUNT_A, principal=user)
    assert create(ec2)["CreatedBy"] == user
    assert ec2.describe_launch_templates()["LaunchTemplates"][0]["CreatedBy"] == user


def test_create_with_template_tags(ec2):
    """Tags of resource type launch-template are on the template itself."""
    template = ec2.create_launch_template(
        LaunchTemplateName="tagged", LaunchTemplateData={"InstanceType": "m5.large"},
        TagSpecifications=tags(("team", "web"), resource="launch-template"),
    )["LaunchTemplate"]
    assert template["Tags"] == [{"Key": "team", "Value": "web"}]
    described = ec2.describe_launch_templates(LaunchTemplateIds=[template["LaunchTemplateId"]])
    assert described["LaunchTemplates"][0]["Tags"] == [{"Key": "team", "Value": "web"}]


def test_duplicate_name(sim, ec2):
    """A second template with the same name is InvalidLaunchTemplateName.AlreadyExistsException."""
    create(ec2)
    refused(sim, ec2, "InvalidLaunchTemplateName.AlreadyExistsException", lambda: create(ec2, InstanceType="c5.large"))
    assert ec2.describe_launch_templates()["LaunchTemplates"][0]["LatestVersionNumber"] == 1


def test_same_name_in_another_account(ec2, ec2_b):
    """Template names are per account: account B may use the name account A uses."""
    mine, theirs = create(ec2), create(ec2_b)
    assert mine["LaunchTemplateId"] != theirs["LaunchTemplateId"]
    assert names(ec2) == names(ec2_b) == ["web"]


@pytest.mark.parametrize("name", ["web server", "web!", "x" * 129, "naïve"])
def test_malformed_name(sim, ec2, name):
    """A name outside 3-128 characters of letters, digits and ( ) . - / _ is MalformedException."""
    refused(sim, ec2, "InvalidLaunchTemplateName.MalformedException", lambda: create(ec2, name))


@pytest.mark.parametrize("name", ["abc", "a" * 128, "web(1).v-2/blue_green"])
def test_well_formed_names(ec2, name):
    """Names of 3 and 128 characters using every allowed punctuation mark are accepted."""
    assert create(ec2, name)["LaunchTemplateName"] == name


@pytest.mark.parametrize("data, code", [
    ({"InstanceType": "m5.huge"}, "InvalidParameterValue"),
    ({"InstanceType": "t9.micro"}, "InvalidParameterValue"),
    ({"ImageId": "ami-xyz"}, "InvalidAMIID.Malformed"),
    ({"Placement": {"Tenancy": "shared"}}, "InvalidParameterValue"),
    ({"Placement": {"Tenancy": "host", "HostId": "host-1"}}, "InvalidHostID.Malformed"),
    ({"CpuOptions": {"CoreCount": 0}}, "InvalidParameterValue"),
    ({"TagSpecifications": tags(("k", "v"), resource="launch-template")}, "InvalidParameterValue"),
    ({"TagSpecifications": tags(("aws:reserved", "v"))}, "InvalidParameterValue"),
])
def test_bad_launch_template_data(sim, ec2, data, code):
    """Bad LaunchTemplateData fails with the exact code and creates nothing."""
    refused(sim, ec2, code, lambda: create(ec2, **data))


# -- DescribeLaunchTemplates ------------------------------------------------------------------


def test_describe_by_ids_names_and_filter(ec2):
    """Templates are found by ids, by names and with the launch-template-name filter."""
    web, dbs, batch = create(ec2, "web"), create(ec2, "dbs"), create(ec2, "batch-web")
    assert names(ec2) == ["web", "dbs", "batch-web"]
    assert names(ec2, LaunchTemplateIds=[dbs["LaunchTemplateId"], web["LaunchTemplateId"]]) == ["dbs", "web"]
    assert names(ec2, LaunchTemplateNames=["batch-web"]) == ["batch-web"]
    assert names(ec2, Filters=[{"Name": "launch-template-name", "Values": ["*web"]}]) == ["web", "batch-web"]
    assert names(ec2, Filters=[{"Name": "launch-template-name", "Values": ["dbs", "nope"]}]) == ["dbs"]
    described = ec2.describe_launch_templates(LaunchTemplateIds=[batch["LaunchTemplateId"]])["LaunchTemplates"]
    assert described == [batch]


def test_describe_pagination(ec2):
    """MaxResults 1 pages through three templates in creation order."""
    for name in ("one", "two", "three"):
        create(ec2, name)
    seen, token = [], None
    while True:
        page = ec2.describe_launch_templates(MaxResults=1, **({"NextToken": token} if token else {}))
        seen += [t["LaunchTemplateName"] for t in page["LaunchTemplates"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ["one", "two", "three"]


def test_describe_same_template_twice(ec2):
    """A template named twice by id and once by name is described once."""
    template = create(ec2)
    described = ec2.describe_launch_templates(LaunchTemplateIds=[template["LaunchTemplateId"]] * 2,
                                              LaunchTemplateNames=["web"])["LaunchTemplates"]
    assert described == [template]


@pytest.mark.parametrize("params, code", [
    ({"LaunchTemplateIds": [UNKNOWN_ID]}, "InvalidLaunchTemplateId.NotFound"),
    ({"LaunchTemplateIds": ["lt-123"]}, "InvalidLaunchTemplateId.Malformed"),
    ({"LaunchTemplateIds": ["template-0123456789abcdef0"]}, "InvalidLaunchTemplateId.Malformed"),
    ({"LaunchTemplateNames": ["nope"]}, "InvalidLaunchTemplateName.NotFoundException"),
    ({"Filters": [{"Name": "colour", "Values": ["red"]}]}, "InvalidParameterValue"),
    ({"NextToken": "bm9wZQ=="}, "InvalidParameterValue"),
])
def test_describe_errors(sim, ec2, params, code):
    """Unknown or malformed ids, unknown names, filters and tokens fail with the exact code."""
    create(ec2)
    refused(sim, ec2, code, lambda: ec2.describe_launch_templates(**params))


def test_other_account_cannot_see_template(sim, ec2, ec2_b):
    """Account B sees none of account A's templates, by listing, by id or by name."""
    template = create(ec2)
    assert ec2_b.describe_launch_templates()["LaunchTemplates"] == []
    refused(sim, ec2_b, "InvalidLaunchTemplateId.NotFound",
            lambda: ec2_b.describe_launch_templates(LaunchTemplateIds=[template["LaunchTemplateId"]]))
    refused(sim, ec2_b, "InvalidLaunchTemplateName.NotFoundException",
            lambda: ec2_b.describe_launch_templates(LaunchTemplateNames=["web"]))


# -- RunInstances from a template -------------------------------------------------------------


@pytest.mark.parametrize("version", [None, "$Latest", "$Default", "1"])
@pytest.mark.parametrize("by", ["LaunchTemplateId", "LaunchTemplateName"])
def test_run_from_template(ec2, by, version):
    """RunInstances takes image and type from the template, by id or name, at each way of naming version 1."""
    template = create(ec2, Placement={"AvailabilityZone": "us-east-1c"})
    spec = {by: template[by], **({"Version": version} if version else {})}
    instance = launch(ec2, spec)
    assert instance["ImageId"] == public_ami(ec2, LINUX) and instance["InstanceType"] == "m5.large"
    assert instance["Placement"]["AvailabilityZone"] == "us-east-1c"


@pytest.mark.parametrize("spec, code", [
    ({"LaunchTemplateName": "web", "Version": "2"}, "InvalidLaunchTemplateId.VersionNotFound"),
    ({"LaunchTemplateName": "web", "Version": "0"}, "InvalidLaunchTemplateId.VersionNotFound"),
    ({"LaunchTemplateName": "web", "Version": "$Newest"}, "InvalidLaunchTemplateId.VersionNotFound"),
    ({"LaunchTemplateId": UNKNOWN_ID}, "InvalidLaunchTemplateId.NotFound"),
    ({"LaunchTemplateId": "lt-1"}, "InvalidLaunchTemplateId.Malformed"),
    ({"LaunchTemplateName": "nope"}, "InvalidLaunchTemplateName.NotFoundException"),
    ({"LaunchTemplateName": "web", "LaunchTemplateId": UNKNOWN_ID}, "InvalidParameterCombination"),
    ({"Version": "1"}, "MissingParameter"),
])
def test_run_with_bad_template_reference(sim, ec2, spec, code):
    """A bad template, version or reference launches nothing."""
    create(ec2)
    refused(sim, ec2, code, lambda: launch(ec2, spec))


def test_run_with_template_of_another_account(sim, ec2, ec2_b):
    """Account B cannot launch from account A's template by id."""
    template = create(ec2)
    refused(sim, ec2_b, "InvalidLaunchTemplateId.NotFound",
            lambda: launch(ec2_b, {"LaunchTemplateId": template["LaunchTemplateId"]}))


def test_call_instance_type_overrides_template(ec2):
    """The call's InstanceType and ImageId win over the template's."""
    create(ec2)
    instance = launch(ec2, {"LaunchTemplateName": "web"}, InstanceType="c5.xlarge", ImageId=public_ami(ec2, WINDOWS))
    assert instance["InstanceType"] == "c5.xlarge"
    assert instance["ImageId"] == public_ami(ec2, WINDOWS) and instance["Platform"] == "windows"


def test_placement_fields_merge(ec2):
    """The template's AvailabilityZone and the call's Tenancy both apply; a field both give takes the call's."""
    create(ec2, Placement={"AvailabilityZone": "us-east-1b", "Tenancy": "default"})
    merged = launch(ec2, {"LaunchTemplateName": "web"}, Placement={"Tenancy": "dedicated"})["Placement"]
    assert (merged["AvailabilityZone"], merged["Tenancy"]) == ("us-east-1b", "dedicated")
    moved = launch(ec2, {"LaunchTemplateName": "web"}, Placement={"AvailabilityZone": "us-east-1d"})["Placement"]
    assert (moved["AvailabilityZone"], moved["Tenancy"]) == ("us-east-1d", "default")


def test_template_host_placement_with_call_host_id(ec2):
    """A template with Tenancy host and a call with HostId place the instance on that host."""
    host_id = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceType="m5.large")["HostIds"][0]
    create(ec2, Placement={"Tenancy": "host", "Affinity": "host"})
    placed = launch(ec2, {"LaunchTemplateName": "web"}, Placement={"HostId": host_id})["Placement"]
    assert (placed["Tenancy"], placed["HostId"], placed["Affinity"]) == ("host", host_id, "host")


def test_license_specifications_add_up(sim, ec2):
    """License configurations of the template and of the call both end up in the instance's Licenses."""
    # License Manager refuses ARNs of configurations that do not exist, so these are real ones.
    lm = sim.client("license-manager", ACCOUNT_A)
    lic_1, lic_2 = (lm.create_license_configuration(Name=name, LicenseCountingType="vCPU")["LicenseConfigurationArn"]
                    for name in ("template-licenses", "call-licenses"))
    assert lic_1.startswith(f"arn:aws:license-manager:us-east-1:{ACCOUNT_A}:license-configuration:lic-")
    create(ec2, LicenseSpecifications=[{"LicenseConfigurationArn": lic_1}])
    instance = launch(ec2, {"LaunchTemplateName": "web"}, LicenseSpecifications=[{"LicenseConfigurationArn": lic_2}])
    assert instance["Licenses"] == [{"LicenseConfigurationArn": lic_1}, {"LicenseConfigurationArn": lic_2}]
    again = launch(ec2, {"LaunchTemplateName": "web"}, LicenseSpecifications=[{"LicenseConfigurationArn": lic_1}])
    assert again["Licenses"] == [{"LicenseConfigurationArn": lic_1}]
    assert launch(ec2, {"LaunchTemplateName": "web"})["Licenses"] == [{"LicenseConfigurationArn": lic_1}]


def test_tags_add_up(ec2):
    """Instance tags of the template and of the call add up; the call's value wins for a shared key."""
    create(ec2, TagSpecifications=tags(("app", "web"), ("env", "test")))
    instance = launch(ec2, {"LaunchTemplateName": "web"}, TagSpecifications=tags(("env", "prod"), ("owner", "ops")))
    assert sorted((t["Key"], t["Value"]) for t in instance["Tags"]) == [
        ("app", "web"), ("env", "prod"), ("owner", "ops")]
    plain = launch(ec2, {"LaunchTemplateName": "web"})
    assert sorted((t["Key"], t["Value"]) for t in plain["Tags"]) == [("app", "web"), ("env", "test")]


@pytest.mark.parametrize("params, code", [
    ({"InstanceType": "m5.huge"}, "InvalidParameterValue"),
    ({"ImageId": "ami-0123456789abcdef0"}, "InvalidAMIID.NotFound"),
    ({"Placement": {"Tenancy": "default", "Affinity": "host"}}, "InvalidParameterCombination"),
    ({"Placement": {"AvailabilityZone": "us-east-1z"}}, "InvalidParameterValue"),
    ({"TagSpecifications": tags(("k", "v"), resource="launch-template")}, "InvalidParameterValue"),
    ({"LicenseSpecifications": [{"LicenseConfigurationArn": NO_SUCH_LICENSE}]}, "InvalidParameterValue"),
])
def test_bad_call_parameters_over_template(sim, ec2, params, code):
    """Bad call parameters fail even when the template is good; nothing launches."""
    create(ec2)
    refused(sim, ec2, code, lambda: launch(ec2, {"LaunchTemplateName": "web"}, **params))


def test_template_without_instance_type(sim, ec2):
    """A template without InstanceType launches m1.small, as RunInstances defaults it (EC2 API
    reference, RunInstances InstanceType: "Default: m1.small"); the call's type wins."""
    ec2.create_launch_template(LaunchTemplateName="bare", LaunchTemplateData={"ImageId": public_ami(ec2, LINUX)})
    assert launch(ec2, {"LaunchTemplateName": "bare"})["InstanceType"] == "m1.small"
    assert launch(ec2, {"LaunchTemplateName": "bare"}, InstanceType="r5.large")["InstanceType"] == "r5.large"


def test_describe_unknown_names_and_ids(ec2):
    """DescribeLaunchTemplates naming a template that does not exist: EC2's codes, with its one
    message for both ("At least one of the launch templates specified in the request does not
    exist.")."""
    ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={"InstanceType": "t3.micro"})
    message = "At least one of the launch templates specified in the request does not exist."
    for params, code in (({"LaunchTemplateNames": ["web", "missing"]}, "InvalidLaunchTemplateName.NotFoundException"),
                         ({"LaunchTemplateIds": ["lt-0123456789abcdef0"]}, "InvalidLaunchTemplateId.NotFound")):
        with pytest.raises(ec2.exceptions.ClientError) as excinfo:
            ec2.describe_launch_templates(**params)
        assert excinfo.value.response["Error"] == {"Code": code, "Message": message}
