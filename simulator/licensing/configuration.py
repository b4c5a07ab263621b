"""License configurations and how they count consumption (their associations are in
``association``).

Counting (user guide, "License configuration parameters and rules"):

- vCPU: each tracked running (or pending) instance counts its vCPUs: the optimized count
  from its CPU options when ``honorVcpuOptimization`` is True, its type's default
  otherwise.
- Instance: each tracked running instance counts 1.
- Core and Socket: licenses are counted on Dedicated Hosts. A host counts its physical
  cores (or sockets) once per configuration while at least one tracked instance runs on
  it, however many there are.
- A Dedicated Host associated with a configuration directly counts for as long as it is
  allocated: its cores, sockets, total vCPUs or 1, by counting type.
- ``licenseAffinityToHost=N`` (Core, Socket): a host's licenses stay bound to it for N days
  after the last tracked instance left it (stopped, terminated, recovered onto another host,
  moved by a placement change, or the host released); see ``host_usage``. ``bound`` counts
  the licenses held by such bindings alone.

- An on-premises server (a Systems Manager managed instance, ``mi-``) counts by itself:
  its vCPUs, 1, its physical cores or its sockets, by counting type, while it is registered
  and License Manager holds its inventory (it stays counted while unreachable, until
  Systems Manager purges its inventory). An RDS DB instance counts its class's vCPUs while
  it runs.

A configuration applies to an instance's license type unless its License Included rules
exclude the licenses the instance's billing code includes (``products.excluded_usage_operations``:
License Included NOT_EQUALS ``sql-server-enterprise`` neither counts nor constrains license-included
SQL Server Enterprise); without License Included rules it applies to every license type.

Only an AVAILABLE configuration counts: a DISABLED one keeps its associations but tracks
no consumption, and counts again from the current state when it becomes AVAILABLE.

Every change goes through ``activate``/``deactivate``/``attach_host``/``detach_host`` and
costs O(1); ``Views.recount`` computes the same total from scratch, for audits and tests.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np

from simulator.core.columns import grown
from simulator.licensing.association import Association, Failure
from simulator.licensing.host_usage import HostUsage
from simulator.licensing.products import ProductInformation, excluded_usage_operations
from simulator.licensing.rules import RuleSet
from simulator.world.ec2 import DedicatedHost, Instance
from simulator.world.ec2.instance import ACTIVE_STATES
from simulator.world.rds import DBInstance
from simulator.world.ssm import ManagedNode


class ConfigurationStatus(StrEnum):
    """A license configuration's status (the model's LicenseConfigurationStatus)."""

    AVAILABLE = "AVAILABLE"
    DISABLED = "DISABLED"


_AVAILABLE = ConfigurationStatus.AVAILABLE  # a module constant: hot code compares against it

#: The status the compliance timeline shows for a deleted configuration.
DELETED = "DELETED"

EC2_INSTANCE = "EC2_INSTANCE"
EC2_HOST = "EC2_HOST"
EC2_AMI = "EC2_AMI"
SYSTEMS_MANAGER_MANAGED_INSTANCE = "SYSTEMS_MANAGER_MANAGED_INSTANCE"
RDS = "RDS"


def _resource_type(resource_id: str) -> str:
    """The License Manager resource type of a tracked resource's key: an instance id, a
    managed node id (``mi-``), or a DB instance's ARN."""
    if resource_id.startswith("mi-"):
        return SYSTEMS_MANAGER_MANAGED_INSTANCE
    return RDS if resource_id.startswith("arn:aws:rds:") else EC2_INSTANCE


