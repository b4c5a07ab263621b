"""Responses through the AWS model: every response is serialized through its operation's
output shape, which drops members left as None and, in strict mode, checks it (required
members, unknown members, types, enums, ranges, timestamps), so no response can drift from
what botocore expects. Also the small conversions the service adapters share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from botocore.model import Shape
from botocore.response import StreamingBody

from simulator.core.validation import tag_pairs

#: Serializes one value of a shape; the second argument is the value's path, for messages.
Serializer = Callable[[Any, str], Any]


#: Values AWS really returns although the model's enum does not list them, with the source.
UNMODELED_VALUES: dict[str, frozenset[str]] = {
    # EC2 answers Platform "windows" in lower case in DescribeInstances and DescribeImages
    # (the AWS CLI's own examples, awscli/examples/ec2/describe-images.rst and
    # describe-instances.rst), though PlatformValues lists only "Windows".
    "PlatformValues": frozenset({"windows"}),
}


class ShapeMismatch(Exception):
    """A response does not fit its output shape (raised in strict mode only)."""


def tags_out(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """``{"k": "v"}`` -> ``[{"Key": "k", "Value": "v"}]``."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_in(tags: Iterable[Mapping[str, str]] | None, code: str, field: str = "Tags") -> dict[str, str]:
    """``[{"Key": "k", "Value": "v"}]`` -> ``{"k": "v"}``; a tag without a Key is refused
    with ``code``."""
    return tag_pairs(tags, field, code)


def filters_in(filters: Iterable[Mapping[str, Any]] | None) -> list[tuple[str, list[str]]]:
    """``[{"Name": n, "Values": [...]}]`` -> ``[(n, [...])]``."""
    return [(f.get("Name", ""), list(f.get("Values", []))) for f in filters or ()]


