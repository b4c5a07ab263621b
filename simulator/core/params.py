"""Call parameters as JSON that reads back to equal values: the ``detail`` of the events
timeline's API calls and facade actions, and the parameters of a trace.

Plain JSON values stay plain (the timeline stays readable). Values JSON has no type for
are written as one-key objects naming their type: ``{"$datetime": "2026-01-05T08:00:00+00:00"}``,
``{"$bytes": "<base64>"}``, ``{"$decimal": "1.50"}``. A genuine one-key object whose key is
one of those names is escaped as ``{"$dict": [[key, value]]}``. A value of any other type
is written as ``{"$repr": "<its repr>"}``, which reads back as an Unreplayable.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_TAGS = frozenset({"$datetime", "$date", "$bytes", "$decimal", "$dict", "$repr"})


@dataclass(frozen=True)
class Unreplayable:
    """A recorded value of a type the parameters' JSON cannot carry (its repr is kept)."""

    text: str


def _tag(value: Any) -> dict[str, Any]:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, Unreplayable):
        return {"$repr": value.text}
    return {"$repr": repr(value)}


def _escaped(value: Any) -> Any:
    if isinstance(value, dict):
        inner = {k: _escaped(v) for k, v in value.items()}
        if len(inner) == 1 and next(iter(inner)) in _TAGS:
            return {"$dict": [[k, v] for k, v in inner.items()]}
        return inner
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    return value


def encode_params(params: Any) -> str:
    """``params`` as compact JSON with sorted keys and tagged non-JSON values."""
    text = json.dumps(params, sort_keys=True, default=_tag, separators=(",", ":"))
    if '{"$' not in text:
        return text  # no tag and no key that could pass for one: plain JSON is exact
    return json.dumps(_escaped(params), sort_keys=True, default=_tag, separators=(",", ":"))


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) != 1:
        return obj
    (key, value), = obj.items()
    if key == "$datetime":
        return datetime.fromisoformat(value)
    if key == "$date":
        return date.fromisoformat(value)
    if key == "$bytes":
        return base64.b64decode(value)
    if key == "$decimal":
        return Decimal(value)
    if key == "$dict":
        return dict(value)
    if key == "$repr":
        return Unreplayable(value)
    return obj


def decode_value(value: Any) -> Any:
    """A value parsed as plain JSON (tags still objects) with its tags read back."""
    if isinstance(value, dict):
        return _untag({k: decode_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def decode_params(text: str) -> Any:
    """The value ``encode_params`` wrote as ``text``.

    Raises:
        ValueError: if ``text`` is not JSON.
    """
    return json.loads(text, object_hook=_untag)


def unreplayable(value: Any) -> list[str]:
    """The texts of the Unreplayable values inside ``value`` (empty when it replays)."""
    if isinstance(value, Unreplayable):
        return [value.text]
    if isinstance(value, dict):
        return [t for v in value.values() for t in unreplayable(v)]
    if isinstance(value, list):
        return [t for v in value for t in unreplayable(v)]
    return []
