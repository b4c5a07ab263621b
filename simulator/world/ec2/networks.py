"""The networking service of one region: each account's default VPC (made the first time
the account's network is used, as a new account has it: one default subnet per availability
zone and a ``default`` security group), security groups and their ingress rules, and the
subnets and groups a launch lands in."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from simulator.core.validation import check_id
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import (
    cannot_delete,
    dependency_violation,
    invalid_group_duplicate,
    invalid_group_not_found,
    invalid_group_reserved,
    invalid_parameter_value,
    invalid_permission_duplicate,
    invalid_permission_malformed,
    invalid_subnet_id_not_found,
    invalid_vpc_id_not_found,
    missing_parameter,
)
from simulator.world.ec2.network import (
    DEFAULT_SUBNET_PREFIX,
    DEFAULT_VPC_CIDR,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
    zone_id,
)
from simulator.world.filters import compile_filters

_VPC_FILTERS = {
    "cidr": lambda v: v.cidr_block,
    "cidr-block-association.cidr-block": lambda v: v.cidr_block,
    "is-default": lambda v: v.is_default,
    "owner-id": lambda v: v.account_id,
    "state": lambda v: "available",
    "vpc-id": lambda v: v.vpc_id,
}
_SUBNET_FILTERS = {
    "availability-zone": lambda s: s.availability_zone,
    "availability-zone-id": lambda s: zone_id(s.availability_zone),
    "available-ip-address-count": lambda s: s.available_ip_address_count,
    "cidr-block": lambda s: s.cidr_block,
    "default-for-az": lambda s: s.default_for_az,
    "map-public-ip-on-launch": lambda s: s.map_public_ip_on_launch,
    "owner-id": lambda s: s.account_id,
    "state": lambda s: "available",
    "subnet-arn": lambda s: s.arn,
    "subnet-id": lambda s: s.subnet_id,
    "vpc-id": lambda s: s.vpc_id,
}
_GROUP_FILTERS = {
    "description": lambda g: g.description,
    "group-id": lambda g: g.group_id,
    "group-name": lambda g: g.group_name,
    "owner-id": lambda g: g.account_id,
    "vpc-id": lambda g: g.vpc_id,
    "ip-permission.protocol": lambda g: [r.ip_protocol for r in g.rules if not r.is_egress],
    "ip-permission.from-port": lambda g: [r.from_port for r in g.rules if not r.is_egress],
    "ip-permission.to-port": lambda g: [r.to_port for r in g.rules if not r.is_egress],
    "ip-permission.cidr": lambda g: [r.cidr_ipv4 for r in g.rules if not r.is_egress],
    "ip-permission.group-id": lambda g: [r.referenced_group_id for r in g.rules if not r.is_egress],
    "egress.ip-permission.protocol": lambda g: [r.ip_protocol for r in g.rules if r.is_egress],
    "egress.ip-permission.cidr": lambda g: [r.cidr_ipv4 for r in g.rules if r.is_egress],
}
#: IP protocols a rule may name (names, or -1 for all); protocol numbers 0 to 255 are also accepted.
PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6", "-1")
_PORTED = {"tcp": "tcp", "udp": "udp", "6": "tcp", "17": "udp"}


@dataclass(frozen=True, slots=True)
class RuleRequest:
    """One rule an AuthorizeSecurityGroupIngress call asks for (one source each)."""

    ip_protocol: str
    from_port: int | None = None
    to_port: int | None = None
    cidr_ipv4: str | None = None
    group_id: str | None = None
    group_name: str | None = None
    description: str | None = None


class AccountNetwork:
    """The networking resources of one account in one region."""

    def __init__(self, vpc: Vpc, subnets: dict[str, Subnet], default_group: SecurityGroup) -> None:
        self.vpcs = {vpc.vpc_id: vpc}
        self.default_vpc = vpc
        self.subnets = {s.subnet_id: s for s in subnets.values()}
        self.default_subnets = subnets  # by zone
        self.groups = {default_group.group_id: default_group}
        #: The default VPC's ``default`` group (which cannot be deleted): a launch's group
        #: when it names none.
        self.default_group = default_group


class NetworkService:
    """VPCs, subnets and security groups of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._accounts: dict[str, AccountNetwork] = {}

    # -- the default VPC ------------------------------------------------------------------

    def of(self, account_id: str) -> AccountNetwork:
        """The account's network, its default VPC made on first use."""
        network = self._accounts.get(account_id)
        if network is None:
            network = self._accounts[account_id] = self._default_network(account_id)
        return network

    def _default_network(self, account_id: str) -> AccountNetwork:
        ids = self.ctx.ids
        vpc = Vpc(ids.resource_id("vpc"), account_id, self.ctx.region, DEFAULT_VPC_CIDR)
        blocks = ipaddress.IPv4Network(DEFAULT_VPC_CIDR).subnets(new_prefix=DEFAULT_SUBNET_PREFIX)
        subnets = {zone: Subnet(ids.resource_id("subnet"), vpc, account_id, zone, str(block))
                   for zone, block in zip(self.ctx.availability_zones, blocks, strict=False)}
        group = SecurityGroup(ids.resource_id("sg"), "default", "default VPC security group", vpc, account_id,
                              self.ctx.clock.now())
        group.rules = [
            SecurityGroupRule(ids.resource_id("sgr"), False, "-1", None, None, referenced_group_id=group.group_id),
            SecurityGroupRule(ids.resource_id("sgr"), True, "-1", None, None, cidr_ipv4="0.0.0.0/0"),
        ]
        return AccountNetwork(vpc, subnets, group)

    def default_subnet(self, account_id: str, zone: str) -> Subnet:
        """The account's default subnet in ``zone``."""
        return self.of(account_id).default_subnets[zone]

    # -- lookups --------------------------------------------------------------------------

    def vpc(self, account_id: str, vpc_id: str | None) -> Vpc:
        """A VPC of the account (None: its default VPC).

        Raises:
            ServiceError: InvalidVpcID.NotFound.
        """
        network = self.of(account_id)
        if vpc_id is None:
            return network.default_vpc
        vpc = network.vpcs.get(vpc_id)
        if vpc is None:
            raise invalid_vpc_id_not_found(f"The vpc ID '{vpc_id}' does not exist")
        return vpc

    def subnet(self, account_id: str, subnet_id: str, field: str = "SubnetId") -> Subnet:
        """A subnet of the account.

        Raises:
            ServiceError: InvalidSubnetID.NotFound naming the field.
        """
        subnet = self.of(account_id).subnets.get(subnet_id)
        if subnet is None:
            raise invalid_subnet_id_not_found(f"The subnet ID '{subnet_id}' does not exist ({field})")
        return subnet

    def group(self, account_id: str, group_id: str | None = None, group_name: str | None = None,
              vpc: Vpc | None = None) -> SecurityGroup:
        """A security group of the account by id, or by name in ``vpc`` (default: the
        default VPC).

        Raises:
            ServiceError: MissingParameter without either, InvalidGroupId.Malformed,
                InvalidGroup.NotFound.
        """
        network = self.of(account_id)
        if group_id:
            check_id(group_id, "sg", "InvalidGroupId")
            group = network.groups.get(group_id)
            if group is None:
                raise invalid_group_not_found(f"The security group '{group_id}' does not exist")
            return group
        if group_name:
            vpc = vpc or network.default_vpc
            for group in network.groups.values():
                if group.group_name == group_name and group.vpc is vpc:
                    return group
            raise invalid_group_not_found(f"The security group '{group_name}' does not exist in default VPC "
                                          f"'{vpc.vpc_id}'")
        raise missing_parameter("The request must contain the parameter GroupId or GroupName")

    # -- describes ------------------------------------------------------------------------

    def describe_vpcs(self, account_id: str, vpc_ids: list[str] | None = None,
                      filters: list[tuple[str, list[str]]] | None = None) -> list[Vpc]:
        """DescribeVpcs. Raises ServiceError: InvalidVpcID.NotFound, InvalidParameterValue
        for an unknown filter."""
        matches = compile_filters(filters or (), _VPC_FILTERS, "DescribeVpcs")
        vpcs = [self.vpc(account_id, v) for v in vpc_ids] if vpc_ids else list(self.of(account_id).vpcs.values())
        return [v for v in vpcs if matches(v)]

    def describe_subnets(self, account_id: str, subnet_ids: list[str] | None = None,
                         filters: list[tuple[str, list[str]]] | None = None) -> list[Subnet]:
        """DescribeSubnets. Raises ServiceError: InvalidSubnetID.NotFound, InvalidParameterValue
        for an unknown filter."""
        matches = compile_filters(filters or (), _SUBNET_FILTERS, "DescribeSubnets")
        network = self.of(account_id)
        subnets = ([self.subnet(account_id, s, "SubnetIds") for s in subnet_ids] if subnet_ids
                   else list(network.subnets.values()))
        return [s for s in subnets if matches(s)]

    def describe_security_groups(self, account_id: str, group_ids: list[str] | None = None,
                                 group_names: list[str] | None = None,
                                 filters: list[tuple[str, list[str]]] | None = None) -> list[SecurityGroup]:
        """DescribeSecurityGroups (names are looked up in the default VPC). Raises
        ServiceError: InvalidGroup.NotFound, InvalidGroupId.Malformed, InvalidParameterValue
        for an unknown filter."""
        matches = compile_filters(filters or (), _GROUP_FILTERS, "DescribeSecurityGroups")
        if group_ids or group_names:
            found = [self.group(account_id, group_id=g) for g in group_ids or ()]
            found += [self.group(account_id, group_name=n) for n in group_names or ()]
            groups = list({g.group_id: g for g in found}.values())
        else:
            groups = list(self.of(account_id).groups.values())
        return [g for g in groups if matches(g)]

    # -- security groups ------------------------------------------------------------------

    def create_security_group(self, account_id: str, name: str, description: str, vpc_id: str | None = None,
                              tags: dict[str, str] | None = None) -> SecurityGroup:
        """CreateSecurityGroup: a group that allows all outbound traffic and no inbound.

        Raises:
            ServiceError: InvalidParameterValue for a bad name or description,
                InvalidGroup.Reserved for ``default``, InvalidGroup.Duplicate,
                InvalidVpcID.NotFound.
        """
        for field, value in (("GroupName", name), ("GroupDescription", description)):
            if not value or len(value) > 255 or not value.isascii():
                raise invalid_parameter_value(f"{field} must be 1 to 255 ASCII characters, got {value!r}")
        if name.lower().startswith("sg-"):
            raise invalid_parameter_value(f"GroupName {name!r} is invalid: names cannot start with sg-")
        if name == "default":
            raise invalid_group_reserved("The security group 'default' is reserved")
        vpc = self.vpc(account_id, vpc_id)
        check_ec2_tags(tags or {})
        network = self.of(account_id)
        if any(g.group_name == name and g.vpc is vpc for g in network.groups.values()):
            raise invalid_group_duplicate(f"The security group '{name}' already exists for VPC '{vpc.vpc_id}'")
        ids = self.ctx.ids
        group = SecurityGroup(ids.resource_id("sg"), name, description, vpc, account_id, self.ctx.clock.now(),
                              tags=dict(tags or {}))
        group.rules = [SecurityGroupRule(ids.resource_id("sgr"), True, "-1", None, None, cidr_ipv4="0.0.0.0/0")]
        network.groups[group.group_id] = group
        return group

    def delete_security_group(self, account_id: str, group_id: str | None = None,
                              group_name: str | None = None) -> SecurityGroup:
        """DeleteSecurityGroup.

        Raises:
            ServiceError: InvalidGroup.NotFound, CannotDelete for a VPC's default group,
                DependencyViolation while instances carry it or another group's rule names it.
        """
        group = self.group(account_id, group_id, group_name)
        if group.is_default:
            raise cannot_delete(f'the specified group: "{group.group_id}" name: "default" cannot be deleted by a user')
        network = self.of(account_id)
        referring = [g.group_id for g in network.groups.values()
                     if g is not group and any(r.referenced_group_id == group.group_id for r in g.rules)]
        if group.in_use or referring:
            why = f"{group.in_use} instance(s)" if group.in_use else f"rules of {', '.join(referring)}"
            raise dependency_violation(f"resource {group.group_id} has a dependent object ({why})")
        del network.groups[group.group_id]
        return group

    def authorize_ingress(self, account_id: str, rules: list[RuleRequest], group_id: str | None = None,
                          group_name: str | None = None) -> list[SecurityGroupRule]:
        """AuthorizeSecurityGroupIngress: add inbound rules to a group.

        Raises:
            ServiceError: InvalidGroup.NotFound, InvalidPermission.Malformed or
                InvalidParameterValue for a bad protocol, port range or CIDR,
                InvalidPermission.Duplicate for a rule the group already has.
        """
        group = self.group(account_id, group_id, group_name)
        if not rules:
            raise missing_parameter("The request must contain the parameter IpPermissions")
        new: list[SecurityGroupRule] = []
        keys = {r.key for r in group.rules}
        for index, request in enumerate(rules):
            rule = self._rule(account_id, group, request, f"IpPermissions[{index}]")
            if rule.key in keys:
                source = rule.cidr_ipv4 or rule.referenced_group_id
                raise invalid_permission_duplicate(
                    f"the specified rule \"peer: {source}, {rule.ip_protocol.upper()}, from port: {rule.from_port}, "
                    f"to port: {rule.to_port}, ALLOW\" already exists")
            keys.add(rule.key)
            new.append(rule)
        ids = self.ctx.ids
        added = [replace(rule, rule_id=ids.resource_id("sgr")) for rule in new]
        group.rules.extend(added)
        return added

    def _rule(self, account_id: str, group: SecurityGroup, request: RuleRequest, field: str) -> SecurityGroupRule:
        protocol = request.ip_protocol.lower()
        if protocol not in PROTOCOLS and not (protocol.isdigit() and 0 <= int(protocol) <= 255):
            raise invalid_permission_malformed(f"{field}.IpProtocol {request.ip_protocol!r} is invalid; use tcp, udp, "
                                               "icmp, icmpv6, -1 or a protocol number from 0 to 255")
        from_port, to_port = request.from_port, request.to_port
        if protocol in _PORTED:
            if from_port is None or to_port is None or not 0 <= from_port <= to_port <= 65535:
                raise invalid_parameter_value(f"{field}: FromPort and ToPort must give a range within 0 to 65535 for "
                                              f"{_PORTED[protocol]}, got {from_port} to {to_port}")
        elif protocol == "-1":
            from_port = to_port = None
        sources = [s for s in (request.cidr_ipv4, request.group_id, request.group_name) if s]
        if len(sources) != 1:
            raise missing_parameter(f"{field} must name one source: a CIDR range or a security group")
        cidr = request.cidr_ipv4
        if cidr is not None:
            try:
                cidr = str(ipaddress.IPv4Network(cidr, strict=False))
            except ValueError:
                raise invalid_parameter_value(f"CIDR block {request.cidr_ipv4} is malformed ({field})") from None
        referenced = None
        if request.group_id or request.group_name:
            referenced = self.group(account_id, request.group_id, request.group_name, group.vpc).group_id
        return SecurityGroupRule("", False, protocol, from_port, to_port, cidr, referenced, request.description)

    # -- launches -------------------------------------------------------------------------

    def launch_groups(self, account_id: str, vpc: Vpc, group_ids: tuple[str, ...] | None,
                      group_names: tuple[str, ...] | None, prefix: str = "") -> tuple[SecurityGroup, ...]:
        """The security groups of a launch into ``vpc``: those named by id (of that VPC) and
        by name (names are looked up in the default VPC only), else the VPC's default group.

        Raises:
            ServiceError: InvalidGroupId.Malformed, InvalidGroup.NotFound, InvalidParameterValue
                for a group of another VPC or names outside the default VPC.
        """
        if not group_ids and not group_names:
            network = self.of(account_id)
            if vpc is network.default_vpc:
                return (network.default_group,)
            return (self.group(account_id, group_name="default", vpc=vpc),)
        groups = [self.group(account_id, group_id=g) for g in group_ids or ()]
        for group in groups:
            if group.vpc is not vpc:
                raise invalid_parameter_value(f"{prefix}SecurityGroupIds: security group {group.group_id} is in VPC "
                                              f"{group.vpc_id}, the subnet in {vpc.vpc_id}")
        if group_names:
            if not vpc.is_default:
                raise invalid_parameter_value(f"{prefix}SecurityGroups names groups of the default VPC only; use "
                                              "SecurityGroupIds for another VPC")
            groups += [self.group(account_id, group_name=n, vpc=vpc) for n in group_names]
        return tuple({g.group_id: g for g in groups}.values())
