"""EC2 AMI operations (catalog, create, copy, register, deregister, share, import) via boto3."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    LINUX,
    SQL_STANDARD,
    WINDOWS,
    error_code,
    public_ami,
    states,
)

DISK = [{"Format": "VMDK", "Url": "s3://my-bucket/vm-disk.vmdk"}]
SQL_ENTERPRISE = "Windows_Server-2022-English-Full-SQL_2022_Enterprise-*"


def own_images(client) -> list[str]:
    """The ids of the AMIs the client's account owns, sorted."""
    return sorted(im["ImageId"] for im in client.describe_images(Owners=["self"])["Images"])


def ids(images: list[dict]) -> list[str]:
    """The ImageIds of Image shapes, in order."""
    return [im["ImageId"] for im in images]


def image(client, image_id: str) -> dict:
    """The Image shape of one AMI."""
    (found,) = client.describe_images(ImageIds=[image_id])["Images"]
    return found


def billing(im: dict) -> tuple[str, str]:
    """An image's or instance's (PlatformDetails, UsageOperation)."""
    return im["PlatformDetails"], im["UsageOperation"]


def launch(client, image_id: str, instance_type: str = "m5.large") -> dict:
    """Run one instance from ``image_id``; its Instance shape."""
    out = client.run_instances(ImageId=image_id, InstanceType=instance_type, MinCount=1, MaxCount=1)
    return out["Instances"][0]


def visible_to(client, image_id: str) -> bool:
    """Whether DescribeImages(ImageIds=[image_id]) finds the AMI for the client's account."""
    try:
        return image(client, image_id)["ImageId"] == image_id
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidAMIID.NotFound"
        return False


def world_rows(sim, event_name: str, resource_id: str):
    """The world rows of the events timeline for one event and resource."""
    events = sim.timelines.events
    return events[(events.source == "world") & (events.event_name == event_name) & (events.resource_id == resource_id)]


def import_task(client, task_id: str) -> dict:
    """One ImportImageTask shape."""
    (task,) = client.describe_import_image_tasks(ImportTaskIds=[task_id])["ImportImageTasks"]
    return task


# -- DescribeImages: the public catalog ---------------------------------------------------

CATALOG = [
    ("al2023-ami-*", "Linux/UNIX", "RunInstances", None),
    ("RHEL-9.*", "Red Hat Enterprise Linux", "RunInstances:0010", None),
    ("RHEL_HA-*", "Red Hat Enterprise Linux with HA", "RunInstances:1010", None),
    ("suse-sles-*", "SUSE Linux", "RunInstances:000g", None),
    ("ubuntu/images/*", "Linux/UNIX", "RunInstances", None),
    ("Windows_Server-*-English-Full-Base-*", "Windows", "RunInstances:0002", "windows"),
    ("Windows_Server-*-SQL_*_Standard-*", "Windows with SQL Server Standard", "RunInstances:0006", "windows"),
    ("Windows_Server-*-SQL_*_Enterprise-*", "Windows with SQL Server Enterprise", "RunInstances:0102", "windows"),
    ("Windows_Server-*-SQL_*_Web-*", "Windows with SQL Server Web", "RunInstances:0202", "windows"),
]


@pytest.mark.parametrize("pattern,details,usage,platform", CATALOG, ids=[c[0] for c in CATALOG])
def test_public_catalog_billing_codes(ec2, pattern, details, usage, platform):
    """Catalog billing pairs (Windows rows: LM guide, "Eligible license types for license type conversion")."""
    named = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [pattern]}])["Images"]
    assert named
    for im in named:
        assert billing(im) == (details, usage)
        assert im.get("Platform") == platform
        assert im["Public"] is True and im["ImageOwnerAlias"] == "amazon" and im["State"] == "available"
    by_details = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "platform-details", "Values": [details]}])
    by_usage = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "usage-operation", "Values": [usage]}])
    for found in (by_details["Images"], by_usage["Images"]):
        assert set(ids(named)) <= set(ids(found))
        assert {billing(im) for im in found} == {(details, usage)}


