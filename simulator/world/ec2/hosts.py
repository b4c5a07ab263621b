"""The Dedicated Host service of one region: allocation, release, quotas, DescribeHosts and
placement bookkeeping (the host entity is in ``host``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from simulator.core.validation import check_enum, check_id
from simulator.world.catalog import HostTypeSpec, InstanceTypeSpec
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import (
    invalid_host_id_not_found,
    invalid_parameter_combination,
    invalid_parameter_value,
    missing_parameter,
    unsupported,
)
from simulator.world.ec2.host import GONE, DedicatedHost, HostState
from simulator.world.ec2.host_pools import HostIndex
from simulator.world.events import HostAllocated, HostReleased, HostRemovedFromGroup
from simulator.world.filters import compile_filters

if TYPE_CHECKING:
    from simulator.world.ec2.instance import Instance


_HOST_FILTERS = {
    "auto-placement": lambda h: h.auto_placement,
    "availability-zone": lambda h: h.availability_zone,
    "host-id": lambda h: h.host_id,
    "host-recovery": lambda h: h.host_recovery,
    "instance-family": lambda h: h.family,
    "instance-type": lambda h: h.instance_type.name if h.instance_type else None,
    "state": lambda h: h.state,
}


class HostService:
    """The Dedicated Hosts of one region, and placement of instances on them.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._by_account: dict[str, dict[str, DedicatedHost]] = {}
        self._by_id: dict[str, DedicatedHost] = {}
        self.index = HostIndex(ctx.catalog)
        self._allocated = 0
        # Hosts allocated and not released, per (account, family): the Dedicated Host quota.
        self._per_family: dict[tuple[str, str], int] = {}

    def account_hosts(self, account_id: str) -> dict[str, DedicatedHost]:
        """The hosts of ``account_id`` by id, in allocation order (released ones too)."""
        return self._by_account.setdefault(account_id, {})

    def find(self, host_id: str) -> DedicatedHost | None:
        """The host ``host_id`` of any account (released ones too), or None."""
        return self._by_id.get(host_id)

    def auto_placement_hosts(self, account_id: str, spec: InstanceTypeSpec) -> Iterator[DedicatedHost]:
        """The account's hosts that take untargeted launches and have room for one more
        ``spec``, oldest first (a live view: do not occupy or vacate hosts while iterating)."""
        return self.index.with_room(account_id, spec)

    def occupy(self, host: DedicatedHost, instance: Instance) -> None:
        """Put ``instance`` on ``host`` (its capacity was checked by the caller)."""
        host.occupy(instance)
        self.index.touch(host)

    def vacate(self, host: DedicatedHost, instance: Instance) -> None:
        """Take ``instance`` off ``host``."""
        host.vacate(instance)
        self.index.touch(host)

    def set_state(self, host: DedicatedHost, state: HostState) -> None:
        """Move ``host`` to ``state`` (the caller publishes the event that says why)."""
        host.state = state
        if state in GONE:
            host.release_time = self.ctx.clock.now()
        self.index.refresh(host)

    def get(self, account_id: str, host_id: str) -> DedicatedHost:
        """A host of ``account_id`` that has not been released.

        Raises:
            ServiceError: InvalidHostID.Malformed or InvalidHostID.NotFound.
        """
        check_id(host_id, "h", "InvalidHostID")
        host = self.account_hosts(account_id).get(host_id)
        if host is None or host.state in GONE:
            raise invalid_host_id_not_found(f"The host ID '{host_id}' was not found")
        return host

    def allocate(
        self, account_id: str, *, availability_zone: str | None, instance_type: str | None = None,
        instance_family: str | None = None, auto_placement: str = "off",
        host_recovery: str = "off", quantity: int = 1, tags: dict[str, str] | None = None,
    ) -> list[DedicatedHost]:
        """AllocateHosts: ``quantity`` hosts for one instance type, or for a whole family.

        Raises:
            ServiceError: MissingParameter, InvalidParameterCombination,
                InvalidParameterValue naming the field and its allowed values, or
                HostLimitExceeded past the account's Dedicated Host quota for the family.
        """
        if availability_zone is None:
            raise missing_parameter("The request must contain the parameter AvailabilityZone")
        self.ctx.check_availability_zone(availability_zone)
        if instance_type and instance_family:
            raise invalid_parameter_combination("You cannot specify InstanceType and InstanceFamily in the same "
                                                "request")
        if not instance_type and not instance_family:
            raise missing_parameter("The request must contain InstanceType or InstanceFamily")
        check_enum("AutoPlacement", auto_placement, ("on", "off"))
        check_enum("HostRecovery", host_recovery, ("on", "off"))
        if not isinstance(quantity, int) or quantity < 1:
            raise invalid_parameter_value(f"Quantity must be a positive integer, got {quantity}")
        check_ec2_tags(tags or {})
        host_type, type_spec = self._host_type(instance_type, instance_family)
        self.check_quota(account_id, host_type.family, quantity)
        hosts = [self.plan(account_id, availability_zone, host_type, type_spec, auto_placement=auto_placement,
                           host_recovery=host_recovery, tags=tags) for _ in range(quantity)]
        for host in hosts:
            self.register(host)
        for host in hosts:
            self.ctx.bus.publish(HostAllocated(host))
        return hosts

    def _host_type(self, instance_type: str | None,
                   instance_family: str | None) -> tuple[HostTypeSpec, InstanceTypeSpec | None]:
        """The host type AllocateHosts allocates (and the instance type its hosts are for,
        None for a whole family).

        Raises:
            ServiceError: InvalidParameterValue for an instance type or family without
                Dedicated Hosts, or a family whose hosts cannot mix sizes.
        """
        catalog = self.ctx.catalog
        supported = sorted(catalog.host_types)
        if instance_type:
            type_spec = catalog.instance_type(instance_type)
            host_type = catalog.host_type(type_spec.family) if type_spec else None
            if type_spec is None or host_type is None or type_spec.size not in host_type.capacity:
                raise invalid_parameter_value(f"Invalid value '{instance_type}' for InstanceType: Dedicated Hosts are "
                                              f"not available for it; families with Dedicated Hosts: "
                                              f"{', '.join(supported)}")
            return host_type, type_spec
        host_type = catalog.host_type(instance_family or "")
        if host_type is None:
            raise invalid_parameter_value(f"Invalid value '{instance_family}' for InstanceFamily; families with "
                                          f"Dedicated Hosts: {', '.join(supported)}")
        if not host_type.mixed_sizes:
            mixed = [f for f, h in catalog.host_types.items() if h.mixed_sizes]
            raise invalid_parameter_value(f"Instance family '{instance_family}' does not support multiple instance "
                                          f"types on one host; specify InstanceType, or use one of: {', '.join(mixed)}")
        return host_type, None

    def plan(
        self, account_id: str, availability_zone: str, host_type: HostTypeSpec, instance_type: InstanceTypeSpec | None,
        *, auto_placement: str = "off", host_recovery: str = "off", tags: dict[str, str] | None = None,
        group_arn: str | None = None,
    ) -> DedicatedHost:
        """A host as AllocateHosts would make it, not yet allocated: ``register`` allocates it.
        Placement plans hosts so that a call refused later leaves nothing allocated."""
        host = DedicatedHost(
            host_id=self.ctx.ids.resource_id("h"), account_id=account_id, region=self.ctx.region,
            availability_zone=availability_zone, host_type=host_type, instance_type=instance_type,
            auto_placement=auto_placement, host_recovery=host_recovery, allocation_time=self.ctx.clock.now(),
            tags=dict(tags or {}), sequence=self._allocated, host_resource_group_arn=group_arn,
        )
        self._allocated += 1
        return host

    def within_quota(self, account_id: str, family: str, quantity: int) -> bool:
        """Whether ``quantity`` more hosts of ``family`` fit the account's quota."""
        allocated = self._per_family.get((account_id, family), 0)
        return allocated + quantity <= self.ctx.quotas.quotas.hosts_per_family

    def check_quota(self, account_id: str, family: str, quantity: int) -> None:
        """Refuse allocating ``quantity`` more hosts of ``family`` past the account's quota.

        Raises:
            ServiceError: HostLimitExceeded.
        """
        self.ctx.quotas.check_hosts(account_id, family, self._per_family.get((account_id, family), 0), quantity)

    def register(self, host: DedicatedHost, state: HostState = HostState.AVAILABLE) -> None:
        """Allocate a planned host in ``state`` (the caller publishes HostAllocated)."""
        key = (host.account_id, host.family)
        self._per_family[key] = self._per_family.get(key, 0) + 1
        host.state = state
        host.allocation_time = self.ctx.clock.now()
        self.account_hosts(host.account_id)[host.host_id] = host
        self._by_id[host.host_id] = host
        if host.host_resource_group_arn is not None:
            self.index.join(host, host.host_resource_group_arn)
        else:
            self.index.refresh(host)

    def release(
        self, account_id: str, host_ids: list[str]
    ) -> tuple[list[str], list[tuple[str, str, str]]]:
        """ReleaseHosts: release each host that has no instances on it (a failed host becomes
        ``released-permanent-failure``; a member of a host resource group leaves it).

        Returns:
            The released host ids, and ``(host_id, error_code, message)`` for each host that
            could not be released, as EC2 reports them item by item.

        Raises:
            ServiceError: InvalidHostID.Malformed (nothing is released).
        """
        for host_id in host_ids:
            check_id(host_id, "h", "InvalidHostID")
        released, failed = [], []
        for host_id in dict.fromkeys(host_ids):
            host = self.account_hosts(account_id).get(host_id)
            if host is None or host.state in GONE:
                failed.append((host_id, "Client.InvalidHostID.NotFound",
                               f"The host ID '{host_id}' was not found"))
            elif host.instances:
                failed.append((host_id, "Client.InvalidHostState",
                               f"Dedicated host {host_id} cannot be released while instances "
                               f"run on it: {', '.join(host.instances)}"))
            elif host.state in (HostState.PENDING, HostState.UNDER_ASSESSMENT):
                failed.append((host_id, "Client.InvalidHostState",
                               f"Dedicated host {host_id} is {host.state} and cannot be released now"))
            else:
                self.retire(host)
                released.append(host_id)
        return released, failed

    def modify(
        self, account_id: str, host_ids: list[str], *, auto_placement: str | None = None,
        host_recovery: str | None = None, host_maintenance: str | None = None, instance_type: str | None = None,
        instance_family: str | None = None,
    ) -> tuple[list[str], list[tuple[str, str, str]]]:
        """ModifyHosts: auto-placement, host recovery, and the instance types a host runs (one
        type, or every size of its own family where the family runs several sizes on one host,
        on a host that runs no instances).

        Returns:
            The modified host ids, and ``(host_id, error_code, message)`` for each host that
            could not be modified, as EC2 reports them item by item.

        Raises:
            ServiceError: InvalidHostID.Malformed, MissingParameter (nothing to modify),
                InvalidParameterCombination (InstanceType with InstanceFamily),
                InvalidParameterValue (a value outside its allowed values, an unknown type or
                family), Unsupported (host maintenance on, not simulated). Nothing changes then.
        """
        for host_id in host_ids:
            check_id(host_id, "h", "InvalidHostID")
        if instance_type and instance_family:
            raise invalid_parameter_combination(
                "You cannot specify InstanceType and InstanceFamily in the same request")
        if not (auto_placement or host_recovery or host_maintenance or instance_type or instance_family):
            raise missing_parameter("The request must contain at least one of AutoPlacement, HostRecovery, "
                                    "HostMaintenance, InstanceType or InstanceFamily")
        for field, value in (("AutoPlacement", auto_placement), ("HostRecovery", host_recovery),
                             ("HostMaintenance", host_maintenance)):
            if value is not None:
                check_enum(field, value, ("on", "off"))
        if host_maintenance == "on":
            raise unsupported("Host maintenance is not simulated; HostMaintenance can only be off")
        spec = None
        if instance_type:
            spec = self.ctx.catalog.instance_type(instance_type)
            if spec is None:
                raise invalid_parameter_value(f"Invalid value '{instance_type}' for InstanceType")
        if instance_family and self.ctx.catalog.host_type(instance_family) is None:
            raise invalid_parameter_value(f"Invalid value '{instance_family}' for InstanceFamily; families with "
                                          f"Dedicated Hosts: {', '.join(sorted(self.ctx.catalog.host_types))}")
        modified, failed = [], []
        for host_id in dict.fromkeys(host_ids):
            host = self.account_hosts(account_id).get(host_id)
            if host is None or host.state in GONE:
                failed.append((host_id, "Client.InvalidHostID.NotFound", f"The host ID '{host_id}' was not found"))
                continue
            refusal = _retype_refusal(host, spec, instance_family) if spec or instance_family else None
            if refusal is not None:
                failed.append((host_id, *refusal))
                continue
            if auto_placement is not None:
                host.auto_placement = auto_placement
            if host_recovery is not None:
                host.host_recovery = host_recovery
            if spec is not None or instance_family:
                host.instance_type = spec
            self.index.refresh(host)
            modified.append(host_id)
        return modified, failed

    def retire(self, host: DedicatedHost) -> None:
        """Release ``host`` (``released-permanent-failure`` if it failed), taking it out of its
        host resource group first, and publish what happened."""
        self._per_family[(host.account_id, host.family)] -= 1
        group_arn = self.index.leave(host)
        if group_arn is not None:
            self.ctx.bus.publish(HostRemovedFromGroup(host, group_arn))
        failed = host.state in (HostState.PERMANENT_FAILURE, HostState.UNDER_ASSESSMENT)
        self.set_state(host, HostState.RELEASED_PERMANENT_FAILURE if failed else HostState.RELEASED)
        self.ctx.bus.publish(HostReleased(host))

    def describe(
        self, account_id: str, host_ids: list[str] | None = None,
        filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[DedicatedHost]:
        """DescribeHosts: the account's hosts (released ones too, as EC2 shows them).

        Raises:
            ServiceError: InvalidHostID.Malformed/NotFound, InvalidParameterValue for an
                unknown filter.
        """
        matches = compile_filters(filters or (), _HOST_FILTERS, "DescribeHosts")
        hosts = self.account_hosts(account_id)
        if host_ids:
            selected = []
            for host_id in host_ids:
                check_id(host_id, "h", "InvalidHostID")
                if host_id not in hosts:
                    raise invalid_host_id_not_found(f"The host ID '{host_id}' was not found")
                selected.append(hosts[host_id])
        else:
            selected = list(hosts.values())
        return [h for h in selected if matches(h)]


def _retype_refusal(host: DedicatedHost, spec: InstanceTypeSpec | None, family: str | None) -> tuple[str, str] | None:
    """Why ``host`` cannot be made to run ``spec`` only, or every size of ``family`` (None if
    it can): the type or family must be the host's own family, a whole family only where it
    runs several sizes on one host, and no instance may run on the host meanwhile."""
    if host.state is not HostState.AVAILABLE:
        return "Client.InvalidHostState", f"Dedicated host {host.host_id} is {host.state}"
    if spec is not None and (spec.family != host.family or spec.size not in host.host_type.capacity):
        return ("Client.InvalidParameterValue", f"Instance type {spec.name} is not supported by Dedicated host "
                f"{host.host_id}, a {host.family} host; choose a size of the {host.family} family")
    if family is not None:
        if family != host.family:
            return ("Client.InvalidParameterValue", f"Dedicated host {host.host_id} is a {host.family} host; it can "
                    f"support only its current instance family {host.family}, not {family}")
        if not host.host_type.mixed_sizes:
            return ("Client.InvalidParameterValue", f"Instance family {family} does not support multiple instance "
                    "types on one host; specify InstanceType instead")
    if host.instances:
        return ("Client.InvalidHostState", f"Dedicated host {host.host_id} runs instances "
                f"({', '.join(host.instances)}); stop them before changing the instance types it supports")
    return None
