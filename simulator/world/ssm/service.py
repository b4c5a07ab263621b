"""AWS Systems Manager of one region: managed nodes (EC2 instances whose AMI carries the
agent, on-premises servers registered through activations), the software really installed
on them, agent outages, and inventory collection on a schedule per account.

Inventory is gathered every ``inventory_interval`` seconds per account (one clock entry per
account, from its first node on), over the account's nodes at once; the API answers from
what was last gathered, never from the live machines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from simulator.core.columns import Vocabulary
from simulator.core.validation import check_tags
from simulator.world.ec2 import Instance, InstanceState
from simulator.world.ec2.context import RegionContext
from simulator.world.events import (
    AgentStatusChanged,
    InstancesStateChanged,
    InstanceUsageOperationChanged,
    InventoryGathered,
    InventoryPurged,
    NodesDeregistered,
    NodesRegistered,
    NodeTagsChanged,
    SoftwareInstalled,
    SoftwareUninstalled,
)
from simulator.world.ssm.activations import Activations
from simulator.world.ssm.errors import invalid_instance_id, invalid_resource_id
from simulator.world.ssm.inventory import AccountInventory, InventoryFrame, live_frame
from simulator.world.ssm.node import (
    InstalledApplication,
    ManagedNode,
    NodeResourceType,
)
from simulator.world.ssm.platforms import (
    PLATFORM_TYPES,
    Platform,
    platform_of,
    preinstalled,
)

DAY = 86400.0

_RUNNING, _TERMINATED = InstanceState.RUNNING, InstanceState.TERMINATED


@dataclass(frozen=True)
class SsmTimings:
    """How often Systems Manager collects inventory and how long it keeps it (seconds)."""

    inventory_interval: float = 1800.0
    retention: float = 30 * DAY


class ServerSpec(NamedTuple):
    """An on-premises server whose agent registers, with the software already on it."""

    name: str
    platform: Platform
    cores: int
    sockets: int
    vcpus: int
    software: tuple[tuple[str, str, str], ...] = ()


def check_server(spec: ServerSpec) -> None:
    """Check what a server's agent reports.

    Raises:
        ValueError: naming the field: an empty name, an unknown platform type, an empty
            platform name, or counts that are not positive whole numbers with cores a
            multiple of sockets and vCPUs at least the cores.
    """
    if not spec.name or not spec.name.strip():
        raise ValueError("name must not be empty")
    if spec.platform.type not in PLATFORM_TYPES:
        raise ValueError(f"platform_type must be one of {', '.join(PLATFORM_TYPES)}, got {spec.platform.type!r}")
    if not spec.platform.name:
        raise ValueError("platform_name must not be empty")
    for field_name in ("cores", "sockets", "vcpus"):
        value = getattr(spec, field_name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{field_name} must be a positive whole number, got {value!r}")
    if spec.cores % spec.sockets or spec.vcpus < spec.cores:
        raise ValueError(f"a server has a whole number of cores per socket and at least one vCPU per core; got "
                         f"cores={spec.cores}, sockets={spec.sockets}, vcpus={spec.vcpus}")


class SsmService:
    """Systems Manager of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
        timings: Collection interval and retention (``timings`` may be replaced before the
            region's first node registers).
    """

    def __init__(self, ctx: RegionContext, timings: SsmTimings | None = None) -> None:
        self.ctx = ctx
        self.timings = timings or SsmTimings()
        self.vocabulary = Vocabulary()
        self.activations = Activations(ctx.clock, ctx.ids, ctx.region)
        self._nodes: dict[str, ManagedNode] = {}
        self._instance_nodes = 0  # registered nodes that are EC2 instances
        self._accounts: dict[str, AccountInventory] = {}
        self._publish = ctx.bus.publish
        ctx.bus.subscribe(InstancesStateChanged, self._on_instances_state)
        ctx.bus.subscribe(InstanceUsageOperationChanged, self._on_usage_operation)

    # -- lookups --------------------------------------------------------------------------

    def find(self, node_id: str) -> ManagedNode | None:
        """The registered node ``node_id`` (of any account), or None."""
        return self._nodes.get(node_id)

    def node(self, account_id: str, node_id: str) -> ManagedNode:
        """A registered node of ``account_id``.

        Raises:
            ServiceError: InvalidInstanceId if the account has no such node.
        """
        node = self._nodes.get(node_id)
        if node is None or node.account_id != account_id:
            raise invalid_instance_id(f"Instance {node_id} is not a managed node of account {account_id} in "
                                      f"{self.ctx.region}")
        return node

    def accounts(self) -> list[str]:
        """The accounts that have registered nodes, in the order of their first one."""
        return list(self._accounts)

    def account_nodes(self, account_id: str) -> list[ManagedNode]:
        """The account's registered nodes, in registration order."""
        inventory = self._accounts.get(account_id)
        return [n for n in inventory.nodes if not n.deregistered] if inventory else []

    def node_count(self, account_id: str) -> int:
        """How many nodes the account ever registered (O(1))."""
        inventory = self._accounts.get(account_id)
        return len(inventory.nodes) if inventory else 0

    def inventory(self, account_id: str) -> AccountInventory | None:
        """The account's gathered inventory, if it has nodes."""
        return self._accounts.get(account_id)

    def frame(self, account_id: str) -> InventoryFrame | None:
        """A copy of the account's gathered inventory now (None without nodes)."""
        inventory = self._accounts.get(account_id)
        return inventory.frame() if inventory else None

    def live_frame(self, nodes: Sequence[ManagedNode]) -> InventoryFrame:
        """The live truth of ``nodes`` (one account's), as a gathering now would see it."""
        return live_frame(nodes, self.vocabulary)

    # -- registration ---------------------------------------------------------------------

    def register_servers(self, activation_id: str, code: str, specs: Sequence[ServerSpec]) -> list[ManagedNode]:
        """On-premises servers' agents register with an activation: each gets an ``mi-``
        id, the activation's tags and its default instance name (when it has no name).

        Raises:
            ValueError: for a bad server description (``check_server``).
            ServiceError: InvalidActivation (unknown, code mismatch, expired, or too few
                registrations left for all of them). Nothing registers then.
        """
        for spec in specs:
            check_server(spec)
        activation = self.activations.redeem(activation_id, code, len(specs))
        clock = self.ctx.clock
        now, seconds = clock.now(), clock.seconds
        nodes = []
        for spec in specs:
            node_id = self.ctx.ids.resource_id("mi")
            software = {name: InstalledApplication(name, publisher, version, seconds)
                        for name, publisher, version in spec.software}
            node = ManagedNode(
                node_id=node_id, account_id=activation.account_id, region=self.ctx.region,
                resource_type=NodeResourceType.MANAGED_INSTANCE, platform=spec.platform, registered_at=now, index=0,
                name=spec.name or activation.default_instance_name, computer_name=spec.name,
                ip_address=_address(len(self._nodes)), activation_id=activation_id, iam_role=activation.iam_role,
                cores=spec.cores, sockets=spec.sockets, vcpus=spec.vcpus, tags=dict(activation.tags),
                software=software, reachable_since=seconds,
            )
            nodes.append(node)
        self._add(nodes)
        return nodes

    def _add(self, nodes: list[ManagedNode]) -> None:
        if not nodes:
            return
        account_id = nodes[0].account_id
        inventory = self._accounts.get(account_id)
        if inventory is None:
            inventory = self._accounts[account_id] = AccountInventory(account_id, self.ctx.region, self.vocabulary)
            interval = self.timings.inventory_interval
            self.ctx.clock.every(interval, lambda: self.gather(account_id))
        for node in nodes:
            self._nodes[node.node_id] = node
            inventory.add(node)
            self._instance_nodes += not node.on_premises
        self._publish(NodesRegistered(tuple(nodes)))

    def _on_instances_state(self, event: InstancesStateChanged) -> None:
        """An agent AMI's instance registers on its first start; its reachability follows
        its state; it leaves Systems Manager when terminated."""
        current = event.current
        if (current is not _RUNNING and not self._instance_nodes) or event.instances[0].region != self.ctx.region:
            return  # no instance is a managed node yet (one call's instances share a region)
        registering, leaving = [], []
        now = self.ctx.clock.seconds
        for instance in event.instances:
            node = self._nodes.get(instance.instance_id)
            if node is None:
                if current is _RUNNING and instance.image.ssm_agent:
                    registering.append(self._instance_node(instance, now))
                continue
            if current is _TERMINATED:
                leaving.append(node)
            else:
                self._reachability_changed(node, now)
        if registering:
            self._add(registering)
        if leaving:
            self._deregister(leaving)

    def _on_usage_operation(self, event: InstanceUsageOperationChanged) -> None:
        """A new billing code changes the included licenses the next collection reports."""
        node = self._nodes.get(event.instance.instance_id)
        if node is not None:
            self._accounts[node.account_id].mark_changed(node)

    def _instance_node(self, instance: Instance, now: float) -> ManagedNode:
        launched = self.ctx.clock.to_seconds(instance.launch_time)
        software = {name: InstalledApplication(name, publisher, version, launched)
                    for name, publisher, version in preinstalled(instance.image)}
        return ManagedNode(
            node_id=instance.instance_id, account_id=instance.account_id, region=instance.region,
            resource_type=NodeResourceType.EC2_INSTANCE, platform=platform_of(instance.image),
            registered_at=self.ctx.clock.now(), index=0, instance=instance,
            computer_name=f"ip-{_address(len(self._nodes)).replace('.', '-')}", ip_address=_address(len(self._nodes)),
            cores=instance.core_count, vcpus=instance.vcpus, software=software, reachable_since=now,
        )

    def _reachability_changed(self, node: ManagedNode, now: float) -> None:
        inventory = self._accounts[node.account_id]
        was = inventory.reachable[node.index]
        if node.reachable != was:
            if node.reachable:
                node.reachable_since = now
            else:
                node.unreachable_since = now
            inventory.set_reachable(node)

    def deregister(self, account_id: str, node_id: str) -> ManagedNode:
        """DeregisterManagedInstance of an on-premises node: it leaves Systems Manager and
        its inventory is deleted at once.

        Raises:
            ServiceError: InvalidInstanceId for a node the account does not have.
        """
        node = self.node(account_id, node_id)
        if not node.on_premises:
            raise invalid_instance_id(f"{node_id} is an EC2 instance; only on-premises managed nodes (mi-) are "
                                      "deregistered")
        self._deregister([node])
        return node

    def _deregister(self, nodes: list[ManagedNode]) -> None:
        now = self.ctx.clock.seconds
        for node in nodes:
            node.deregistered = True
            node.unreachable_since = now
            self._accounts[node.account_id].remove(node)
            del self._nodes[node.node_id]
            self._instance_nodes -= not node.on_premises
        self._publish(NodesDeregistered(tuple(nodes)))

    # -- what happens on the machines -------------------------------------------------------

    def _running_node(self, node_id: str) -> ManagedNode:
        node = self._nodes.get(node_id)
        if node is None:
            raise ValueError(f"{node_id} is not a registered managed node in {self.ctx.region} (EC2 instances "
                             "register when they first run from an AMI that carries SSM Agent)")
        if not node.active:
            state = node.instance.state if node.instance is not None else "gone"
            raise ValueError(f"{node_id} does not run (instance {state}): software cannot change")
        return node

    def install(self, node_id: str, name: str, publisher: str = "", version: str = "") -> InstalledApplication:
        """Install (or upgrade) an application on a node, by hand, outside any API.

        Raises:
            ValueError: for an unknown or stopped node, or an empty name.
        """
        if not name or not name.strip():
            raise ValueError("name must not be empty")
        node = self._running_node(node_id)
        application = node.software[name] = InstalledApplication(name, publisher, version, self.ctx.clock.seconds)
        self._accounts[node.account_id].mark_changed(node)
        self._publish(SoftwareInstalled(node, application))
        return application

    def uninstall(self, node_id: str, name: str) -> InstalledApplication:
        """Remove an application from a node.

        Raises:
            ValueError: for an unknown or stopped node, or an application it does not have.
        """
        node = self._running_node(node_id)
        application = node.software.pop(name, None)
        if application is None:
            raise ValueError(f"{name!r} is not installed on {node_id}; installed: {', '.join(node.software) or 'none'}")
        self._accounts[node.account_id].mark_changed(node)
        self._publish(SoftwareUninstalled(node, application))
        return application

    def set_agent_online(self, node_id: str, online: bool) -> None:
        """The node's agent goes dark (stopped, blocked by a firewall) or answers again.

        Raises:
            ValueError: for an unknown node or a non-boolean ``online``.
        """
        if not isinstance(online, bool):
            raise ValueError(f"online must be True or False, got {online!r}")
        node = self._nodes.get(node_id)
        if node is None:
            raise ValueError(f"{node_id} is not a registered managed node in {self.ctx.region}")
        if node.agent_online == online:
            return
        node.agent_online = online
        self._reachability_changed(node, self.ctx.clock.seconds)
        self._publish(AgentStatusChanged(node, online))

    # -- tags of on-premises nodes --------------------------------------------------------------

    def tagged_node(self, account_id: str, node_id: str) -> ManagedNode:
        """An on-premises node of ``account_id``, as the tagging operations name it.

        Raises:
            ServiceError: InvalidResourceId for a node the account does not have, or an EC2
                instance (tagged through EC2).
        """
        node = self._nodes.get(node_id)
        if node is None or node.account_id != account_id or not node.on_premises:
            raise invalid_resource_id(f"{node_id} is not an on-premises managed node of account {account_id}")
        return node

    def change_tags(self, account_id: str, node_id: str, add: dict[str, str] | None = None,
                    remove: Iterable[str] = ()) -> ManagedNode:
        """AddTagsToResource / RemoveTagsFromResource of a ManagedInstance.

        Raises:
            ServiceError: InvalidResourceId (``tagged_node``), TooManyTagsError past 50 tags,
                ValidationException for a bad tag.
        """
        node = self.tagged_node(account_id, node_id)
        tags = {k: v for k, v in node.tags.items() if k not in set(remove)}
        tags.update(add or {})
        check_tags(tags, "Tags", code="ValidationException", limit_code="TooManyTagsError")
        if tags != node.tags:
            node.tags = tags
            self._accounts[account_id].mark_changed(node)
            self._publish(NodeTagsChanged(node))
        return node

    # -- collection ---------------------------------------------------------------------------

    def gather(self, account_id: str) -> None:
        """One inventory collection cycle of ``account_id`` (run by the clock)."""
        inventory = self._accounts[account_id]
        changes, purged = inventory.gather(self.ctx.clock.seconds, self.timings.retention)
        if changes:
            self._publish(InventoryGathered(account_id, self.ctx.region, tuple(changes)))
        if purged:
            self._publish(InventoryPurged(account_id, self.ctx.region, tuple(purged)))


def _address(serial: int) -> str:
    """A private IPv4 address for the ``serial``-th node of a region."""
    return f"10.{(serial >> 16) & 255}.{(serial >> 8) & 255}.{serial & 255}"
