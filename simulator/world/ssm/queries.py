"""What Systems Manager answers about managed nodes: DescribeInstanceInformation, and
GetInventory and ListInventoryEntries, which read the gathered inventory (never the live
machines). Inventory entries are attribute maps, as Systems Manager's inventory schemas
define them (``AWS:Application``: Name, Publisher, Version, InstalledTime, ...)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.world.ssm.errors import (
    invalid_filter,
    invalid_filter_key,
    invalid_instance_information_filter_value,
    invalid_type_name_exception,
)
from simulator.world.ssm.node import (
    AGENT_VERSION,
    ManagedNode,
    NodeResourceType,
    PingStatus,
)
from simulator.world.ssm.platforms import PLATFORM_TYPES
from simulator.world.ssm.service import SsmService

APPLICATION = "AWS:Application"
INSTANCE_INFORMATION = "AWS:InstanceInformation"
TAG = "AWS:Tag"
TYPE_NAMES = (APPLICATION, INSTANCE_INFORMATION, TAG)
SCHEMA_VERSION = "1.0"
#: Inventory query operators the simulator evaluates (string attributes only).
OPERATORS = ("Equal", "NotEqual", "BeginWith", "Exists")

_NODE_FILTERS: dict[str, Callable[[ManagedNode], str | None]] = {
    "InstanceIds": lambda n: n.node_id,
    "AgentVersion": lambda n: AGENT_VERSION,
    "PingStatus": lambda n: n.ping_status().value,
    "PlatformTypes": lambda n: n.platform.type,
    "ActivationIds": lambda n: n.activation_id,
    "IamRole": lambda n: n.iam_role,
    "ResourceType": lambda n: n.resource_type.value,
    "AssociationStatus": lambda n: None,
}
_ENUM_VALUES = {"PingStatus": tuple(PingStatus), "PlatformTypes": PLATFORM_TYPES,
                "ResourceType": tuple(NodeResourceType)}


@dataclass(frozen=True)
class InventoryItem:
    """One inventory type of one node as last gathered: its capture time (simulated
    seconds) and its entries."""

    type_name: str
    capture_time: float
    content: tuple[dict[str, str], ...]


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def instance_information(ssm: SsmService, account_id: str,
                         filters: Iterable[tuple[str, list[str]]]) -> list[ManagedNode]:
    """DescribeInstanceInformation: the account's registered nodes, filtered (values
    within a filter ORed, filters ANDed; ``tag:<key>`` and ``tag-key`` too).

    Raises:
        ServiceError: InvalidFilterKey for an unknown key, InvalidInstanceInformationFilterValue
            for a value outside PingStatus, PlatformTypes or ResourceType.
    """
    tests: list[Callable[[ManagedNode], bool]] = []
    for key, values in filters:
        if key.startswith("tag:"):
            tests.append(_tag_is(key[4:], set(values)))
            continue
        if key == "tag-key":
            tests.append(_has_tag_key(set(values)))
            continue
        getter = _NODE_FILTERS.get(key)
        if getter is None:
            raise invalid_filter_key(f"Filter key {key!r} is invalid; allowed: {', '.join(_NODE_FILTERS)}, tag:<key>, "
                                     "tag-key")
        bad = [v for v in values if key in _ENUM_VALUES and v not in _ENUM_VALUES[key]]
        if bad:
            raise invalid_instance_information_filter_value(f"{bad[0]!r} is not a valid {key} value; allowed: "
                                                            f"{', '.join(_ENUM_VALUES[key])}")
        tests.append(_value_in(getter, set(values)))
    return [n for n in ssm.account_nodes(account_id) if all(test(n) for test in tests)]


def _tag_is(key: str, values: set[str]) -> Callable[[ManagedNode], bool]:
    return lambda node: node.node_tags.get(key) in values


def _has_tag_key(keys: set[str]) -> Callable[[ManagedNode], bool]:
    return lambda node: bool(keys & set(node.node_tags))


def _value_in(getter: Callable[[ManagedNode], Any], values: set[str]) -> Callable[[ManagedNode], bool]:
    return lambda node: getter(node) in values


def inventory_item(ssm: SsmService, node: ManagedNode, type_name: str) -> InventoryItem | None:
    """What Systems Manager holds of ``type_name`` for ``node`` (None before its first
    collection and after a purge)."""
    inventory = ssm.inventory(node.account_id)
    row = node.index
    if inventory is None or node.deregistered or not inventory.present[row]:
        return None
    strings = ssm.vocabulary.strings
    captured = float(inventory.captured[row])
    if type_name == APPLICATION:
        rows = inventory.applications.rows_of(row)
        to_datetime = ssm.ctx.clock.to_datetime
        content = tuple(
            {"Name": strings[n], "Publisher": strings[p], "Version": strings[v],
             "InstalledTime": _instant(to_datetime(float(t)))}
            for n, p, v, t in zip(rows["name"], rows["publisher"], rows["version"], rows["installed"], strict=True))
    elif type_name == TAG:
        rows = inventory.tags.rows_of(row)
        content = tuple({"Key": strings[k], "Value": strings[v]}
                        for k, v in zip(rows["key"], rows["value"], strict=True))
    else:
        platform_type, platform_name, platform_version = (strings[c] for c in inventory.facts[row][:3])
        instance = node.instance
        status = "Active" if instance is None or instance.state.value in ("pending", "running") else "Stopped"
        content = ({"AgentType": "amazon-ssm-agent", "AgentVersion": AGENT_VERSION,
                    "ComputerName": node.computer_name, "InstanceId": node.node_id, "InstanceStatus": status,
                    "IpAddress": node.ip_address, "PlatformName": platform_name, "PlatformType": platform_type,
                    "PlatformVersion": platform_version, "ResourceType": node.resource_type.value},)
    return InventoryItem(type_name, captured, content)


def check_type_name(type_name: str) -> str:
    """Return ``type_name`` if the simulator gathers that inventory type.

    Raises:
        ServiceError: InvalidTypeNameException naming the types gathered.
    """
    if type_name not in TYPE_NAMES:
        raise invalid_type_name_exception(f"Inventory type {type_name!r} is not collected; collected types: "
                                          f"{', '.join(TYPE_NAMES)}")
    return type_name


Filter = tuple[str, list[str], str]


def _entry_test(attribute: str, values: list[str], operator: str) -> Callable[[tuple[dict[str, str], ...]], bool]:
    if operator not in OPERATORS:
        raise invalid_filter(f"Filter type {operator} is not supported on string attributes; supported: "
                             f"{', '.join(OPERATORS)}")
    wanted = set(values)
    if operator == "Equal":
        return lambda content: any(e.get(attribute) in wanted for e in content)
    if operator == "NotEqual":
        return lambda content: not any(e.get(attribute) in wanted for e in content)
    if operator == "BeginWith":
        return lambda content: any(any((e.get(attribute) or "").startswith(v) for v in values) for e in content)
    return lambda content: any(attribute in e for e in content)


def _split_key(key: str) -> tuple[str, str]:
    type_name, _, attribute = key.rpartition(".")
    if type_name not in TYPE_NAMES or not attribute:
        raise invalid_filter(f"Filter key {key!r} is invalid; keys are <type>.<attribute> with types "
                             f"{', '.join(TYPE_NAMES)}")
    return type_name, attribute


def get_inventory(ssm: SsmService, account_id: str, filters: Iterable[Filter], result_type: str | None) -> list[
        tuple[ManagedNode, dict[str, InventoryItem]]]:
    """GetInventory: the account's nodes that have inventory, with the ``result_type``
    (default AWS:InstanceInformation) and the types the filters name.

    Raises:
        ServiceError: InvalidFilter for a malformed key or an unsupported operator,
            InvalidTypeNameException for an unknown result type.
    """
    tests = []
    for key, values, operator in filters:
        type_name, attribute = _split_key(key)
        tests.append((type_name, _entry_test(attribute, values, operator)))
    shown = check_type_name(result_type) if result_type else INSTANCE_INFORMATION
    entities = []
    for node in ssm.account_nodes(account_id):
        items: dict[str, InventoryItem] = {}
        for type_name in dict.fromkeys([t for t, _ in tests] + [shown]):
            item = inventory_item(ssm, node, type_name)
            if item is None:
                break
            items[type_name] = item
        else:
            if all(test(items[t].content) for t, test in tests):
                entities.append((node, {shown: items[shown]}))
    return entities


def inventory_entries(ssm: SsmService, account_id: str, node_id: str, type_name: str,
                      filters: Iterable[Filter]) -> InventoryItem | None:
    """ListInventoryEntries: one node's entries of one type, filtered entry by entry.

    Raises:
        ServiceError: InvalidInstanceId, InvalidTypeNameException, InvalidFilter.
    """
    node = ssm.node(account_id, node_id)
    check_type_name(type_name)
    tests = []
    for key, values, operator in filters:
        key_type, attribute = _split_key(key)
        if key_type != type_name:
            raise invalid_filter(f"Filter key {key!r} is not an attribute of {type_name}")
        tests.append(_entry_test(attribute, values, operator))
    item = inventory_item(ssm, node, type_name)
    if item is None:
        return None
    content = tuple(e for e in item.content if all(test((e,)) for test in tests))
    return InventoryItem(item.type_name, item.capture_time, content)


def capture_time(ssm: SsmService, seconds: float) -> str:
    """A capture time as inventory shows it (``2026-01-01T00:30:00Z``)."""
    return _instant(ssm.ctx.clock.to_datetime(seconds))