def test_windows_platform_filter_and_ored_values(ec2):
    """platform=windows gives the Windows codes of LM guide, "Eligible license types for license type conversion"."""
    windows = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"]
    assert {im["UsageOperation"] for im in windows} == {f"RunInstances:{c}" for c in ("0002", "0006", "0102", "0202")}
    codes = ["RunInstances:0006", "RunInstances:0102"]
    either = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "usage-operation", "Values": codes}])["Images"]
    assert {im["UsageOperation"] for im in either} == set(codes)
    both = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "usage-operation", "Values": [codes[0]]},
                                                           {"Name": "name", "Values": ["Windows_Server-2019-*"]}])["Images"]
    assert [im["Name"] for im in both] == ["Windows_Server-2019-English-Full-SQL_2019_Standard-2025.01.15"]


def test_name_wildcards(ec2):
    """'*' matches any run and '?' one character; values match whole names, not substrings."""
    def names(value):
        found = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [value]}])["Images"]
        return sorted(im["Name"] for im in found)

    assert len(names("Windows_Server-2022-*")) == 4
    assert names("Windows_Server-20?2-English-Full-Base-*") == ["Windows_Server-2022-English-Full-Base-2025.01.15"]
    assert names("Windows_Server-2022-English-Full-Base-2025.01.15") == names(WINDOWS)
    assert names("Windows_Server-2022") == [] and names("Windows_Server-20?-*") == []
    assert names("*-arm64") == ["al2023-ami-2023.6.20250107.0-kernel-6.1-arm64", "suse-sles-15-sp6-v20250110-hvm-ssd-arm64"]


def test_owners_executable_users_and_image_ids(ec2, ec2_b):
    """Owners=self, an owner account id, ExecutableUsers and ImageIds scope what is listed."""
    assert own_images(ec2) == []
    mine = ec2.register_image(Name="team-base")["ImageId"]
    windows = public_ami(ec2, WINDOWS)
    assert own_images(ec2) == [mine] and own_images(ec2_b) == []
    windows_owner = ec2.describe_images(Owners=["801119661308"])["Images"]
    assert windows_owner and all(im["Platform"] == "windows" for im in windows_owner)
    assert set(ids(ec2.describe_images(ImageIds=[windows, mine])["Images"])) == {windows, mine}
    assert ids(ec2.describe_images(ImageIds=[windows, mine], Owners=["self"])["Images"]) == [mine]
    assert ec2_b.describe_images(Owners=[ACCOUNT_A])["Images"] == []
    assert ec2_b.describe_images(ExecutableUsers=["self"])["Images"] == []
    ec2.modify_image_attribute(ImageId=mine, OperationType="add", UserIds=[ACCOUNT_B])
    assert ids(ec2_b.describe_images(ExecutableUsers=["self"])["Images"]) == [mine]
    assert ids(ec2.describe_images(ExecutableUsers=[ACCOUNT_B])["Images"]) == [mine]
    public = ec2_b.describe_images(ExecutableUsers=["all"])["Images"]
    assert public and mine not in ids(public) and all(im["Public"] for im in public)


def test_pagination_collects_the_unpaged_result(ec2):
    """MaxResults/NextToken pages, concatenated, equal the unpaged listing."""
    everything = ids(ec2.describe_images(Owners=["amazon"])["Images"])
    pages, kwargs = [], {"Owners": ["amazon"], "MaxResults": 5}
    while True:
        out = ec2.describe_images(**kwargs)
        pages.append(ids(out["Images"]))
        if "NextToken" not in out:
            break
        kwargs["NextToken"] = out["NextToken"]
    assert len(pages) > 1 and all(len(p) <= 5 for p in pages)
    assert [i for p in pages for i in p] == everything


@pytest.mark.parametrize("kwargs,code", [
    ({"Owners": ["bob"]}, "InvalidUserID.Malformed"),
    ({"ExecutableUsers": ["everyone"]}, "InvalidUserID.Malformed"),
    ({"Filters": [{"Name": "colour", "Values": ["blue"]}]}, "InvalidParameterValue"),
    ({"ImageIds": ["ami-xyz"]}, "InvalidAMIID.Malformed"),
    ({"ImageIds": ["ami-0123456789abcdef0"]}, "InvalidAMIID.NotFound"),
    ({"MaxResults": 4}, "InvalidParameterValue"),
    ({"MaxResults": 5, "NextToken": "bm90LWEtdG9rZW4="}, "InvalidParameterValue"),
])
def test_describe_images_bad_input(ec2, kwargs, code):
    """DescribeImages refuses malformed owners, users, filters, ids and page parameters."""
    before = own_images(ec2)
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_images(**kwargs)
    assert error_code(excinfo) == code
    assert own_images(ec2) == before


