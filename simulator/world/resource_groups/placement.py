"""Launching into host resource groups ("Launch an instance in a host resource group"): the
checks a launch, a start or a placement change into a group must pass, and the group's host
pool. The pool packs: it offers the group's hosts of the instance's family that have room,
oldest first (first fit, so instances gather on the fewest hosts and the fewest licensed
cores), and plans a new host in the owner's account when none fits and auto-allocate is on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2 import DedicatedHost, HostState, Image, Instance
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.hosts import HostService
from simulator.world.events import HostAllocated, HostAvailable
from simulator.world.launch import LicenseConfigurationInfo, LicenseLookup
from simulator.world.ram import ResourceAccessManager
from simulator.world.resource_groups.errors import invalid_parameter_value
from simulator.world.resource_groups.group import ResourceGroup
from simulator.world.resource_groups.membership import GroupMembership


class GroupPool:
    """The host pool of one host resource group.

    Args:
        ctx: The region's shared plumbing.
        hosts: The region's hosts.
        group: The group.
        membership: The region's group membership (auto-release of allocated hosts left empty).
    """

    def __init__(self, ctx: RegionContext, hosts: HostService, group: ResourceGroup,
                 membership: GroupMembership) -> None:
        self.ctx = ctx
        self.hosts = hosts
        self.group = group
        self.membership = membership

    def hosts_with_room(self, account_id: str, spec: InstanceTypeSpec) -> Iterable[DedicatedHost]:
        """The group's hosts of ``spec``'s family that have room, oldest first."""
        return self.hosts.index.with_room((self.group.arn, spec.family), spec)

    def plan_host(self, account_id: str, spec: InstanceTypeSpec, zone: str | None) -> DedicatedHost | None:
        """With auto-allocate on, a new host in the owner's account for ``spec``: for the
        whole family on Nitro hardware (mixed sizes), for ``spec`` alone otherwise."""
        settings = self.group.host_management
        if settings is None or not settings.auto_allocate:
            return None
        host_type = self.ctx.catalog.host_type(spec.family)
        if host_type is None:  # a family without Dedicated Hosts never reaches a group's pool
            return None
        if not self.hosts.within_quota(self.group.owner_id, host_type.family, 1):
            return None  # the owner's Dedicated Host quota for the family is used up
        host = self.hosts.plan(
            self.group.owner_id, zone or self.ctx.availability_zones[0], host_type,
            None if host_type.mixed_sizes else spec, host_recovery="on" if settings.auto_recover else "off",
            group_arn=self.group.arn,
        )
        host.ready_at = self.ctx.clock.seconds + self.ctx.timings.host_allocation
        return host

    def allocate(self, hosts: list[DedicatedHost]) -> None:
        """Allocate planned hosts: ``pending`` (taking launches) until the allocation completes."""
        for host in hosts:
            self.hosts.register(host, HostState.PENDING)
            self.ctx.bus.publish(HostAllocated(host))
            assert host.ready_at is not None  # plan_host set it
            self.ctx.clock.call_at(host.ready_at, self._available, host)

    def _available(self, host: DedicatedHost) -> None:
        if host.state is HostState.PENDING:
            host.ready_at = None
            self.hosts.set_state(host, HostState.AVAILABLE)
            self.ctx.bus.publish(HostAvailable(host))
            self.membership.release_if_unused(host)


class GroupPlacement:
    """The region's host resource groups as placement sees them (``HostGroups``).

    Args:
        ctx: The region's shared plumbing.
        hosts: The region's hosts.
        groups: The region's groups by ARN.
        membership: The region's group membership.
        ram: The region's RAM (groups shared with the caller).
        license_lookup: Gives the engine's license lookup (None without an engine).
    """

    def __init__(self, ctx: RegionContext, hosts: HostService, groups: Mapping[str, ResourceGroup],
                 membership: GroupMembership, ram: ResourceAccessManager,
                 license_lookup: Callable[[], LicenseLookup | None]) -> None:
        self.ctx = ctx
        self.hosts = hosts
        self.groups = groups
        self.membership = membership
        self.ram = ram
        self._license_lookup = license_lookup
        self._pools: dict[str, GroupPool] = {}

    def pool_for(
        self, account_id: str, group_arn: str, spec: InstanceTypeSpec, image: Image,
        license_arns: tuple[str, ...], instance: Instance | None = None,
    ) -> GroupPool:
        """The pool of ``group_arn`` for a launch (or, with ``instance``, a start or a
        placement change): the group must exist for the caller (its own, or shared with
        it), allow the instance family, and allow a Core or Socket license configuration
        that tracks the instance (for a launch: one the AMI is associated with or the launch
        names).

        Raises:
            ServiceError: InvalidParameterValue naming what is missing.
        """
        group = self.groups.get(group_arn)
        if group is None or (group.owner_id != account_id and not self.ram.shared_with(group.arn, account_id)):
            raise invalid_parameter_value(f"The host resource group {group_arn!r} does not exist in {self.ctx.region} "
                                          f"for account {account_id}")
        settings = group.host_management
        if settings is None:
            raise invalid_parameter_value(f"Group {group_arn} is not a host resource group (it has no "
                                          "AWS::EC2::HostManagement configuration)")
        host_type = self.ctx.catalog.host_type(spec.family)
        if host_type is None or spec.size not in host_type.capacity:
            raise invalid_parameter_value(f"Instance type {spec.name} does not run on Dedicated Hosts")
        if not settings.allows_family(spec.family):
            raise invalid_parameter_value(f"Host resource group {group.name} allows the instance families "
                                          f"{', '.join(settings.allowed_families)}, not {spec.family}")
        if not spec.nitro:
            self._check_single_type(group, spec)
        infos = self._license_configurations(account_id, image, license_arns, instance)
        if not any(settings.allows_license(info) for info in infos):
            allowed = ("any core- or socket-based license configuration" if settings.any_license_configuration
                       else ", ".join(settings.license_configuration_arns))
            what = f"instance {instance.instance_id}" if instance is not None else f"AMI {image.image_id}"
            raise invalid_parameter_value(f"The {what} is not associated with a license configuration that host "
                                          f"resource group {group.name} allows ({allowed})")
        pool = self._pools.get(group.arn)
        if pool is None or pool.group is not group:
            pool = self._pools[group.arn] = GroupPool(self.ctx, self.hosts, group, self.membership)
        return pool

    def _check_single_type(self, group: ResourceGroup, spec: InstanceTypeSpec) -> None:
        """Refuse a non-Nitro ``spec`` while another non-Nitro type runs in the group ("Settings":
        only Nitro-based instances of different types share a host resource group; otherwise
        the group runs one instance type). Non-Nitro types run on hosts allocated for one type,
        so the group's hosts tell; only non-Nitro launches pay for the look."""
        for host in self.hosts.index.members(group.arn).values():
            other = host.instance_type
            if other is not None and other is not spec and not other.nitro and host.instances:
                raise invalid_parameter_value(
                    f"Host resource group {group.name} runs {other.name}, which is not built on the Nitro System: "
                    f"only instances of that type can launch into it while it runs, not {spec.name}")

    def _license_configurations(
        self, account_id: str, image: Image, license_arns: tuple[str, ...], instance: Instance | None,
    ) -> tuple[LicenseConfigurationInfo, ...]:
        """The license configurations that track ``instance`` (for a launch: those a launch
        from ``image`` naming ``license_arns`` would be tracked by); none without an engine.

        Raises:
            ServiceError: EC2's InvalidParameterValue for a named configuration that does not
                exist or is another account's.
        """
        lookup = self._license_lookup()
        if lookup is None:
            return ()
        region = self.ctx.region
        if instance is None:
            return lookup.launch_license_configurations(account_id, region, image, license_arns)
        found = (lookup.license_configuration(region, arn) for arn in instance.license_configuration_arns)
        return tuple(info for info in found if info is not None)
