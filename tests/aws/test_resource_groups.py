"""AWS Resource Groups through boto3, as License Manager uses them for host resource groups
(AWS License Manager User Guide, "Host resource groups in AWS License Manager" and its
subsections, /work/shared/spec/license-manager-user-guide.txt; the Resource Groups
documentation "Service configurations for resource groups" for names, values and errors)."""

from __future__ import annotations

import pytest

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    allocate,
    assert_refused,
    associated_image,
    create_configuration,
    create_host_group,
    error_code,
    host_arn,
    host_group_configuration,
    in_group,
    launch,
)


@pytest.fixture
def rg(sim):
    """A Resource Groups client of account A."""
    return sim.client("resource-groups", ACCOUNT_A)


@pytest.fixture
def core(lm):
    """A Core license configuration of account A."""
    return create_configuration(lm, "Core", name="sql-cores")


def groups(rg) -> list[str]:
    """The caller's group names."""
    return [g["Name"] for g in rg.list_groups()["Groups"]]


def refused_create(sim, rg, configuration, code: str = "BadRequestException") -> str:
    """CreateGroup with ``configuration`` fails with ``code`` and creates nothing; the message."""
    return assert_refused(sim, code, lambda: rg.create_group(Name="refused", Configuration=configuration),
                          lambda: groups(rg))


def _item(configuration: list[dict], kind: str) -> dict:
    return next(item for item in configuration if item["Type"] == kind)


def _without(configuration: list[dict], kind: str, name: str) -> list[dict]:
    """``configuration`` without the parameter ``name`` of its ``kind`` item."""
    item = _item(configuration, kind)
    item["Parameters"] = [p for p in item["Parameters"] if p["Name"] != name]
    return configuration


# -- CreateGroup -------------------------------------------------------------------------------


def test_create_host_resource_group(sim, rg, core):
    """"Create a host resource group": a group with the HostManagement and Generic items, as given."""
    configuration = host_group_configuration([core], families=["m5", "r5"])
    out = rg.create_group(Name="sql-hosts", Description="SQL hosts", Configuration=configuration, Tags={"team": "db"})
    assert out["Group"] == {"GroupArn": f"arn:aws:resource-groups:us-east-1:{ACCOUNT_A}:group/sql-hosts",
                            "Name": "sql-hosts", "Description": "SQL hosts"}
    assert out["GroupConfiguration"] == {"Configuration": configuration, "Status": "UPDATE_COMPLETE"}
    assert out["Tags"] == {"team": "db"}
    assert rg.get_group(Group="sql-hosts")["Group"]["GroupArn"] == out["Group"]["GroupArn"]
    assert rg.get_group_configuration(Group=out["Group"]["GroupArn"])["GroupConfiguration"]["Configuration"] == (
        configuration)


def test_any_host_based_license_configuration(rg):
    """"Service configurations": any-host-based-license-configuration "true" allows every Core/Socket configuration."""
    arn = create_host_group(rg, "any", any_license=True)
    assert rg.get_group(Group=arn)["Group"]["Name"] == "any"


@pytest.mark.parametrize("counting", ["vCPU", "Instance"])
def test_vcpu_or_instance_configuration_refused(sim, rg, lm, counting):
    """"Create a host resource group": only core- or socket-based configurations can be allowed."""
    arn = create_configuration(lm, counting, name=counting)
    message = refused_create(sim, rg, host_group_configuration([arn]))
    assert counting in message and "Core" in message


def test_unknown_family_refused(sim, rg, core):
    """"Service configurations": allowed-host-families must be instance families (with Dedicated Hosts)."""
    message = refused_create(sim, rg, host_group_configuration([core], families=["m5", "zz9"]))
    assert "zz9" in message and "m5" in message


def test_missing_generic_item_refused(sim, rg, core):
    """"Service configurations": a HostManagement item needs its Generic item (allowed-resource-types, deletion-protection)."""
    configuration = host_group_configuration([core])
    refused_create(sim, rg, configuration[:1])
    refused_create(sim, rg, _without(host_group_configuration([core]), "AWS::ResourceGroups::Generic",
                                     "deletion-protection"))


