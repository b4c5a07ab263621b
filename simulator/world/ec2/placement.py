"""Placement of instances: their tenancy, and the Dedicated Host a launch, start or
placement change lands on.

A launch that names no host takes one from a host pool: by default the account's hosts
with auto-placement on (oldest first); other pools (host resource groups) plug in through
``HostPool``, and the region's host resource groups through ``HostGroups``. A pool may plan
a new host when none has room; the host is allocated only once the call goes ahead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from simulator.core.billing import TENANCIES, check_billing_tenancy
from simulator.core.validation import check_enum, check_id
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.errors import (
    insufficient_host_capacity,
    invalid_parameter_combination,
    invalid_parameter_value,
)
from simulator.world.ec2.host import DedicatedHost
from simulator.world.ec2.hosts import HostService
from simulator.world.ec2.image import Image
from simulator.world.ec2.instance import AFFINITIES, Instance, PlacementRequest


class HostPool(Protocol):
    """Offers hosts with room to launches and starts that do not name a host."""

    def hosts_with_room(self, account_id: str, spec: InstanceTypeSpec) -> Iterable[DedicatedHost]:
        """Hosts that may take an instance of ``spec`` launched by ``account_id``, in order
        of preference (a live view: do not occupy or vacate hosts while iterating)."""
        ...

    def plan_host(self, account_id: str, spec: InstanceTypeSpec, zone: str | None) -> DedicatedHost | None:
        """A new host for one more ``spec`` when no host of the pool has room, planned but
        not allocated (``allocate`` does that), or None if the pool allocates no hosts."""
        ...

    def allocate(self, hosts: list[DedicatedHost]) -> None:
        """Allocate hosts this pool planned, for a call that goes ahead."""
        ...


class HostGroups(Protocol):
    """The host resource groups of a region, as placement sees them."""

    def pool_for(
        self, account_id: str, group_arn: str, spec: InstanceTypeSpec, image: Image,
        license_arns: tuple[str, ...], instance: Instance | None = None,
    ) -> HostPool:
        """The host pool of group ``group_arn`` for a launch by ``account_id`` of ``spec``
        from ``image`` with ``license_arns`` (or, with ``instance``, a start or placement
        change of that instance).

        Raises:
            ServiceError: InvalidParameterValue when the group does not exist for the
                caller, or does not allow the instance family or its license configurations.
        """
        ...


class AutoPlacementPool:
    """The caller's own hosts with auto-placement on, oldest first."""

    def __init__(self, hosts: HostService) -> None:
        self._hosts = hosts

    def hosts_with_room(self, account_id: str, spec: InstanceTypeSpec) -> Iterable[DedicatedHost]:
        """The account's auto-placement hosts that have room for one more ``spec``."""
        return self._hosts.auto_placement_hosts(account_id, spec)

    def plan_host(self, account_id: str, spec: InstanceTypeSpec, zone: str | None) -> DedicatedHost | None:
        """Auto-placement never allocates hosts."""
        return None

    def allocate(self, hosts: list[DedicatedHost]) -> None:
        """Auto-placement plans no hosts: nothing to allocate."""


class HostBooking:
    """Tentative use of hosts while one call places several instances, and the hosts its
    pools planned for it."""

    def __init__(self) -> None:
        self.of_size: dict[tuple[str, str], int] = {}
        self.vcpus: dict[str, int] = {}
        self.planned: list[tuple[HostPool, DedicatedHost]] = []
        self.pools: dict[tuple, HostPool | None] = {}  # group pools already checked for this call
        #: The host each (pool, instance type, zone) last gave this call: the hosts before it
        #: in the pool's order had no room for that type, and booking only takes room away.
        self.last: dict[tuple[int, str, str | None], DedicatedHost] = {}

    def fits(self, host: DedicatedHost, spec: InstanceTypeSpec) -> bool:
        """Whether one more ``spec`` fits on ``host`` besides what this call booked."""
        booked = self.of_size.get((host.host_id, spec.size), 0)
        return host.free_slots(spec, booked, self.vcpus.get(host.host_id, 0)) > 0

    def book(self, host: DedicatedHost, spec: InstanceTypeSpec) -> DedicatedHost:
        """Promise room for one ``spec`` on ``host`` to this call."""
        key = (host.host_id, spec.size)
        self.of_size[key] = self.of_size.get(key, 0) + 1
        self.vcpus[host.host_id] = self.vcpus.get(host.host_id, 0) + spec.default_vcpus
        return host


