"""Systems Manager Inventory of one account: what the last collection gathered from each
node, kept as NumPy columns over the account's nodes so that a collection cycle, a
retention purge or a copy of the whole account is a handful of array operations.

A collection cycle captures every reachable node; only the nodes whose software, tags or
platform changed since their last capture (``dirty``) have their rows rewritten. A node not
seen for the retention period loses its inventory (purge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.core.billing import license_bits
from simulator.core.columns import RowTable, Vocabulary, grown, table
from simulator.world.ssm.node import ManagedNode

APPLICATION_COLUMNS = {"name": np.int32, "publisher": np.int32, "version": np.int32, "installed": np.float64}
TAG_COLUMNS = {"key": np.int32, "value": np.int32}


@dataclass(frozen=True, eq=False)
class InventoryFrame:
    """An account's inventory as columns: row ``r`` is ``nodes[r]``.

    ``present`` tells which rows have inventory; ``applications`` and ``tags`` are
    long-form tables whose ``owner`` column is a row number; strings are codes of
    ``vocabulary``; ``license_included`` is a bit mask (``billing.license_bits``).
    """

    account_id: str
    region: str
    vocabulary: Vocabulary
    nodes: tuple[ManagedNode, ...]
    present: np.ndarray
    platform_type: np.ndarray
    platform_name: np.ndarray
    platform_version: np.ndarray
    license_included: np.ndarray
    applications: dict[str, np.ndarray]
    tags: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.nodes)


def _facts(node: ManagedNode, vocabulary: Vocabulary) -> tuple[int, int, int, int]:
    platform = node.platform
    return (vocabulary.code(platform.type), vocabulary.code(platform.name), vocabulary.code(platform.version),
            license_bits(node.license_included))


def _application_rows(node: ManagedNode, vocabulary: Vocabulary) -> list[tuple]:
    code = vocabulary.code
    return [(code(a.name), code(a.publisher), code(a.version), a.installed_at) for a in node.software.values()]


def _tag_rows(node: ManagedNode, vocabulary: Vocabulary) -> list[tuple]:
    code = vocabulary.code
    return [(code(k), code(v)) for k, v in node.node_tags.items()]


def live_frame(nodes: Sequence[ManagedNode], vocabulary: Vocabulary) -> InventoryFrame:
    """The live truth of ``nodes`` (one account's) as a frame: what a collection would
    gather if it ran now, for every node that exists."""
    facts = np.array([_facts(n, vocabulary) for n in nodes], dtype=np.int64).reshape(len(nodes), 4)
    applications = table({"owner": np.int32, **APPLICATION_COLUMNS},
                         [(row, *r) for row, node in enumerate(nodes) for r in _application_rows(node, vocabulary)])
    tags = table({"owner": np.int32, **TAG_COLUMNS},
                 [(row, *r) for row, node in enumerate(nodes) for r in _tag_rows(node, vocabulary)])
    first = nodes[0] if nodes else None
    return InventoryFrame(
        account_id=first.account_id if first else "", region=first.region if first else "",
        vocabulary=vocabulary, nodes=tuple(nodes), present=np.array([n.active for n in nodes], dtype=bool),
        platform_type=facts[:, 0].astype(np.int32),
        platform_name=facts[:, 1].astype(np.int32), platform_version=facts[:, 2].astype(np.int32),
        license_included=facts[:, 3].astype(np.uint8), applications=applications, tags=tags,
    )


#: One change of a node's gathered inventory: (node, application name, version SSM now
#: holds, empty when the application left the inventory). A node captured with no change
#: of application has one entry with an empty name.
GatheredChange = tuple[ManagedNode, str, str]


class AccountInventory:
    """The managed nodes of one account in one region and their gathered inventory.

    Args:
        account_id: The account.
        region: The region.
        vocabulary: The region's string codes.
    """

    def __init__(self, account_id: str, region: str, vocabulary: Vocabulary) -> None:
        self.account_id = account_id
        self.region = region
        self.vocabulary = vocabulary
        self.nodes: list[ManagedNode] = []
        self.reachable = np.zeros(0, bool)
        self.dirty = np.zeros(0, bool)
        self.present = np.zeros(0, bool)
        self.captured = np.zeros(0, np.float64)
        self.facts = np.zeros((0, 4), np.int64)
        self.applications = RowTable(APPLICATION_COLUMNS)
        self.tags = RowTable(TAG_COLUMNS)

    def add(self, node: ManagedNode) -> None:
        """A node registered (its ``index`` is its row)."""
        row = len(self.nodes)
        node.index = row
        self.nodes.append(node)
        self.reachable = grown(self.reachable, row + 1, False)
        self.dirty = grown(self.dirty, row + 1, False)
        self.present = grown(self.present, row + 1, False)
        self.captured = grown(self.captured, row + 1, np.nan)
        if row >= len(self.facts):
            facts = np.zeros((max(64, 2 * len(self.facts)), 4), np.int64)
            facts[:len(self.facts)] = self.facts
            self.facts = facts
        self.reachable[row] = node.reachable
        self.dirty[row] = True

    def set_reachable(self, node: ManagedNode) -> None:
        """The node's agent became reachable or unreachable."""
        self.reachable[node.index] = node.reachable

    def mark_changed(self, node: ManagedNode) -> None:
        """The node's software, tags or platform changed: the next collection rewrites it."""
        self.dirty[node.index] = True

    def remove(self, node: ManagedNode) -> None:
        """The node was deregistered: its inventory goes at once."""
        row = node.index
        self.reachable[row] = self.dirty[row] = self.present[row] = False
        self.applications.drop(row)
        self.tags.drop(row)

    def gather(self, now: float, retention: float) -> tuple[list[GatheredChange], list[ManagedNode]]:
        """One collection cycle: capture every reachable node, rewrite the changed ones,
        and purge the inventory of nodes not seen for ``retention`` seconds.

        Returns:
            The changes of gathered inventory, and the nodes whose inventory was purged.
        """
        n = len(self.nodes)
        seen = self.reachable[:n]
        self.captured[:n][seen] = now
        changed = np.flatnonzero(seen & self.dirty[:n])
        changes: list[GatheredChange] = []
        for row in changed.tolist():
            changes.extend(self._capture(self.nodes[row]))
        self.dirty[changed] = False
        self.present[changed] = True
        stale = np.flatnonzero(self.present[:n] & (now - self.captured[:n] >= retention))
        for row in stale.tolist():
            self.applications.drop(row)
            self.tags.drop(row)
        self.present[stale] = False
        self.dirty[stale] = True  # gathered afresh if the node is seen again
        return changes, [self.nodes[row] for row in stale.tolist()]

    def _capture(self, node: ManagedNode) -> list[GatheredChange]:
        vocabulary, row = self.vocabulary, node.index
        strings = vocabulary.strings
        before = self.applications.rows_of(row)
        old = {strings[n]: strings[v] for n, v in zip(before["name"], before["version"], strict=True)}
        self.facts[row] = _facts(node, vocabulary)
        self.applications.replace(row, _application_rows(node, vocabulary))
        self.tags.replace(row, _tag_rows(node, vocabulary))
        new = {a.name: a.version for a in node.software.values()}
        changes = [(node, name, version) for name, version in new.items() if old.get(name) != version]
        changes += [(node, name, "") for name in old if name not in new]
        return changes or [(node, "", "")]

    def frame(self) -> InventoryFrame:
        """A copy of the account's gathered inventory."""
        n = len(self.nodes)
        facts = self.facts[:n]
        return InventoryFrame(
            account_id=self.account_id, region=self.region, vocabulary=self.vocabulary,
            nodes=tuple(self.nodes), present=self.present[:n].copy(),
            platform_type=facts[:, 0].astype(np.int32), platform_name=facts[:, 1].astype(np.int32),
            platform_version=facts[:, 2].astype(np.int32), license_included=facts[:, 3].astype(np.uint8),
            applications=self.applications.snapshot(), tags=self.tags.snapshot(),
        )