# -- CreateImage --------------------------------------------------------------------------


def test_create_image_inherits_instance_billing(sim, ec2):
    """CreateImage keeps RunInstances:0006 (LM guide, "Eligible license types for license type conversion")."""
    instance_id = launch(ec2, public_ami(ec2, SQL_STANDARD), "m5.xlarge")["InstanceId"]
    sim.advance("1m")
    assert states(ec2, instance_id) == ["running"]
    image_id = ec2.create_image(InstanceId=instance_id, Name="sql-golden", Description="golden")["ImageId"]
    im = image(ec2, image_id)
    assert im["State"] == "pending" and im["OwnerId"] == ACCOUNT_A and im["SourceInstanceId"] == instance_id
    assert billing(im) == ("Windows with SQL Server Standard", "RunInstances:0006") and im["Platform"] == "windows"
    assert im["Description"] == "golden" and im["Public"] is False
    with pytest.raises(ClientError) as excinfo:
        launch(ec2, image_id)
    assert error_code(excinfo) == "InvalidAMIID.Unavailable"
    sim.advance("10m")
    assert image(ec2, image_id)["State"] == "available"
    assert len(world_rows(sim, "ImageAvailable", image_id)) == 1
    assert billing(launch(ec2, image_id)) == ("Windows with SQL Server Standard", "RunInstances:0006")
    found = ec2.describe_images(Filters=[{"Name": "source-instance-id", "Values": [instance_id]}])["Images"]
    assert ids(found) == [image_id]


def test_create_image_bad_input(sim, ec2, ec2_b):
    """CreateImage refuses bad names, unknown, foreign and terminated instances."""
    instance_id = launch(ec2, public_ami(ec2, LINUX))["InstanceId"]
    sim.advance("1m")
    ec2.create_image(InstanceId=instance_id, Name="web-v1")
    before = own_images(ec2)
    cases = [
        (ec2, {"InstanceId": instance_id, "Name": "web-v1"}, "InvalidAMIName.Duplicate"),
        (ec2, {"InstanceId": instance_id, "Name": "web#v2"}, "InvalidAMIName.Malformed"),
        (ec2, {"InstanceId": "i-0123456789abcdef0", "Name": "web-v2"}, "InvalidInstanceID.NotFound"),
        (ec2, {"InstanceId": "i-xyz", "Name": "web-v2"}, "InvalidInstanceID.Malformed"),
        (ec2_b, {"InstanceId": instance_id, "Name": "web-v2"}, "InvalidInstanceID.NotFound"),
    ]
    for client, kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            client.create_image(**kwargs)
        assert error_code(excinfo) == code, kwargs
        assert own_images(ec2) == before and own_images(ec2_b) == []
    ec2.terminate_instances(InstanceIds=[instance_id])
    with pytest.raises(ClientError) as excinfo:
        ec2.create_image(InstanceId=instance_id, Name="web-v2")
    assert error_code(excinfo) == "IncorrectInstanceState"
    assert own_images(ec2) == before


def test_create_image_tag_specifications(sim, ec2):
    """CreateImage tags the image and its snapshots only: another resource type is refused with
    EC2's InvalidParameterValue message, and no image is made."""
    instance_id = launch(ec2, public_ami(ec2, LINUX))["InstanceId"]
    sim.advance("1m")
    with pytest.raises(ClientError) as excinfo:
        ec2.create_image(InstanceId=instance_id, Name="web-v1", TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}])
    assert error_code(excinfo) == "InvalidParameterValue"
    assert excinfo.value.response["Error"]["Message"] == (
        "'instance' is not a valid taggable resource type for this operation.")
    assert own_images(ec2) == []
    image_id = ec2.create_image(InstanceId=instance_id, Name="web-v1", TagSpecifications=[
        {"ResourceType": "image", "Tags": [{"Key": "k", "Value": "v"}]}])["ImageId"]
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Tags"] == [{"Key": "k", "Value": "v"}]


