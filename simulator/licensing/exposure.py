"""Exposure: what each configuration with automated discovery rules would consume if License
Manager saw the machines as they are, next to what it reports.

This is not something License Manager does; it is the simulation's view of the truth, for
the exposure timeline. A resource truly consumes when it runs, its live software, platform
and included licenses match the configuration's product information, and no exclusion
applies to it, within the configuration's reach: its owner's account, and the members of
the owner's organization once the owner (the management account) has cross-account
discovery on. It counts as discovery would count it (``LicenseConfiguration``): its vCPUs,
1, or its cores or sockets (a Dedicated Host's once).

The truth follows the world's events, each evaluated over the nodes it concerns only (the
same vectorized matching as discovery, on live columns), and is recomputed over the whole
reach when a configuration's rules or reach change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from simulator.core.bus import EventBus
from simulator.licensing.associations import resource_key
from simulator.licensing.configuration import DELETED, LicenseConfiguration
from simulator.licensing.products import database_matches, frame_matches
from simulator.licensing.records import ExposureRecord
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import ACTIVE_STATES, InstanceState
from simulator.world.events import (
    DBInstanceCreated,
    DBInstanceDeleted,
    InstancesStateChanged,
    InstanceUsageOperationChanged,
    NodesDeregistered,
    NodesRegistered,
    NodeTagsChanged,
    OptionGroupChanged,
    SoftwareInstalled,
    SoftwareUninstalled,
)
from simulator.world.rds import DBInstance
from simulator.world.rds.db_instance import BYOL
from simulator.world.ssm import ManagedNode

_STATE_CHANGES = frozenset({InstanceState.PENDING, InstanceState.STOPPING, InstanceState.SHUTTING_DOWN})


class _Truth:
    """One configuration's true consumption: amount by resource key, and the instances
    holding each Dedicated Host for Core and Socket counting."""

    __slots__ = ("amounts", "hosts", "node_host", "since", "total")

    def __init__(self) -> None:
        self.amounts: dict[str, int] = {}
        self.since: dict[str, float] = {}
        self.hosts: dict[str, set[str]] = {}
        self.node_host: dict[str, str] = {}
        self.total = 0


class Exposure:
    """Keeps every discovering configuration's true consumption, as ``exposure`` records.

    Args:
        state: The engine's shared state.
        bus: The world's event bus.
    """

    def __init__(self, state: LicenseState, bus: EventBus) -> None:
        self.state = state
        self._rows = state.records.register("exposure", ExposureRecord)
        self._truths: dict[str, _Truth] = {}
        state.product_listeners.append(self.rules_changed)
        bus.subscribe(NodesRegistered, lambda e: self._nodes(e.nodes))
        bus.subscribe(NodesDeregistered, lambda e: self._nodes(e.nodes))
        for event_type in (SoftwareInstalled, SoftwareUninstalled, NodeTagsChanged):
            bus.subscribe(event_type, lambda e: self._nodes((e.node,)))
        bus.subscribe(InstancesStateChanged, self._on_instances_state, topics=_STATE_CHANGES)
        bus.subscribe(InstanceUsageOperationChanged, self._on_usage_operation)
        bus.subscribe(DBInstanceCreated, lambda e: self._databases(_family(e.database)))
        bus.subscribe(DBInstanceDeleted, lambda e: self._databases(_family(e.database)))
        bus.subscribe(OptionGroupChanged, self._on_option_group)

    # -- what others ask ----------------------------------------------------------------------

    def true_consumed(self, cfg: LicenseConfiguration) -> int:
        """The configuration's true consumption now."""
        truth = self._truths.get(cfg.arn)
        return truth.total if truth else 0

    def matched_since(self, cfg: LicenseConfiguration, key: str) -> float | None:
        """Since when (simulated seconds) the resource ``key`` truly matches ``cfg``, if it does."""
        truth = self._truths.get(cfg.arn)
        return truth.since.get(key) if truth else None

    # -- reach ----------------------------------------------------------------------------------

    def reach(self, cfg: LicenseConfiguration) -> list[str]:
        """The accounts whose resources ``cfg``'s discovery covers."""
        settings = self.state.settings.get((cfg.owner_id, cfg.region))
        org = self.state.world.organizations.organization_of(cfg.owner_id)
        if settings is None or not settings.cross_account_discovery or org is None:
            return [cfg.owner_id]
        return [cfg.owner_id] + [a for a in org.member_account_ids if a != cfg.owner_id]

    def _covering(self, region: str, account_id: str) -> list[LicenseConfiguration]:
        found = []
        for arn in self._truths:
            cfg = self.state.configurations.get(arn)
            if cfg is not None and cfg.region == region and account_id in self.reach(cfg):
                found.append(cfg)
        return found

    def rules_changed(self, cfg: LicenseConfiguration) -> None:
        """Recompute ``cfg``'s truth over its whole reach (its rules or reach changed)."""
        truth = self._truths.get(cfg.arn)
        if cfg.status == DELETED or not cfg.product_information:
            if truth is not None:
                del self._truths[cfg.arn]
                self._rows.append((self.state.clock.seconds, cfg.arn, 0))
            return
        before = truth.total if truth else None
        truth = self._truths[cfg.arn] = _Truth()
        region = self.state.world.region(cfg.region)
        for account_id in self.reach(cfg):
            self._evaluate(cfg, truth, region.ssm.account_nodes(account_id))
            for database in region.rds.account_databases(account_id):
                self._evaluate_database(cfg, truth, database)
        if truth.total != before:
            self._rows.append((self.state.clock.seconds, cfg.arn, truth.total))

    # -- following the world --------------------------------------------------------------------

    def _nodes(self, nodes: Sequence[ManagedNode]) -> None:
        if not self._truths or not nodes:
            return
        first = nodes[0]  # the nodes of one event share account and region
        self._follow(first.region, first.account_id, lambda cfg, truth: self._evaluate(cfg, truth, nodes))

    def _on_instances_state(self, event: InstancesStateChanged) -> None:
        if not self._truths:
            return
        first = event.instances[0]
        ssm = self.state.world.region(first.region).ssm
        nodes = [node for node in map(ssm.find, (i.instance_id for i in event.instances)) if node is not None]
        self._nodes(nodes)

    def _on_usage_operation(self, event: InstanceUsageOperationChanged) -> None:
        node = self.state.world.region(event.instance.region).ssm.find(event.instance.instance_id)
        if node is not None:
            self._nodes((node,))

    def _on_option_group(self, event: OptionGroupChanged) -> None:
        group = event.group
        rds = self.state.world.region(group.region).rds
        self._databases([d for d in rds.account_databases(group.account_id) if d.option_group is group])

    def _databases(self, databases: Iterable[DBInstance]) -> None:
        for database in databases:
            self._follow(database.region, database.account_id, self._database_evaluator(database))

    def _database_evaluator(self, database: DBInstance) -> Callable[[LicenseConfiguration, _Truth], None]:
        return lambda cfg, truth: self._evaluate_database(cfg, truth, database)

    def _follow(self, region: str, account_id: str,
                evaluate: Callable[[LicenseConfiguration, _Truth], None]) -> None:
        """Re-evaluate, for each configuration reaching the account, what changed; record
        the new true levels."""
        for cfg in self._covering(region, account_id):
            truth = self._truths[cfg.arn]
            before = truth.total
            evaluate(cfg, truth)
            if truth.total != before:
                self._rows.append((self.state.clock.seconds, cfg.arn, truth.total))

    # -- evaluating ---------------------------------------------------------------------------

    def _evaluate(self, cfg: LicenseConfiguration, truth: _Truth, nodes: Sequence[ManagedNode]) -> None:
        if not nodes:
            return
        frame = self.state.world.region(nodes[0].region).ssm.live_frame(nodes)
        matched = frame_matches(cfg.product_information, frame).tolist()
        for node, match in zip(nodes, matched, strict=True):
            instance = node.instance
            if instance is None:
                self._set(truth, node.node_id, cfg.resource_amount(node) if match else 0)
            elif cfg.counts_hosts:
                self._set_host(cfg, truth, node, match and instance.state in ACTIVE_STATES)
            else:
                amount = cfg.instance_amount(instance.instance_type.default_vcpus, instance.vcpus)
                self._set(truth, node.node_id, amount if match and instance.state in ACTIVE_STATES else 0)

    def _evaluate_database(self, cfg: LicenseConfiguration, truth: _Truth, database: DBInstance) -> None:
        match = (database.running and database.license_model == BYOL
                 and database_matches(cfg.product_information, database.edition, database.license_packs()))
        self._set(truth, resource_key(database), cfg.resource_amount(database) if match else 0)

    def _set(self, truth: _Truth, key: str, amount: int) -> None:
        old = truth.amounts.get(key, 0)
        if amount:
            truth.amounts[key] = amount
            truth.since.setdefault(key, self.state.clock.seconds)
        else:
            truth.amounts.pop(key, None)
            truth.since.pop(key, None)
        truth.total += amount - old

    def _set_host(self, cfg: LicenseConfiguration, truth: _Truth, node: ManagedNode, counted: bool) -> None:
        host = node.instance.host if node.instance is not None else None
        previous = truth.node_host.pop(node.node_id, None)
        if previous is not None:
            holders = truth.hosts[previous]
            holders.discard(node.node_id)
            if not holders:
                del truth.hosts[previous]
                self._set(truth, f"host:{previous}", 0)
        if counted and host is not None:
            truth.node_host[node.node_id] = host.host_id
            truth.hosts.setdefault(host.host_id, set()).add(node.node_id)
            self._set(truth, f"host:{host.host_id}", cfg.host_amount(host))
            truth.since.setdefault(node.node_id, self.state.clock.seconds)
        else:
            truth.since.pop(node.node_id, None)

def _family(database: DBInstance) -> list[DBInstance]:
    """A DB instance with the instances whose Active Data Guard use depends on it."""
    return [database] + ([database.source] if database.source else []) + list(database.replicas)