@pytest.mark.parametrize("change, word", [
    (lambda c, arn: _without(c, "AWS::EC2::HostManagement", "allowed-host-based-license-configurations"),
     "either"),
    (lambda c, arn: _item(c, "AWS::EC2::HostManagement")["Parameters"].append(
        {"Name": "any-host-based-license-configuration", "Values": ["true"]}) or c, "not both"),
    (lambda c, arn: _item(c, "AWS::EC2::HostManagement")["Parameters"].__setitem__(
        0, {"Name": "auto-allocate-host", "Values": ["True"]}) or c, "lower case"),
    (lambda c, arn: _item(c, "AWS::ResourceGroups::Generic")["Parameters"].__setitem__(
        1, {"Name": "deletion-protection", "Values": ["unless_empty"]}) or c, "UNLESS_EMPTY"),
    (lambda c, arn: _item(c, "AWS::ResourceGroups::Generic")["Parameters"].__setitem__(
        0, {"Name": "allowed-resource-types", "Values": ["AWS::EC2::Instance"]}) or c, "AWS::EC2::Host"),
    (lambda c, arn: _item(c, "AWS::EC2::HostManagement")["Parameters"].append(
        {"Name": "host-limit", "Values": ["3"]}) or c, "host-limit"),
    (lambda c, arn: c[:1] + [{"Type": "AWS::EC2::CapacityReservationPool"}], "not simulated"),
    (lambda c, arn: [{"Type": "AWS::EC2::HostManagment", "Parameters": []}], "not valid"),
    (lambda c, arn: _item(c, "AWS::EC2::HostManagement")["Parameters"].__setitem__(
        2, {"Name": "allowed-host-based-license-configurations",
            "Values": [arn.replace(arn[-32:], "0" * 32)]}) or c, "does not exist"),
])
def test_configuration_rules(sim, rg, core, change, word):
    """"Service configurations for resource groups": names, values (lower-case booleans, upper-case
    UNLESS_EMPTY), exactly one license parameter, known types; nothing is created when refused."""
    assert word in refused_create(sim, rg, change(host_group_configuration([core]), core))


def test_name_rules(sim, rg, core):
    """CreateGroup: names are unique in the account and Region and may not start with AWS."""
    create_host_group(rg, "sql-hosts", core)
    for name in ("sql-hosts", "Aws-hosts"):
        assert_refused(sim, "BadRequestException",
                       lambda n=name: rg.create_group(Name=n, Configuration=host_group_configuration([core])),
                       lambda: groups(rg))


def test_license_configuration_of_another_account_refused(sim, rg, lm_b):
    """"Create a host resource group": the allowed configurations are the owner's."""
    foreign = create_configuration(lm_b, "Core", name="theirs")
    assert "belongs to account" in refused_create(sim, rg, host_group_configuration([foreign]))


# -- reading and listing -------------------------------------------------------------------------


def test_list_groups_filters_and_pages(rg, core):
    """ListGroups: the caller's groups, filtered by configuration type, paged by MaxResults."""
    for n in range(3):
        create_host_group(rg, f"hosts-{n}", core)
    assert groups(rg) == ["hosts-0", "hosts-1", "hosts-2"]
    filtered = rg.list_groups(Filters=[{"Name": "configuration-type", "Values": ["AWS::EC2::HostManagement"]}])
    assert len(filtered["GroupIdentifiers"]) == 3
    assert rg.list_groups(Filters=[{"Name": "configuration-type", "Values": ["AWS::EC2::CapacityReservationPool"]}])[
        "Groups"] == []
    first = rg.list_groups(MaxResults=2)
    assert len(first["Groups"]) == 2 and first["NextToken"]
    assert [g["Name"] for g in rg.list_groups(MaxResults=2, NextToken=first["NextToken"])["Groups"]] == ["hosts-2"]
    pages = rg.get_paginator("list_groups").paginate(PaginationConfig={"PageSize": 1})
    assert [g["Name"] for page in pages for g in page["Groups"]] == ["hosts-0", "hosts-1", "hosts-2"]


def test_unknown_group_is_not_found(sim, rg):
    """GetGroup of a group that does not exist: NotFoundException."""
    with pytest.raises(rg.exceptions.NotFoundException):
        rg.get_group(Group="nothing-here")