def test_describe_images_names_every_missing_id(ec2):
    """DescribeImages of ids that do not exist: InvalidAMIID.NotFound naming them as EC2 does,
    one ("The image id '[...]' does not exist") or several ("The image ids '[a, b]' do not
    exist")."""
    known = public_ami(ec2, LINUX)
    for ids, message in (
            (["ami-abcd1234"], "The image id '[ami-abcd1234]' does not exist"),
            ([known, "ami-abcd1234", "ami-1234abcd"], "The image ids '[ami-abcd1234, ami-1234abcd]' do not exist")):
        with pytest.raises(ClientError) as excinfo:
            ec2.describe_images(ImageIds=ids)
        assert (error_code(excinfo), excinfo.value.response["Error"]["Message"]) == ("InvalidAMIID.NotFound", message)


def test_create_image_refuses_pending_instance(ec2):
    """CreateImage of a still-pending instance fails with IncorrectInstanceState."""
    instance_id = launch(ec2, public_ami(ec2, LINUX))["InstanceId"]
    assert states(ec2, instance_id) == ["pending"]
    with pytest.raises(ClientError) as excinfo:
        ec2.create_image(InstanceId=instance_id, Name="too-early")
    assert error_code(excinfo) == "IncorrectInstanceState"
    assert own_images(ec2) == []


# -- CopyImage ----------------------------------------------------------------------------


def test_copy_image_same_region(sim, ec2):
    """A copy keeps its source's billing code and records SourceImageId and SourceImageRegion."""
    source = public_ami(ec2, WINDOWS)
    copy_id = ec2.copy_image(SourceImageId=source, SourceRegion="us-east-1", Name="win-copy")["ImageId"]
    im = image(ec2, copy_id)
    assert im["OwnerId"] == ACCOUNT_A and im["State"] == "pending" and im["Public"] is False
    assert billing(im) == ("Windows", "RunInstances:0002") and im["Platform"] == "windows"
    assert (im["SourceImageId"], im["SourceImageRegion"]) == (source, "us-east-1")
    assert im["Description"] == image(ec2, source)["Description"]
    sim.advance("10m")
    assert image(ec2, copy_id)["State"] == "available"
    tags = [{"Key": "team", "Value": "db"}]
    tagged = ec2.register_image(Name="tagged", TagSpecifications=[{"ResourceType": "image", "Tags": tags}])["ImageId"]
    copy2 = ec2.copy_image(SourceImageId=tagged, SourceRegion="us-east-1", Name="tagged-copy",
                           Description="mine", CopyImageTags=True)["ImageId"]
    assert (image(ec2, copy2)["Tags"], image(ec2, copy2)["Description"]) == (tags, "mine")


def test_copy_image_across_regions(sim, ec2):
    """CopyImage into us-west-2 reads the source in us-east-1; the copy lives in us-west-2 only."""
    west = sim.client("ec2", ACCOUNT_A, region="us-west-2")
    source = public_ami(ec2, SQL_ENTERPRISE)
    copy_id = west.copy_image(SourceImageId=source, SourceRegion="us-east-1", Name="sql-ent-west")["ImageId"]
    assert own_images(west) == [copy_id] and own_images(ec2) == []
    im = image(west, copy_id)
    assert (im["SourceImageId"], im["SourceImageRegion"]) == (source, "us-east-1")
    assert billing(im) == ("Windows with SQL Server Enterprise", "RunInstances:0102")
    with pytest.raises(ClientError) as excinfo:
        image(west, source)
    assert error_code(excinfo) == "InvalidAMIID.NotFound"
    sim.advance("10m")
    assert image(west, copy_id)["State"] == "available"
    assert launch(west, copy_id, "m5.xlarge")["Placement"]["AvailabilityZone"].startswith("us-west-2")


