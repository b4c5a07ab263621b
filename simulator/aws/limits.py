"""The input limits of the AWS model, checked at the adapter boundary: every request member
whose shape carries a ``min`` or a ``max`` (a number's range; a string's, blob's, list's or
map's length) is checked before the handler runs, so a value AWS refuses never reaches the
world or the engine and never comes back in a response. botocore checks some minimums on
the client side (and no maximum); AWS checks both ends on the service side, as this does.

The checks of each operation are compiled once, from its input shape, into a function that
visits only the members that carry a limit (or contain one); an operation whose input has
none costs one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from simulator.aws.errors import allowed_codes
from simulator.aws.models import operation_model
from simulator.core.errors import ServiceError

#: Appends the violations of one value, at the given path, to a list.
Visit = Callable[[Any, str, list["Violation"]], None]
#: A violation: (path, value shown in the message or None, constraint, Organizations reason).
Violation = tuple[str, "str | None", str, str]

#: The error code each service answers a constraint violation with (ValidationException for
#: the others): EC2 and RDS (query APIs) InvalidParameterValue; IAM and STS ValidationError;
#: AWS Resource Groups BadRequestException; AWS Organizations InvalidInputException with a
#: Reason (its model's InvalidInputExceptionReason values).
CODES = {
    "ec2": "InvalidParameterValue", "rds": "InvalidParameterValue", "iam": "ValidationError",
    "sts": "ValidationError", "resource-groups": "BadRequestException", "organizations": "InvalidInputException",
}
_QUERY_STYLE = ("ec2", "rds")
_NUMBERS = ("integer", "long", "float", "double")

_checks: dict[tuple[str, str], Callable[[dict[str, Any]], None] | None] = {}


def check_limits(service: str, operation: str, params: dict[str, Any]) -> None:
    """Refuse a request with a member outside the range or length its model allows.

    Raises:
        ServiceError: the service's validation error (see ``CODES``) naming every member at
            fault, its value and the constraint, as AWS words it.
    """
    key = (service, operation)
    try:
        check = _checks[key]
    except KeyError:
        check = _checks[key] = compile_operation(service, operation)
    if check is not None:
        check(params)


def compile_operation(service: str, operation: str) -> Callable[[dict[str, Any]], None] | None:
    """The check of one operation's input, or None when its input carries no limit."""
    model = operation_model(service, operation)
    if model.input_shape is None:
        return None
    visit = _Compiler().visit(model.input_shape)
    if visit is None:
        return None
    code = CODES.get(service, "ValidationException")
    if code not in allowed_codes(service, operation):
        code = "ValidationException"
    query_style = service in _QUERY_STYLE

    def check(params: dict[str, Any]) -> None:
        found: list[Violation] = []
        visit(params, "", found)
        if found:
            raise _error(code, found, query_style)

    return check


def _error(code: str, found: list[Violation], query_style: bool) -> ServiceError:
    fields = {"Reason": found[0][3]} if code == "InvalidInputException" else None
    if query_style:
        path, shown, constraint, _ = found[0]
        value = f"({shown}) " if shown is not None else ""
        return ServiceError(code, f"Value {value}for parameter {path} is invalid. It must {constraint}.", fields=fields)
    parts = [("Value " if shown is None else f"Value '{shown}' ") + f"at '{path}' failed to satisfy constraint: "
             f"Member must {constraint}" for path, shown, constraint, _ in found]
    count = len(found)
    return ServiceError(code, f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(parts)}",
                        fields=fields)


def _wire(name: str) -> str:
    """A member's name as AWS's validation messages write it (lower camel case)."""
    return name[:1].lower() + name[1:]