def test_other_accounts_groups_are_invisible(sim, rg, core):
    """A group is its owner's: another account neither finds nor changes it unless it is
    shared; shared, it finds it but still cannot change it."""
    arn = create_host_group(rg, "sql-hosts", core)
    other = sim.client("resource-groups", ACCOUNT_B)
    with pytest.raises(other.exceptions.NotFoundException):
        other.get_group(Group=arn)
    with pytest.raises(other.exceptions.NotFoundException):
        other.delete_group(Group=arn)
    sim.client("ram", ACCOUNT_A).create_resource_share(name="sql-hosts", resourceArns=[arn], principals=[ACCOUNT_B])
    accept = sim.client("ram", ACCOUNT_B)
    for invitation in accept.get_resource_share_invitations()["resourceShareInvitations"]:
        accept.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert other.get_group(Group=arn)["Group"]["GroupArn"] == arn
    assert_refused(sim, "ForbiddenException", lambda: other.delete_group(Group=arn),
                   lambda: rg.get_group(Group=arn)["Group"])


# -- PutGroupConfiguration ("Modify a host resource group") -----------------------------------------


@pytest.fixture
def running_group(sim, rg, lm, core):
    """Group of m5 and r5 with one running m5 instance tracked by ``core``."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    second = create_configuration(lm, "Socket", name="sockets")
    arn = create_host_group(rg, "sql-hosts", core, second, families=["m5", "r5"])
    image = associated_image(sim, ec2, lm, core)
    sim.advance("10m")
    launch(ec2, "m5.xlarge", image=image, Placement=in_group(arn))
    sim.advance("10m")
    return arn, second


def test_modify_settings_at_any_time(sim, rg, core, running_group):
    """"Modify a host resource group": settings change at any time (here auto-release and a family)."""
    arn, second = running_group
    configuration = host_group_configuration([core, second], families=["m5"], auto_release=True)
    rg.put_group_configuration(Group=arn, Configuration=configuration)
    assert rg.get_group_configuration(Group=arn)["GroupConfiguration"]["Configuration"] == configuration


def test_family_in_use_cannot_be_removed(sim, rg, core, running_group):
    """"Modify a host resource group": an instance type (family) running in the group cannot be removed."""
    arn, second = running_group
    before = rg.get_group_configuration(Group=arn)
    with pytest.raises(rg.exceptions.BadRequestException) as excinfo:
        rg.put_group_configuration(Group=arn, Configuration=host_group_configuration([core, second], families=["r5"]))
    assert "m5" in excinfo.value.response["Error"]["Message"]
    assert rg.get_group_configuration(Group=arn)["GroupConfiguration"] == before["GroupConfiguration"]


def test_license_configuration_in_use_cannot_be_removed(sim, rg, core, running_group):
    """Modify: an associated license configuration whose instances run in the group cannot be removed;
    an unused one can."""
    arn, second = running_group
    with pytest.raises(rg.exceptions.BadRequestException) as excinfo:
        rg.put_group_configuration(Group=arn, Configuration=host_group_configuration([second]))
    assert core in excinfo.value.response["Error"]["Message"]
    rg.put_group_configuration(Group=arn, Configuration=host_group_configuration([core]))


# -- DeleteGroup ("Delete a host resource group") ---------------------------------------------------


def test_delete_refused_while_the_group_has_hosts(sim, rg, core, running_group):
    """"Delete a host resource group": deletion protection refuses it while it has hosts; once they are
    removed it succeeds."""
    arn, _ = running_group
    ec2 = sim.client("ec2", ACCOUNT_A)
    assert_refused(sim, "BadRequestException", lambda: rg.delete_group(Group=arn), lambda: groups(rg))
    (host,) = ec2.describe_hosts()["Hosts"]
    out = rg.ungroup_resources(Group=arn, ResourceArns=[host_arn(ACCOUNT_A, host["HostId"])])
    assert out["Succeeded"] == [host_arn(ACCOUNT_A, host["HostId"])] and out["Failed"] == []
    assert rg.delete_group(Group=arn)["Group"]["Name"] == "sql-hosts"
    assert groups(rg) == []


# -- GroupResources / UngroupResources / ListGroupResources -----------------------------------------


def test_adding_a_host_takes_a_minute_or_two(sim, rg, ec2, core):
    """"Adding Dedicated Hosts": the addition is pending, then the host is a member."""
    arn = create_host_group(rg, "sql-hosts", core)
    (host_id,) = allocate(ec2, InstanceFamily="m5")
    resource = host_arn(ACCOUNT_A, host_id)
    out = rg.group_resources(Group=arn, ResourceArns=[resource])
    assert out["Pending"] == [{"ResourceArn": resource}] and out["Failed"] == []
    listed = rg.list_group_resources(Group=arn)
    assert listed["Resources"] == [{"Identifier": {"ResourceArn": resource, "ResourceType": "AWS::EC2::Host"},
                                    "Status": {"Name": "PENDING"}}]
    assert ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]["MemberOfServiceLinkedResourceGroup"] is False
    sim.advance("2m")
    assert rg.list_group_resources(Group=arn)["ResourceIdentifiers"] == [
        {"ResourceArn": resource, "ResourceType": "AWS::EC2::Host"}]
    assert ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]["MemberOfServiceLinkedResourceGroup"] is True


def test_adding_requires_owning_a_matching_host(sim, rg, ec2, ec2_b, core):
    """"Adding Dedicated Hosts": you must own the host, and it must match the group's families."""
    arn = create_host_group(rg, "sql-hosts", core, families=["r5"])
    (theirs,) = allocate(ec2_b, InstanceFamily="r5")
    (wrong_family,) = allocate(ec2, InstanceFamily="m5")
    out = rg.group_resources(Group=arn, ResourceArns=[host_arn(ACCOUNT_B, theirs), host_arn(ACCOUNT_A, wrong_family),
                                                      host_arn(ACCOUNT_A, "h-0123456789abcdef0"),
                                                      f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/i-0123456789abcdef0"])
    assert [(f["ErrorCode"]) for f in out["Failed"]] == [
        "ForbiddenException", "BadRequestException", "NotFoundException", "BadRequestException"]
    assert out["Pending"] == [] and "Succeeded" not in out
    sim.advance("2m")
    assert rg.list_group_resources(Group=arn)["Resources"] == []


def test_a_member_host_takes_no_direct_launches(sim, rg, ec2, lm, core):
    """Host resource groups: after a host joins a group, instances launch on it through the group only."""
    arn = create_host_group(rg, "sql-hosts", core, auto_allocate=False)
    (host_id,) = allocate(ec2, "on", InstanceFamily="m5")
    rg.group_resources(Group=arn, ResourceArns=[host_arn(ACCOUNT_A, host_id)])
    sim.advance("2m")
    image = associated_image(sim, ec2, lm, core)
    sim.advance("10m")
    assert_refused(sim, "InvalidParameterValue", lambda: launch(ec2, "m5.large", image=image,
                                                                Placement={"Tenancy": "host", "HostId": host_id}))
    assert_refused(sim, "InsufficientHostCapacity", lambda: launch(ec2, "m5.large", image=image,
                                                                   Placement={"Tenancy": "host"}))
    (instance_id,) = launch(ec2, "m5.large", image=image, Placement=in_group(arn))
    assert ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]["Instances"][0]["InstanceId"] == instance_id


def test_removing_a_host_leaves_its_instances_on_it(sim, rg, ec2, core, running_group):
    """"Removing Dedicated Hosts": the instances remain on the host and associated with the group."""
    arn, _ = running_group
    (host,) = ec2.describe_hosts()["Hosts"]
    rg.ungroup_resources(Group=arn, ResourceArns=[host_arn(ACCOUNT_A, host["HostId"])])
    after = ec2.describe_hosts()["Hosts"][0]
    assert after["MemberOfServiceLinkedResourceGroup"] is False and len(after["Instances"]) == 1
    instance = ec2.describe_instances()["Reservations"][0]["Instances"][0]
    assert instance["State"]["Name"] == "running"
    assert instance["Placement"]["HostResourceGroupArn"] == arn
    out = rg.ungroup_resources(Group=arn, ResourceArns=[host_arn(ACCOUNT_A, host["HostId"])])
    assert [f["ErrorCode"] for f in out["Failed"]] == ["NotFoundException"]


# -- tags ------------------------------------------------------------------------------------------


def test_tag_untag_get_tags(rg, core):
    """Tag, Untag and GetTags of a group."""
    arn = create_host_group(rg, "sql-hosts", core)
    assert rg.tag(Arn=arn, Tags={"team": "db", "cost": "42"})["Tags"] == {"team": "db", "cost": "42"}
    rg.untag(Arn=arn, Keys=["cost"])
    assert rg.get_tags(Arn=arn)["Tags"] == {"team": "db"}
    with pytest.raises(rg.exceptions.BadRequestException):
        rg.tag(Arn=arn, Tags={"aws:reserved": "x"})
    with pytest.raises(rg.exceptions.NotFoundException) as excinfo:
        rg.get_tags(Arn=arn.replace("sql-hosts", "nothing"))
    assert error_code(excinfo) == "NotFoundException"
