"""What a RunInstances call asks for, resolved before anything launches: the launch
template's parameters under the call's, the AMI, the instance type (m1.small by default),
CPU options, tenancy, the subnet, security groups, key pair, volumes and settings; then, as
instances launch and terminate, their private addresses, security group use and volumes.
Also ClientToken idempotency: the same token with the same request answers with the
reservation it made the first time."""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from simulator.core.billing import check_billing_tenancy
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import (
    idempotent_parameter_mismatch,
    insufficient_free_addresses_in_subnet,
    invalid_ip_address_in_use,
    invalid_parameter_combination,
    invalid_parameter_value,
    missing_parameter,
)
from simulator.world.ec2.image import Image
from simulator.world.ec2.images import ImageService
from simulator.world.ec2.instance import Instance, InstanceSettings, MetadataOptions, PlacementRequest
from simulator.world.ec2.key_pairs import KeyPairService
from simulator.world.ec2.launch_parameters import (
    DEFAULT_INSTANCE_TYPE,
    LaunchParameters,
    check_instance_type,
    check_launch_parameters,
    resolve_cpu_options,
)
from simulator.world.ec2.launch_template import LaunchTemplateRef
from simulator.world.ec2.launch_templates import LaunchTemplateService
from simulator.world.ec2.network import SecurityGroup, Subnet
from simulator.world.ec2.networks import AccountNetwork, NetworkService
from simulator.world.ec2.placement import resolve_tenancy
from simulator.world.ec2.volumes import VolumeService
from simulator.world.launch import LaunchCandidate

_DEFAULT_METADATA = MetadataOptions().resolved()
_NO_PLACEMENT = PlacementRequest()


class PreparedLaunch(NamedTuple):
    """A RunInstances call checked and resolved, before placement and authorization."""

    params: LaunchParameters
    image: Image
    spec: InstanceTypeSpec
    cores: int
    threads: int
    tenancy: str
    affinity: str | None
    placement: PlacementRequest
    subnet: Subnet | None  # None only on Dedicated Hosts without a subnet named: each host's zone
    private_ip: int | None
    settings: InstanceSettings


def _check_room(subnet: Subnet, count: int) -> None:
    if subnet.available_ip_address_count < count:
        raise insufficient_free_addresses_in_subnet(
            f"There are not enough free addresses in subnet '{subnet.subnet_id}' to satisfy the requested number of "
            f"instances ({count}; {subnet.available_ip_address_count} free)")


def _check_architecture(spec: InstanceTypeSpec, image: Image) -> None:
    image_arch = "x86_64" if image.architecture == "i386" else image.architecture
    if image_arch != spec.architecture:
        raise invalid_parameter_value(
            f"The architecture '{spec.architecture}' of the specified instance type {spec.name} does not match the "
            f"architecture '{image.architecture}' of the specified AMI {image.image_id}")


