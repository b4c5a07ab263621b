"""The indexes placement reads: the hosts with room of each host pool (an account's hosts
with auto-placement on; a host resource group's hosts of one instance family), by the
instance type they have room for, and the members of each host resource group. A launch
looks at the hosts of its own pool that can take one more of its instance type, so its cost
grows neither with the hosts of other accounts or groups nor with the pool's full hosts."""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.world.catalog import Catalog, InstanceTypeSpec
    from simulator.world.ec2.host import DedicatedHost


def pool_key(host: DedicatedHost) -> Hashable | None:
    """The pool whose launches may land on ``host`` without naming it: ``(group ARN,
    family)`` for a member of a host resource group, the account id for a host with
    auto-placement on, None for a host that takes targeted launches only."""
    if host.host_resource_group_arn is not None:
        return (host.host_resource_group_arn, host.family)
    return host.account_id if host.auto_placement == "on" else None


class HostIndex:
    """Hosts with room by pool and instance type, oldest first, and host resource group
    members.

    Args:
        catalog: The instance types a host of a family can run.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        # (pool, family, size) -> [(sequence, host)] of the hosts with room for one more of that size
        self._with_room: dict[Hashable, list[tuple[int, DedicatedHost]]] = {}
        self._listed: dict[str, tuple[Hashable, str, tuple[str, ...]]] = {}  # host id -> (pool, family, sizes)
        self._groups: dict[str, dict[str, DedicatedHost]] = {}
        self._types: dict[tuple[str, str], tuple[InstanceTypeSpec, ...]] = {}
        self._touched: dict[str, DedicatedHost] = {}

    def with_room(self, key: Hashable, spec: InstanceTypeSpec) -> Iterator[DedicatedHost]:
        """The hosts of pool ``key`` that have room for one more ``spec``, oldest first (a
        live view: do not occupy or vacate hosts while iterating)."""
        if self._touched:
            touched, self._touched = self._touched, {}
            for host in touched.values():
                self.refresh(host)
        return (host for _, host in self._with_room.get((key, spec.family, spec.size), ()))

    def touch(self, host: DedicatedHost) -> None:
        """``host`` took or lost an instance: refresh it before the next placement looks
        (once, however many instances one call moved)."""
        self._touched[host.host_id] = host

    def refresh(self, host: DedicatedHost) -> None:
        """List or unlist ``host`` after its room, state, auto-placement or group changed."""
        old = self._listed.get(host.host_id)
        pool = pool_key(host)
        sizes = () if pool is None else host.sizes_with_room(self._runs(host))
        new = (pool, host.family, sizes) if sizes else None
        if old == new:
            return
        # Sequences are unique: entries compare by them alone, and (sequence,) sorts just before its entry.
        first = (host.sequence,)
        kept = set(sizes) if old is not None and new is not None and old[:2] == new[:2] else set()
        if old is not None:
            for size in old[2]:
                if size not in kept:
                    entries = self._with_room[(old[0], old[1], size)]
                    del entries[bisect.bisect_left(entries, first)]
            del self._listed[host.host_id]
        if new is not None:
            for size in sizes:
                if size not in kept or size not in old[2]:  # type: ignore[index]
                    entries = self._with_room.setdefault((pool, host.family, size), [])
                    entries.insert(bisect.bisect_left(entries, first), (host.sequence, host))
            self._listed[host.host_id] = new

    def _runs(self, host: DedicatedHost) -> tuple[InstanceTypeSpec, ...]:
        """The instance types ``host`` can run."""
        key = (host.family, host.instance_type.name if host.instance_type else "")
        specs = self._types.get(key)
        if specs is None:
            if host.instance_type is not None:
                specs = (host.instance_type,)
            else:
                found = (self._catalog.instance_type(f"{host.family}.{size}") for size in host.host_type.capacity)
                specs = tuple(spec for spec in found if spec is not None)
            self._types[key] = specs
        return specs

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
