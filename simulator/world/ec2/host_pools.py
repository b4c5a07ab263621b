"""The indexes placement reads: the hosts with room of each host pool (an account's hosts
with auto-placement on; a host resource group's hosts of one instance family), and the
members of each host resource group. A launch looks at its own pool only, so its cost does
not grow with the hosts of other accounts or groups."""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.world.ec2.host import DedicatedHost


def pool_key(host: DedicatedHost) -> Hashable | None:
    """The pool whose launches may land on ``host`` without naming it: ``(group ARN,
    family)`` for a member of a host resource group, the account id for a host with
    auto-placement on, None for a host that takes targeted launches only."""
    if host.host_resource_group_arn is not None:
        return (host.host_resource_group_arn, host.family)
    return host.account_id if host.auto_placement == "on" else None


class HostIndex:
    """Hosts with room by pool, oldest first, and host resource group members."""

    def __init__(self) -> None:
        self._with_room: dict[Hashable, list[tuple[int, DedicatedHost]]] = {}
        self._listed: dict[str, Hashable] = {}  # host id -> the pool it is listed in
        self._groups: dict[str, dict[str, DedicatedHost]] = {}

    def with_room(self, key: Hashable) -> Iterator[DedicatedHost]:
        """The hosts of pool ``key`` that have room, oldest first (a live view: do not
        occupy or vacate hosts while iterating)."""
        return (host for _, host in self._with_room.get(key, ()))

    def refresh(self, host: DedicatedHost) -> None:
        """List or unlist ``host`` after its room, state, auto-placement or group changed."""
        old = self._listed.get(host.host_id)
        new = pool_key(host) if host.has_room else None
        if old == new:
            return
        sequence = host.sequence
        if old is not None:
            entries = self._with_room[old]
            del entries[bisect.bisect_left(entries, sequence, key=lambda e: e[0])]
            del self._listed[host.host_id]
        if new is not None:
            entries = self._with_room.setdefault(new, [])
            entries.insert(bisect.bisect_left(entries, sequence, key=lambda e: e[0]), (sequence, host))
            self._listed[host.host_id] = new

    def members(self, group_arn: str) -> dict[str, DedicatedHost]:
        """The hosts of a host resource group by id, in joining order (a live view)."""
        return self._groups.get(group_arn, {})

    def join(self, host: DedicatedHost, group_arn: str) -> None:
        """Make ``host`` a member of the group ``group_arn``."""
        host.host_resource_group_arn = group_arn
        self._groups.setdefault(group_arn, {})[host.host_id] = host
        self.refresh(host)

    def leave(self, host: DedicatedHost) -> str | None:
        """Take ``host`` out of its group; return the group's ARN (None if it had none)."""
        group_arn = host.host_resource_group_arn
        if group_arn is not None:
            self._groups[group_arn].pop(host.host_id, None)
            host.host_resource_group_arn = None
            self.refresh(host)
        return group_arn
