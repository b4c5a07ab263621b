"""Pagination driven by the AWS model: the paginator model names each listing's token and
limit members, the operation's input shape gives the page size bounds. One implementation
for every service.

Where the model gives no bounds for the page size, the page size is clamped to
``[1, DEFAULT_CAP]`` instead of refused; where the service's documentation states bounds
the model lacks, ``DOCUMENTED`` holds them with their source.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from simulator.aws.errors import allowed_codes
from simulator.aws.models import operation_model, paginator_config
from simulator.core.errors import ServiceError

T = TypeVar("T")

#: The largest page served where neither the model nor the documentation bounds it.
DEFAULT_CAP = 1000


@dataclass(frozen=True)
class Bounds:
    """Page size bounds of one operation: ``minimum``..``maximum`` (refused outside), and the
    page size when the caller gives none (None: everything)."""

    minimum: int = 1
    maximum: int | None = None
    default: int | None = None


#: Bounds the API reference documents but the model does not carry.
DOCUMENTED: dict[tuple[str, str], Bounds] = {
    # DescribeHostsRequest.MaxResults: "This value can be between 5 and 500. If maxResults is
    # given a larger value than 500, you receive an error."
    ("ec2", "DescribeHosts"): Bounds(5, 500),
    # EC2 API reference, DescribeInstances and DescribeImages: "valid range 5 to 1000".
    ("ec2", "DescribeInstances"): Bounds(5, 1000),
    ("ec2", "DescribeImages"): Bounds(5, 1000),
    # DescribeInstanceTypes returns 100 items a page by default (EC2 API reference).
    ("ec2", "DescribeInstanceTypes"): Bounds(5, 100, default=100),
    # Organizations' List* operations return pages of 20 by default (model maximum 20).
    ("organizations", "ListAccounts"): Bounds(1, 20, default=20),
    ("organizations", "ListAWSServiceAccessForOrganization"): Bounds(1, 20, default=20),
    ("organizations", "ListDelegatedAdministrators"): Bounds(1, 20, default=20),
    ("organizations", "ListDelegatedServicesForAccount"): Bounds(1, 20, default=20),
    ("organizations", "ListHandshakesForAccount"): Bounds(1, 20, default=20),
    # CloudTrail API reference, LookupEvents MaxResults: "The default is 50, with a maximum of 50."
    ("cloudtrail", "LookupEvents"): Bounds(1, 50, default=50),
    # RDS API reference, DescribeDBInstances and DescribeOptionGroups MaxRecords: "Default: 100.
    # Constraints: Minimum 20, maximum 100."
    ("rds", "DescribeDBInstances"): Bounds(20, 100, default=100),
    ("rds", "DescribeOptionGroups"): Bounds(20, 100, default=100),
    # Amazon EC2 Auto Scaling API reference, MaxRecords of each: "The default value is 50 and
    # the maximum value is 100" (DescribeAutoScalingGroups, DescribeScheduledActions), "The
    # default value is 100 and the maximum value is 100" (DescribeScalingActivities), "The
    # default value is 50 and the maximum value is 50" (DescribeAutoScalingInstances).
    ("autoscaling", "DescribeAutoScalingGroups"): Bounds(1, 100, default=50),
    ("autoscaling", "DescribeScheduledActions"): Bounds(1, 100, default=50),
    ("autoscaling", "DescribeScalingActivities"): Bounds(1, 100, default=100),
    ("autoscaling", "DescribeAutoScalingInstances"): Bounds(1, 50, default=50),
    # Amazon SNS API reference: ListTopics and ListSubscriptions(ByTopic) return "a limited
    # list of ... up to 100"; the caller gives no page size.
    ("sns", "ListTopics"): Bounds(1, 100, default=100),
    ("sns", "ListSubscriptions"): Bounds(1, 100, default=100),
    ("sns", "ListSubscriptionsByTopic"): Bounds(1, 100, default=100),
}

#: The error a service answers a bad page size or token with: (code, extra error members).
PAGING_ERRORS: dict[str, tuple[str, dict[str, str]]] = {
    "ec2": ("InvalidParameterValue", {}),
    "license-manager": ("InvalidParameterValueException", {}),
    "organizations": ("InvalidInputException", {"Reason": "INVALID_NEXT_TOKEN"}),
    "kms": ("InvalidMarkerException", {}),
    "iam": ("InvalidInput", {}),
    "ram": ("InvalidNextTokenException", {}),
    "resource-groups": ("BadRequestException", {}),
    "rds": ("InvalidParameterValue", {}),
    "ssm": ("InvalidNextToken", {}),
    "autoscaling": ("ValidationError", {}),
    "sns": ("InvalidParameter", {}),
    "cloudtrail": ("InvalidNextTokenException", {}),
}


def bounds(service: str, operation: str) -> Bounds:
    """The page size bounds of an operation: documented ones, else the model's."""
    documented = DOCUMENTED.get((service, operation))
    if documented is not None:
        return documented
    config = paginator_config(service, operation) or {}
    limit_key = config.get("limit_key", "MaxResults")
    member = operation_model(service, operation).input_shape.members.get(limit_key)
    metadata = member.metadata if member is not None else {}
    return Bounds(metadata.get("min", 1), metadata.get("max"))


