"""The inventory timeline's records: one row per change of what is installed on a managed
node, of its registration and agent, and of what Systems Manager gathered or purged."""

from __future__ import annotations

from typing import NamedTuple

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.world.events import (
    AgentStatusChanged,
    InventoryGathered,
    InventoryPurged,
    NodesDeregistered,
    NodesRegistered,
    SoftwareInstalled,
    SoftwareUninstalled,
)
from simulator.world.ssm.node import ManagedNode


class InventoryRecord(NamedTuple):
    """One change point of a managed node's inventory.

    ``change`` is installed, uninstalled (the machine's truth), gathered (Systems Manager's
    inventory took the change: ``version`` is what it now holds, empty when the application
    left it; a capture with no application change has an empty ``application``), purged
    (retention elapsed), registered, deregistered, agent_online or agent_offline.
    """

    time: float
    resource_id: str
    resource_type: str
    account_id: str
    platform: str
    application: str
    version: str
    change: str


class InventoryRecorder:
    """Writes the ``inventory`` records from the Systems Manager events.

    Args:
        records: Where the ``inventory`` buffer lives.
        clock: Gives the time of the rows.
        bus: The world's event bus.
    """

    def __init__(self, records: Records, clock: Clock, bus: EventBus) -> None:
        self._append = records.register("inventory", InventoryRecord).append
        self._env = clock.env
        bus.subscribe(NodesRegistered, lambda e: self._nodes(e.nodes, "registered"))
        bus.subscribe(NodesDeregistered, lambda e: self._nodes(e.nodes, "deregistered"))
        bus.subscribe(InventoryPurged, lambda e: self._nodes(e.nodes, "purged"))
        bus.subscribe(SoftwareInstalled, lambda e: self._row(e.node, e.application.name, e.application.version,
                                                             "installed"))
        bus.subscribe(SoftwareUninstalled, lambda e: self._row(e.node, e.application.name, e.application.version,
                                                               "uninstalled"))
        bus.subscribe(AgentStatusChanged, lambda e: self._row(e.node, "", "",
                                                              "agent_online" if e.online else "agent_offline"))
        bus.subscribe(InventoryGathered, self._gathered)

    def _row(self, node: ManagedNode, application: str, version: str, change: str) -> None:
        self._append((self._env.now, node.node_id, node.resource_type.value, node.account_id, node.platform.name,
                      application, version, change))

    def _nodes(self, nodes: tuple[ManagedNode, ...], change: str) -> None:
        for node in nodes:
            self._row(node, "", "", change)
            if change == "registered":
                for application in node.software.values():
                    self._row(node, application.name, application.version, "installed")

    def _gathered(self, event: InventoryGathered) -> None:
        for node, application, version in event.changes:
            self._row(node, application, version, "gathered")
