"""CloudTrail events as boto3 calls: which events a replay makes again, and their request
parameters in botocore's form.

CloudTrail writes a request as the service received it: EC2's older actions in their
lowercase-initial XML-ish form (``instancesSet.items[].instanceId``, ``instanceType``,
``minCount`` inside ``instancesSet``), newer ones wrapped as ``{"<Action>Request": {...}}``
with lists as ``{"content": ..., "tag": n}``, JSON services (License Manager) with
lowercase-initial member names. Keys are matched against the operation's input shape (the
member names and their wire names, case-insensitively, ``...Set`` suffixes too), so one
model-driven reader serves them all; a request's fields that do not bear on licensing
(networking, storage, security) are not replayed. Resource ids are read in lower case, as
AWS writes them, whatever case a tool that wrote the logs gave them (``i-0ABC...``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.model import Shape

from simulator.aws.dispatch import implemented
from simulator.aws.models import operation_model
from simulator.replay.cloudtrail.logs import TrailEvent

#: The EC2 calls a CloudTrail replay makes again (the instance and Dedicated Host lifecycle).
EC2_LIFECYCLE = ("RunInstances", "StartInstances", "StopInstances", "TerminateInstances",
                 "ModifyInstancePlacement", "AllocateHosts", "ReleaseHosts")
#: The RunInstances members a replay keeps: what License Manager sees of a launch.
RUN_INSTANCES_MEMBERS = ("ImageId", "InstanceType", "MinCount", "MaxCount", "Placement", "CpuOptions",
                         "TagSpecifications", "LicenseSpecifications")
_INSTANCE_ID = re.compile(r"i-[0-9a-f]{8,17}")
_HOST_ID = re.compile(r"h-[0-9a-f]{8,17}")
_CONFIGURATION_ARN = re.compile(r"arn:aws[a-z-]*:license-manager:[a-z0-9-]+:\d{12}:license-configuration:lic-[0-9a-f]+")
#: Ids of the resources a history creates: an id of one the replay never saw is "gone".
HISTORY_IDS = re.compile(r"(?:i|h)-[0-9a-f]{8,17}|lic-[0-9a-f]{32}")
#: A resource id in any case, where it stands alone or ends an ARN.
_ANY_CASE_ID = re.compile(r"(?<![A-Za-z0-9-])(?:i|h|ami|lic|r)-[0-9a-f]{8,32}(?![A-Za-z0-9])", re.IGNORECASE)


def lower_ids(text: str) -> str:
    """``text`` with the resource ids in it in lower case (``i-0ABC...`` -> ``i-0abc...``)."""
    return _ANY_CASE_ID.sub(lambda match: match[0].lower(), text) if "-" in text else text


@dataclass(frozen=True)
class TrailCall:
    """A CloudTrail event as the boto3 call that makes it again.

    Attributes:
        created: Ids of what the call created in the history (instances, Dedicated Hosts, a
            license configuration ARN), in response order.
        launched: For RunInstances, each launched instance's image and type from the response.
    """

    service: str
    operation: str
    params: dict[str, Any]
    created: list[str] = field(default_factory=list)
    launched: list[dict[str, str]] = field(default_factory=list)


def replayable(event: TrailEvent) -> bool:
    """Whether a replay makes this event's call again: EC2's instance and host lifecycle,
    and every License Manager operation the simulator serves."""
    if event.source == "ec2.amazonaws.com":
        return event.name in EC2_LIFECYCLE
    if event.source == "license-manager.amazonaws.com":
        return ("license-manager", event.name) in set(implemented("license-manager"))
    return False


def translate(event: TrailEvent) -> TrailCall:
    """The boto3 call of a replayable event.

    Raises:
        ValueError: if the request lacks a member the operation requires.
    """
    service, operation = event.service, event.name
    shape = operation_model(service, operation).input_shape
    request = event.request.get(f"{operation}Request", event.request)
    items = _items(request.get("instancesSet", {}))
    request = {k: v for k, v in request.items() if k != "instancesSet"}
    if operation in ("StartInstances", "StopInstances", "TerminateInstances"):
        request["InstanceIds"] = [i.get("instanceId") for i in items]
    launched: list[dict[str, str]] = []
    if operation == "RunInstances":
        request = {**(items[0] if items else {}), **request}  # imageId, minCount, maxCount are inside instancesSet
        launched = [{"image_id": lower_ids(str(i.get("imageId", ""))), "instance_type": i.get("instanceType", ""),
                     "platform": i.get("platform", ""), "usage_operation": i.get("usageOperation", ""),
                     "architecture": i.get("architecture", "")}
                     for i in _items(event.response.get("instancesSet", {}))]
    params = from_trail(shape, request)
    if operation == "RunInstances":
        params = {k: v for k, v in params.items() if k in RUN_INSTANCES_MEMBERS}
        if launched:
            params.setdefault("ImageId", launched[0]["image_id"])
            params.setdefault("InstanceType", launched[0]["instance_type"])
        if not event.error_code and launched:
            params["MinCount"] = params["MaxCount"] = len(launched)
    if operation == "AllocateHosts":
        params = {k: v for k, v in params.items() if k not in ("ClientToken", "OutpostArn", "AssetIds")}
    created = _created(operation, event.response) if not event.error_code else []
    if operation == "AllocateHosts" and created:
        params["Quantity"] = len(created)
    missing = [m for m in shape.required_members if m not in params]
    if missing:
        raise ValueError(f"its request lacks {', '.join(missing)}")
    return TrailCall(service, operation, params, created, launched)


def _created(operation: str, response: dict[str, Any]) -> list[str]:
    pattern = {"RunInstances": _INSTANCE_ID, "AllocateHosts": _HOST_ID,
               "CreateLicenseConfiguration": _CONFIGURATION_ARN}.get(operation)
    if pattern is None:
        return []
    return list(dict.fromkeys(s for s in map(lower_ids, _strings(response)) if pattern.fullmatch(s)))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _items(value: Any) -> list[dict[str, Any]]:
    """The members of an EC2 XML-ish list (``{"items": [...]}``, ``{"item": ...}``)."""
    if isinstance(value, dict):
        value = value.get("items", value.get("item", [value] if value else []))
    if not isinstance(value, list):
        value = [value]
    return [v for v in value if isinstance(v, dict)]


def from_trail(shape: Shape, value: Any) -> Any:
    """A CloudTrail request value as botocore's parameters for ``shape`` (None when it
    does not fit the shape)."""
    if isinstance(value, dict) and "content" in value and shape.type_name != "structure":
        value = value["content"] if shape.type_name != "list" else [value["content"]]
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, value)
    if kind == "list":
        if isinstance(value, dict):
            value = value.get("items", value.get("item", [value]))
        values = value if isinstance(value, list) else [value]
        items = [from_trail(shape.member, v) for v in values]
        return [i for i in items if i is not None]
    if kind == "map":
        if not isinstance(value, dict):
            return None
        return {str(k): from_trail(shape.value, v) for k, v in value.items()}
    return _scalar(kind, value)


def _structure(shape: Shape, value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    lookup: dict[str, str] = {}
    for name, member in shape.members.items():
        for alias in (name, member.serialization.get("name"), member.serialization.get("queryName")):
            if alias:
                lookup.setdefault(alias.lower(), name)
    params = {}
    for key, item in value.items():
        if key == "tag" and isinstance(item, int):
            continue  # the index CloudTrail gives each item of an <Action>Request list
        lowered = key.lower()
        name = lookup.get(lowered) or (lookup.get(lowered[:-3]) if lowered.endswith("set") else None)
        if name is None:
            continue
        converted = from_trail(shape.members[name], item)
        if converted is not None:
            params[name] = converted
    return params


def _scalar(kind: str, value: Any) -> Any:
    if isinstance(value, (dict, list)) or value is None:
        return None
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("float", "double"):
            return float(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except (TypeError, ValueError):
        return None
    if kind == "string":
        return lower_ids(str(value))
    return value