@cache
def _paging_error(service: str, operation: str) -> tuple[str, dict[str, Any]]:
    """The error code (and fields) ``operation`` refuses a bad page size or token with."""
    code, fields = PAGING_ERRORS.get(service, ("ValidationException", {}))
    if code not in allowed_codes(service, operation):  # an operation that does not declare it
        return "ValidationException", {}
    return code, fields


def listing_scope(operation: str, account_id: str, params: dict[str, Any], paging_keys: tuple[str, str]) -> str:
    """Names one listing: the operation, the caller and every parameter but the paging ones,
    so a page token is refused by any other listing (another filter, another account)."""
    rest = {k: v for k, v in params.items() if k not in paging_keys}
    digest = hashlib.blake2b(json.dumps(rest, sort_keys=True, default=str).encode(), digest_size=6).hexdigest()
    return f"{operation}:{account_id}:{digest}"


def paginate(
    service: str, operation: str, account_id: str, params: dict[str, Any], items: Sequence[T],
) -> tuple[list[T], dict[str, str]]:
    """One page of ``items`` for a request, and the output token member of the next page.

    Args:
        service: The service name (``"ec2"``).
        operation: The operation name; its paginator model names the token and limit members.
        account_id: The caller (tokens are bound to the caller).
        params: The request parameters.
        items: All results, in a stable order.

    Returns:
        The page, and ``{<output token member>: token}`` when more follow (else ``{}``).

    Raises:
        ServiceError: the service's paging error for a page size outside the bounds or a
            token of another listing.
    """
    config = paginator_config(service, operation) or {}
    input_token = config.get("input_token", "NextToken")
    output_token = config.get("output_token", input_token)
    limit_key = config.get("limit_key", "MaxResults")
    code, fields = _paging_error(service, operation)
    limits = bounds(service, operation)
    requested = params.get(limit_key)
    if requested is not None:
        if requested < limits.minimum or (limits.maximum is not None and requested > limits.maximum):
            high = limits.maximum if limits.maximum is not None else "any"
            raise ServiceError(code, f"{limit_key} {requested} is out of range; it must be between "
                                     f"{limits.minimum} and {high}", fields=fields)
        size: int | None = min(requested, limits.maximum or DEFAULT_CAP)
    else:
        size = limits.default
    start = 0
    token = params.get(input_token)
    scope = ""  # worked out only when a token is read or written
    if token:
        scope = listing_scope(operation, account_id, params, (input_token, limit_key))
        try:
            token_scope, _, offset = base64.urlsafe_b64decode(token.encode()).decode().rpartition(":")
            start = int(offset) if offset.isascii() and offset.isdigit() else -1
        except (ValueError, binascii.Error, UnicodeDecodeError):
            token_scope = ""
        if token_scope != scope or start < 0:
            raise ServiceError(code, f"{input_token} {token!r} is not valid for this request", fields=fields)
    if size is None:
        return list(items[start:]), {}
    end = start + size
    if end < len(items):
        scope = scope or listing_scope(operation, account_id, params, (input_token, limit_key))
        return list(items[start:end]), {output_token: base64.urlsafe_b64encode(f"{scope}:{end}".encode()).decode()}
    return list(items[start:end]), {}
