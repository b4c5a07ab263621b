"""CloudTrail's event record format ("Understanding License Manager log file entries"):
``eventVersion``, ``userIdentity``, ``eventTime``, ``eventSource``, ``eventName``,
``awsRegion``, ``sourceIPAddress``, ``userAgent``, ``requestParameters``,
``responseElements``, ``requestID``, ``eventID``, ``readOnly``, ``eventType``,
``managementEvent``, ``recipientAccountId``, ``eventCategory``, and ``errorCode`` and
``errorMessage`` for a failed call.

Request and response members are written as CloudTrail writes them: lower camel case, and
for EC2 its XML-ish form (a list is ``{"items": [...]}`` under ``<member>Set``, the instances
of a launch or a start under ``instancesSet``, a launch's image and counts inside its
``instancesSet`` item; an error code is ``Client.<code>``). Secrets are hidden as
CloudTrail hides them.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from simulator.world.cloudtrail.event import ApiEvent

EVENT_VERSION = "1.09"
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
_SECRETS = frozenset({"SecretAccessKey", "SessionToken", "Password", "WebIdentityToken", "Token", "AccessToken",
                      "RefreshToken", "Plaintext", "CiphertextBlob"})
#: EC2 list members whose CloudTrail names are not ``<member>Set`` (name, item key).
_EC2_LISTS = {"InstanceIds": ("instancesSet", "instanceId"), "Instances": ("instancesSet", None),
              "StartingInstances": ("instancesSet", None), "StoppingInstances": ("instancesSet", None),
              "TerminatingInstances": ("instancesSet", None), "Groups": ("groupSet", None),
              "Tags": ("tagSet", None), "HostIds": ("hostIdSet", "hostId"),
              "SecurityGroupIds": ("groupSet", "groupId")}
#: EC2 members CloudTrail names otherwise.
_EC2_NAMES = {"State": "instanceState", "CurrentState": "currentState", "PreviousState": "previousState"}


def event_id(seed: int, index: int) -> str:
    """The ``eventID`` of the ``index``-th event of a simulation (a UUID, fixed by the seed)."""
    raw = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).hexdigest()
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:32]}"


def instant(value: datetime) -> str:
    """CloudTrail's instants: ``2019-02-15T06:48:37Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _plain(value: Any, ec2: bool) -> Any:
    if isinstance(value, dict):
        return _members(value, ec2)
    if isinstance(value, list):
        items = [_plain(v, ec2) for v in value]
        return {"items": items} if ec2 else items
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _members(values: dict[str, Any], ec2: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "ResponseMetadata":
            continue
        if key in _SECRETS:
            out[_lower_first(key)] = HIDDEN
            continue
        if ec2 and isinstance(value, list):
            name, item_key = _EC2_LISTS.get(key, (_lower_first(key.removesuffix("s")) + "Set", None))
            items = [{item_key: v} if item_key and not isinstance(v, dict) else _plain(v, ec2) for v in value]
            out[name] = {"items": items}
            continue
        name = _EC2_NAMES.get(key, _lower_first(key)) if ec2 else _lower_first(key)
        out[name] = _plain(value, ec2)
    return out


def request_parameters(event: ApiEvent) -> dict[str, Any] | None:
    """The ``requestParameters`` of an event (None for a request without parameters)."""
    if not event.params:
        return None
    ec2 = event.service == "ec2"
    out = _members(event.params, ec2)
    if ec2 and event.operation == "RunInstances":
        launch = {k: out.pop(k) for k in ("imageId", "minCount", "maxCount") if k in out}
        out = {"instancesSet": {"items": [launch]}, **out}
    return out


def response_elements(event: ApiEvent, request_id: str) -> dict[str, Any] | None:
    """The ``responseElements`` of an event (None for a read-only or failed call)."""
    if event.response is None:
        return None
    out = _members(event.response, event.service == "ec2")
    if event.service == "ec2":
        out = {"requestId": request_id, **out}
    return out or None


def record(event: ApiEvent, index: int, seed: int, event_time: datetime) -> dict[str, Any]:
    """The event record of ``event``, the ``index``-th of the simulation, made at ``event_time``."""
    identity = event.identity
    out: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity.element(),
        "eventTime": instant(event_time),
        "eventSource": event.source,
        "eventName": event.operation,
        "awsRegion": event.region,
        "sourceIPAddress": identity.source_ip or identity.invoked_by,
        "userAgent": identity.user_agent or identity.invoked_by,
    }
    if event.error_code:
        code = event.error_code
        if event.service == "ec2":
            code = f"{'Server' if event.status >= 500 else 'Client'}.{code}"
        out["errorCode"] = code
        out["errorMessage"] = event.error_message
    out["requestParameters"] = request_parameters(event)
    out["responseElements"] = response_elements(event, event.request_id)
    out["requestID"] = event.request_id
    out["eventID"] = event_id(seed, index)
    out["readOnly"] = event.read_only
    out["eventType"] = event.event_type
    out["managementEvent"] = True
    out["recipientAccountId"] = event.account_id
    out["eventCategory"] = "Management"
    return out
