"""License Manager's own copy of the resource inventory, and how late it is.

License Manager never reads the machines: it copies what Systems Manager gathered (and
what RDS reports) into its own inventory, and both inventory search (ListResourceInventory)
and automated discovery read that copy. Its schedule (``DiscoverySchedule``):

- each account's own inventory is copied every ``refresh`` seconds (6 hours by default),
  each time just before the discovery pass (``licensing.discovery``);
- with cross-account discovery on, the management account also holds a copy of every
  member account: after the setting is turned on, member accounts arrive one after the
  other, each after ``first_sync_per_account`` seconds plus ``first_sync_per_node`` per
  managed node (minutes to hours, growing with the number of accounts and nodes; User
  Guide, "After enabling cross-account mode, child account instances are slow to
  appear"); after that, a daily sync at ``sync_time`` UTC (the guide's 1 PM) copies every
  member, so what a member adds after it appears the next day.

Systems Manager keeps a node's inventory for 30 days after it was last seen; while the
copy still holds a node, License Manager counts it as active. When a copy finds the
inventory purged, License Manager marks the node inactive and releases its consumption;
when the node is deregistered, it cleans up at once (User Guide, "Systems Manager
Inventory is out of date"). Deregistered AMIs stay in the copy until the 8-hour sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Image
from simulator.world.rds import DBInstance
from simulator.world.rds.db_instance import BYOL
from simulator.world.ssm import InventoryFrame, ManagedNode

HOUR = 3600.0


@dataclass(frozen=True)
class DiscoverySchedule:
    """When License Manager copies inventory and runs automated discovery."""

    refresh: float = 6 * HOUR
    sync_time: str = "13:00"
    first_sync_per_account: float = 300.0
    first_sync_per_node: float = 0.5


@dataclass(frozen=True)
class DatabaseFacts:
    """A BYOL Oracle DB instance as the copy holds it."""

    database: DBInstance
    edition: str
    license_packs: tuple[str, ...]
    vcpus: int


@dataclass(eq=False)
class AccountCopy:
    """License Manager's copy of one account's inventory, taken at ``taken_at`` (simulated
    seconds): its managed nodes (``frame``), its BYOL DB instances and, in the account's
    own copy, the AMIs its configurations are associated with."""

    account_id: str
    region: str
    taken_at: float
    frame: InventoryFrame | None
    databases: tuple[DatabaseFacts, ...] = ()
    images: tuple[Image, ...] = ()
    rows: dict[str, int] = field(default_factory=dict)

    def row(self, node_id: str) -> int | None:
        """The frame row of ``node_id``, if the copy has the node."""
        if not self.rows and self.frame is not None:
            self.rows = {n.node_id: r for r, n in enumerate(self.frame.nodes)}
        return self.rows.get(node_id)


class ResourceInventory:
    """License Manager's copies of the inventory, per viewing account and region.

    Args:
        state: The engine's shared state.
        schedule: When copies are taken.
    """

    def __init__(self, state: LicenseState, schedule: DiscoverySchedule | None = None) -> None:
        self.state = state
        self.schedule = schedule or DiscoverySchedule()
        self._copies: dict[tuple[str, str], dict[str, AccountCopy]] = {}
        self._syncing: set[tuple[str, str]] = set()
        #: (manager, region) -> members whose first copy has not arrived yet.
        self._pending: dict[tuple[str, str], set[str]] = {}
        #: Called with (manager, region, member copy) after each cross-account copy.
        self.member_listeners: list[Callable[[str, str, AccountCopy], None]] = []

    # -- reading the copies -----------------------------------------------------------------

    def copies(self, viewer: str, region: str) -> dict[str, AccountCopy]:
        """The copies ``viewer`` holds in ``region``, by source account (its own first)."""
        return self._copies.get((viewer, region), {})

    def searchable(self, viewer: str, region: str) -> list[AccountCopy]:
        """The copies inventory search shows ``viewer``: its own, and its members' once
        cross-account discovery is on."""
        copies = self.copies(viewer, region)
        shown = [viewer] + (self._members(viewer, region) if self.cross_account(viewer, region) else [])
        return [copies[a] for a in shown if a in copies]

    def cross_account(self, account_id: str, region: str) -> bool:
        """Whether ``account_id`` has cross-account discovery on in ``region``."""
        settings = self.state.settings.get((account_id, region))
        return settings is not None and settings.cross_account_discovery

    def has_inventory(self, resource_id: str, region: str) -> bool:
        """Whether ``resource_id`` (an instance or ``mi-`` id) is an SSM managed node whose
        inventory License Manager holds: its account's own copy has it with inventory."""
        return self._own_row(resource_id, region) is not None

    def applications(self, resource_id: str, region: str) -> tuple[str, ...]:
        """The names of the applications License Manager's own copy holds for the managed
        node ``resource_id`` (empty without inventory)."""
        found = self._own_row(resource_id, region)
        if found is None:
            return ()
        frame, row = found
        names = frame.applications["name"][frame.applications["owner"] == row]
        return tuple(frame.vocabulary.strings[code] for code in names.tolist())

    def _own_row(self, resource_id: str, region: str) -> tuple[InventoryFrame, int] | None:
        node = self.state.world.region(region).ssm.find(resource_id)
        if node is None:
            return None
        own = self.copies(node.account_id, region).get(node.account_id)
        row = own.row(resource_id) if own else None
        if row is None or own.frame is None or not own.frame.present[row]:  # type: ignore[union-attr]
            return None
        return own.frame, row  # type: ignore[union-attr]

    # -- taking copies ------------------------------------------------------------------------

    def take(self, source: str, region: str) -> AccountCopy:
        """A copy of ``source``'s inventory now (managed nodes and BYOL DB instances)."""
        world_region = self.state.world.region(region)
        databases = tuple(
            DatabaseFacts(database=d, edition=d.edition, license_packs=d.license_packs(), vcpus=d.vcpus)
            for d in world_region.rds.account_databases(source) if d.running and d.license_model == BYOL)
        return AccountCopy(account_id=source, region=region, taken_at=self.state.clock.seconds,
                           frame=world_region.ssm.frame(source), databases=databases)

    def refresh(self, account_id: str, region: str) -> AccountCopy:
        """Copy the account's own inventory (and its associated AMIs) into its view;
        servers whose inventory was purged since the last copy become inactive, those seen
        again active."""
        copy = self.take(account_id, region)
        copy.images = tuple(dict.fromkeys(
            association.resource for (r, _), entries in self.state.ami_index.items() if r == region
            for _, association in entries if association.associating_account == account_id))
        view = self._copies.setdefault((account_id, region), {})
        previous = view.get(account_id)
        view[account_id] = copy
        self._follow_purges(previous, copy)
        return copy

    def _follow_purges(self, previous: AccountCopy | None, copy: AccountCopy) -> None:
        frame = copy.frame
        if frame is None:
            return
        before = np.zeros(len(frame), bool)
        if previous is not None and previous.frame is not None:
            before[:len(previous.frame)] = previous.frame.present
        lost = np.flatnonzero(before & ~frame.present)
        back = np.flatnonzero(~before & frame.present)
        inactive = self.state.inactive_nodes
        changed: dict[LicenseConfiguration, int] = {}
        for row in lost.tolist():
            node = frame.nodes[row]
            if not node.deregistered and node.on_premises:
                inactive.add(node.node_id)
                for cfg in self.state.resource_configs.get(node.node_id, ()):
                    changed.setdefault(cfg, cfg.consumed)
                    cfg.deactivate_resource(node.node_id)
        for row in back.tolist():
            node = frame.nodes[row]
            if node.node_id in inactive:
                inactive.discard(node.node_id)
                for cfg in self.state.resource_configs.get(node.node_id, ()):
                    changed.setdefault(cfg, cfg.consumed)
                    cfg.activate_resource(node.node_id, node)
        for cfg, before_level in changed.items():
            if cfg.consumed != before_level:
                self.state.record(cfg)

    def forget_nodes(self, nodes: Sequence[ManagedNode]) -> None:
        """Deregistered nodes leave every copy at once."""
        for node in nodes:
            self.state.inactive_nodes.discard(node.node_id)
            for (_viewer, region), view in self._copies.items():
                copy = view.get(node.account_id)
                row = copy.row(node.node_id) if copy is not None and region == node.region else None
                if row is not None:
                    copy.frame.present[row] = False  # type: ignore[union-attr]

    def forget_database(self, database: DBInstance) -> None:
        """A deleted DB instance leaves every copy at once."""
        for (_, region), view in self._copies.items():
            copy = view.get(database.account_id)
            if copy is not None and region == database.region:
                copy.databases = tuple(d for d in copy.databases if d.database is not database)

    def forget_image(self, region: str, image_id: str) -> None:
        """The 8-hour sweep purged a deregistered AMI: it leaves every copy."""
        for (_, copy_region), view in self._copies.items():
            if copy_region == region:
                for copy in view.values():
                    copy.images = tuple(i for i in copy.images if i.image_id != image_id)

    # -- cross-account ----------------------------------------------------------------------

    def start_cross_account(self, manager: str, region: str) -> None:
        """Cross-account discovery was turned on: copy each member account after its first
        sync delay, then every day at ``sync_time``."""
        key = (manager, region)
        if key in self._syncing:
            return
        self._syncing.add(key)
        clock, schedule = self.state.clock, self.schedule
        ssm = self.state.world.region(region).ssm
        delay = 0.0
        members = self._members(manager, region)
        self._pending[key] = set(members)
        for member in members:
            delay += schedule.first_sync_per_account + schedule.first_sync_per_node * ssm.node_count(member)
            clock.call_later(delay, self._copy_member, manager, region, member)
        clock.daily_at(self.schedule.sync_time, lambda: self.sync_members(manager, region))

    def sync_members(self, manager: str, region: str) -> None:
        """The daily sync: copy every member account of the manager's organization (but
        those whose first copy is still under way)."""
        pending = self._pending.get((manager, region), set())
        for member in self._members(manager, region):
            if member not in pending:
                self._copy_member(manager, region, member)

    def _members(self, manager: str, region: str) -> list[str]:
        """The accounts ``manager`` (the management account, or License Manager's delegated
        administrator) copies while the organization is linked in ``region``."""
        org = self.state.world.organizations.organization_of(manager)
        if org is None or not self.state.acts_for_organization(manager) or not self.state.linked(manager, region):
            return []
        return [a for a in org.member_account_ids if a != manager]

    def _copy_member(self, manager: str, region: str, member: str) -> None:
        self._pending.get((manager, region), set()).discard(member)
        if member not in self._members(manager, region):
            return  # it left the organization
        copy = self.take(member, region)
        self._copies.setdefault((manager, region), {})[member] = copy
        for listener in self.member_listeners:
            listener(manager, region, copy)
