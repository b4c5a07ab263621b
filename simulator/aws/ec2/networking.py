"""EC2 networking operations: DescribeVpcs, DescribeSubnets, DescribeSecurityGroups,
CreateSecurityGroup, DeleteSecurityGroup, AuthorizeSecurityGroupIngress,
DescribeAvailabilityZones, DescribeRegions, DescribeAccountAttributes."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import tag_specifications
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world import AWS_REGIONS
from simulator.world.ec2 import SecurityGroup, SecurityGroupRule, Subnet, Vpc
from simulator.world.ec2.errors import not_simulated
from simulator.world.ec2.network import zone_id
from simulator.world.ec2.networks import RuleRequest
from simulator.world.filters import compile_filters

#: Regions an account must opt in to (AWS General Reference, "Regions and endpoints"); the
#: simulation treats every account as opted in.
OPT_IN_REGIONS = frozenset({"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ca-west-1",
                            "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1"})


def vpc_out(vpc: Vpc) -> dict[str, Any]:
    """The Vpc shape."""
    return {"VpcId": vpc.vpc_id, "OwnerId": vpc.account_id, "State": "available", "CidrBlock": vpc.cidr_block,
            "InstanceTenancy": "default", "IsDefault": vpc.is_default, "DhcpOptionsId": "default",
            "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-" + vpc.vpc_id[4:], "CidrBlock":
                                         vpc.cidr_block, "CidrBlockState": {"State": "associated"}}],
            "Tags": tags_out(vpc.tags) if vpc.tags else None}


def subnet_out(subnet: Subnet) -> dict[str, Any]:
    """The Subnet shape."""
    return {"SubnetId": subnet.subnet_id, "SubnetArn": subnet.arn, "VpcId": subnet.vpc_id, "OwnerId": subnet.account_id,
            "State": "available", "CidrBlock": subnet.cidr_block, "AvailabilityZone": subnet.availability_zone,
            "AvailabilityZoneId": zone_id(subnet.availability_zone), "DefaultForAz": subnet.default_for_az,
            "MapPublicIpOnLaunch": subnet.map_public_ip_on_launch,
            "AvailableIpAddressCount": subnet.available_ip_address_count, "AssignIpv6AddressOnCreation": False,
            "Ipv6CidrBlockAssociationSet": [], "Tags": tags_out(subnet.tags) if subnet.tags else None}


def _permissions(group: SecurityGroup, egress: bool) -> list[dict[str, Any]]:
    by_port: dict[tuple, dict[str, Any]] = {}
    for rule in group.rules:
        if rule.is_egress != egress:
            continue
        key = (rule.ip_protocol, rule.from_port, rule.to_port)
        permission = by_port.get(key)
        if permission is None:
            permission = by_port[key] = {"IpProtocol": rule.ip_protocol, "FromPort": rule.from_port,
                                         "ToPort": rule.to_port, "IpRanges": [], "UserIdGroupPairs": [],
                                         "Ipv6Ranges": [], "PrefixListIds": []}
        if rule.cidr_ipv4 is not None:
            permission["IpRanges"].append({"CidrIp": rule.cidr_ipv4, "Description": rule.description})
        else:
            permission["UserIdGroupPairs"].append({"GroupId": rule.referenced_group_id, "UserId": group.account_id,
                                                   "Description": rule.description})
    return list(by_port.values())


def security_group_out(group: SecurityGroup) -> dict[str, Any]:
    """The SecurityGroup shape."""
    return {"GroupId": group.group_id, "GroupName": group.group_name, "Description": group.description,
            "VpcId": group.vpc_id, "OwnerId": group.account_id, "SecurityGroupArn": group.arn,
            "IpPermissions": _permissions(group, False), "IpPermissionsEgress": _permissions(group, True),
            "Tags": tags_out(group.tags) if group.tags else None}


def rule_out(group: SecurityGroup, rule: SecurityGroupRule) -> dict[str, Any]:
    """The SecurityGroupRule shape."""
    return {"SecurityGroupRuleId": rule.rule_id, "GroupId": group.group_id, "GroupOwnerId": group.account_id,
            "IsEgress": rule.is_egress, "IpProtocol": rule.ip_protocol, "FromPort": rule.from_port if rule.from_port
            is not None else -1, "ToPort": rule.to_port if rule.to_port is not None else -1,
            "CidrIpv4": rule.cidr_ipv4, "Description": rule.description,
            "ReferencedGroupInfo": {"GroupId": rule.referenced_group_id, "UserId": group.account_id}
            if rule.referenced_group_id else None}


@operation("ec2", "DescribeVpcs")
def describe_vpcs(call: Call, params: Params) -> Response:
    vpcs = call.ec2.networks.describe_vpcs(call.account_id, params.get("VpcIds"), filters_in(params.get("Filters")))
    page, token = call.page(params, vpcs)
    return {"Vpcs": [vpc_out(v) for v in page], **token}


@operation("ec2", "DescribeSubnets")
def describe_subnets(call: Call, params: Params) -> Response:
    subnets = call.ec2.networks.describe_subnets(call.account_id, params.get("SubnetIds"),
                                                 filters_in(params.get("Filters")))
    page, token = call.page(params, subnets)
    return {"Subnets": [subnet_out(s) for s in page], **token}


@operation("ec2", "DescribeSecurityGroups")
def describe_security_groups(call: Call, params: Params) -> Response:
    groups = call.ec2.networks.describe_security_groups(call.account_id, params.get("GroupIds"),
                                                        params.get("GroupNames"), filters_in(params.get("Filters")))
    page, token = call.page(params, groups)
    return {"SecurityGroups": [security_group_out(g) for g in page], **token}


@operation("ec2", "CreateSecurityGroup")
def create_security_group(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("security-group",))
    group = call.ec2.networks.create_security_group(call.account_id, params["GroupName"], params["Description"],
                                                    params.get("VpcId"), tags.get("security-group"))
    call.resource_id = group.group_id
    return {"GroupId": group.group_id, "SecurityGroupArn": group.arn,
            "Tags": tags_out(group.tags) if group.tags else None}


@operation("ec2", "DeleteSecurityGroup")
def delete_security_group(call: Call, params: Params) -> Response:
    group = call.ec2.networks.delete_security_group(call.account_id, params.get("GroupId"), params.get("GroupName"))
    call.resource_id = group.group_id
    return {"Return": True, "GroupId": group.group_id}


def _rule_requests(params: Params, account_id: str) -> list[RuleRequest]:
    """The rules of AuthorizeSecurityGroupIngress, one per source, from IpPermissions or the
    flat members (CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName)."""
    requests: list[RuleRequest] = []
    flat = {k: params.get(k) for k in ("CidrIp", "IpProtocol", "FromPort", "ToPort", "SourceSecurityGroupName")}
    if any(v is not None for v in flat.values()):
        if params.get("IpPermissions"):
            raise ServiceError("InvalidParameterCombination", "Give IpPermissions or the flat members (CidrIp, "
                               "IpProtocol, FromPort, ToPort, SourceSecurityGroupName), not both")
        requests.append(RuleRequest(flat["IpProtocol"] or "-1", flat["FromPort"], flat["ToPort"], flat["CidrIp"],
                                    group_name=flat["SourceSecurityGroupName"]))
    for index, permission in enumerate(params.get("IpPermissions") or ()):
        for name in ("Ipv6Ranges", "PrefixListIds"):
            if permission.get(name):
                raise not_simulated(f"IpPermissions[{index}].{name}", "IPv4 CIDR ranges and security groups are")
        protocol = permission.get("IpProtocol", "")
        ports = (permission.get("FromPort"), permission.get("ToPort"))
        requests.extend(RuleRequest(protocol, *ports, cidr_ipv4=cidr.get("CidrIp", ""),
                                    description=cidr.get("Description")) for cidr in permission.get("IpRanges") or ())
        for pair in permission.get("UserIdGroupPairs") or ():
            if pair.get("UserId") not in (None, account_id):
                raise not_simulated(f"IpPermissions[{index}].UserIdGroupPairs.UserId",
                                    "rules naming other accounts' groups")
            requests.append(RuleRequest(protocol, *ports, group_id=pair.get("GroupId"),
                                        group_name=pair.get("GroupName"), description=pair.get("Description")))
        if not permission.get("IpRanges") and not permission.get("UserIdGroupPairs"):
            requests.append(RuleRequest(protocol, *ports))
    return requests


@operation("ec2", "AuthorizeSecurityGroupIngress")
def authorize_security_group_ingress(call: Call, params: Params) -> Response:
    if params.get("TagSpecifications"):
        raise not_simulated("TagSpecifications", "security group rules are not taggable here")
    for name in ("SourceSecurityGroupOwnerId",):
        if params.get(name) not in (None, call.account_id):
            raise not_simulated(name, "rules naming other accounts' groups")
    rules = _rule_requests(params, call.account_id)
    networks = call.ec2.networks
    added = networks.authorize_ingress(call.account_id, rules, params.get("GroupId"), params.get("GroupName"))
    group = networks.group(call.account_id, params.get("GroupId"), params.get("GroupName"))
    call.resource_id = group.group_id
    return {"Return": True, "SecurityGroupRules": [rule_out(group, r) for r in added]}


_ZONE_FILTERS = {
    "group-name": lambda z: z[0][:-1], "message": lambda z: None, "opt-in-status": lambda z: "opt-in-not-required",
    "region-name": lambda z: z[0][:-1], "state": lambda z: "available", "zone-id": lambda z: z[1],
    "zone-name": lambda z: z[0], "zone-type": lambda z: "availability-zone",
}


@operation("ec2", "DescribeAvailabilityZones")
def describe_availability_zones(call: Call, params: Params) -> Response:
    zones = [(z, zone_id(z)) for z in call.world.region(call.region).ctx.availability_zones]
    for field, index in (("ZoneNames", 0), ("ZoneIds", 1)):
        known = {z[index] for z in zones}
        for name in params.get(field) or ():
            if name not in known:
                raise ServiceError("InvalidParameterValue", f"The zone '{name}' does not exist in {call.region} "
                                   f"({field}); zones: {', '.join(sorted(known))}")
        if params.get(field):
            zones = [z for z in zones if z[index] in params[field]]
    matches = compile_filters(filters_in(params.get("Filters")), _ZONE_FILTERS, "DescribeAvailabilityZones",
                              taggable=False)
    return {"AvailabilityZones": [
        {"ZoneName": z, "ZoneId": zid, "State": "available", "OptInStatus": "opt-in-not-required", "Messages": [],
         "RegionName": call.region, "GroupName": call.region, "NetworkBorderGroup": call.region,
         "ZoneType": "availability-zone"}
        for z, zid in zones if matches((z, zid))]}


_REGION_FILTERS = {"endpoint": lambda r: f"ec2.{r}.amazonaws.com", "region-name": lambda r: r,
                   "opt-in-status": lambda r: "opted-in" if r in OPT_IN_REGIONS else "opt-in-not-required"}


@operation("ec2", "DescribeRegions")
def describe_regions(call: Call, params: Params) -> Response:
    names = params.get("RegionNames") or list(AWS_REGIONS)
    for name in names:
        if name not in AWS_REGIONS:
            raise ServiceError("InvalidParameterValue", f"Invalid region name: {name} (RegionNames)")
    matches = compile_filters(filters_in(params.get("Filters")), _REGION_FILTERS, "DescribeRegions", taggable=False)
    return {"Regions": [{"RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com",
                         "OptInStatus": _REGION_FILTERS["opt-in-status"](r)} for r in names if matches(r)]}


@operation("ec2", "DescribeAccountAttributes")
def describe_account_attributes(call: Call, params: Params) -> Response:
    quotas = call.world.quotas
    attributes = {
        "supported-platforms": ["VPC"],
        "default-vpc": [call.ec2.networks.of(call.account_id).default_vpc.vpc_id],
        "max-instances": [str(quotas.on_demand_vcpus.get("Standard", 0))],
        "vpc-max-security-groups-per-interface": ["5"],
        "max-elastic-ips": ["5"],
        "vpc-max-elastic-ips": ["5"],
    }
    names = params.get("AttributeNames") or list(attributes)
    for name in names:
        if name not in attributes:
            raise ServiceError("InvalidParameterValue", f"Value ({name}) for parameter AttributeNames is invalid. "
                               f"Allowed values: {', '.join(attributes)}")
    return {"AccountAttributes": [{"AttributeName": n, "AttributeValues": [{"AttributeValue": v}
                                                                           for v in attributes[n]]} for n in names]}