class Launches:
    """Prepares the launches of one region and gives their instances network and volumes.

    Args:
        ctx: The region's shared plumbing.
        images: The region's AMIs.
        templates: The region's launch templates.
        networks: The region's VPCs, subnets and security groups.
        key_pairs: The region's key pairs.
        volumes: The region's EBS volumes.
    """

    def __init__(self, ctx: RegionContext, images: ImageService, templates: LaunchTemplateService,
                 networks: NetworkService, key_pairs: KeyPairService, volumes: VolumeService) -> None:
        self.ctx = ctx
        self.images = images
        self.templates = templates
        self.networks = networks
        self.key_pairs = key_pairs
        self.volumes = volumes
        self._tokens: dict[tuple[str, str], tuple[str, list[Instance]]] = {}

    # -- idempotency ----------------------------------------------------------------------

    def repeated(self, account_id: str, client_token: str, fingerprint: str) -> list[Instance] | None:
        """The instances an earlier call with ``client_token`` launched, or None.

        Raises:
            ServiceError: IdempotentParameterMismatch when that call asked for something else.
        """
        earlier = self._tokens.get((account_id, client_token))
        if earlier is None:
            return None
        if earlier[0] != fingerprint:
            raise idempotent_parameter_mismatch(
                f"The client token '{client_token}' was used by an earlier RunInstances request with other "
                "parameters; use a new token for a new request")
        return earlier[1]

    def remember(self, account_id: str, client_token: str, fingerprint: str, instances: list[Instance]) -> None:
        """Answer later calls with ``client_token`` with ``instances``."""
        self._tokens[(account_id, client_token)] = (fingerprint, instances)

    # -- preparation ----------------------------------------------------------------------

    def prepare(self, account_id: str, params: LaunchParameters, launch_template: LaunchTemplateRef | None,
                min_count: int, max_count: int, client_token: str = "") -> PreparedLaunch:
        """Check and resolve a launch (nothing changes).

        Raises:
            ServiceError: a parameter error, InvalidAMIID.*, InvalidSubnetID.NotFound,
                InvalidGroup.*, InvalidKeyPair.NotFound, InvalidIPAddress.InUse,
                launch template errors.
        """
        catalog = self.ctx.catalog
        check_launch_parameters(catalog, params)
        if launch_template is not None:
            template = self.templates.get(account_id, launch_template.template_id, launch_template.name)
            params = params.over(self.templates.version(template, launch_template.version).parameters)
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
            raise invalid_parameter_value(f"MinCount must be a positive integer, got {min_count}")
        if isinstance(max_count, bool) or not isinstance(max_count, int) or max_count < min_count:
            raise invalid_parameter_value(
                f"MaxCount ({max_count}) must be greater than or equal to MinCount ({min_count})")
        if params.image_id is None:
            raise missing_parameter("The request must contain the parameter ImageId")
        image = self.images.launchable(account_id, params.image_id)
        spec = catalog.instance_type(params.instance_type or DEFAULT_INSTANCE_TYPE) or check_instance_type(
            catalog, params.instance_type or DEFAULT_INSTANCE_TYPE)
        _check_architecture(spec, image)
        cores, threads = resolve_cpu_options(spec, params.cpu_options)
        placement = params.placement or _NO_PLACEMENT
        tenancy, affinity = resolve_tenancy(placement)
        zone = placement.availability_zone
        if zone is not None:
            self.ctx.check_availability_zone(zone, "Placement.AvailabilityZone")
        check_billing_tenancy(image.usage_operation, tenancy, f"AMI {image.image_id}")
        subnet, private_ip = self._network(account_id, params, zone, max_count)
        if subnet is not None and zone is None:
            placement = PlacementRequest(subnet.availability_zone, placement.tenancy, placement.host_id,
                                         placement.affinity, placement.host_resource_group_arn)
        network = self.networks.of(account_id)
        if subnet is None and tenancy != "host":  # one zone: its default subnet
            subnet = network.default_subnets[zone] if zone is not None else self._default_subnet(network, max_count)
        vpc = subnet.vpc if subnet is not None else network.default_vpc
        groups = self.networks.launch_groups(account_id, vpc, params.security_group_ids, params.security_group_names)
        if params.key_name is not None:
            self.key_pairs.get(account_id, params.key_name)
        volumes = self.volumes.specs(image, params.block_device_mappings)
        if params.hibernation and not volumes[0].encrypted:
            raise invalid_parameter_combination(
                "HibernationOptions.Configured needs an encrypted root volume: set Ebs.Encrypted on the "
                f"BlockDeviceMappings entry of {volumes[0].device_name}")
        metadata = params.metadata_options.resolved() if params.metadata_options else _DEFAULT_METADATA
        settings = InstanceSettings(
            security_groups=groups, key_name=params.key_name, ebs_optimized=bool(params.ebs_optimized),
            monitoring=bool(params.monitoring), metadata=metadata, hibernation=bool(params.hibernation),
            user_data=params.user_data, iam_instance_profile=params.iam_instance_profile, client_token=client_token,
            root_device_name=volumes[0].device_name, volume_specs=volumes, volume_tags=params.volume_tags,
            launched_at=self.ctx.clock.now(),
        )
        return PreparedLaunch(params, image, spec, cores, threads, tenancy, affinity, placement, subnet, private_ip,
                              settings)

    def _default_subnet(self, network: AccountNetwork, count: int) -> Subnet:
        """The default subnet EC2 chooses for a launch that names neither subnet nor zone:
        the first zone's while it has room for ``count`` instances, then the next zone's
        with room (the first zone's when none has)."""
        default_subnets = network.default_subnets
        zones = self.ctx.availability_zones
        first = default_subnets[zones[0]]
        if first.available_ip_address_count >= count:
            return first
        for zone in zones[1:]:
            subnet = default_subnets[zone]
            if subnet.available_ip_address_count >= count:
                return subnet
        return first

    def _network(self, account_id: str, params: LaunchParameters, zone: str | None,
                 max_count: int) -> tuple[Subnet | None, int | None]:
        subnet = None
        if params.subnet_id is not None:
            subnet = self.networks.subnet(account_id, params.subnet_id)
            if zone is not None and zone != subnet.availability_zone:
                raise invalid_parameter_value(
                    f"Placement.AvailabilityZone {zone} does not match the availability zone "
                    f"{subnet.availability_zone} of subnet {subnet.subnet_id}")
        if params.private_ip_address is None:
            return subnet, None
        if max_count > 1:
            raise invalid_parameter_combination("PrivateIpAddress can be given only for a launch of one instance "
                                                "(MaxCount 1)")
        if subnet is None:
            subnet = self.networks.default_subnet(account_id, zone or self.ctx.availability_zones[0])
        try:
            address = int(ipaddress.IPv4Address(params.private_ip_address))
        except ValueError:
            raise invalid_parameter_value(f"PrivateIpAddress {params.private_ip_address!r} is not an IPv4 "
                                          "address") from None
        if not subnet.contains(address):
            raise invalid_parameter_value(
                f"Address {params.private_ip_address} does not fall within the subnet's address range "
                f"({subnet.subnet_id}, {subnet.cidr_block}; the first four and the last address are reserved)")
        if address in subnet.taken:
            raise invalid_ip_address_in_use(f"Address {params.private_ip_address} is in use.")
        return subnet, address

    def check_addresses(self, account_id: str, prepared: PreparedLaunch,
                        candidates: tuple[LaunchCandidate, ...]) -> None:
        """Refuse a launch whose subnets have too few free addresses for its instances.

        Raises:
            ServiceError: InsufficientFreeAddressesInSubnet.
        """
        subnet = prepared.subnet
        if subnet is not None:  # one subnet: no tally
            _check_room(subnet, len(candidates))
            return
        default_subnets = self.networks.of(account_id).default_subnets  # on Dedicated Hosts, maybe several zones
        needed: dict[Subnet, int] = {}
        for candidate in candidates:
            subnet = default_subnets[candidate.availability_zone]
            needed[subnet] = needed.get(subnet, 0) + 1
        for subnet, count in needed.items():
            _check_room(subnet, count)

    # -- launched and terminated instances ------------------------------------------------

    def attach(self, prepared: PreparedLaunch, instances: list[Instance]) -> None:
        """Give the instances of a launch their subnet, private address and security groups
        (``check_addresses`` made sure there is room; their volumes are made when first looked
        at, from their settings)."""
        if not instances:
            return
        if prepared.private_ip is not None:
            subnet = prepared.subnet
            subnet.take(prepared.private_ip)  # type: ignore[union-attr]
            instances[0].subnet, instances[0].private_ip = subnet, prepared.private_ip
        elif prepared.subnet is not None:
            subnet = prepared.subnet
            allocate = subnet.allocate
            for instance in instances:
                instance.subnet = subnet
                instance.private_ip = allocate()  # type: ignore[assignment]
        else:  # hosts in several zones: each instance in its zone's default subnet
            default_subnets = self.networks.of(instances[0].account_id).default_subnets
            for instance in instances:
                subnet = instance.subnet = default_subnets[instance.availability_zone]
                instance.private_ip = subnet.allocate()  # type: ignore[assignment]
        for group in prepared.settings.security_groups:
            group.in_use += len(instances)

    def release(self, instances: list[Instance]) -> None:
        """Terminated instances give back their addresses, security groups and volumes."""
        settings: InstanceSettings | None = None
        groups: tuple[SecurityGroup, ...] = ()
        for instance in instances:
            subnet = instance.subnet
            if subnet is not None:  # each instance terminates once: its address is taken
                subnet.taken.discard(instance.private_ip)
                subnet.freed.append(instance.private_ip)
            if instance.settings is not settings:  # the instances of a launch share their settings
                settings = instance.settings
                groups = settings.security_groups
            for group in groups:
                group.in_use -= 1
        self.volumes.release(instances)