def resolve_tenancy(placement: PlacementRequest, field_prefix: str = "Placement.") -> tuple[str, str | None]:
    """The tenancy and host affinity a placement request asks for.

    Raises:
        ServiceError: InvalidParameterCombination for host fields without host tenancy, or
            both a host and a host resource group.
    """
    wants_host = placement.host_id is not None or placement.host_resource_group_arn is not None
    tenancy = placement.tenancy or ("host" if wants_host else "default")
    if tenancy != "host" and (wants_host or placement.affinity is not None):
        raise invalid_parameter_combination(f"{field_prefix}Tenancy {tenancy} cannot be combined with HostId, "
                                            "HostResourceGroupArn or Affinity; those need Tenancy host")
    if placement.host_id is not None and placement.host_resource_group_arn is not None:
        raise invalid_parameter_combination(f"{field_prefix}HostId and {field_prefix}HostResourceGroupArn cannot both "
                                            "be given")
    if placement.host_resource_group_arn is not None and placement.affinity == "host":
        raise invalid_parameter_combination(f"{field_prefix}Affinity host cannot be combined with "
                                            f"{field_prefix}HostResourceGroupArn: the host resource group places the "
                                            "instance")
    affinity = (placement.affinity or "default") if tenancy == "host" else None
    return tenancy, affinity


