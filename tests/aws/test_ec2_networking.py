"""EC2 networking through a genuine boto3 client: the default VPC a new account has, its
subnets and security groups, the addresses instances get, and launch code written the way
the AWS documentation's examples write it."""

from __future__ import annotations

import base64
import ipaddress

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ACCOUNT_A, ACCOUNT_B, LINUX, assert_refused, error_code, public_ami

ZONES = [f"us-east-1{z}" for z in "abcdef"]


def _groups(ec2) -> list[str]:
    return sorted(g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"])


def test_every_account_has_the_default_vpc_of_a_new_account(ec2, ec2_b):
    """One default VPC per account and region (172.31.0.0/16), a default /20 subnet in each
    availability zone and a ``default`` security group that admits its own members."""
    (vpc,) = ec2.describe_vpcs()["Vpcs"]
    assert vpc["IsDefault"] and vpc["CidrBlock"] == "172.31.0.0/16" and vpc["OwnerId"] == ACCOUNT_A
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == ZONES
    assert {s["VpcId"] for s in subnets} == {vpc["VpcId"]}
    blocks = [ipaddress.ip_network(s["CidrBlock"]) for s in subnets]
    assert all(b.prefixlen == 20 and b.subnet_of(ipaddress.ip_network("172.31.0.0/16")) for b in blocks)
    assert len(set(blocks)) == 6 and all(s["AvailableIpAddressCount"] == 4091 for s in subnets)
    (group,) = ec2.describe_security_groups()["SecurityGroups"]
    assert group["GroupName"] == "default" and group["VpcId"] == vpc["VpcId"]
    assert group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == group["GroupId"]
    assert ec2_b.describe_vpcs()["Vpcs"][0]["VpcId"] != vpc["VpcId"]
    attributes = {a["AttributeName"]: a["AttributeValues"][0]["AttributeValue"]
                  for a in ec2.describe_account_attributes()["AccountAttributes"]}
    assert attributes["default-vpc"] == vpc["VpcId"] and attributes["supported-platforms"] == "VPC"


def test_availability_zones_and_regions(ec2):
    """DescribeAvailabilityZones lists the region's zones with their ids; DescribeRegions the
    AWS Regions; an unknown zone is refused by name."""
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ZONES and zones[0]["ZoneId"] == "use1-az1"
    assert all(z["State"] == "available" and z["RegionName"] == "us-east-1" for z in zones)
    by_id = ec2.describe_availability_zones(ZoneIds=["use1-az2"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_id] == ["us-east-1b"]
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_availability_zones(ZoneNames=["us-east-1z"])
    assert error_code(excinfo) == "InvalidParameterValue" and "us-east-1z" in str(excinfo.value)
    regions = {r["RegionName"]: r for r in ec2.describe_regions()["Regions"]}
    assert regions["eu-west-1"]["Endpoint"] == "ec2.eu-west-1.amazonaws.com" and "us-east-1" in regions


def test_security_groups_are_created_described_authorized_and_deleted(sim, ec2):
    """CreateSecurityGroup allows all egress and no ingress; AuthorizeSecurityGroupIngress adds
    rules by group id or name; duplicates, reserved names and the default group are refused,
    and a group in use cannot be deleted."""
    group_id = ec2.create_security_group(GroupName="web", Description="web tier", TagSpecifications=[
        {"ResourceType": "security-group", "Tags": [{"Key": "team", "Value": "web"}]}])["GroupId"]
    rules = ec2.authorize_security_group_ingress(GroupName="web", IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    assert [r["FromPort"] for r in rules["SecurityGroupRules"]] == [443, 22]
    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert group["Tags"] == [{"Key": "team", "Value": "web"}]
    assert sorted(p["FromPort"] for p in group["IpPermissions"]) == [22, 443]
    assert group["IpPermissionsEgress"][0]["IpProtocol"] == "-1"
    found = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.from-port", "Values": ["443"]}])
    assert [g["GroupId"] for g in found["SecurityGroups"]] == [group_id]
    listing = lambda: _groups(ec2)  # noqa: E731
    assert_refused(sim, "InvalidGroup.Duplicate", lambda: ec2.create_security_group(
        GroupName="web", Description="again"), listing)
    assert_refused(sim, "InvalidGroup.Reserved", lambda: ec2.create_security_group(
        GroupName="default", Description="x"), listing)
    assert_refused(sim, "InvalidPermission.Duplicate", lambda: ec2.authorize_security_group_ingress(
        GroupId=group_id, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="0.0.0.0/0"), listing)
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.authorize_security_group_ingress(
        GroupId=group_id, IpProtocol="tcp", FromPort=80, ToPort=70, CidrIp="0.0.0.0/0"), listing)
    default = next(g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] ==
                   "default")
    assert_refused(sim, "CannotDelete", lambda: ec2.delete_security_group(GroupId=default), listing)
    instance = ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                 SecurityGroupIds=[group_id])["Instances"][0]["InstanceId"]
    assert_refused(sim, "DependencyViolation", lambda: ec2.delete_security_group(GroupId=group_id), listing)
    ec2.terminate_instances(InstanceIds=[instance])
    sim.advance("5m")
    ec2.delete_security_group(GroupName="web")
    assert listing() == ["default"]
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_security_groups(GroupIds=[group_id])
    assert error_code(excinfo) == "InvalidGroup.NotFound"


