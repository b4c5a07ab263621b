"""AWS Systems Manager through boto3: hybrid activations, managed nodes (on-premises servers
and EC2 instances whose AMI carries the agent), inventory answered from what was last
gathered, retention, deregistration and tags (License Manager User Guide, "Tracking
licenses for resources in on-premises data centers", "Resource inventory in License
Manager" and "Systems Manager Inventory is out of date")."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from simulator.core.errors import ServiceError
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    LINUX,
    SQL_ENTERPRISE,
    WINDOWS,
    activation,
    assert_refused,
    error_code,
    launch,
    register_servers,
)

MI = re.compile(r"^mi-[0-9a-f]{17}$")


@pytest.fixture
def ssm(sim):
    """A Systems Manager client of account A."""
    return sim.client("ssm", ACCOUNT_A)


def applications(ssm, node_id: str) -> list[str]:
    """The application names Systems Manager holds for a node."""
    return [e["Name"] for e in ssm.list_inventory_entries(InstanceId=node_id, TypeName="AWS:Application")["Entries"]]


def test_activation_registers_servers_with_mi_ids_and_its_tags(sim, ssm):
    """"Tracking licenses for resources in on-premises data centers": servers register with
    an activation's id and code, get mi- ids and the activation's tags."""
    act = activation(sim, ACCOUNT_A, 2, Tags=[{"Key": "site", "Value": "dc1"}], DefaultInstanceName="dc1")
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", act["ActivationId"])
    node_id = sim.register_on_premises_server(
        act["ActivationId"], act["ActivationCode"], name="sql01", platform_type="Windows",
        platform_name="Microsoft Windows Server 2019 Datacenter", platform_version="10.0.17763", cores=16, sockets=2,
        vcpus=32)
    assert MI.match(node_id)
    info = ssm.describe_instance_information()["InstanceInformationList"]
    assert [(i["InstanceId"], i["ResourceType"], i["PingStatus"], i["PlatformType"], i["PlatformVersion"])
            for i in info] == [(node_id, "ManagedInstance", "Online", "Windows", "10.0.17763")]
    assert info[0]["ActivationId"] == act["ActivationId"] and info[0]["Name"] == "sql01"
    assert ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=node_id)["TagList"] == [
        {"Key": "site", "Value": "dc1"}]
    listed = ssm.describe_activations()["ActivationList"][0]
    assert (listed["RegistrationsCount"], listed["RegistrationLimit"], listed["Expired"]) == (1, 2, False)
    row = sim.timelines.events.query("event_name == 'register_on_premises_server'").iloc[0]
    assert row.source == "action" and json.loads(row.detail)["cores"] == 16


def test_activation_limit_expiry_code_and_deletion(sim, ssm):
    """CreateActivation: RegistrationLimit, ExpirationDate (24 hours by default), a code that
    must match; a deleted activation registers nothing, and the servers it registered stay."""
    act = activation(sim, ACCOUNT_A, 1)
    register = lambda code=act["ActivationCode"]: sim.register_on_premises_server(  # noqa: E731
        act["ActivationId"], code, name="s", platform_type="Linux", platform_name="Ubuntu", platform_version="24.04",
        cores=4, sockets=1, vcpus=8)
    with pytest.raises(ServiceError, match="InvalidActivation"):
        register("wrong-code-000000000000")
    node_id = register()
    with pytest.raises(ServiceError, match="registrations left"):
        register()
    expiring = activation(sim, ACCOUNT_A, 5)
    sim.advance("25h")
    assert ssm.describe_activations(Filters=[{"FilterKey": "ActivationIds", "FilterValues": [
        expiring["ActivationId"]]}])["ActivationList"][0]["Expired"] is True
    with pytest.raises(ServiceError, match="expired"):
        sim.register_on_premises_server(expiring["ActivationId"], expiring["ActivationCode"], name="late",
                                        platform_type="Linux", platform_name="Ubuntu", platform_version="24.04",
                                        cores=4, sockets=1, vcpus=8)
    ssm.delete_activation(ActivationId=act["ActivationId"])
    assert_refused(sim, "InvalidActivationId", lambda: ssm.delete_activation(ActivationId=act["ActivationId"]))
    assert [i["InstanceId"] for i in ssm.describe_instance_information()["InstanceInformationList"]] == [node_id]
    errors = sim.timelines.events.query("source == 'action' and outcome == 'error'")
    assert set(errors.error_code) == {"InvalidActivation"}


@pytest.mark.parametrize("params, fragment", [
    ({"RegistrationLimit": 1001}, "registrationLimit"),  # the model's range 1 to 1000
    ({"ExpirationDate": "2026-03-01T00:00:00Z"}, "30 days"),
    ({"ExpirationDate": "2025-12-31T00:00:00Z"}, "after now"),
])
def test_create_activation_refuses_bad_input(sim, ssm, params, fragment):
    """CreateActivation: at most 1,000 registrations, an expiration at most 30 days ahead."""
    with pytest.raises(ssm.exceptions.ClientError) as excinfo:
        ssm.create_activation(IamRole="SSMServiceRole", **params)
    assert error_code(excinfo) == "ValidationException"
    assert fragment in excinfo.value.response["Error"]["Message"]
    assert ssm.describe_activations()["ActivationList"] == []


def test_bad_server_description_is_refused(sim):
    """register_on_premises_server checks what the agent reports before anything registers."""
    act = activation(sim, ACCOUNT_A, 1)
    with pytest.raises(ValueError, match="platform_type"):
        sim.register_on_premises_server(act["ActivationId"], act["ActivationCode"], name="s", platform_type="Solaris",
                                        platform_name="x", platform_version="1", cores=4, sockets=1, vcpus=8)
    with pytest.raises(ValueError, match="cores"):
        sim.register_on_premises_server(act["ActivationId"], act["ActivationCode"], name="s", platform_type="Linux",
                                        platform_name="x", platform_version="1", cores=3, sockets=2, vcpus=8)
    assert sim.client("ssm", ACCOUNT_A).describe_activations()["ActivationList"][0].get("RegistrationsCount") is None


def test_ec2_instances_register_when_their_ami_carries_the_agent(sim, ec2, ssm):
    """Amazon's Windows and Amazon Linux AMIs carry SSM Agent (the catalog's ssm_agent), Red
    Hat's do not: only the first register, when they first run."""
    windows = launch(ec2, "m5.xlarge", pattern=WINDOWS)[0]
    linux = launch(ec2, pattern=LINUX)[0]
    rhel = launch(ec2, pattern="RHEL-9.5*x86_64*")[0]
    assert ssm.describe_instance_information()["InstanceInformationList"] == []
    sim.advance("1m")
    info = {i["InstanceId"]: i for i in ssm.describe_instance_information()["InstanceInformationList"]}
    assert set(info) == {windows, linux} and rhel not in info
    assert info[windows]["PlatformName"] == "Microsoft Windows Server 2022 Datacenter"
    assert info[linux]["PlatformType"] == "Linux" and info[linux]["ResourceType"] == "EC2Instance"
    ec2.stop_instances(InstanceIds=[windows])
    ec2.terminate_instances(InstanceIds=[linux])
    sim.advance("5m")
    info = {i["InstanceId"]: i["PingStatus"] for i in ssm.describe_instance_information()["InstanceInformationList"]}
    assert info == {windows: "ConnectionLost"}