def test_copy_image_bad_input(sim, ec2, ec2_b):
    """CopyImage refuses unseen, malformed and pending sources, bad regions and names."""
    private = ec2.register_image(Name="private-base")["ImageId"]
    pending = ec2.copy_image(SourceImageId=private, SourceRegion="us-east-1", Name="still-copying")["ImageId"]
    windows = public_ami(ec2, WINDOWS)
    before_a = own_images(ec2)
    cases = [
        (ec2_b, {"SourceImageId": private, "Name": "stolen"}, "InvalidAMIID.NotFound"),
        (ec2_b, {"SourceImageId": private, "Name": "stolen", "CopyImageTags": True}, "InvalidAMIID.NotFound"),
        (ec2, {"SourceImageId": "ami-xyz", "Name": "bad-id"}, "InvalidAMIID.Malformed"),
        (ec2, {"SourceImageId": pending, "Name": "copy-of-pending"}, "InvalidAMIID.Unavailable"),
        (ec2, {"SourceImageId": windows, "Name": "private-base"}, "InvalidAMIName.Duplicate"),
        (ec2, {"SourceImageId": windows, "Name": "no!"}, "InvalidAMIName.Malformed"),
        (ec2, {"SourceImageId": windows, "Name": "nowhere", "SourceRegion": "xx-east-9"}, "InvalidParameterValue"),
    ]
    for client, kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            client.copy_image(**{"SourceRegion": "us-east-1", **kwargs})
        assert error_code(excinfo) == code, kwargs
        assert own_images(ec2) == before_a and own_images(ec2_b) == []


# -- RegisterImage ------------------------------------------------------------------------


@pytest.mark.parametrize("products,details,usage", [
    ([], "Linux/UNIX", "RunInstances"),
    (["bp-6ba54002"], "Windows", "RunInstances:0002"),
    (["bp-6fa54006"], "Red Hat Enterprise Linux", "RunInstances:0010"),
    (["bp-6fa54006", "bp-79a54010"], "Red Hat Enterprise Linux with HA", "RunInstances:1010"),
    (["bp-63a5400a"], "Red Hat BYOL Linux", "RunInstances:00g0"),
])
def test_register_image_billing_products(sim, ec2, products, details, usage):
    """BillingProducts give the code (Windows: LM guide, "Eligible license types for license type conversion")."""
    kwargs = {"BillingProducts": products} if products else {}
    image_id = ec2.register_image(Name="registered", Architecture="x86_64", **kwargs)["ImageId"]
    im = image(ec2, image_id)
    assert billing(im) == (details, usage) and im["State"] == "available" and im["OwnerId"] == ACCOUNT_A
    assert im.get("Platform") == ("windows" if details == "Windows" else None)
    assert list(world_rows(sim, "ImageRegistered", image_id).detail) == [f"registered {usage}"]


