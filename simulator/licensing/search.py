"""Inventory search (ListResourceInventory) over License Manager's copy of the inventory.

Filters and the conditions each allows are the User Guide's ("Using inventory search") and
the API reference's: ``account_id`` and ``resource_id`` (EQUALS, NOT_EQUALS),
``application_name`` (EQUALS, BEGINS_WITH), ``license_included`` (EQUALS, NOT_EQUALS, on
the four License Included names), ``platform`` (EQUALS, NOT_EQUALS, BEGINS_WITH, CONTAINS:
the User Guide's list, wider than the API reference's) and ``tag:<key>`` (EQUALS, with an
optional value; NOT_EQUALS only with cross-account discovery on). Filters are ANDed. Managed
nodes are filtered as columns, account by account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from simulator.core.billing import (
    INCLUDED_LICENSE_NAMES,
    included_licenses,
    license_bits,
)
from simulator.core.validation import invalid
from simulator.licensing.configuration import (
    EC2_AMI,
    EC2_INSTANCE,
    RDS,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
)
from simulator.licensing.inventory import AccountCopy, DatabaseFacts, ResourceInventory
from simulator.world.ec2 import Image

CONDITIONS = ("EQUALS", "NOT_EQUALS", "BEGINS_WITH", "CONTAINS")
SEARCH_FILTERS: dict[str, tuple[str, ...]] = {
    "account_id": ("EQUALS", "NOT_EQUALS"),
    "application_name": ("EQUALS", "BEGINS_WITH"),
    "license_included": ("EQUALS", "NOT_EQUALS"),
    "platform": ("EQUALS", "NOT_EQUALS", "BEGINS_WITH", "CONTAINS"),
    "resource_id": ("EQUALS", "NOT_EQUALS"),
}


@dataclass(frozen=True)
class InventoryFilter:
    """One ListResourceInventory filter."""

    name: str
    condition: str
    value: str | None


@dataclass(frozen=True)
class InventoryRow:
    """One resource of the inventory, as ListResourceInventory shows it."""

    resource_id: str
    resource_type: str
    resource_arn: str
    platform: str
    platform_version: str
    owner_id: str
    region: str
    usage_operation: str | None = None
    ami_id: str | None = None
    host_id: str | None = None
    instance_type: str | None = None


def _test(condition: str, value: str) -> Callable[[str], bool]:
    if condition == "EQUALS":
        return lambda s: s == value
    if condition == "NOT_EQUALS":
        return lambda s: s != value
    if condition == "BEGINS_WITH":
        return lambda s: s.startswith(value)
    return lambda s: value in s


def check_filters(filters: Iterable[InventoryFilter], cross_account: bool) -> list[InventoryFilter]:
    """The filters, if each names a known filter with a condition it allows.

    Raises:
        ServiceError: InvalidParameterValueException naming the filter and what it allows.
    """
    checked = []
    for f in filters:
        allowed: tuple[str, ...]
        if f.name.startswith("tag:") and len(f.name) > 4:
            allowed = ("EQUALS", "NOT_EQUALS") if cross_account else ("EQUALS",)
        elif f.name in SEARCH_FILTERS:
            allowed = SEARCH_FILTERS[f.name]
            if f.value is None:
                raise invalid(f"Filter {f.name} needs a Value")
        else:
            raise invalid(f"Filter {f.name!r} is invalid; allowed filters: {', '.join(SEARCH_FILTERS)}, tag:<key>")
        if f.condition not in allowed:
            extra = " (NOT_EQUALS on tags needs cross-account discovery)" if f.name.startswith("tag:") else ""
            raise invalid(f"Condition {f.condition} is not allowed for filter {f.name}; allowed: "
                          f"{', '.join(allowed)}{extra}")
        if f.name == "license_included" and f.value not in INCLUDED_LICENSE_NAMES:
            raise invalid(f"Value {f.value!r} of filter license_included is invalid; allowed values: "
                          f"{', '.join(INCLUDED_LICENSE_NAMES)}")
        checked.append(f)
    return checked


def _frame_mask(copy: AccountCopy, f: InventoryFilter) -> np.ndarray:
    """The managed nodes of ``copy`` that pass ``f``."""
    frame = copy.frame
    assert frame is not None
    vocabulary, n = frame.vocabulary, len(frame)
    value = f.value or ""
    if f.name == "account_id":
        return np.full(n, _test(f.condition, value)(copy.account_id))
    if f.name == "resource_id":
        row = copy.row(value)
        mask = np.zeros(n, bool)
        if row is not None:
            mask[row] = True
        return mask if f.condition == "EQUALS" else ~mask
    if f.name == "platform":
        return np.isin(frame.platform_name, vocabulary.matching(_test(f.condition, value)))
    if f.name == "license_included":
        included = (frame.license_included & license_bits((value,))) != 0
        return included if f.condition == "EQUALS" else ~included
    if f.name == "application_name":
        applications = frame.applications
        hit = np.isin(applications["name"], vocabulary.matching(_test(f.condition, value)))
        mask = np.zeros(n, bool)
        mask[applications["owner"][hit]] = True
        return mask
    tags = frame.tags
    hit = tags["key"] == vocabulary.find(f.name[4:])
    if f.value is not None:
        hit &= tags["value"] == vocabulary.find(f.value)
    mask = np.zeros(n, bool)
    mask[tags["owner"][hit]] = True
    return mask if f.condition == "EQUALS" else ~mask


def _passes(f: InventoryFilter, resource_id: str, account_id: str, platform: str, included: tuple[str, ...],
            tags: dict[str, str]) -> bool:
    """Whether a DB instance or an AMI (no applications) passes ``f``."""
    value = f.value or ""
    if f.name == "account_id":
        return _test(f.condition, value)(account_id)
    if f.name == "resource_id":
        return _test(f.condition, value)(resource_id)
    if f.name == "platform":
        return _test(f.condition, value)(platform)
    if f.name == "license_included":
        return (value in included) == (f.condition == "EQUALS")
    if f.name == "application_name":
        return False
    key = f.name[4:]
    tagged = key in tags and (f.value is None or tags[key] == f.value)
    return tagged == (f.condition == "EQUALS")


class SearchResults(Sequence[InventoryRow]):
    """The resources found, in a stable order, built into rows only when read (a page)."""

    def __init__(self, found: list[tuple[AccountCopy, str, object]]) -> None:
        self._found = found

    def __len__(self) -> int:
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> InventoryRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[InventoryRow]: ...

    def __getitem__(self, index: int | slice) -> InventoryRow | list[InventoryRow]:
        if isinstance(index, slice):
            return [_row(*item) for item in self._found[index]]
        return _row(*self._found[index])


def _row(copy: AccountCopy, kind: str, item: object) -> InventoryRow:
    region = copy.region
    if kind == "node":
        frame, row = copy.frame, int(item)  # type: ignore[call-overload]
        node = frame.nodes[row]  # type: ignore[union-attr]
        strings = frame.vocabulary.strings  # type: ignore[union-attr]
        platform, version = strings[frame.platform_name[row]], strings[frame.platform_version[row]]  # type: ignore[union-attr]
        instance = node.instance
        if instance is None:
            return InventoryRow(node.node_id, SYSTEMS_MANAGER_MANAGED_INSTANCE, node.arn, platform, version,
                                node.account_id, region)
        return InventoryRow(node.node_id, EC2_INSTANCE, node.arn, platform, version, node.account_id, region,
                            usage_operation=instance.usage_operation, ami_id=instance.image_id,
                            host_id=instance.host_id, instance_type=instance.instance_type.name)
    if kind == "database":
        facts: DatabaseFacts = item  # type: ignore[assignment]
        d = facts.database
        return InventoryRow(d.identifier, RDS, d.arn, d.engine, d.engine_version, d.account_id, region,
                            instance_type=d.instance_class)
    image: Image = item  # type: ignore[assignment]
    return InventoryRow(image.image_id, EC2_AMI, image.arn, image.platform_details, "", image.owner_id, region,
                        usage_operation=image.usage_operation, ami_id=image.image_id)


def search(inventory: ResourceInventory, viewer: str, region: str, filters: Iterable[InventoryFilter]) -> SearchResults:
    """ListResourceInventory: the resources of ``viewer``'s copies (its members' too with
    cross-account discovery on) that pass every filter.

    Raises:
        ServiceError: InvalidParameterValueException for a bad filter (``check_filters``).
    """
    filters = check_filters(filters, inventory.cross_account(viewer, region))
    found: list[tuple[AccountCopy, str, object]] = []
    for copy in inventory.searchable(viewer, region):
        if copy.frame is not None:
            mask = copy.frame.present.copy()
            for f in filters:
                mask &= _frame_mask(copy, f)
            found.extend((copy, "node", row) for row in np.flatnonzero(mask).tolist())
        for facts in copy.databases:
            d = facts.database
            if all(_passes(f, d.identifier, d.account_id, d.engine, (), d.tags) for f in filters):
                found.append((copy, "database", facts))
        found.extend((copy, "image", image) for image in copy.images
                     if all(_passes(f, image.image_id, image.owner_id, image.platform_details,
                                    included_licenses(image.usage_operation), image.tags) for f in filters))
    return SearchResults(found)
