"""Launching into host resource groups through boto3: placement that packs, auto-allocate and
auto-release, shared groups and eviction, starts and placement changes (AWS License Manager
User Guide, "Host resource groups in AWS License Manager" and its subsections, and "Tenancy
conversion", /work/shared/spec/license-manager-user-guide.txt)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from simulator import Simulation
from simulator.world.resource_groups import EVICTION_PERIOD
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    allocate,
    assert_refused,
    associated_image,
    consumed,
    create_configuration,
    create_host_group,
    host_arn,
    host_of,
    hosts_by_id,
    in_group,
    launch,
    states,
)


@dataclass
class Estate:
    """An organization whose management account A owns a Core configuration, a golden image
    associated with it for every account, and a host resource group shared with member B."""

    sim: Simulation
    ec2: object
    ec2_b: object
    lm: object
    rg: object
    core: str
    image: str
    group: str


def make_estate(**settings) -> Estate:
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    ec2, lm, rg = sim.client("ec2", ACCOUNT_A), sim.client("license-manager", ACCOUNT_A), sim.client(
        "resource-groups", ACCOUNT_A)
    core = create_configuration(lm, "Core", name="sql-cores")
    image = associated_image(sim, ec2, lm, core, scope="cross-account")
    ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"UserId": ACCOUNT_B}]})
    group = create_host_group(rg, "sql-hosts", core, **settings)
    ram = sim.client("ram", ACCOUNT_A)
    ram.enable_sharing_with_aws_organization()
    ram.create_resource_share(name="sql-hosts", resourceArns=[group], principals=[ACCOUNT_B])
    sim.advance("10m")
    return Estate(sim, ec2, sim.client("ec2", ACCOUNT_B), lm, rg, core, image, group)


@pytest.fixture
def estate() -> Estate:
    """Auto-allocate on, auto-release off, any family."""
    return make_estate()


# -- launching into a group ------------------------------------------------------------------------


def test_launch_allocates_a_host_in_the_owners_account(estate):
    """"Share a host resource group": a member launches into the shared group; the new host belongs
    to the group's owner, the instance to the member; the allocation takes time."""
    e = estate
    ids = launch(e.ec2_b, "m5.xlarge", 2, image=e.image, Placement=in_group(e.group))
    (host_id,) = hosts_by_id(e.ec2)
    host = hosts_by_id(e.ec2)[host_id]
    assert host["State"] == "pending" and host["MemberOfServiceLinkedResourceGroup"] is True
    assert host["OwnerId"] == ACCOUNT_A and {i["OwnerId"] for i in host["Instances"]} == {ACCOUNT_B}
    assert hosts_by_id(e.ec2_b) == {}
    e.sim.advance("2m")
    assert states(e.ec2_b, *ids) == ["pending", "pending"]
    e.sim.advance("5m")
    assert hosts_by_id(e.ec2)[host_id]["State"] == "available"
    assert states(e.ec2_b, *ids) == ["running", "running"]
    placement = e.ec2_b.describe_instances(InstanceIds=ids[:1])["Reservations"][0]["Instances"][0]["Placement"]
    assert placement["HostResourceGroupArn"] == e.group and placement["HostId"] == host_id
    assert consumed(e.lm, e.core) == 48


def test_placement_packs_onto_the_fewest_hosts(estate):
    """Host resource groups: instances of a Nitro family share hosts of mixed sizes, filling one host
    before the next, so the fewest hosts (and licensed cores) are used."""
    e = estate
    first = launch(e.ec2, "m5.8xlarge", 2, image=e.image, Placement=in_group(e.group))  # 64 of 96 vCPUs
    launch(e.ec2, "m5.2xlarge", 4, image=e.image, Placement=in_group(e.group))  # 32 more: the host is full
    assert len(hosts_by_id(e.ec2)) == 1
    launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group))
    assert len(hosts_by_id(e.ec2)) == 2
    e.sim.advance("10m")
    e.ec2.terminate_instances(InstanceIds=first)
    e.sim.advance("5m")
    launch(e.ec2, "m5.4xlarge", 4, image=e.image, Placement=in_group(e.group))  # back onto the first host
    e.sim.advance("10m")
    assert len(hosts_by_id(e.ec2)) == 2
    assert [len(h["Instances"]) for h in hosts_by_id(e.ec2).values()] == [8, 1]
    assert consumed(e.lm, e.core) == 96


