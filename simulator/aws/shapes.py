"""Conversions between request/response shapes and plain Python values, shared by the
service adapters: tags, filters, pagination, timestamps."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from simulator.core.errors import ServiceError

T = TypeVar("T")


def tags_out(tags: dict[str, str]) -> list[dict[str, str]]:
    """``{"k": "v"}`` -> ``[{"Key": "k", "Value": "v"}]``."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_in(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """``[{"Key": "k", "Value": "v"}]`` -> ``{"k": "v"}``."""
    return {tag["Key"]: tag.get("Value", "") for tag in tags or ()}


def filters_in(filters: list[dict[str, Any]] | None) -> list[tuple[str, list[str]]]:
    """``[{"Name": n, "Values": [...]}]`` -> ``[(n, [...])]``."""
    return [(f.get("Name", ""), list(f.get("Values", []))) for f in filters or ()]


def iso(moment: datetime) -> str:
    """The ISO-8601 form EC2 uses in string-typed date fields (CreationDate)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def listing_scope(operation: str, account_id: str, params: dict[str, Any]) -> str:
    """Names one listing: the operation, the caller and every parameter but the paging ones,
    so a page token is refused by any other listing (another filter, another account)."""
    rest = {k: v for k, v in params.items() if k not in ("MaxResults", "NextToken")}
    digest = hashlib.blake2b(json.dumps(rest, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()
    return f"{operation}:{account_id}:{digest}"


def paginate(
    items: Sequence[T], max_results: int | None, next_token: str | None, *, scope: str,
    error_code: str, minimum: int = 1, maximum: int = 1000, default: int | None = None,
    error_fields: dict[str, str] | None = None,
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token of the next page (None on the last page).

    Args:
        items: All results, in a stable order.
        max_results: The caller's page size (None: ``default``, or everything).
        next_token: The token of a previous page of the same listing.
        scope: Names the listing, so a token of one listing is refused by another.
        error_code: The service's error code for a bad page size or token.
        minimum: The smallest page size the operation accepts.
        maximum: The largest page size the operation accepts.
        default: The page size when ``max_results`` is None.
        error_fields: Extra members of the error (an Organizations ``Reason``).

    Raises:
        ServiceError: ``error_code`` for a page size out of range or a foreign token.
    """
    if max_results is not None and not minimum <= max_results <= maximum:
        raise ServiceError(
            error_code,
            f"MaxResults {max_results} is out of range; it must be between {minimum} and {maximum}",
            fields=error_fields,
        )
    size = max_results if max_results is not None else default
    start = 0
    if next_token:
        try:
            token_scope, _, offset = base64.urlsafe_b64decode(next_token.encode()).decode().rpartition(":")
            start = int(offset)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            token_scope = ""
        if token_scope != scope or start < 0:
            raise ServiceError(
                error_code, f"NextToken {next_token!r} is not valid for this request", fields=error_fields
            )
    if size is None:
        return list(items[start:]), None
    end = start + size
    token = None
    if end < len(items):
        token = base64.urlsafe_b64encode(f"{scope}:{end}".encode()).decode()
    return list(items[start:end]), token