@dataclass(slots=True, eq=False)
class LicenseConfiguration:
    """A license configuration of one account in one region."""

    configuration_id: str
    arn: str
    region: str
    owner_id: str
    name: str
    description: str
    counting_type: str
    license_count: int | None
    hard_limit: bool
    rules: RuleSet
    created_at: datetime
    status: str = ConfigurationStatus.AVAILABLE
    product_information: tuple[ProductInformation, ...] = ()
    disassociate_when_not_found: bool | None = None
    license_expiry: int | None = None
    discovery_last_run: datetime | None = None
    alerts: int = 0
    last_alert: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    #: Tracked instances: id -> (instance, simulated seconds of its association). Plain
    #: tuples, not Association objects: every launch adds one per configuration.
    instances: dict[str, tuple[Instance, float]] = field(default_factory=dict)
    hosts: dict[str, Association] = field(default_factory=dict)
    amis: dict[tuple[str, str], Association] = field(default_factory=dict)
    #: Tracked on-premises managed nodes by id and DB instances by ARN, with the simulated
    #: seconds of their association.
    managed: dict[str, tuple[ManagedNode, float]] = field(default_factory=dict)
    databases: dict[str, tuple[DBInstance, float]] = field(default_factory=dict)
    #: The resources (instance or node ids, DB instance ARNs) automated discovery associated.
    discovered: set[str] = field(default_factory=set)
    #: Account -> which of its managed nodes (by node index) are associated, kept by every
    #: association and disassociation of a node, so a discovery pass compares whole arrays.
    node_marks: dict[str, np.ndarray] = field(default_factory=dict)
    consumed: int = 0
    bound: int = 0
    instance_usage: dict[str, int] = field(default_factory=dict)
    #: What on-premises servers and DB instances consume, by resource type (kept with every
    #: change, so that the split by type costs nothing per tracked instance).
    resource_consumed: dict[str, int] = field(default_factory=dict)
    host_usage: dict[str, HostUsage] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    counts_hosts: bool = field(init=False)
    #: The billing codes of the license types it does not apply to (see the module docstring).
    excluded_usage_operations: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # Whether instances count through their Dedicated Host (Core, Socket). A plain
        # attribute: every launch and state change asks.
        self.counts_hosts = self.counting_type in ("Core", "Socket")
        self.excluded_usage_operations = excluded_usage_operations(self.product_information)

    def applies_to(self, usage_operation: str) -> bool:
        """Whether it counts and constrains instances billed with ``usage_operation``."""
        return usage_operation not in self.excluded_usage_operations

    # -- what counts ----------------------------------------------------------------------

    @property
    def tracking(self) -> bool:
        """Whether consumption is tracked (the configuration is AVAILABLE)."""
        return self.status is _AVAILABLE

    @property
    def available(self) -> int | None:
        """Licenses left (negative past a soft limit), None without a license count."""
        return None if self.license_count is None else self.license_count - self.consumed

    def instance_amount(self, instance_type_vcpus: int, vcpus: int) -> int:
        """Licenses one instance counts under vCPU or Instance counting."""
        if self.counting_type == "Instance":
            return 1
        return vcpus if self.rules.honor_vcpu_optimization else instance_type_vcpus

    def host_amount(self, host: DedicatedHost) -> int:
        """Licenses one Dedicated Host counts."""
        if self.counting_type == "Core":
            return host.cores
        if self.counting_type == "Socket":
            return host.sockets
        if self.counting_type == "vCPU":
            return host.host_type.total_vcpus
        return 1

    def resource_amount(self, resource: ManagedNode | DBInstance) -> int:
        """Licenses an on-premises server or a DB instance counts by itself."""
        if isinstance(resource, DBInstance):
            vcpus, cores, sockets = resource.vcpus, max(1, resource.vcpus // 2), 1
        else:
            vcpus, cores, sockets = resource.vcpus, resource.cores, resource.sockets
        return {"vCPU": vcpus, "Instance": 1, "Core": cores, "Socket": sockets}[self.counting_type]

    @property
    def level(self) -> tuple[int, int]:
        """What the compliance timeline shows of its consumption: (consumed, bound); a change of
        either is a new compliance row."""
        return self.consumed, self.bound

    @property
    def tracks_rds(self) -> bool:
        """Whether its product information tracks RDS databases (Oracle)."""
        return any(p.is_oracle for p in self.product_information)

    def consumed_by_type(self) -> dict[str, int]:
        """Consumption split by the resource type that counts it, every type listed (0 when
        unused), as ListLicenseConfigurations shows it."""
        on_hosts = sum(self.host_amount(u.host) for u in self.host_usage.values() if u.consuming)
        others = self.resource_consumed
        by_type = {EC2_INSTANCE: self.consumed - on_hosts - sum(others.values()), EC2_HOST: on_hosts,
                   SYSTEMS_MANAGER_MANAGED_INSTANCE: others.get(SYSTEMS_MANAGER_MANAGED_INSTANCE, 0)}
        if self.tracks_rds or others.get(RDS):
            by_type[RDS] = others.get(RDS, 0)
        return by_type

    def associations_by_type(self) -> dict[str, int]:
        """Associated resources by type, every type listed (0 when none)."""
        by_type = {EC2_INSTANCE: len(self.instances), EC2_HOST: len(self.hosts), EC2_AMI: len(self.amis),
                   SYSTEMS_MANAGER_MANAGED_INSTANCE: len(self.managed)}
        if self.tracks_rds or self.databases:
            by_type[RDS] = len(self.databases)
        return by_type

    # -- changes (``consumed`` and ``bound`` tell the new level) -----------------------------

    def activate(self, instance: Instance, now: float) -> bool:
        """A tracked instance entered pending (on ``instance.host`` if it has one), or got a
        billing code this configuration applies to. Returns whether the level changed."""
        if self.status is not _AVAILABLE or instance.usage_operation in self.excluded_usage_operations:
            return False
        if self.counts_hosts:
            host = instance.host
            if host is None:
                return False
            usage = self._host(host)
            usage.active_instances += 1
            return self._refresh(usage, now)
        if self.counting_type == "Instance":
            amount = 1
        elif self.rules.honor_vcpu_optimization:
            amount = instance.core_count * instance.threads_per_core
        else:
            amount = instance.instance_type.default_vcpus
        self.instance_usage[instance.instance_id] = amount
        self.consumed += amount
        return amount != 0

    def deactivate(self, instance: Instance, now: float, host: DedicatedHost | None = None,
                   usage_operation: str | None = None, bind: bool = True) -> bool:
        """A tracked instance left pending/running (stopping, shutting down), or left
        ``host`` (default: its own) for another one, or left the billing code
        ``usage_operation`` (default: its own) it was counted under. Without ``bind`` the
        host's licenses are released when its last instance leaves, whatever the license
        affinity (a failed host its instances were recovered from). Returns whether the
        level changed."""
        if (self.status is not _AVAILABLE
                or (usage_operation or instance.usage_operation) in self.excluded_usage_operations):
            return False
        if self.counts_hosts:
            host = host or instance.host
            usage = self.host_usage.get(host.host_id) if host is not None else None
            if usage is not None and usage.active_instances > 0:
                usage.active_instances -= 1
                return self._refresh(usage, now, bind=bind)
            return False
        amount = self.instance_usage.pop(instance.instance_id, 0)
        self.consumed -= amount
        return amount != 0

    def leave_host(self, host: DedicatedHost, now: float) -> bool:
        """Every tracked instance left ``host`` (recovered from it): what they held on it is
        released at once, whatever the license affinity; the host's own association stays.
        Returns whether the level changed."""
        usage = self.host_usage.get(host.host_id)
        if usage is not None and usage.active_instances:
            usage.active_instances = 0
            return self._refresh(usage, now, bind=False)
        return False

    def activate_resource(self, key: str, resource: ManagedNode | DBInstance) -> None:
        """An on-premises server or a DB instance (``key``: its id or ARN) starts counting."""
        if self.status is _AVAILABLE and key not in self.instance_usage:
            amount = self.instance_usage[key] = self.resource_amount(resource)
            self.consumed += amount
            kind = _resource_type(key)
            self.resource_consumed[kind] = self.resource_consumed.get(kind, 0) + amount

    def deactivate_resource(self, key: str) -> None:
        """An on-premises server or a DB instance stops counting."""
        amount = self.instance_usage.pop(key, 0)
        self.consumed -= amount
        if amount:
            kind = _resource_type(key)
            self.resource_consumed[kind] -= amount

    def attach_host(self, host: DedicatedHost, now: float) -> None:
        """The host itself was associated."""
        if self.tracking:
            usage = self._host(host)
            usage.direct = True
            self._refresh(usage, now)

    def detach_host(self, host_id: str, now: float) -> None:
        """The host's own association ended (disassociated or released)."""
        usage = self.host_usage.get(host_id)
        if usage is not None:
            usage.direct = False
            self._refresh(usage, now)

    def release_expired_bindings(self, now: float) -> None:
        """Return licenses whose affinity period has elapsed and that nothing holds."""
        for usage in list(self.host_usage.values()):
            self._refresh(usage, now, sweep=True)

    def stop_tracking(self) -> None:
        """The configuration was disabled: it counts nothing until enabled again."""
        self.consumed = self.bound = 0
        self.instance_usage.clear()
        self.resource_consumed.clear()
        self.host_usage.clear()

    def start_tracking(self, now: float, inactive: Container[str] = ()) -> None:
        """The configuration became AVAILABLE: count its resources from their current state
        (``inactive``: the managed nodes whose inventory License Manager lost)."""
        for instance, _ in self.instances.values():
            if instance.state in ACTIVE_STATES:
                self.activate(instance, now)
        for association in self.hosts.values():
            self.attach_host(association.resource, now)
        for node_id, (node, _) in self.managed.items():
            if node_id not in inactive and not node.deregistered:
                self.activate_resource(node_id, node)
        for arn, (database, _) in self.databases.items():
            if database.running:
                self.activate_resource(arn, database)

    def _host(self, host: DedicatedHost) -> HostUsage:
        usage = self.host_usage.get(host.host_id)
        if usage is None:
            usage = self.host_usage[host.host_id] = HostUsage(host=host)
        return usage

    def _refresh(self, usage: HostUsage, now: float, sweep: bool = False, bind: bool = True) -> bool:
        """Bring the host's licenses in line with what holds them (without ``bind``, no license
        affinity binds them); return whether the level changed."""
        was_consuming = usage.consuming
        consumed, bound = usage.settle(self.host_amount(usage.host), self.rules.affinity_days if bind else None,
                                       now, sweep)
        self.consumed += consumed
        self.bound += bound
        if was_consuming and not usage.consuming:  # returned to the pool
            del self.host_usage[usage.host.host_id]
        return consumed != 0 or bound != 0

    def set_product_information(self, products: tuple[ProductInformation, ...], now: float) -> None:
        """New product information: the running instances whose license type it now applies
        to, or no longer applies to, start or stop counting."""
        excluded = excluded_usage_operations(products)
        self.product_information = tuple(products)
        before = self.excluded_usage_operations
        if excluded == before:
            return
        flipped = [instance for instance, _ in self.instances.values() if instance.state in ACTIVE_STATES
                   and (instance.usage_operation in before) != (instance.usage_operation in excluded)]
        for instance in flipped:
            self.deactivate(instance, now)
        self.excluded_usage_operations = excluded
        for instance in flipped:
            self.activate(instance, now)

    def set_affinity(self, now: float) -> None:
        """The affinity rule changed: licenses no longer in use are bound from ``now`` under
        the current rules (or returned, without the rule)."""
        for usage in list(self.host_usage.values()):
            if usage.bound_until is not None:
                usage.bound_until = None
                self.bound -= self.host_amount(usage.host)
            self._refresh(usage, now)

    def mark_node(self, account_id: str, index: int, associated: bool) -> None:
        """Note that the account's node ``index`` is (or no longer is) associated."""
        marks = self.node_marks[account_id] = grown(self.node_marks.get(account_id, np.zeros(0, bool)), index + 1,
                                                    False)
        marks[index] = associated

    def marked_nodes(self, account_id: str, count: int) -> np.ndarray:
        """Which of the account's first ``count`` nodes are associated."""
        marks = self.node_marks.get(account_id)
        result = np.zeros(count, bool)
        if marks is not None:
            result[:min(count, len(marks))] = marks[:count]
        return result
