"""Automated discovery: the periodic pass that associates license configurations with the
resources their product information describes (User Guide, "Automated discovery of
resource inventory").

Every ``DiscoverySchedule.refresh`` seconds (6 hours by default), License Manager copies
each account's own inventory (``licensing.inventory``) and runs the pass of every
configuration with product information over the copies it reaches: its owner's, and, with
cross-account discovery on, the members' copies, each as of its last sync (the pass also
runs over a member's copy as soon as it arrives). So a change gathered by Systems Manager
is discovered within the refresh period, and a member's within a day.

One pass, per configuration and account copy, matches the account's managed nodes as
arrays and acts on the differences only:

- it associates every matching, non-excluded resource not yet associated (an EC2 instance
  as an instance, an on-premises server as a managed instance; BYOL Oracle DB instances for
  RDS rules) and counts it by the configuration's counting type;
- with DisassociateWhenNotFound it releases what it associated once the copy shows it no
  longer matches (the software uninstalled), after any license affinity period; by
  default discovered resources stay tracked;
- resources it associated cannot be disassociated by hand (``Associations.update``);
- a hard limit cannot block what is found after the fact: when a pass takes a
  configuration past its count, each resource it adds beyond the count is recorded as a
  ``discovered_over_limit`` violation, with the lag since the resource truly matched;
- it sets the configuration's AutomatedDiscoveryInformation.LastRunTime.
"""

from __future__ import annotations

import numpy as np

from simulator.core.billing import included_licenses
from simulator.core.bus import EventBus
from simulator.core.clock import DAY
from simulator.licensing.alerts import DISCOVERED_OVER_LIMIT
from simulator.licensing.associations import Associations, resource_key
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.exposure import Exposure
from simulator.licensing.inventory import AccountCopy, ResourceInventory
from simulator.licensing.products import (
    database_matches,
    excluded_by_license_included,
    frame_matches,
)
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Instance
from simulator.world.events import DBInstanceDeleted, NodesDeregistered
from simulator.world.rds import DBInstance
from simulator.world.ssm import ManagedNode


