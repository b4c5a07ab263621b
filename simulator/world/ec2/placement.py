"""Placement of instances: their tenancy, and the Dedicated Host a launch, start or
placement change lands on.

A launch that names no host takes one from a host pool: by default the account's hosts
with auto-placement on (oldest first); other pools (host resource groups) plug in through
``HostPool``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from simulator.core.errors import ServiceError
from simulator.core.validation import check_enum, check_id
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.billing import check_billing_tenancy
from simulator.world.ec2.hosts import DedicatedHost, HostService
from simulator.world.ec2.instances import AFFINITIES, TENANCIES, Instance, PlacementRequest


class HostPool(Protocol):
    """Offers hosts with room to launches and starts that do not name a host."""

    def hosts_with_room(self, account_id: str, spec: InstanceTypeSpec) -> Iterable[DedicatedHost]:
        """Hosts that may take an instance of ``spec`` launched by ``account_id``, in order
        of preference (a live view: do not occupy or vacate hosts while iterating)."""
        ...


class AutoPlacementPool:
    """The caller's own hosts with auto-placement on, oldest first."""

    def __init__(self, hosts: HostService) -> None:
        self._hosts = hosts

    def hosts_with_room(self, account_id: str, spec: InstanceTypeSpec) -> Iterable[DedicatedHost]:
        """The account's auto-placement hosts that have room for something."""
        return self._hosts.auto_placement_hosts(account_id)


class HostBooking:
    """Tentative use of hosts while one call places several instances."""

    def __init__(self) -> None:
        self.of_size: dict[tuple[str, str], int] = {}
        self.vcpus: dict[str, int] = {}

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
        raise ServiceError(
            "InvalidParameterCombination",
            f"{field_prefix}Tenancy {tenancy} cannot be combined with HostId, HostResourceGroupArn or "
            "Affinity; those need Tenancy host",
        )
    if placement.host_id is not None and placement.host_resource_group_arn is not None:
        raise ServiceError(
            "InvalidParameterCombination",
            f"{field_prefix}HostId and {field_prefix}HostResourceGroupArn cannot both be given",
        )
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

    def find_host(
        self, account_id: str, spec: InstanceTypeSpec, booking: HostBooking, *, zone: str | None = None,
        host_id: str | None = None, preferred: DedicatedHost | None = None, pool: HostPool | None = None,
    ) -> DedicatedHost | None:
        """A host with room for one more ``spec``: ``host_id`` if given, else ``preferred``
        if it still fits, else the first host of ``pool`` (default: auto-placement) that does.

        Raises:
            ServiceError: InvalidHostID.* for an unknown ``host_id``, InvalidParameterValue
                for a host that cannot run ``spec`` or lies in another zone.
        """
        if host_id is not None:
            host = self.hosts.get(account_id, host_id)
            if not host.supports(spec):
                kinds = host.instance_type.name if host.instance_type else f"the {host.family} family"
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Instance type {spec.name} is not supported by host {host_id}, which runs {kinds}",
                )
            if zone is not None and zone != host.availability_zone:
                raise ServiceError(
                    "InvalidParameterValue", f"Host {host_id} is in {host.availability_zone}, not in {zone}"
                )
            return host if booking.fits(host, spec) else None
        if preferred is not None and preferred.account_id == account_id and booking.fits(preferred, spec):
            return preferred
        for host in (pool or self.auto_placement).hosts_with_room(account_id, spec):
            if (zone is None or host.availability_zone == zone) and booking.fits(host, spec):
                return host
        return None

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
            raise ServiceError(
                "InvalidParameterCombination",
                f"Tenancy {tenancy} cannot be combined with HostId, HostResourceGroupArn or Affinity; those "
                "need Tenancy host",
            )
        account_id = instance.account_id
        host, group, affinity = None, None, None
        if tenancy == "host":
            if placement.host_resource_group_arn is not None:
                group = placement.host_resource_group_arn
            elif placement.host_id is not None:
                host = self.hosts.get(account_id, placement.host_id)
            else:
                host, group = instance.host, instance.host_resource_group_arn
            affinity = placement.affinity or instance.affinity or "default"
            if affinity == "host" and host is None:
                raise ServiceError("InvalidParameterCombination", "Affinity host needs a HostId for the instance")
            if group is None:
                spec = instance.instance_type
                target = host.host_id if host is not None and (placement.host_id or affinity == "host") else None
                if self.find_host(account_id, spec, HostBooking(), host_id=target, preferred=host) is None:
                    raise ServiceError(
                        "InsufficientHostCapacity",
                        f"No Dedicated Host of account {account_id} has capacity to start "
                        f"{instance.instance_id} ({spec.name})",
                    )
        check_billing_tenancy(instance.usage_operation, tenancy, f"instance {instance.instance_id}")
        instance.tenancy = tenancy
        instance.host = host
        instance.host_resource_group_arn = group
        instance.affinity = affinity