def test_inventory_answers_what_was_gathered_not_the_live_machine(sim, ssm):
    """GetInventory and ListInventoryEntries answer from the last collection (every 30
    minutes), with Systems Manager's attribute names."""
    node_id = register_servers(sim, ACCOUNT_A)[0]
    sim.install_software(node_id, *SQL_ENTERPRISE[:1], publisher=SQL_ENTERPRISE[1], version=SQL_ENTERPRISE[2])
    assert ssm.get_inventory()["Entities"] == [] and applications(ssm, node_id) == []
    sim.advance("31m")
    entry = ssm.list_inventory_entries(InstanceId=node_id, TypeName="AWS:Application")
    assert entry["CaptureTime"] == "2026-01-01T00:30:00Z"
    assert entry["Entries"] == [{"Name": SQL_ENTERPRISE[0], "Publisher": SQL_ENTERPRISE[1],
                                 "Version": SQL_ENTERPRISE[2], "InstalledTime": "2026-01-01T00:00:00Z"}]
    sim.uninstall_software(node_id, SQL_ENTERPRISE[0])
    assert applications(ssm, node_id) == [SQL_ENTERPRISE[0]]
    sim.advance("30m")
    assert applications(ssm, node_id) == []
    found = ssm.get_inventory(Filters=[{"Key": "AWS:InstanceInformation.PlatformType", "Values": ["Windows"]}],
                              ResultAttributes=[{"TypeName": "AWS:InstanceInformation"}])["Entities"]
    assert [e["Id"] for e in found] == [node_id]
    assert found[0]["Data"]["AWS:InstanceInformation"]["Content"][0]["ResourceType"] == "ManagedInstance"