class Discovery:
    """Runs automated discovery for every configuration with product information.

    Args:
        state: The engine's shared state.
        inventory: License Manager's copies of the inventory.
        associations: Associates and disassociates resources.
        exposure: The true consumption (for the lag of what is found after the fact).
        bus: The world's event bus.
    """

    def __init__(self, state: LicenseState, inventory: ResourceInventory, associations: Associations,
                 exposure: Exposure, bus: EventBus) -> None:
        self.state = state
        self.inventory = inventory
        self.associations = associations
        self.exposure = exposure
        inventory.member_listeners.append(self._on_member_copy)
        bus.subscribe(NodesDeregistered, self._on_deregistered)
        bus.subscribe(DBInstanceDeleted, self._on_database_deleted)
        state.clock.every(inventory.schedule.refresh, self.run)

    # -- what license type conversions ask ------------------------------------------------------

    def has_inventory(self, instance: Instance) -> bool:
        """Whether ``instance`` is an SSM managed node whose inventory License Manager holds."""
        return self.inventory.has_inventory(instance.instance_id, instance.region)

    @staticmethod
    def follows_usage_operation(cfg: LicenseConfiguration) -> bool:
        """Whether ``cfg``'s discovery follows a change of an instance's usage operation:
        it does when its rules have License Included filters (the included licenses are
        part of what each inventory collection reports, so the next pass re-evaluates the
        instance)."""
        return any(p.license_included_filters for p in cfg.product_information)

    def release_converted(self, instance: Instance) -> list[LicenseConfiguration]:
        """A license type conversion gave ``instance`` a new usage operation: disassociate
        it from each configuration that discovered it and whose License Included rules now
        all exclude it (User Guide, "License type conversions"); the configurations released.
        """
        included = included_licenses(instance.usage_operation)
        released = []
        now = self.state.clock.seconds
        for cfg in list(self.state.instance_configs.get(instance.instance_id, ())):
            if instance.instance_id in cfg.discovered and excluded_by_license_included(cfg.product_information,
                                                                                       included):
                before = cfg.level
                self.associations.unlink(instance, cfg, instance.account_id, now)
                released.append(cfg)
                if cfg.level != before:
                    self.state.record(cfg)
        if released:
            self.associations.publish_licenses(instance)
        return released

    # -- the passes -----------------------------------------------------------------------------

    def run(self) -> None:
        """The periodic run: copy every account's own inventory, then run every discovering
        configuration over the copies it reaches."""
        state = self.state
        for region in state.world.regions():
            name = region.name
            accounts = dict.fromkeys(region.ssm.accounts() + region.rds.accounts())
            for account_id, region_name in state.owned:
                if region_name == name:
                    accounts.setdefault(account_id)
            for account_id in accounts:
                self.inventory.refresh(account_id, name)
            for (_owner, region_name), configs in list(state.owned.items()):
                if region_name != name:
                    continue
                for cfg in list(configs.values()):
                    if cfg.product_information:
                        for copy in self._reached(cfg):
                            self.discover(cfg, copy)

    def _reached(self, cfg: LicenseConfiguration) -> list[AccountCopy]:
        copies = self.inventory.copies(cfg.owner_id, cfg.region)
        reach = self.exposure.reach(cfg)
        return [copies[a] for a in reach if a in copies]

    def _on_member_copy(self, manager: str, region: str, copy: AccountCopy) -> None:
        for cfg in list(self.state.owned.get((manager, region), {}).values()):
            if cfg.product_information and copy.account_id in self.exposure.reach(cfg):
                self.discover(cfg, copy)

    def discover(self, cfg: LicenseConfiguration, copy: AccountCopy) -> None:
        """One pass of ``cfg`` over one account's copy."""
        now = self.state.clock.seconds
        before = cfg.level
        added: list[tuple[object, int]] = []
        if copy.frame is not None:
            self._discover_nodes(cfg, copy, now, added)
        self._discover_databases(cfg, copy, now, added)
        cfg.discovery_last_run = self.state.clock.now()
        if cfg.level != before:
            self.state.record(cfg)
        self._record_over_limit(cfg, added)

    def _discover_nodes(self, cfg: LicenseConfiguration, copy: AccountCopy, now: float,
                        added: list[tuple[object, int]]) -> None:
        frame = copy.frame
        assert frame is not None
        matched = frame_matches(cfg.product_information, frame)
        marked = cfg.marked_nodes(copy.account_id, len(frame))
        for row in np.flatnonzero(matched & ~marked).tolist():
            node = frame.nodes[row]
            resource: Instance | ManagedNode = node.instance if node.instance is not None else node
            if cfg in self._configs_of(resource):
                cfg.mark_node(copy.account_id, row, True)  # associated some other way (a launch)
                continue
            level = cfg.consumed
            self.associations.link(resource, cfg, copy.account_id, None, now)
            cfg.discovered.add(resource_key(resource))
            if isinstance(resource, Instance):
                self.associations.publish_licenses(resource)
            added.append((resource, cfg.consumed - level))
        if cfg.disassociate_when_not_found:
            for row in np.flatnonzero(marked & frame.present & ~matched).tolist():
                node = frame.nodes[row]
                resource = node.instance if node.instance is not None else node
                if resource_key(resource) in cfg.discovered and self._affinity_elapsed(cfg, resource, now):
                    self.associations.unlink(resource, cfg, copy.account_id, now)
                    if isinstance(resource, Instance):
                        self.associations.publish_licenses(resource)

    def _discover_databases(self, cfg: LicenseConfiguration, copy: AccountCopy, now: float,
                            added: list[tuple[object, int]]) -> None:
        for facts in copy.databases:
            database = facts.database
            key = resource_key(database)
            linked = key in cfg.databases
            if database_matches(cfg.product_information, facts.edition, facts.license_packs):
                if not linked and database.running:
                    level = cfg.consumed
                    self.associations.link(database, cfg, copy.account_id, None, now)
                    cfg.discovered.add(key)
                    added.append((database, cfg.consumed - level))
            elif linked and cfg.disassociate_when_not_found and key in cfg.discovered:
                self.associations.unlink(database, cfg, copy.account_id, now)

    def _configs_of(self, resource: Instance | ManagedNode) -> tuple[LicenseConfiguration, ...]:
        if isinstance(resource, Instance):
            return self.state.instance_configs.get(resource.instance_id, ())
        return self.state.resource_configs.get(resource.node_id, ())

    @staticmethod
    def _affinity_elapsed(cfg: LicenseConfiguration, resource: Instance | ManagedNode, now: float) -> bool:
        """Whether the licenses of an on-premises server may leave it: its license affinity
        period (counted from its association) has elapsed. An instance's licenses stay with
        its Dedicated Host through the host's own affinity binding."""
        days = cfg.rules.affinity_days
        if not days or isinstance(resource, Instance):
            return True
        return now >= cfg.managed[resource.node_id][1] + days * DAY

    def _record_over_limit(self, cfg: LicenseConfiguration, added: list[tuple[object, int]]) -> None:
        count = cfg.license_count
        if count is None or cfg.consumed <= count or not added:
            return
        state = self.state
        now = state.clock.seconds
        level = cfg.consumed - sum(amount for _, amount in added)
        first = ""
        for resource, amount in added:
            level += amount
            if amount and level > count:
                first = first or resource.arn  # type: ignore[attr-defined]
                key = resource_key(resource)  # type: ignore[arg-type]
                since = self.exposure.matched_since(cfg, key)
                lag = now - since if since is not None else 0.0
                detail = (f"found {lag / 3600:.1f} h after it matched (lag_seconds={lag:.0f}); {level} of {count} "
                          f"{cfg.counting_type} licenses consumed")
                state.violation(cfg, resource_arn=resource.arn, account_id=resource.account_id,  # type: ignore[attr-defined]
                                kind=DISCOVERED_OVER_LIMIT, action="alerted", operation="AutomatedDiscovery",
                                detail=detail)
        state.notify(cfg, DISCOVERED_OVER_LIMIT, f"License Manager alert: {cfg.name} is over its license count",
                     f"Automated discovery took {cfg.name} ({cfg.arn}) to {cfg.consumed} of {count} "
                     f"{cfg.counting_type} licenses", resource_arn=first)

    # -- cleanup ----------------------------------------------------------------------------------

    def _on_deregistered(self, event: NodesDeregistered) -> None:
        """Deregistered servers leave the copies and their configurations at once."""
        self.inventory.forget_nodes(event.nodes)
        now = self.state.clock.seconds
        for node in event.nodes:
            if node.instance is not None:  # a terminated instance: tracking ended its associations
                for cfg in self.state.configurations.values():
                    cfg.discovered.discard(node.node_id)
                continue
            for cfg in self.state.resource_configs.get(node.node_id, ()):
                before = cfg.level
                self.associations.unlink(node, cfg, node.account_id, now)
                if cfg.level != before:
                    self.state.record(cfg)

    def _on_database_deleted(self, event: DBInstanceDeleted) -> None:
        database: DBInstance = event.database
        self.inventory.forget_database(database)
        now = self.state.clock.seconds
        for cfg in self.state.resource_configs.get(resource_key(database), ()):
            before = cfg.level
            self.associations.unlink(database, cfg, database.account_id, now)
            if cfg.level != before:
                self.state.record(cfg)
