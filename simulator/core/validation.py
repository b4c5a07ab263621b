"""Checks of input values shared by every service: enums, ids, tags, account ids, numbers.

Each raises the service's error code (passed by the caller) with a message that names the
field and the allowed values, before anything changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from simulator.core.errors import ServiceError

ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: The largest value of the AWS model's Long (a signed 64-bit integer).
MAX_LONG = 2**63 - 1
#: The largest value of the AWS model's Integer (a signed 32-bit integer).
MAX_INTEGER = 2**31 - 1

_ID_PATTERNS = {
    "i": re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "h": re.compile(r"h-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "ami": re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "lt": re.compile(r"lt-[0-9a-f]{17}"),
    "import-ami": re.compile(r"import-ami-[0-9a-f]{17}"),
    "sg": re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "subnet": re.compile(r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "vpc": re.compile(r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "vol": re.compile(r"vol-(?:[0-9a-f]{8}|[0-9a-f]{17})"),
    "key": re.compile(r"key-[0-9a-f]{17}"),
}


def invalid(message: str, code: str = "InvalidParameterValueException", **fields: str) -> ServiceError:
    """The error for a bad input value (``code`` defaults to License Manager's)."""
    return ServiceError(code, message, fields=fields or None)


def is_account_id(value: object) -> bool:
    """Whether ``value`` is a 12-digit (ASCII) AWS account id."""
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def check_account_id(value: object, argument: str = "account_id") -> str:
    """Return ``value`` if it is a 12-digit account id.

    Raises:
        ValueError: naming ``argument`` otherwise (for facade arguments, not API input).
    """
    if not is_account_id(value):
        raise ValueError(f"{argument} must be a 12-digit AWS account id, got {value!r}")
    return value  # type: ignore[return-value]


def check_enum(field: str, value: str, allowed: Iterable[str], code: str = "InvalidParameterValue") -> str:
    """Return ``value`` if it is one of ``allowed``.

    Raises:
        ServiceError: ``code`` naming the field and the allowed values.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ServiceError(
            code, f"Value ({value}) for parameter {field} is invalid. Allowed values: {', '.join(allowed)}"
        )
    return value


def check_id(value: str, prefix: str, code: str) -> str:
    """Return ``value`` if it is a well-formed EC2 ``<prefix>-...`` id.

    Raises:
        ServiceError: ``<code>.Malformed`` otherwise.
    """
    if not isinstance(value, str) or _ID_PATTERNS[prefix].fullmatch(value) is None:
        raise ServiceError(f"{code}.Malformed", f'Invalid id: "{value}" (expecting "{prefix}-...")')
    return value


def check_tags(
    tags: Mapping[str, str], field: str = "Tags", *, code: str = "InvalidParameterValue",
    limit_code: str | None = None, limit: int = 50,
) -> dict[str, str]:
    """Return ``tags`` if AWS accepts them: at most ``limit``, keys of 1 to 128 characters
    not starting with ``aws:``, values of at most 256 characters.

    Raises:
        ServiceError: ``code`` naming the offending tag (``limit_code`` past the limit).
    """
    if len(tags) > limit:
        raise ServiceError(limit_code or code, f"{field}: a resource can have at most {limit} tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise ServiceError(code, f"{field}: tag key {key!r} must be 1 to 128 characters")
        if key.lower().startswith("aws:"):
            raise ServiceError(code, f"{field}: tag keys starting with 'aws:' are reserved")
        if len(value) > 256:
            raise ServiceError(code, f"{field}: the value of tag {key!r} exceeds 256 characters")
    return dict(tags)


def tag_pairs(tags: Iterable[Mapping[str, str]] | None, field: str, code: str) -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` as a dict; a tag without ``Key`` is refused.

    Raises:
        ServiceError: ``code`` naming ``field`` for a tag without a key.
    """
    result: dict[str, str] = {}
    for index, tag in enumerate(tags or ()):
        if "Key" not in tag:
            raise ServiceError(code, f"{field}[{index}] has no Key; every tag needs a Key")
        result[tag["Key"]] = tag.get("Value", "")
    return result


def check_count(
    field: str, value: object, *, minimum: int = 0, maximum: int = MAX_LONG, code: str = "InvalidParameterValue"
) -> int:
    """Return ``value`` if it is a whole number in ``[minimum, maximum]``.

    Raises:
        ServiceError: ``code`` naming the field and the range.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ServiceError(code, f"{field} must be a whole number from {minimum} to {maximum}, got {value!r}")
    return value


def parse_whole_number(text: str, field: str, *, maximum: int = MAX_INTEGER, code: str) -> int:
    """The number an ASCII string of digits stands for, up to ``maximum``.

    Raises:
        ServiceError: ``code`` naming the field for anything else (Unicode digits, signs,
            spaces, or a value past ``maximum``).
    """
    if not (isinstance(text, str) and text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        raise ServiceError(code, f"{field} must be a whole number from 0 to {maximum}, got {text!r}")
    number = int(text)
    if number > maximum:
        raise ServiceError(code, f"{field} must be a whole number from 0 to {maximum}, got {text!r}")
    return number


def is_finite_number(value: object) -> bool:
    """Whether ``value`` is a real, finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