def iso(moment: datetime) -> str:
    """The ISO-8601 form EC2 uses in string-typed date fields (CreationDate)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class ResponseSerializer:
    """Serializes responses through output shapes, compiling one function per shape.

    Args:
        strict: Check every value against its shape (raise ShapeMismatch) rather than pass
            it through.
    """

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self._compiled: dict[tuple[int, str, int], Serializer | None] = {}

    def serialize(self, shape: Shape | None, response: dict[str, Any], where: str) -> dict[str, Any]:
        """``response`` as ``shape`` describes it (an operation without output: ``{}``).

        Raises:
            ShapeMismatch: in strict mode, naming the member at fault.
        """
        if shape is None:
            if self.strict and response:
                raise ShapeMismatch(f"{where}: the operation has no output, got {sorted(response)}")
            return {}
        return self._serializer(shape)(response, where)  # type: ignore[misc]

    def _serializer(self, shape: Shape) -> Serializer | None:
        """The serializer of ``shape``; outside strict mode, None for a value passed as it is."""
        # botocore makes a new Shape object for each member lookup: a recursive shape
        # (Organizations' HandshakeResource) is known by its model and name, not its identity.
        key = (id(getattr(shape, "_shape_resolver", None)), shape.name, id(shape) if not shape.name else 0)
        if key in self._compiled:
            return self._compiled[key]
        # Placeholder first: recursive shapes refer to themselves.
        self._compiled[key] = lambda value, path: self._compiled[key](value, path)  # type: ignore[misc]
        serializer = self._compile(shape) if self.strict else self._compile_lenient(shape)
        self._compiled[key] = serializer
        return serializer

    def _compile_lenient(self, shape: Shape) -> Serializer | None:
        """Outside strict mode: drop the members left as None, check nothing, and walk only
        into the members that hold structures, lists or maps (no path strings are built: they
        only name what a strict check refuses)."""
        kind = shape.type_name
        if kind == "structure":
            nested = {name: serialize for name, member in shape.members.items()
                      if (serialize := self._serializer(member)) is not None}

            if not nested:
                return _without_none

            def structure(value: Any, path: str) -> dict[str, Any]:
                # one pass over the members present (a response sets few of a large shape's)
                out = {}
                for name, inner in value.items():
                    if inner is not None:
                        serialize = nested.get(name)
                        out[name] = inner if serialize is None else serialize(inner, path)
                return out

            return structure
        if kind == "list":
            item = self._serializer(shape.member)
            if item is None:
                return lambda value, path: list(value)
            return lambda value, path: [item(v, path) for v in value]
        if kind == "map":
            value_of = self._serializer(shape.value)
            if value_of is None:
                return lambda value, path: dict(value)
            return lambda value, path: {k: value_of(v, path) for k, v in value.items()}
        return None

    def _compile(self, shape: Shape) -> Serializer:
        """Strict mode: check every value against its shape, naming the member at fault."""
        kind = shape.type_name
        if kind == "structure":
            members: dict[str, Serializer] = {name: self._serializer(member)  # type: ignore[misc]
                                              for name, member in shape.members.items()}
            required = tuple(shape.required_members)

            def structure(value: Any, path: str) -> dict[str, Any]:
                if not isinstance(value, dict):
                    raise ShapeMismatch(f"{path}: expected a {shape.name} structure, got {type(value).__name__}")
                unknown = [k for k in value if k not in members]
                if unknown:
                    raise ShapeMismatch(f"{path}: {shape.name} has no member {unknown[0]!r}")
                missing = [k for k in required if value.get(k) is None]
                if missing:
                    raise ShapeMismatch(f"{path}: required member {missing[0]!r} of {shape.name} is missing")
                return {k: members[k](v, f"{path}.{k}") for k, v in value.items() if v is not None}

            return structure
        if kind == "list":
            item: Serializer = self._serializer(shape.member)  # type: ignore[assignment]

            def as_list(value: Any, path: str) -> list[Any]:
                if not isinstance(value, (list, tuple)):
                    raise ShapeMismatch(f"{path}: expected a list, got {type(value).__name__}")
                return [item(v, f"{path}[{i}]") for i, v in enumerate(value)]

            return as_list
        if kind == "map":
            key_of: Serializer = self._serializer(shape.key)  # type: ignore[assignment]
            value_of: Serializer = self._serializer(shape.value)  # type: ignore[assignment]

            def as_map(value: Any, path: str) -> dict[Any, Any]:
                if not isinstance(value, dict):
                    raise ShapeMismatch(f"{path}: expected a map, got {type(value).__name__}")
                return {key_of(k, path): value_of(v, f"{path}[{k!r}]") for k, v in value.items()}

            return as_map
        return _scalar_check(shape)


def _without_none(value: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of a structure of scalars without its members left as None (most have none:
    a scan and a copy in C then cost less than a comprehension)."""
    if None not in value.values():
        return value.copy()
    return {k: v for k, v in value.items() if v is not None}


def _scalar_check(shape: Shape) -> Serializer:
    """A strict check of one scalar shape (string, number, boolean, timestamp, blob)."""
    kind = shape.type_name
    enum = frozenset(shape.enum) | UNMODELED_VALUES.get(shape.name, frozenset()) if (
        kind == "string" and getattr(shape, "enum", None)) else None
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    expected: tuple[type, ...] = {
        "string": (str,), "integer": (int,), "long": (int,), "boolean": (bool,), "double": (int, float),
        "float": (int, float), "timestamp": (datetime,), "blob": (bytes, bytearray),
    }.get(kind, (object,))
    # A streaming payload (S3 GetObject's Body) is handed over as botocore's StreamingBody.
    expected += (StreamingBody,) if kind == "blob" and shape.serialization.get("streaming") else ()

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, expected) or (kind in ("integer", "long", "double", "float")
                                               and isinstance(value, bool)):
            raise ShapeMismatch(f"{path}: expected {kind} ({shape.name}), got {type(value).__name__} {value!r}")
        if enum is not None and value not in enum:
            raise ShapeMismatch(f"{path}: {value!r} is not one of {shape.name}'s values {sorted(enum)}")
        if kind in ("integer", "long") and ((low is not None and value < low) or (high is not None and value > high)):
            raise ShapeMismatch(f"{path}: {value} is outside {shape.name}'s range [{low}, {high}]")
        if kind == "timestamp" and getattr(value, "tzinfo", None) is None:
            raise ShapeMismatch(f"{path}: timestamps must be timezone-aware")
        return value

    return check