def test_instances_get_addresses_from_their_subnet(sim, ec2):
    """A launch lands in the default subnet of its zone (or the subnet it names), each
    instance with a private address of the subnet and its private DNS name; a terminated
    instance gives its address back; a named address must be free and in the subnet."""
    image = public_ami(ec2, LINUX)
    subnets = {s["AvailabilityZone"]: s for s in ec2.describe_subnets()["Subnets"]}
    reservation = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=3, MaxCount=3)
    first = reservation["Instances"][0]
    assert first["SubnetId"] == subnets["us-east-1a"]["SubnetId"] and first["VpcId"] == subnets["us-east-1a"]["VpcId"]
    addresses = [i["PrivateIpAddress"] for i in reservation["Instances"]]
    assert addresses == ["172.31.0.4", "172.31.0.5", "172.31.0.6"]
    assert first["PrivateDnsName"] == "ip-172-31-0-4.ec2.internal"
    assert first["SecurityGroups"][0]["GroupName"] == "default"
    in_b = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnets["us-east-1b"]["SubnetId"])["Instances"][0]
    assert in_b["Placement"]["AvailabilityZone"] == "us-east-1b"
    assert ipaddress.ip_address(in_b["PrivateIpAddress"]) in ipaddress.ip_network(subnets["us-east-1b"]["CidrBlock"])
    fixed = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              PrivateIpAddress="172.31.0.50")["Instances"][0]
    assert fixed["PrivateIpAddress"] == "172.31.0.50"
    count = lambda: len(ec2.describe_instances()["Reservations"])  # noqa: E731
    run = lambda **extra: ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,  # noqa: E731
                                            **extra)
    assert_refused(sim, "InvalidIPAddress.InUse", lambda: run(PrivateIpAddress="172.31.0.50"), count)
    assert_refused(sim, "InvalidParameterValue", lambda: run(PrivateIpAddress="10.1.2.3"), count)
    assert_refused(sim, "InvalidSubnetID.NotFound", lambda: run(SubnetId="subnet-0123456789abcdef0"), count)
    assert_refused(sim, "InvalidParameterValue", lambda: run(SubnetId=subnets["us-east-1b"]["SubnetId"],
                                                             Placement={"AvailabilityZone": "us-east-1a"}), count)
    assert_refused(sim, "InvalidGroup.NotFound", lambda: run(SecurityGroups=["no-such-group"]), count)
    assert_refused(sim, "InvalidGroup.NotFound", lambda: run(SecurityGroupIds=["sg-0123456789abcdef0"]), count)
    ec2.terminate_instances(InstanceIds=[first["InstanceId"]])
    sim.advance("2m")
    again = run()["Instances"][0]
    assert again["PrivateIpAddress"] == "172.31.0.4"  # given back at termination
    found = ec2.describe_instances(Filters=[{"Name": "private-dns-name", "Values": ["ip-172-31-0-5.ec2.internal"]}])
    assert found["Reservations"][0]["Instances"][0]["InstanceId"] == reservation["Instances"][1]["InstanceId"]


def test_launch_code_written_as_the_aws_documentation_writes_it(sim):
    """The EC2 User Guide's command line and SDK examples: a key pair, a security group by
    name in the default VPC with SSH allowed, an instance with user data; the instance is
    running with them, and its user data reads back from DescribeInstanceAttribute."""
    ec2 = sim.client("ec2", ACCOUNT_B)
    key = ec2.create_key_pair(KeyName="MyKeyPair")
    assert key["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    ec2.create_security_group(GroupName="my-sg", Description="My security group")
    ec2.authorize_security_group_ingress(GroupName="my-sg", IpProtocol="tcp", FromPort=22, ToPort=22,
                                         CidrIp="203.0.113.0/24")
    script = "#!/bin/bash\nyum update -y\nyum install -y httpd\nsystemctl start httpd\n"
    response = ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="t2.micro", KeyName="MyKeyPair",
                                 SecurityGroups=["my-sg"], MinCount=1, MaxCount=1, UserData=script)
    instance_id = response["Instances"][0]["InstanceId"]
    sim.advance("1m")
    (instance,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    assert instance["State"]["Name"] == "running" and instance["KeyName"] == "MyKeyPair"
    assert [g["GroupName"] for g in instance["SecurityGroups"]] == ["my-sg"]
    attribute = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    assert base64.b64decode(attribute["UserData"]["Value"]).decode() == script
    by_key = ec2.describe_instances(Filters=[{"Name": "key-name", "Values": ["MyKeyPair"]}])["Reservations"]
    assert by_key[0]["Instances"][0]["InstanceId"] == instance_id


def test_a_launch_without_subnet_or_zone_moves_on_when_the_first_default_subnet_is_full(sim, ec2):
    """A default subnet (/20) holds 4,091 instances: a launch that names no subnet or zone
    goes to the next zone's default subnet once the first has no room, while a launch into
    the full zone is refused with InsufficientFreeAddressesInSubnet."""
    image = public_ami(ec2, LINUX)
    subnets = {s["AvailabilityZone"]: s for s in ec2.describe_subnets()["Subnets"]}
    first = sim.world.region(sim.region).ec2.networks.subnet(ACCOUNT_A, subnets["us-east-1a"]["SubnetId"])
    while first.available_ip_address_count > 2:  # as if 4,089 instances ran there
        first.allocate()
    run = lambda **extra: ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=3,  # noqa: E731
                                            MaxCount=3, **extra)["Instances"]
    assert {i["Placement"]["AvailabilityZone"] for i in run()} == {"us-east-1b"}
    count = lambda: len(ec2.describe_instances()["Reservations"])  # noqa: E731
    assert_refused(sim, "InsufficientFreeAddressesInSubnet",
                   lambda: run(Placement={"AvailabilityZone": "us-east-1a"}), count)
    in_a = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2)["Instances"]
    assert {i["Placement"]["AvailabilityZone"] for i in in_a} == {"us-east-1a"}
    assert ec2.describe_subnets(SubnetIds=[subnets["us-east-1a"]["SubnetId"]])["Subnets"][0][
        "AvailableIpAddressCount"] == 0