class _Compiler:
    """Compiles visits of shapes, once per shape (recursive shapes refer to themselves)."""

    def __init__(self) -> None:
        self._done: dict[str, Visit | None] = {}
        self._open: set[str] = set()

    def visit(self, shape: Shape) -> Visit | None:
        """The visit of ``shape``'s values, or None when nothing in it carries a limit."""
        name = shape.name
        if name in self._open:  # a recursive shape: look its visit up when it runs
            return lambda value, path, found: self._late(name, value, path, found)
        if name in self._done:
            return self._done[name]
        self._open.add(name)
        compiled = self._done[name] = self._compile(shape)
        self._open.discard(name)
        return compiled

    def _late(self, name: str, value: Any, path: str, found: list[Violation]) -> None:
        visit = self._done.get(name)
        if visit is not None:
            visit(value, path, found)

    def _compile(self, shape: Shape) -> Visit | None:
        kind = shape.type_name
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if kind == "structure":
            members = [(m, _wire(m), v) for m, s in shape.members.items() if (v := self.visit(s)) is not None]
            if not members:
                return None

            def structure(value: Any, path: str, found: list[Violation]) -> None:
                if isinstance(value, dict):
                    prefix = f"{path}." if path else ""
                    for member, wire, visit in members:
                        item = value.get(member)
                        if item is not None:
                            visit(item, prefix + wire, found)

            return structure
        if kind == "list":
            item = self.visit(shape.member)
            length = _bounds(low, high, "length", "MIN_LENGTH_EXCEEDED", "MAX_LENGTH_EXCEEDED")
            if item is None and length is None:
                return None

            def as_list(value: Any, path: str, found: list[Violation]) -> None:
                if length is not None:
                    length(len(value), None, path, found)
                if item is not None:
                    for index, element in enumerate(value, 1):
                        item(element, f"{path}.{index}.member", found)

            return as_list
        if kind == "map":
            key_of, value_of = self.visit(shape.key), self.visit(shape.value)
            length = _bounds(low, high, "length", "MIN_LENGTH_EXCEEDED", "MAX_LENGTH_EXCEEDED")
            if key_of is None and value_of is None and length is None:
                return None

            def as_map(value: Any, path: str, found: list[Violation]) -> None:
                if length is not None:
                    length(len(value), None, path, found)
                for key, element in value.items():
                    if key_of is not None:
                        key_of(key, f"{path}.key", found)
                    if value_of is not None:
                        value_of(element, f"{path}.{key}", found)

            return as_map
        if kind in ("string", "blob"):
            length = _bounds(low, high, "length", "MIN_LENGTH_EXCEEDED", "MAX_LENGTH_EXCEEDED")
            if length is None:
                return None
            secret = kind == "blob" or bool(shape.metadata.get("sensitive"))

            def text(value: Any, path: str, found: list[Violation]) -> None:
                size = len(value.encode()) if kind == "blob" and isinstance(value, str) else len(value)
                length(size, None if secret else _shown(value), path, found)

            return text
        if kind in _NUMBERS:
            bound = _bounds(low, high, "value", "MIN_VALUE_EXCEEDED", "MAX_VALUE_EXCEEDED")
            if bound is None:
                return None
            return lambda value, path, found: bound(value, str(value), path, found)
        return None


def _bounds(low: Any, high: Any, what: str, low_reason: str, high_reason: str
            ) -> Callable[[Any, str | None, str, list[Violation]], None] | None:
    """A check of a measure (a length or a value) against ``[low, high]`` (either may be None)."""
    if low is None and high is None:
        return None

    def bound(measure: Any, shown: str | None, path: str, found: list[Violation]) -> None:
        if isinstance(measure, bool) or not isinstance(measure, (int, float)):
            return  # not a number: botocore's own validation refused it already
        if low is not None and measure < low:
            found.append((path, shown, f"have {what} greater than or equal to {low}", low_reason))
        elif high is not None and measure > high:
            found.append((path, shown, f"have {what} less than or equal to {high}", high_reason))

    return bound


def _shown(value: Any) -> str:
    """A string as a message shows it (a long one cut short)."""
    text = str(value)
    return text if len(text) <= 256 else text[:253] + "..."