def test_non_nitro_groups_run_one_instance_type():
    """"Settings", Instance families: only Nitro-based instances of different types share a group;
    otherwise it runs one instance type. Once c4.xlarge (Xen) runs in the group, c4.2xlarge is
    refused; Nitro types still launch; once no c4.xlarge runs, c4.2xlarge may."""
    e = make_estate()
    (first,) = launch(e.ec2, "c4.xlarge", image=e.image, Placement=in_group(e.group))
    launch(e.ec2, "c4.xlarge", image=e.image, Placement=in_group(e.group))
    assert_refused(e.sim, "InvalidParameterValue",
                   lambda: launch(e.ec2, "c4.2xlarge", image=e.image, Placement=in_group(e.group)),
                   lambda: hosts_by_id(e.ec2))
    launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    e.ec2.terminate_instances(InstanceIds=[i["InstanceId"] for r in e.ec2.describe_instances(Filters=[
        {"Name": "instance-type", "Values": ["c4.xlarge"]}])["Reservations"] for i in r["Instances"]])
    e.sim.advance("5m")
    launch(e.ec2, "c4.2xlarge", image=e.image, Placement=in_group(e.group))
    properties = [h["HostProperties"] for h in hosts_by_id(e.ec2).values()]
    assert sorted(p.get("InstanceType", p.get("InstanceFamily")) for p in properties) == [
        "c4.2xlarge", "c4.xlarge", "m5"]
    assert first


def test_without_auto_allocate_a_full_group_refuses():
    """"Allocate hosts automatically" off: a launch finding no room fails with InsufficientHostCapacity."""
    e = make_estate(auto_allocate=False)
    assert_refused(e.sim, "InsufficientHostCapacity",
                   lambda: launch(e.ec2_b, "m5.large", image=e.image, Placement=in_group(e.group)),
                   lambda: hosts_by_id(e.ec2))


def test_the_ami_must_be_associated_with_an_allowed_configuration(estate):
    """"Launch an instance in a host resource group": the AMI must be associated with a core- or
    socket-based configuration the group allows."""
    e = estate
    other = create_configuration(e.lm, "Core", name="other-cores")
    unassociated = e.ec2.copy_image(SourceRegion="us-east-1", SourceImageId=e.image, Name="plain")["ImageId"]
    disallowed = associated_image(e.sim, e.ec2, e.lm, other)
    e.sim.advance("10m")
    for image in (unassociated, disallowed):
        with pytest.raises(e.ec2.exceptions.ClientError) as excinfo:
            launch(e.ec2, "m5.large", image=image, Placement=in_group(e.group))
        assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
        assert "not associated with a license configuration" in excinfo.value.response["Error"]["Message"]
    assert hosts_by_id(e.ec2) == {}


def test_families_the_group_does_not_allow_are_refused():
    """"Create a host resource group": instances launch only in the group's instance families."""
    e = make_estate(families=["r5"])
    assert_refused(e.sim, "InvalidParameterValue",
                   lambda: launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group)),
                   lambda: hosts_by_id(e.ec2))
    launch(e.ec2, "r5.large", image=e.image, Placement=in_group(e.group))


def test_groups_not_shared_with_the_caller_are_refused(estate):
    """"Share a host resource group": only the owner and accounts it shares the group with
    launch into it. An account that may use the AMI but with which the group is not shared is
    refused (InvalidParameterValue naming the group), nothing launched; member B, with which
    it is shared, launches; a group that does not exist is refused alike."""
    e = estate
    e.sim.add_account("333333333333")
    e.ec2.modify_image_attribute(ImageId=e.image, LaunchPermission={"Add": [{"UserId": "333333333333"}]})
    outsider = e.sim.client("ec2", "333333333333")
    message = assert_refused(e.sim, "InvalidParameterValue",
                             lambda: launch(outsider, "m5.large", image=e.image, Placement=in_group(e.group)),
                             lambda: outsider.describe_instances()["Reservations"])
    assert e.group in message and "333333333333" in message
    (member,) = launch(e.ec2_b, "m5.large", image=e.image, Placement=in_group(e.group))
    assert states(e.ec2_b, member) == ["pending"]
    missing = e.group.replace("sql-hosts", "missing")
    assert missing in assert_refused(e.sim, "InvalidParameterValue",
                                     lambda: launch(e.ec2, "m5.large", image=e.image, Placement=in_group(missing)))