def test_inventory_filters_and_errors(sim, ssm):
    """GetInventory filters by attribute (Equal, NotEqual, BeginWith, Exists); unknown types
    and keys are refused with their error codes."""
    with_sql, without = register_servers(sim, ACCOUNT_A, 2)
    sim.install_software(with_sql, SQL_ENTERPRISE[0], version=SQL_ENTERPRISE[2])
    sim.advance("31m")
    query = lambda op: [e["Id"] for e in ssm.get_inventory(Filters=[  # noqa: E731
        {"Key": "AWS:Application.Name", "Values": ["Microsoft SQL"], "Type": op}])["Entities"]]
    assert query("BeginWith") == [with_sql] and query("NotEqual") == [with_sql, without]
    assert query("Equal") == []
    with pytest.raises(ssm.exceptions.InvalidTypeNameException):
        ssm.list_inventory_entries(InstanceId=with_sql, TypeName="AWS:Network")
    with pytest.raises(ssm.exceptions.InvalidFilter):
        ssm.get_inventory(Filters=[{"Key": "Name", "Values": ["x"]}])
    with pytest.raises(ssm.exceptions.InvalidInstanceId):
        ssm.list_inventory_entries(InstanceId="mi-0123456789abcdef0", TypeName="AWS:Application")
    with pytest.raises(ssm.exceptions.InvalidFilterKey):
        ssm.describe_instance_information(Filters=[{"Key": "Color", "Values": ["blue"]}])
    with pytest.raises(ssm.exceptions.InvalidInstanceInformationFilterValue):
        ssm.describe_instance_information(Filters=[{"Key": "PingStatus", "Values": ["Asleep"]}])


def test_dark_agent_is_not_gathered_and_its_inventory_is_purged_after_30_days(sim, ssm):
    """"Systems Manager Inventory is out of date": Systems Manager keeps a node's inventory
    for 30 days after it was last seen; a dark agent is ConnectionLost and not gathered."""
    node_id = register_servers(sim, ACCOUNT_A, software=[SQL_ENTERPRISE])[0]
    sim.advance("31m")
    sim.set_agent_online(node_id, False)
    sim.install_software(node_id, "Oracle Database 19c", publisher="Oracle", version="19.3")
    sim.advance("2h")
    info = ssm.describe_instance_information()["InstanceInformationList"][0]
    assert info["PingStatus"] == "ConnectionLost"
    assert info["LastPingDateTime"] == sim.now.replace(hour=0, minute=30)  # pings every 5 minutes
    assert applications(ssm, node_id) == [SQL_ENTERPRISE[0]]
    sim.advance(timedelta(days=29, hours=21))
    assert applications(ssm, node_id) == [SQL_ENTERPRISE[0]]
    sim.advance("2h")
    assert ssm.get_inventory()["Entities"] == [] and applications(ssm, node_id) == []
    sim.set_agent_online(node_id, True)
    sim.advance("31m")
    assert applications(ssm, node_id) == [SQL_ENTERPRISE[0], "Oracle Database 19c"]
    changes = list(sim.timelines.inventory.query(f"resource_id == '{node_id}'").change)
    assert changes[:3] == ["registered", "installed", "gathered"] and "purged" in changes
    assert changes.index("agent_offline") < changes.index("purged") < changes.index("agent_online")


