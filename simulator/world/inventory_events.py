"""Domain events about what runs on the machines: managed nodes joining and leaving Systems
Manager, software changes, agents, inventory collection, and RDS databases and their option
groups (``simulator.world.events`` exports them with every other event)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from simulator.world.rds.db_instance import DBInstance
    from simulator.world.rds.option_group import OptionGroup
    from simulator.world.ssm.inventory import GatheredChange
    from simulator.world.ssm.node import InstalledApplication, ManagedNode


class NodesRegistered(NamedTuple):
    """Managed nodes registered with Systems Manager: an instance's agent on its first
    start, or on-premises servers registering with one activation."""

    nodes: tuple[ManagedNode, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.nodes[0]  # one registration's nodes share account and region
        return (first.account_id, first.region, "ssm", "ManagedNodeRegistered",
                tuple([n.node_id for n in self.nodes]), tuple([n.platform.name for n in self.nodes]))


class NodesDeregistered(NamedTuple):
    """Managed nodes left Systems Manager (DeregisterManagedInstance, or their instance
    was terminated); their inventory is deleted with them."""

    nodes: tuple[ManagedNode, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.nodes[0]
        return (first.account_id, first.region, "ssm", "ManagedNodeDeregistered",
                tuple([n.node_id for n in self.nodes]), ("",) * len(self.nodes))


class SoftwareInstalled(NamedTuple):
    """An application was installed (or upgraded) on a managed node."""

    node: ManagedNode
    application: InstalledApplication

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        n, a = self.node, self.application
        return (n.account_id, n.region, "ssm", "SoftwareInstalled", (n.node_id,), (f"{a.name} {a.version}".strip(),))


class SoftwareUninstalled(NamedTuple):
    """An application was removed from a managed node."""

    node: ManagedNode
    application: InstalledApplication

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        n, a = self.node, self.application
        return (n.account_id, n.region, "ssm", "SoftwareUninstalled", (n.node_id,),
                (f"{a.name} {a.version}".strip(),))


class AgentStatusChanged(NamedTuple):
    """A node's SSM Agent went online or offline (the machine itself keeps running)."""

    node: ManagedNode
    online: bool

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        n = self.node
        return (n.account_id, n.region, "ssm", "AgentStatusChange", (n.node_id,),
                ("online" if self.online else "offline",))


class NodeTagsChanged(NamedTuple):
    """The tags of an on-premises managed node changed."""

    node: ManagedNode

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        n = self.node
        return (n.account_id, n.region, "ssm", "ManagedNodeTagsChange", (n.node_id,),
                (" ".join(f"{k}={v}" for k, v in n.tags.items()),))


class InventoryGathered(NamedTuple):
    """An account's inventory collection changed what Systems Manager holds for some nodes."""

    account_id: str
    region: str
    changes: tuple[GatheredChange, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.account_id, self.region, "ssm", "InventoryGathered",
                tuple([node.node_id for node, _, _ in self.changes]),
                tuple([f"{name} {version}".strip() for _, name, version in self.changes]))


class InventoryPurged(NamedTuple):
    """Nodes not seen for the retention period lost their inventory."""

    account_id: str
    region: str
    nodes: tuple[ManagedNode, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.account_id, self.region, "ssm", "InventoryPurged", tuple([n.node_id for n in self.nodes]),
                ("",) * len(self.nodes))


class DBInstanceCreated(NamedTuple):
    """An RDS DB instance was created (status ``creating``)."""

    database: DBInstance

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        d = self.database
        return (d.account_id, d.region, "rds", "DBInstanceCreated", (d.identifier,),
                (f"{d.engine} {d.instance_class} {d.license_model}",))


class DBInstanceDeleted(NamedTuple):
    """An RDS DB instance began deleting: it no longer runs its database."""

    database: DBInstance

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        d = self.database
        return (d.account_id, d.region, "rds", "DBInstanceDeleted", (d.identifier,), ("",))


class OptionGroupChanged(NamedTuple):
    """The options of an RDS option group changed (ModifyOptionGroup applied)."""

    group: OptionGroup

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        g = self.group
        return (g.account_id, g.region, "rds", "OptionGroupChanged", (g.name,), (" ".join(sorted(g.options)),))
