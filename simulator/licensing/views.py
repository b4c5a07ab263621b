"""What License Manager shows about configurations: their associations, usage, failures,
the dashboard, and a from-scratch recount for audits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from simulator.licensing.association import Association, Failure
from simulator.licensing.configuration import (
    EC2_HOST,
    EC2_INSTANCE,
    RDS,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
)
from simulator.licensing.configurations import Configurations
from simulator.licensing.filters import filter_by
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import ACTIVE_STATES, DedicatedHost

T = TypeVar("T")


@dataclass(frozen=True)
class UsageEntry:
    """One resource of ListUsageForLicenseConfiguration."""

    resource_arn: str
    resource_type: str
    resource_status: str
    owner_id: str
    associated_at: datetime
    consumed: int


@dataclass(frozen=True)
class DashboardRow:
    """One license configuration as the dashboard shows it ("Dashboard in License Manager").

    Attributes:
        license_type: The counting type.
        remaining: The count minus what is consumed (None without a count; negative past a
            soft limit).
        rules_enforced: Whether the count is a hard limit.
        hosts_default, hosts_dedicated, hosts_host: The instances it tracks that run on
            shared tenancy, as Dedicated Instances, and on Dedicated Hosts.
        alerts: How many violations it had; ``last_alert`` the last one.
        dedicated_hosts: The Dedicated Hosts its resources run on (or it is associated with).
    """

    name: str
    license_type: str
    consumed: int
    remaining: int | None
    rules_enforced: bool
    hosts_default: int
    hosts_dedicated: int
    hosts_host: int
    alerts: int
    last_alert: str
    license_configuration_arn: str
    license_count: int | None
    status: str
    rules: tuple[str, ...]
    dedicated_hosts: int


#: ListUsageForLicenseConfiguration's filters.
_USAGE_FILTERS = {
    "resourceArn": lambda e: e.resource_arn,
    "resourceType": lambda e: e.resource_type,
    "resourceAccount": lambda e: e.owner_id,
}


def _only_arn(filters: list[tuple[str, list[str]]]) -> tuple[str, str] | None:
    """The ARN a usage listing asks for alone (one resourceArn filter with one value), and the
    id it ends with, or None."""
    named = [values for name, values in filters if name == "resourceArn"]
    if len(named) != 1 or len(named[0]) != 1:
        return None
    resource_arn = named[0][0]
    return resource_arn, resource_arn.rpartition("/")[2]


def _one(mapping: dict[str, T], key: str) -> dict[str, T]:
    """The entry of ``key`` in ``mapping``, as a mapping of its own (empty if absent)."""
    value = mapping.get(key)
    return {} if value is None else {key: value}


class Views:
    """Read-only views of the configurations.

    Args:
        state: The engine's shared state.
        configurations: Configuration lookups.
    """

    def __init__(self, state: LicenseState, configurations: Configurations) -> None:
        self.state = state
        self.configurations = configurations

    def associations(self, account_id: str, region: str, arn: str) -> list[Association]:
        """ListAssociationsForLicenseConfiguration: AMIs, instances, hosts, on-premises
        servers and DB instances, oldest first."""
        cfg = self.configurations.readable(account_id, region, arn)
        to_datetime = self.state.clock.to_datetime
        instances = [
            Association(resource_arn=i.arn, resource_type=EC2_INSTANCE, resource_id=i.instance_id,
                        owner_id=i.account_id, associated_at=to_datetime(since), resource=i)
            for i, since in cfg.instances.values()
        ]
        servers = [
            Association(resource_arn=n.arn, resource_type=SYSTEMS_MANAGER_MANAGED_INSTANCE, resource_id=n.node_id,
                        owner_id=n.account_id, associated_at=to_datetime(since), resource=n)
            for n, since in cfg.managed.values()
        ]
        databases = [
            Association(resource_arn=d.arn, resource_type=RDS, resource_id=d.identifier, owner_id=d.account_id,
                        associated_at=to_datetime(since), resource=d)
            for d, since in cfg.databases.values()
        ]
        found = list(cfg.amis.values()) + instances + list(cfg.hosts.values()) + servers + databases
        return sorted(found, key=lambda a: a.associated_at)

    def usage(
        self, account_id: str, region: str, arn: str, filters: Iterable[tuple[str, list[str]]] = ()
    ) -> list[UsageEntry]:
        """ListUsageForLicenseConfiguration: every associated instance, host, on-premises
        server (``active``, or ``inactive`` once its inventory was purged) and DB instance
        with the licenses it consumes now (hosts for Core and Socket counting).

        Filters: resourceArn, resourceType, resourceAccount.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter.
        """
        cfg = self.configurations.readable(account_id, region, arn)
        filters = list(filters)
        to_datetime = self.state.clock.to_datetime
        # One resource asked for by its ARN: look at that resource only, not at every one tracked.
        only = _only_arn(filters)
        instances, host_usage, managed, databases, hosts = (
            (cfg.instances, cfg.host_usage, cfg.managed, cfg.databases, cfg.hosts) if only is None
            else (_one(cfg.instances, only[1]), _one(cfg.host_usage, only[1]), _one(cfg.managed, only[1]),
                  _one(cfg.databases, only[0]), _one(cfg.hosts, only[1])))
        entries = [
            UsageEntry(resource_arn=instance.arn, resource_type=EC2_INSTANCE, resource_status=instance.state.value,
                       owner_id=instance.account_id, associated_at=to_datetime(since),
                       consumed=cfg.instance_usage.get(instance.instance_id, 0))
            for instance, since in instances.values()
        ]
        for host_id, usage in host_usage.items():
            direct = cfg.hosts.get(host_id)
            host = usage.host
            entries.append(UsageEntry(
                resource_arn=host.arn, resource_type=EC2_HOST, resource_status=host.state, owner_id=host.account_id,
                associated_at=direct.associated_at if direct else to_datetime(usage.since),
                consumed=cfg.host_amount(host) if usage.consuming else 0))
        inactive = self.state.inactive_nodes
        entries += [
            UsageEntry(resource_arn=node.arn, resource_type=SYSTEMS_MANAGER_MANAGED_INSTANCE,
                       resource_status="inactive" if node.node_id in inactive else "active",
                       owner_id=node.account_id, associated_at=to_datetime(since),
                       consumed=cfg.instance_usage.get(node.node_id, 0))
            for node, since in managed.values()
        ]
        entries += [
            UsageEntry(resource_arn=d.arn, resource_type=RDS, resource_status=d.status.value, owner_id=d.account_id,
                       associated_at=to_datetime(since), consumed=cfg.instance_usage.get(d.arn, 0))
            for d, since in databases.values()
        ]
        for host_id, association in hosts.items():
            if host_id not in cfg.host_usage:
                host = association.resource
                entries.append(UsageEntry(
                    resource_arn=association.resource_arn, resource_type=EC2_HOST, resource_status=host.state,
                    owner_id=association.owner_id, associated_at=association.associated_at, consumed=0))
        return filter_by(entries, filters, _USAGE_FILTERS)

    def failures(self, account_id: str, region: str, arn: str) -> list[Failure]:
        """ListFailuresForLicenseConfigurationOperations, oldest first."""
        return list(self.configurations.readable(account_id, region, arn).failures)

    def dashboard(self, account_id: str, region: str) -> list[DashboardRow]:
        """The dashboard ("Dashboard in License Manager"): each configuration's name, type,
        licenses consumed and remaining, whether the limit is enforced, its rules, the
        resources it tracks per tenancy with the Dedicated Hosts they run on, and its alerts
        from rule violations and limits."""
        rows = []
        for cfg in self.state.owned.get((account_id, region), {}).values():
            by_tenancy = {"default": 0, "dedicated": 0, "host": 0}
            hosts = {h for h, u in cfg.host_usage.items() if u.consuming} | set(cfg.hosts)
            for instance, _ in cfg.instances.values():
                if instance.state in ACTIVE_STATES:
                    by_tenancy[instance.tenancy] += 1
                    if instance.host is not None:
                        hosts.add(instance.host.host_id)
            rows.append(DashboardRow(
                name=cfg.name, license_type=cfg.counting_type, consumed=cfg.consumed, remaining=cfg.available,
                rules_enforced=cfg.hard_limit, hosts_default=by_tenancy["default"],
                hosts_dedicated=by_tenancy["dedicated"], hosts_host=by_tenancy["host"], alerts=cfg.alerts,
                last_alert=cfg.last_alert, license_configuration_arn=cfg.arn, license_count=cfg.license_count,
                status=cfg.status, rules=cfg.rules.texts, dedicated_hosts=len(hosts),
            ))
        return rows

    def recount(self, arn: str) -> int:
        """A configuration's consumption computed from scratch, for audits: from its
        associations, the current state (and license type) of the associated instances, hosts,
        servers and DB instances, and the affinity bindings in force."""
        cfg = self.state.configurations[arn]
        if not cfg.tracking:
            return 0
        active = [instance for instance, _ in cfg.instances.values()
                  if instance.state in ACTIVE_STATES and cfg.applies_to(instance.usage_operation)]
        hosts: dict[str, DedicatedHost] = {h: u.host for h, u in cfg.host_usage.items()}
        hosts.update({h: a.resource for h, a in cfg.hosts.items()})
        counted_hosts = set(cfg.hosts)
        if cfg.counts_hosts:
            total = 0
            for instance in active:
                if instance.host is not None:
                    hosts.setdefault(instance.host.host_id, instance.host)
                    counted_hosts.add(instance.host.host_id)
            counted_hosts |= {h for h, u in cfg.host_usage.items() if u.consuming and u.bound_until is not None}
        else:
            total = sum(cfg.instance_amount(i.instance_type.default_vcpus, i.vcpus) for i in active)
        inactive = self.state.inactive_nodes
        total += sum(cfg.resource_amount(node) for node_id, (node, _) in cfg.managed.items()
                     if node_id not in inactive and not node.deregistered)
        total += sum(cfg.resource_amount(database) for database, _ in cfg.databases.values() if database.running)
        return total + sum(cfg.host_amount(hosts[h]) for h in counted_hosts)