def test_deregistration_removes_the_node_and_its_inventory(sim, ssm, ec2):
    """DeregisterManagedInstance: the node and its inventory go at once; EC2 instances are
    not deregistered this way; unknown ids are refused."""
    node_id = register_servers(sim, ACCOUNT_A, software=[SQL_ENTERPRISE])[0]
    sim.advance("31m")
    ssm.deregister_managed_instance(InstanceId=node_id)
    assert ssm.describe_instance_information()["InstanceInformationList"] == []
    assert ssm.get_inventory()["Entities"] == []
    assert_refused(sim, "InvalidInstanceId", lambda: ssm.deregister_managed_instance(InstanceId=node_id))
    other = register_servers(sim, ACCOUNT_B)[0]
    assert_refused(sim, "InvalidInstanceId", lambda: ssm.deregister_managed_instance(InstanceId=other))
    with pytest.raises(ValueError, match="not a registered"):
        sim.install_software(node_id, "anything")


def test_managed_instance_tags(sim, ssm, ec2):
    """AddTagsToResource, RemoveTagsFromResource, ListTagsForResource of ManagedInstance."""
    node_id = register_servers(sim, ACCOUNT_A)[0]
    ssm.add_tags_to_resource(ResourceType="ManagedInstance", ResourceId=node_id,
                             Tags=[{"Key": "environment", "Value": "dev"}, {"Key": "owner", "Value": "dba"}])
    ssm.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=node_id, TagKeys=["owner"])
    assert ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=node_id)["TagList"] == [
        {"Key": "environment", "Value": "dev"}]
    with pytest.raises(ssm.exceptions.InvalidResourceType):
        ssm.list_tags_for_resource(ResourceType="Document", ResourceId="doc")
    with pytest.raises(ssm.exceptions.InvalidResourceId):
        sim.client("ssm", ACCOUNT_B).add_tags_to_resource(ResourceType="ManagedInstance", ResourceId=node_id,
                                                          Tags=[{"Key": "k", "Value": "v"}])
    sim.advance("31m")
    assert ssm.list_inventory_entries(InstanceId=node_id, TypeName="AWS:Tag")["Entries"] == [
        {"Key": "environment", "Value": "dev"}]


def test_paging_of_instance_information(sim, ssm):
    """DescribeInstanceInformation pages with MaxResults (5 to 50) and NextToken."""
    ids = register_servers(sim, ACCOUNT_A, 7)
    first = ssm.describe_instance_information(MaxResults=5)
    rest = ssm.describe_instance_information(MaxResults=5, NextToken=first["NextToken"])
    assert [i["InstanceId"] for i in first["InstanceInformationList"] + rest["InstanceInformationList"]] == ids
    assert "NextToken" not in rest
    with pytest.raises(ssm.exceptions.InvalidNextToken):
        ssm.describe_instance_information(MaxResults=5, NextToken="bm90LWEtdG9rZW4=")


def test_nodes_belong_to_their_region(sim):
    """An instance registers with Systems Manager of its own region only."""
    ec2_west = sim.client("ec2", ACCOUNT_A, region="us-west-2")
    sim.client("ssm", ACCOUNT_A, region="us-east-1").describe_instance_information()  # both regions in use
    instance = launch(ec2_west, pattern=LINUX)[0]
    sim.advance("1m")
    west = sim.client("ssm", ACCOUNT_A, region="us-west-2").describe_instance_information()["InstanceInformationList"]
    east = sim.client("ssm", ACCOUNT_A).describe_instance_information()["InstanceInformationList"]
    assert [i["InstanceId"] for i in west] == [instance] and east == []