@pytest.mark.parametrize("kwargs,code", [
    ({"Name": "base", "BillingProducts": ["bp-00000000"]}, "InvalidParameterValue"),
    ({"Name": "base", "BillingProducts": ["bp-79a54010"]}, "InvalidParameterValue"),
    ({"Name": "existing"}, "InvalidAMIName.Duplicate"),
    ({"Name": "bad<name>"}, "InvalidAMIName.Malformed"),
    ({"Name": "base", "Architecture": "sparc"}, "InvalidParameterValue"),
    ({"Name": "base", "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}]},
     "InvalidParameterValue"),
])
def test_register_image_bad_input(ec2, kwargs, code):
    """RegisterImage refuses unknown billing products, duplicate or malformed names, bad fields."""
    ec2.register_image(Name="existing")
    before = own_images(ec2)
    with pytest.raises(ClientError) as excinfo:
        ec2.register_image(**kwargs)
    assert error_code(excinfo) == code
    assert own_images(ec2) == before


# -- DeregisterImage ----------------------------------------------------------------------


def test_deregister_image(sim, ec2, ec2_b):
    """Only the owner deregisters; the AMI then disappears and cannot be launched."""
    image_id = ec2.register_image(Name="retiring")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": ACCOUNT_B}]})
    for client, target, code in [
        (ec2_b, image_id, "AuthFailure"),
        (ec2, public_ami(ec2, WINDOWS), "AuthFailure"),
        (ec2, "ami-xyz", "InvalidAMIID.Malformed"),
        (ec2, "ami-0123456789abcdef0", "InvalidAMIID.NotFound"),
    ]:
        with pytest.raises(ClientError) as excinfo:
            client.deregister_image(ImageId=target)
        assert error_code(excinfo) == code, target
        assert own_images(ec2) == [image_id] and visible_to(ec2_b, image_id)
    assert ec2.deregister_image(ImageId=image_id)["Return"] is True
    assert own_images(ec2) == [] and not visible_to(ec2, image_id) and not visible_to(ec2_b, image_id)
    assert len(world_rows(sim, "ImageDeregistered", image_id)) == 1
    for client in (ec2, ec2_b):
        with pytest.raises(ClientError) as excinfo:
            client.describe_images(ImageIds=[image_id])
        assert error_code(excinfo) == "InvalidAMIID.NotFound"
        with pytest.raises(ClientError) as excinfo:
            launch(client, image_id)
        assert error_code(excinfo) == "InvalidAMIID.NotFound"
    with pytest.raises(ClientError) as excinfo:
        ec2.deregister_image(ImageId=image_id)
    assert error_code(excinfo) == "InvalidAMIID.NotFound"
    assert ec2.register_image(Name="retiring")["ImageId"] != image_id


# -- ModifyImageAttribute -----------------------------------------------------------------


@pytest.mark.parametrize("form", ["LaunchPermission", "OperationType"])
def test_share_and_unshare_launch_permission(sim, ec2, ec2_b, form):
    """Sharing with an account makes the AMI visible and launchable there; removing hides it."""
    image_id = ec2.register_image(Name="shared-base")["ImageId"]

    def modify(op):
        if form == "LaunchPermission":
            key = "Add" if op == "add" else "Remove"
            ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={key: [{"UserId": ACCOUNT_B}]})
        else:
            ec2.modify_image_attribute(ImageId=image_id, Attribute="launchPermission",
                                       OperationType=op, UserIds=[ACCOUNT_B])

    assert not visible_to(ec2_b, image_id)
    modify("add")
    assert visible_to(ec2_b, image_id) and image(ec2_b, image_id)["Public"] is False
    assert ids(ec2_b.describe_images(Owners=[ACCOUNT_A])["Images"]) == [image_id]
    instance = launch(ec2_b, image_id)
    assert instance["ImageId"] == image_id and billing(instance) == ("Linux/UNIX", "RunInstances")
    modify("remove")
    assert not visible_to(ec2_b, image_id) and ec2_b.describe_images(Owners=[ACCOUNT_A])["Images"] == []
    with pytest.raises(ClientError) as excinfo:
        launch(ec2_b, image_id)
    assert error_code(excinfo) == "InvalidAMIID.NotFound"


def test_group_all_makes_image_public(ec2, ec2_b):
    """LaunchPermission Group all sets Public; removing it makes the AMI private again."""
    image_id = ec2.register_image(Name="for-everyone")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})
    assert image(ec2, image_id)["Public"] is True and visible_to(ec2_b, image_id)
    public = ec2_b.describe_images(Owners=[ACCOUNT_A], Filters=[{"Name": "is-public", "Values": ["true"]}])
    assert ids(public["Images"]) == [image_id]
    assert image_id in ids(ec2_b.describe_images(ExecutableUsers=["all"])["Images"])
    ec2.modify_image_attribute(ImageId=image_id, OperationType="remove", UserGroups=["all"])
    assert image(ec2, image_id)["Public"] is False and not visible_to(ec2_b, image_id)


def test_description_attribute(ec2):
    """The description attribute replaces the AMI's description."""
    image_id = ec2.register_image(Name="described", Description="old")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, Attribute="description", Description={"Value": "new"})
    assert image(ec2, image_id)["Description"] == "new"
    ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "newer"})
    assert image(ec2, image_id)["Description"] == "newer"