class Placement:
    """Finds Dedicated Hosts for instances of one region.

    Args:
        hosts: The region's hosts.
    """

    def __init__(self, hosts: HostService) -> None:
        self.hosts = hosts
        self.auto_placement = AutoPlacementPool(hosts)
        self.groups: HostGroups | None = None

    def group_pool(
        self, account_id: str, group_arn: str | None, spec: InstanceTypeSpec, image: Image,
        license_arns: tuple[str, ...], instance: Instance | None = None,
    ) -> HostPool | None:
        """The pool of host resource group ``group_arn`` (None without a group); see
        ``HostGroups.pool_for``.

        Raises:
            ServiceError: InvalidParameterValue for a group the caller cannot launch into.
        """
        if group_arn is None:
            return None
        if self.groups is None:
            raise invalid_parameter_value(f"The host resource group {group_arn!r} does not exist")
        return self.groups.pool_for(account_id, group_arn, spec, image, license_arns, instance)

    def find_host(
        self, account_id: str, spec: InstanceTypeSpec, booking: HostBooking, *, zone: str | None = None,
        host_id: str | None = None, preferred: DedicatedHost | None = None, pool: HostPool | None = None,
        pinned: bool = False,
    ) -> DedicatedHost | None:
        """A host with room for one more ``spec``: ``host_id`` if given, else ``preferred``
        if it still fits and belongs to no host resource group, else a host of ``pool``
        (default: auto-placement), one it planned for this call first, else one it plans now.

        ``pinned`` says ``host_id`` is the instance's own host (affinity), which may belong to
        a host resource group; a launch may not name a group's host.

        Raises:
            ServiceError: InvalidHostID.* for an unknown ``host_id``, InvalidParameterValue
                for a host that cannot run ``spec``, lies in another zone or belongs to a
                host resource group.
        """
        if host_id is not None:
            host = self.hosts.get(account_id, host_id)
            if host.host_resource_group_arn is not None and not pinned:
                raise invalid_parameter_value(f"Host {host_id} belongs to host resource group "
                                              f"{host.host_resource_group_arn}: launch into the group "
                                              "(Placement.HostResourceGroupArn) instead of onto the host")
            if not host.supports(spec):
                kinds = host.instance_type.name if host.instance_type else f"the {host.family} family"
                raise invalid_parameter_value(f"Instance type {spec.name} is not supported by host {host_id}, which "
                                              f"runs {kinds}")
            if zone is not None and zone != host.availability_zone:
                raise invalid_parameter_value(f"Host {host_id} is in {host.availability_zone}, not in {zone}")
            return host if booking.fits(host, spec) else None
        if (preferred is not None and preferred.account_id == account_id
                and preferred.host_resource_group_arn is None and booking.fits(preferred, spec)):
            return preferred
        pool = pool or self.auto_placement
        for owner, host in booking.planned:
            if owner is pool and (zone is None or host.availability_zone == zone) and booking.fits(host, spec):
                return host
        key = (id(pool), spec.name, zone)
        last = booking.last.get(key)
        if last is not None and booking.fits(last, spec):
            return last
        for host in pool.hosts_with_room(account_id, spec):
            if (zone is None or host.availability_zone == zone) and booking.fits(host, spec):
                booking.last[key] = host
                return host
        planned = pool.plan_host(account_id, spec, zone)
        if planned is not None:
            booking.planned.append((pool, planned))
        return planned

    def place_launch(
        self, account_id: str, spec: InstanceTypeSpec, image: Image, license_arns: tuple[str, ...],
        placement: PlacementRequest, booking: HostBooking, min_count: int, max_count: int,
    ) -> list[DedicatedHost]:
        """Hosts for between ``min_count`` and ``max_count`` instances of a launch with host
        tenancy: on the named host, in the host resource group, or on auto-placement hosts.

        Raises:
            ServiceError: InsufficientHostCapacity with room for fewer than ``min_count``, and
                the errors of ``group_pool`` and ``find_host``.
        """
        group_arn = placement.host_resource_group_arn
        pool = self.group_pool(account_id, group_arn, spec, image, license_arns)
        hosts: list[DedicatedHost] = []
        for _ in range(max_count):
            host = self.find_host(account_id, spec, booking, zone=placement.availability_zone,
                                  host_id=placement.host_id, pool=pool)
            if host is None:
                break
            hosts.append(booking.book(host, spec))
        if len(hosts) < min_count:
            where = (f" on host {placement.host_id}" if placement.host_id else f" in host resource group {group_arn}"
                     if group_arn else " on hosts with auto-placement on")
            raise insufficient_host_capacity(f"Insufficient capacity on Dedicated Hosts for {min_count} x "
                                             f"{spec.name}{where}")
        return hosts

    def place_start(self, instance: Instance, booking: HostBooking) -> DedicatedHost:
        """The host a stopped instance with host tenancy starts on: its host resource group
        places it again, as it places a launch; otherwise its own host under host affinity,
        or its last host or an auto-placement host.

        Raises:
            ServiceError: InsufficientHostCapacity, and the errors of ``group_pool``.
        """
        spec = instance.instance_type
        group_arn = instance.host_resource_group_arn
        pool: HostPool | None = None
        if group_arn is not None:
            # the instances of one launch share family and license configurations: check once
            key = (group_arn, spec.family, instance.license_configuration_arns)
            pool = booking.pools.get(key)
            if pool is None:
                pool = booking.pools[key] = self.group_pool(instance.account_id, group_arn, spec, instance.image,
                                                            instance.license_configuration_arns, instance)
        if pool is not None:
            pinned, preferred = None, None
        else:
            pinned = instance.host_id if instance.affinity == "host" else None
            preferred = instance.host
            if pinned is not None:
                _check_not_in_group(instance, instance.host)
        host = self.find_host(instance.account_id, spec, booking, host_id=pinned, preferred=preferred, pool=pool,
                              pinned=True)
        if host is None:
            where = (f"host {pinned}" if pinned else f"host resource group {group_arn}" if group_arn
                     else "hosts with auto-placement on")
            raise insufficient_host_capacity(f"Insufficient capacity on {where} to start {instance.instance_id} "
                                             f"({spec.name})")
        return booking.book(host, spec)

    @staticmethod
    def allocate_planned(booking: HostBooking, used: list[DedicatedHost | None]) -> None:
        """Allocate the hosts the call planned and uses."""
        taken = {id(host) for host in used if host is not None}
        for pool, host in booking.planned:
            if id(host) in taken:
                pool.allocate([host])

    def modify(self, instance: Instance, placement: PlacementRequest) -> None:
        """Give a stopped instance a new tenancy, host, affinity or host resource group.

        Raises:
            ServiceError: InvalidParameterValue/Combination, InvalidHostID.*,
                InsufficientHostCapacity when no Dedicated Host could start it, Unsupported
                for a billing code the new tenancy does not permit. Nothing changes then.
        """
        if placement.tenancy is not None:
            check_enum("Tenancy", placement.tenancy, TENANCIES)
        if placement.affinity is not None:
            check_enum("Affinity", placement.affinity, AFFINITIES)
        if placement.host_id is not None:
            check_id(placement.host_id, "h", "InvalidHostID")
        wants_host = placement.host_id is not None or placement.host_resource_group_arn is not None
        tenancy = placement.tenancy or ("host" if wants_host else instance.tenancy)
        if tenancy != "host" and (wants_host or placement.affinity is not None):
            raise invalid_parameter_combination(f"Tenancy {tenancy} cannot be combined with HostId, "
                                                "HostResourceGroupArn or Affinity; those need Tenancy host")
        account_id = instance.account_id
        host, group, affinity = None, None, None
        if tenancy == "host":
            if placement.host_resource_group_arn is not None:
                group = placement.host_resource_group_arn
            elif placement.host_id is not None:
                host = self.hosts.get(account_id, placement.host_id)
            else:
                host, group = instance.host, instance.host_resource_group_arn
            if group is not None:
                affinity = placement.affinity or "default"
                if affinity == "host":
                    raise invalid_parameter_combination("Affinity host cannot be combined with a host resource group")
                self.group_pool(account_id, group, instance.instance_type, instance.image,
                                instance.license_configuration_arns, instance)
            else:
                affinity = placement.affinity or instance.affinity or "default"
                if affinity == "host" and host is None:
                    raise invalid_parameter_combination("Affinity host needs a HostId for the instance")
                if affinity == "host" and placement.host_id is None:
                    _check_not_in_group(instance, host)
                spec = instance.instance_type
                target = host.host_id if host is not None and (placement.host_id or affinity == "host") else None
                pinned = placement.host_id is None
                if self.find_host(account_id, spec, HostBooking(), host_id=target, preferred=host,
                                  pinned=pinned) is None:
                    raise insufficient_host_capacity(f"No Dedicated Host of account {account_id} has capacity to "
                                                     f"start {instance.instance_id} ({spec.name})")
        check_billing_tenancy(instance.usage_operation, tenancy, f"instance {instance.instance_id}")
        instance.tenancy = tenancy
        instance.host = host
        instance.host_resource_group_arn = group
        instance.affinity = affinity


def _check_not_in_group(instance: Instance, host: DedicatedHost | None) -> None:
    """Refuse to restart ``instance`` with host affinity on a host that has since joined a host
    resource group ("Adding Dedicated Hosts to a host resource group", note: point the instance
    at the group and associate the license configurations the group allows; a launch may only
    reach a group's hosts through the group).

    Raises:
        ServiceError: InvalidParameterValue naming the host, the group and what to do.
    """
    if host is not None and host.host_resource_group_arn is not None:
        raise invalid_parameter_value(
            f"Instance {instance.instance_id} has host affinity with host {host.host_id}, which belongs to host "
            f"resource group {host.host_resource_group_arn}: it restarts there only through the group; modify its "
            "placement to point at the group (ModifyInstancePlacement HostResourceGroupArn) and associate the "
            "license configurations the group allows")