def test_launch_template_placement_into_a_group(estate):
    """Launching into a group through a launch template's Placement."""
    e = estate
    e.ec2_b.create_launch_template(LaunchTemplateName="sql", LaunchTemplateData={
        "ImageId": e.image, "InstanceType": "m5.xlarge", "Placement": in_group(e.group)})
    reservation = e.ec2_b.run_instances(LaunchTemplate={"LaunchTemplateName": "sql"}, MinCount=1, MaxCount=1)
    assert reservation["Instances"][0]["Placement"]["HostResourceGroupArn"] == e.group
    assert len(hosts_by_id(e.ec2)) == 1


def test_affinity_host_cannot_be_combined_with_a_group(estate):
    """Placement: a host resource group places the instance, so Affinity host does not go with it."""
    e = estate
    assert_refused(e.sim, "InvalidParameterCombination",
                   lambda: launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group, Affinity="host")))


# -- auto-release, starts, placement changes -----------------------------------------------------------


def test_auto_release_releases_a_host_left_empty():
    """"Release hosts automatically": a host left with no instances is released and its licenses end."""
    e = make_estate(auto_release=True)
    ids = launch(e.ec2, "m5.xlarge", 2, image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    assert consumed(e.lm, e.core) == 48
    e.ec2.stop_instances(InstanceIds=ids[:1])
    e.sim.advance("2m")
    assert [h["State"] for h in hosts_by_id(e.ec2).values()] == ["available"]
    e.ec2.terminate_instances(InstanceIds=ids[1:])
    e.sim.advance("2m")
    (host,) = hosts_by_id(e.ec2).values()
    assert host["State"] == "released" and consumed(e.lm, e.core) == 0
    assert e.rg.list_group_resources(Group=e.group)["ResourceIdentifiers"] == []


def test_a_stopped_instance_is_placed_again_by_the_group(estate):
    """Host resource groups: a stopped instance that starts again is placed by the group (packed)."""
    e = estate
    (big,) = launch(e.ec2, "m5.24xlarge", image=e.image, Placement=in_group(e.group))
    (small,) = launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    first_host, second_host = host_of(e.ec2, big), host_of(e.ec2, small)
    e.ec2.stop_instances(InstanceIds=[small, big])
    e.sim.advance("2m")
    e.ec2.start_instances(InstanceIds=[small])
    assert host_of(e.ec2, small) == first_host != second_host


def test_start_refused_when_the_group_no_longer_allows_the_configuration(estate):
    """Modify a host resource group: a stopped instance whose configuration the group no longer
    allows is refused at start."""
    e = estate
    (instance_id,) = launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    e.ec2.stop_instances(InstanceIds=[instance_id])
    e.sim.advance("2m")
    other = create_configuration(e.lm, "Core", name="other-cores")
    from tests.helpers import host_group_configuration
    e.rg.put_group_configuration(Group=e.group, Configuration=host_group_configuration([other]))
    assert_refused(e.sim, "InvalidParameterValue", lambda: e.ec2.start_instances(InstanceIds=[instance_id]),
                   lambda: states(e.ec2, instance_id))


def test_tenancy_conversion_into_a_group(estate):
    """"Tenancy conversion": ModifyInstancePlacement moves a stopped instance into a host resource
    group; it starts on the group's hosts."""
    e = estate
    (instance_id,) = launch(e.ec2, "m5.large", pattern="Windows_Server-2022-English-Full-Base-*")
    e.sim.advance("10m")
    e.ec2.stop_instances(InstanceIds=[instance_id])
    e.sim.advance("2m")
    # "Adding Dedicated Hosts", note: associate the configuration the group allows, then move the instance
    e.lm.update_license_specifications_for_resource(ResourceArn=f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/"
                                                    f"{instance_id}", AddLicenseSpecifications=[
                                                        {"LicenseConfigurationArn": e.core}])
    e.ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", HostResourceGroupArn=e.group)
    placement = e.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Placement"]
    assert (placement["Tenancy"], placement["HostResourceGroupArn"]) == ("host", e.group)
    e.ec2.start_instances(InstanceIds=[instance_id])
    assert host_of(e.ec2, instance_id) in hosts_by_id(e.ec2)
    e.sim.advance("10m")
    assert consumed(e.lm, e.core) == 48


def test_tenancy_conversion_into_a_group_needs_an_allowed_configuration(estate):
    """"Tenancy conversion": moving into a group needs a group the account may use and a tracked
    configuration it allows; nothing changes when refused. An instance no configuration tracks
    is refused for the configuration; a tracked instance of an account the group is not
    shared with is refused for the group."""
    e = estate
    (untracked,) = launch(e.ec2, "m5.large", pattern="al2023-ami-*-x86_64")
    e.sim.add_account("333333333333")
    e.ec2.modify_image_attribute(ImageId=e.image, LaunchPermission={"Add": [{"UserId": "333333333333"}]})
    outsider = e.sim.client("ec2", "333333333333")
    allocate(outsider, auto="on")
    (foreign,) = launch(outsider, "m5.large", image=e.image, Placement={"Tenancy": "host"})
    e.sim.advance("10m")
    for ec2, instance_id, reason in ((e.ec2, untracked, "license configuration"), (outsider, foreign, e.group)):
        ec2.stop_instances(InstanceIds=[instance_id])
        e.sim.advance("2m")

        def placement(ec2=ec2, instance_id=instance_id):
            return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Placement"]

        message = assert_refused(e.sim, "InvalidParameterValue", lambda ec2=ec2, instance_id=instance_id: (
            ec2.modify_instance_placement(InstanceId=instance_id, HostResourceGroupArn=e.group)), placement)
        assert reason in message


# -- removing shared hosts: eviction ---------------------------------------------------------------------


def test_removing_a_shared_host_evicts_other_accounts_after_15_days(estate):
    """"Removing Dedicated Hosts": consumers receive an eviction notice and 15 days to move their
    instances; then those still on the host are stopped. The owner's instances stay."""
    e = estate
    mine = launch(e.ec2, "m5.xlarge", image=e.image, Placement=in_group(e.group))
    moved, stays = launch(e.ec2_b, "m5.xlarge", 2, image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    (host_id,) = hosts_by_id(e.ec2)
    e.rg.ungroup_resources(Group=e.group, ResourceArns=[host_arn(ACCOUNT_A, host_id)])
    notices = e.sim.timelines.events
    notices = notices[notices.event_name == "HostEvictionNotice"]
    assert list(notices.account_id) == [ACCOUNT_B] and stays in notices.detail.iloc[0]
    notification = e.sim.timelines.notifications
    assert list(notification.account_id) == [ACCOUNT_B] and "Eviction notice" in notification.subject.iloc[0]
    e.ec2_b.stop_instances(InstanceIds=[moved])
    e.sim.advance("2m")
    e.ec2_b.start_instances(InstanceIds=[moved])  # placed by the group on a new host
    e.sim.advance(EVICTION_PERIOD - 600)
    assert states(e.ec2_b, moved, stays) == ["running", "running"]
    e.sim.advance("20m")
    assert states(e.ec2_b, moved, stays) == ["running", "stopped"]
    assert states(e.ec2, *mine) == ["running"]
    reason = e.ec2_b.describe_instances(InstanceIds=[stays])["Reservations"][0]["Instances"][0]["StateReason"]
    assert reason["Code"] == "Server.ScheduledStop"
    events = e.sim.timelines.events
    assert list(events[events.event_name == "InstanceEvicted"].resource_id) == [stays]


def test_an_instance_left_on_an_added_host_restarts_elsewhere(estate):
    """"Adding Dedicated Hosts", note: an instance stopped on a host that joined a group restarts
    on it only once modified to point to the group; otherwise it needs another host."""
    e = estate
    (host_id,) = e.ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on")[
        "HostIds"]
    (instance_id,) = launch(e.ec2, "m5.large", image=e.image, Placement={"Tenancy": "host"})
    e.sim.advance("10m")
    e.ec2.stop_instances(InstanceIds=[instance_id])
    e.sim.advance("2m")
    e.rg.group_resources(Group=e.group, ResourceArns=[host_arn(ACCOUNT_A, host_id)])
    e.sim.advance("2m")
    assert_refused(e.sim, "InsufficientHostCapacity", lambda: e.ec2.start_instances(InstanceIds=[instance_id]))
    e.ec2.modify_instance_placement(InstanceId=instance_id, HostResourceGroupArn=e.group)
    e.ec2.start_instances(InstanceIds=[instance_id])
    assert host_of(e.ec2, instance_id) == host_id


def test_restarting_with_host_affinity_into_a_group_goes_through_the_group(estate):
    """"Adding Dedicated Hosts", note: an instance with host affinity stopped on a host that then
    joined a group does not start on it plainly (the reason is given, nothing starts); pointed at
    the group, with a license configuration the group allows associated, it starts there."""
    e = estate
    (host_id,) = e.ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5")["HostIds"]
    (instance_id,) = launch(e.ec2, "m5.large", pattern="Windows_Server-2022-English-Full-Base-*",
                            Placement={"Tenancy": "host", "HostId": host_id, "Affinity": "host"})
    e.sim.advance("10m")
    e.ec2.stop_instances(InstanceIds=[instance_id])
    e.sim.advance("2m")
    e.rg.group_resources(Group=e.group, ResourceArns=[host_arn(ACCOUNT_A, host_id)])
    e.sim.advance("2m")
    view = lambda: states(e.ec2, instance_id)  # noqa: E731
    with pytest.raises(e.ec2.exceptions.ClientError) as excinfo:
        e.ec2.start_instances(InstanceIds=[instance_id])
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "only through the group" in excinfo.value.response["Error"]["Message"]
    assert_refused(e.sim, "InvalidParameterValue", lambda: e.ec2.start_instances(InstanceIds=[instance_id]), view)
    # pointing at the group needs a configuration it allows: associate it first, then move
    assert_refused(e.sim, "InvalidParameterValue", lambda: e.ec2.modify_instance_placement(
        InstanceId=instance_id, HostResourceGroupArn=e.group), view)
    e.lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/{instance_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": e.core}])
    e.ec2.modify_instance_placement(InstanceId=instance_id, HostResourceGroupArn=e.group)
    e.ec2.start_instances(InstanceIds=[instance_id])
    assert host_of(e.ec2, instance_id) == host_id
    e.sim.advance("10m")
    assert consumed(e.lm, e.core) == 48


def test_adding_hosts_checks_the_group_license_rules(estate):
    """"Adding Dedicated Hosts": a host the group takes must match its allowed license
    configurations: not one associated with another configuration, nor one running an instance
    tracked only by one; a host running untracked or allowed instances joins."""
    e = estate
    other = create_configuration(e.lm, "Core", name="other-cores")
    associated, running_other, running_allowed = e.ec2.allocate_hosts(
        AvailabilityZone="us-east-1a", InstanceFamily="m5", Quantity=3)["HostIds"]
    e.lm.update_license_specifications_for_resource(ResourceArn=host_arn(ACCOUNT_A, associated),
                                                    AddLicenseSpecifications=[{"LicenseConfigurationArn": other}])
    launch(e.ec2, "m5.large", licenses=[other], Placement={"Tenancy": "host", "HostId": running_other})
    launch(e.ec2, "m5.large", image=e.image, Placement={"Tenancy": "host", "HostId": running_allowed})
    launch(e.ec2, "m5.large", Placement={"Tenancy": "host", "HostId": running_allowed})  # untracked
    out = e.rg.group_resources(Group=e.group, ResourceArns=[
        host_arn(ACCOUNT_A, h) for h in (associated, running_other, running_allowed)])
    refused = {f["ResourceArn"].rsplit("/", 1)[1]: f for f in out["Failed"]}
    assert set(refused) == {associated, running_other}
    assert {f["ErrorCode"] for f in refused.values()} == {"BadRequestException"}
    assert other in refused[associated]["ErrorMessage"] and other in refused[running_other]["ErrorMessage"]
    assert [p["ResourceArn"] for p in out["Pending"]] == [host_arn(ACCOUNT_A, running_allowed)]


def test_group_host_recovery_follows_auto_host_recovery():
    """"Settings", Recover hosts automatically: the AWS::EC2::HostManagement parameter
    auto-host-recovery (true/false, off unless given) is the HostRecovery of the hosts the group
    allocates; GetGroupConfiguration shows it, PutGroupConfiguration changes it for new hosts."""
    from tests.helpers import host_group_configuration

    e = make_estate()
    launch(e.ec2, "m5.24xlarge", image=e.image, Placement=in_group(e.group))
    configuration = host_group_configuration([e.core], auto_recover=True)
    e.rg.put_group_configuration(Group=e.group, Configuration=configuration)
    assert e.rg.get_group_configuration(Group=e.group)["GroupConfiguration"]["Configuration"] == configuration
    launch(e.ec2, "m5.24xlarge", image=e.image, Placement=in_group(e.group))
    assert [h["HostRecovery"] for h in hosts_by_id(e.ec2).values()] == ["off", "on"]
    bad = host_group_configuration([e.core])
    bad[0]["Parameters"].append({"Name": "auto-host-recovery", "Values": ["yes"]})
    with pytest.raises(e.rg.exceptions.BadRequestException):
        e.rg.put_group_configuration(Group=e.group, Configuration=bad)
    assert e.rg.get_group_configuration(Group=e.group)["GroupConfiguration"]["Configuration"] == configuration


def test_recovery_in_a_group_at_the_hard_limit():
    """"Recover hosts automatically" in a shared group whose Core configuration's hard limit is met
    by one full host of two accounts' instances: the replacement joins the group and fits the
    limit; nothing is counted twice."""
    e = make_estate(auto_recover=True)
    e.lm.update_license_configuration(LicenseConfigurationArn=e.core, LicenseCount=48, LicenseCountHardLimit=True)
    ids = launch(e.ec2, "m5.12xlarge", image=e.image, Placement=in_group(e.group))
    ids_b = launch(e.ec2_b, "m5.12xlarge", image=e.image, Placement=in_group(e.group))
    e.sim.advance("10m")
    (failed,) = hosts_by_id(e.ec2)
    e.sim.faults.fail_host(failed)
    e.sim.advance("1h")
    assert states(e.ec2, *ids) == ["running"] and states(e.ec2_b, *ids_b) == ["running"]
    assert host_of(e.ec2, ids[0]) == host_of(e.ec2_b, ids_b[0]) != failed
    levels = e.sim.timelines.compliance
    assert levels[levels.license_configuration_arn == e.core].consumed.max() == 48
    assert consumed(e.lm, e.core) == 48


def test_the_group_pool_sees_only_its_own_hosts_of_the_family(estate):
    """Placement in a group looks only at the group's hosts of the instance's family, whatever other
    hosts exist, so its cost does not grow with the hosts outside the group."""
    e = estate
    e.ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on", Quantity=20)
    e.ec2_b.allocate_hosts(AvailabilityZone="us-east-1a", InstanceFamily="m5", AutoPlacement="on", Quantity=20)
    launch(e.ec2, "m5.large", image=e.image, Placement=in_group(e.group))
    launch(e.ec2, "c4.large", image=e.image, Placement=in_group(e.group))
    region = e.sim.world.region("us-east-1")
    spec = region.ec2.instance_types.catalog.instance_type("m5.large")
    pool = region.resource_groups.placement.pool_for(ACCOUNT_B, e.group, spec, region.ec2.images.images[e.image], ())
    offered = list(pool.hosts_with_room(ACCOUNT_B, spec))
    assert [h.host_resource_group_arn for h in offered] == [e.group]
    assert [h.family for h in offered] == ["m5"]
