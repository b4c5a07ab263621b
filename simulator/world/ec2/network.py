"""VPC networking entities: VPCs, subnets (with the private addresses they hand out),
security groups and their rules. No packets are simulated: these are the addresses and
names launches and describes show."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime

#: The CIDR block of every default VPC, and the size of its default subnets (a /20 each).
DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20
#: Addresses AWS reserves in every subnet: the first four and the last one.
RESERVED_LOW, RESERVED_HIGH = 4, 1


def zone_id(zone: str) -> str:
    """The zone id of an availability zone name (``us-east-1a`` -> ``use1-az1``): the
    region's short code (area, initials of its direction, number) and the zone's letter."""
    region, letter = zone[:-1], zone[-1]
    area, direction, number = region.split("-")
    for word, initials in (("north", "n"), ("south", "s"), ("east", "e"), ("west", "w"), ("central", "c")):
        direction = direction.replace(word, initials)
    return f"{area}{direction}{number}-az{ord(letter) - ord('a') + 1}"


@dataclass(slots=True, eq=False)
class Vpc:
    """A VPC of one account (the simulation has each account's default VPC)."""

    vpc_id: str
    account_id: str
    region: str
    cidr_block: str
    is_default: bool = True
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The VPC's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:vpc/{self.vpc_id}"


@dataclass(slots=True, eq=False)
class Subnet:
    """A subnet in one availability zone. It hands out private addresses: the lowest
    address never used, or one given back by a terminated instance (most recent first)."""

    subnet_id: str
    vpc: Vpc
    account_id: str
    availability_zone: str
    cidr_block: str
    default_for_az: bool = True
    map_public_ip_on_launch: bool = True
    tags: dict[str, str] = field(default_factory=dict)
    first: int = 0
    size: int = 0
    next_offset: int = RESERVED_LOW
    freed: list[int] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        network = ipaddress.IPv4Network(self.cidr_block)
        self.first = int(network.network_address)
        self.size = network.num_addresses

    @property
    def vpc_id(self) -> str:
        """The subnet's VPC."""
        return self.vpc.vpc_id

    @property
    def available_ip_address_count(self) -> int:
        """Addresses still free (the reserved five excluded)."""
        return self.size - RESERVED_LOW - RESERVED_HIGH - len(self.taken)

    @property
    def arn(self) -> str:
        """The subnet's ARN."""
        return f"arn:aws:ec2:{self.vpc.region}:{self.account_id}:subnet/{self.subnet_id}"

    def contains(self, address: int) -> bool:
        """Whether ``address`` is one the subnet may hand out (not reserved)."""
        offset = address - self.first
        return RESERVED_LOW <= offset < self.size - RESERVED_HIGH

    def allocate(self) -> int | None:
        """A free address (as an integer), or None when the subnet is full."""
        if self.freed:
            address = self.freed.pop()
        elif self.next_offset < self.size - RESERVED_HIGH:
            address = self.first + self.next_offset
            self.next_offset += 1
        else:
            return None
        self.taken.add(address)
        return address

    def take(self, address: int) -> None:
        """Hand out the free address ``address`` (a launch that asked for it)."""
        offset = address - self.first
        if offset >= self.next_offset:
            self.freed.extend(self.first + o for o in range(self.next_offset, offset))
            self.next_offset = offset + 1
        elif address in self.freed:
            self.freed.remove(address)
        self.taken.add(address)

    def release(self, address: int) -> None:
        """Take back ``address`` from an instance that terminated."""
        if address in self.taken:
            self.taken.discard(address)
            self.freed.append(address)


def format_ip(address: int) -> str:
    """An IPv4 address as dotted decimal."""
    return f"{address >> 24 & 255}.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"


def private_dns_name(address: int, region: str) -> str:
    """EC2's private DNS name of an address: ``ip-172-31-0-4.ec2.internal`` in us-east-1,
    ``ip-172-31-0-4.<region>.compute.internal`` elsewhere."""
    host = "ip-" + format_ip(address).replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


@dataclass(frozen=True, slots=True)
class SecurityGroupRule:
    """One rule of a security group: a protocol, a port range (None for all ports), and one
    source or destination, a CIDR range or another security group."""

    rule_id: str
    is_egress: bool
    ip_protocol: str
    from_port: int | None
    to_port: int | None
    cidr_ipv4: str | None = None
    referenced_group_id: str | None = None
    description: str | None = None

    @property
    def key(self) -> tuple:
        """What makes two rules the same rule (their ids and descriptions aside)."""
        return (self.is_egress, self.ip_protocol, self.from_port, self.to_port, self.cidr_ipv4,
                self.referenced_group_id)


@dataclass(slots=True, eq=False)
class SecurityGroup:
    """A security group of a VPC. ``in_use`` counts the instances (not terminated) that
    carry it: a group in use cannot be deleted."""

    group_id: str
    group_name: str
    description: str
    vpc: Vpc
    account_id: str
    created_at: datetime
    rules: list[SecurityGroupRule] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    in_use: int = 0

    @property
    def vpc_id(self) -> str:
        """The group's VPC."""
        return self.vpc.vpc_id

    @property
    def is_default(self) -> bool:
        """Whether this is its VPC's ``default`` group (which cannot be deleted)."""
        return self.group_name == "default"

    @property
    def arn(self) -> str:
        """The group's ARN."""
        return f"arn:aws:ec2:{self.vpc.region}:{self.account_id}:security-group/{self.group_id}"
