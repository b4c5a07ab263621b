"""The names and paths IAM accepts."""

from __future__ import annotations

import re

from simulator.core.errors import ServiceError

_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_NAME = re.compile(r"[\w+=,.@-]{1,64}")


def check_path(path: str) -> None:
    """Refuse a path that does not begin and end with ``/``.

    Raises:
        ServiceError: ValidationError (IAM's answer to a value outside a member's pattern).
    """
    if _PATH.fullmatch(path) is None:
        raise _validation("path", path, "begin and end with '/'")


def check_name(kind: str, name: str) -> None:
    """Refuse a user, group, role or policy name IAM does not accept.

    Raises:
        ServiceError: ValidationError naming the allowed characters.
    """
    if _NAME.fullmatch(name) is None:
        raise _validation(kind, name, "be 1 to 64 characters of letters, digits and +=,.@_-")


def _validation(member: str, value: str, rule: str) -> ServiceError:
    return ServiceError("ValidationError", f"1 validation error detected: Value {value!r} at '{member}' failed to "
                                           f"satisfy constraint: Member must {rule}")