def test_modify_image_attribute_bad_input(ec2, ec2_b):
    """Bad user ids, non-owners and unknown attributes change nothing (not even valid items)."""
    image_id = ec2.register_image(Name="guarded", Description="keep")["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, OperationType="add", UserIds=["333333333333"])
    cases = [
        (ec2, {"LaunchPermission": {"Add": [{"UserId": ACCOUNT_B}, {"UserId": "12345"}]}},
         "InvalidAMIAttributeItemValue"),
        (ec2, {"OperationType": "add", "UserIds": [ACCOUNT_B, "not-an-account"]}, "InvalidAMIAttributeItemValue"),
        (ec2, {"OperationType": "share", "UserIds": [ACCOUNT_B]}, "InvalidParameterValue"),
        (ec2, {"OperationType": "add", "UserGroups": ["everyone"]}, "InvalidParameterValue"),
        (ec2, {"Attribute": "kernel"}, "InvalidParameterValue"),
        (ec2, {"Attribute": "description"}, "MissingParameter"),
        (ec2, {}, "MissingParameter"),
        (ec2_b, {"LaunchPermission": {"Add": [{"UserId": ACCOUNT_B}]}}, "InvalidAMIID.NotFound"),
        (ec2, {"ImageId": public_ami(ec2, WINDOWS), "LaunchPermission": {"Add": [{"UserId": ACCOUNT_B}]}},
         "AuthFailure"),
    ]
    for client, kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            client.modify_image_attribute(**{"ImageId": image_id, **kwargs})
        assert error_code(excinfo) == code, kwargs
        im = image(ec2, image_id)
        assert (im["Public"], im["Description"]) == (False, "keep") and not visible_to(ec2_b, image_id)
    ec2.modify_image_attribute(ImageId=image_id, OperationType="add", UserIds=[ACCOUNT_B])
    for kwargs in ({"Attribute": "description", "Description": {"Value": "mine now"}},
                   {"LaunchPermission": {"Add": [{"Group": "all"}]}}):
        with pytest.raises(ClientError) as excinfo:
            ec2_b.modify_image_attribute(ImageId=image_id, **kwargs)
        assert error_code(excinfo) == "AuthFailure"
        assert (image(ec2, image_id)["Public"], image(ec2, image_id)["Description"]) == (False, "keep")


# -- ImportImage and DescribeImportImageTasks ---------------------------------------------


def test_import_image_lifecycle(sim, ec2):
    """Windows BYOL import gives RunInstances:0800 (LM guide, "Eligible license types for license type conversion")."""
    out = ec2.import_image(DiskContainers=DISK, Platform="Windows", LicenseType="BYOL", Description="dc01")
    task_id = out["ImportTaskId"]
    assert re.fullmatch(r"import-ami-[0-9a-f]{17}", task_id)
    assert (out["Status"], out["Progress"], out["LicenseType"], out["Platform"], out["UsageOperation"]) == (
        "active", "0", "BYOL", "Windows", "RunInstances:0800")
    sim.advance("15m")
    task = import_task(ec2, task_id)
    assert task["Status"] == "active" and 0 < int(task["Progress"]) < 100
    assert task["StatusMessage"] not in ("active", "completed") and "ImageId" not in task
    assert own_images(ec2) == []
    sim.advance("1h")
    task = import_task(ec2, task_id)
    assert task["Status"] == "completed" and "Progress" not in task
    im = image(ec2, task["ImageId"])
    assert im["OwnerId"] == ACCOUNT_A and im["State"] == "available" and im["Description"] == "dc01"
    assert billing(im) == ("Windows BYOL", "RunInstances:0800") and im["Platform"] == "windows"
    assert own_images(ec2) == [task["ImageId"]]
    rows = world_rows(sim, "ImageRegistered", task["ImageId"])
    assert list(rows.account_id) == [ACCOUNT_A] and list(rows.detail) == ["imported RunInstances:0800"]
    done = ec2.describe_import_image_tasks(Filters=[{"Name": "task-state", "Values": ["completed"]}])
    assert [t["ImportTaskId"] for t in done["ImportImageTasks"]] == [task_id]


@pytest.mark.parametrize("kwargs,details,usage,platform", [
    ({"Platform": "Windows", "LicenseType": "BYOL"}, "Windows BYOL", "RunInstances:0800", "windows"),
    ({"Platform": "Windows", "LicenseType": "AWS"}, "Windows", "RunInstances:0002", "windows"),
    ({"Platform": "Windows"}, "Windows", "RunInstances:0002", "windows"),
    ({"Platform": "Linux"}, "Linux/UNIX", "RunInstances", None),
    ({"UsageOperation": "RunInstances:0006"}, "Windows with SQL Server Standard", "RunInstances:0006", "windows"),
    ({"Platform": "Linux", "UsageOperation": "RunInstances:0010"}, "Red Hat Enterprise Linux",
     "RunInstances:0010", None),
])
def test_import_image_billing(sim, ec2, kwargs, details, usage, platform):
    """Import options decide the AMI's billing (LM guide, "Eligible license types for license type conversion")."""
    task_id = ec2.import_image(DiskContainers=DISK, **kwargs)["ImportTaskId"]
    sim.advance("1h")
    task = import_task(ec2, task_id)
    im = image(ec2, task["ImageId"])
    assert task["UsageOperation"] == usage and task["Status"] == "completed"
    assert billing(im) == (details, usage) and im.get("Platform") == platform


@pytest.mark.parametrize("kwargs,code", [
    ({}, "InvalidParameter"),
    ({"DiskContainers": []}, "InvalidParameter"),
    ({"DiskContainers": DISK, "Platform": "Solaris"}, "InvalidParameterValue"),
    ({"DiskContainers": DISK, "LicenseType": "Auto"}, "InvalidParameterValue"),
    ({"DiskContainers": DISK, "UsageOperation": "RunInstances:9999"}, "InvalidParameterValue"),
    ({"DiskContainers": DISK, "Platform": "Linux", "UsageOperation": "RunInstances:0002"}, "InvalidParameterValue"),
    ({"DiskContainers": DISK, "Platform": "Windows", "UsageOperation": "RunInstances:0010"}, "InvalidParameterValue"),
    ({"DiskContainers": DISK, "Architecture": "sparc"}, "InvalidParameterValue"),
])
def test_import_image_bad_input(sim, ec2, kwargs, code):
    """ImportImage refuses a missing disk and bad platform, license type or usage operation."""
    with pytest.raises(ClientError) as excinfo:
        ec2.import_image(**kwargs)
    assert error_code(excinfo) == code
    sim.advance("1h")
    assert ec2.describe_import_image_tasks()["ImportImageTasks"] == [] and own_images(ec2) == []


def test_describe_import_image_tasks_bad_input(ec2, ec2_b):
    """Unknown, malformed and foreign task ids and unknown filters are refused."""
    task_id = ec2.import_image(DiskContainers=DISK, Platform="Linux")["ImportTaskId"]
    cases = [
        (ec2, {"ImportTaskIds": ["import-ami-0123456789abcdef0"]}, "InvalidConversionTaskId"),
        (ec2, {"ImportTaskIds": ["import-ami-xyz"]}, "InvalidConversionTaskId.Malformed"),
        (ec2_b, {"ImportTaskIds": [task_id]}, "InvalidConversionTaskId"),
        (ec2, {"Filters": [{"Name": "colour", "Values": ["blue"]}]}, "InvalidParameterValue"),
    ]
    for client, kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            client.describe_import_image_tasks(**kwargs)
        assert error_code(excinfo) == code, kwargs
        assert [t["ImportTaskId"] for t in ec2.describe_import_image_tasks()["ImportImageTasks"]] == [task_id]
    assert ec2_b.describe_import_image_tasks()["ImportImageTasks"] == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"UsageOperation": "RunInstances:0800", "LicenseType": "AWS"},
        {"UsageOperation": "RunInstances:0002", "LicenseType": "BYOL"},
    ],
)
def test_import_image_license_type_must_fit_usage_operation(ec2, kwargs):
    """A license type that contradicts the billing code is refused and nothing is imported."""
    with pytest.raises(ClientError) as excinfo:
        ec2.import_image(Platform="Windows", DiskContainers=[{"Url": "s3://vms/w.vhdx"}], **kwargs)
    assert error_code(excinfo) == "InvalidParameterValue"
    assert ec2.describe_import_image_tasks()["ImportImageTasks"] == []


def test_import_image_license_type_follows_usage_operation(ec2):
    """Without LicenseType, a Windows BYOL billing code makes a BYOL import."""
    task = ec2.import_image(UsageOperation="RunInstances:0800", DiskContainers=[{"Url": "s3://vms/w.vhdx"}])
    assert (task["Platform"], task["LicenseType"]) == ("Windows", "BYOL")
