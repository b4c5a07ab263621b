"""The caller of an API call as services with resource-based policies (S3 buckets, SNS
topics) judge it: its ARN, its identity-based policies and the call's condition keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simulator.access import Caller, PolicySet, Requester
from simulator.access.evaluator import Context
from simulator.aws.resources import request_context

if TYPE_CHECKING:
    from simulator.aws.dispatch import Call


def requester_of(call: Call, params: Mapping[str, Any]) -> Requester:
    """The Requester making ``call``: no identity policies for the root user (full access to
    its own account), the role's for an assumed-role session, the user's or role's
    otherwise. ``aws:SourceOwner`` is the caller's account (what an SNS topic's default
    policy compares with its owner)."""
    session = call.session
    principal = call.principal
    identity = None
    if session is not None or not principal.endswith(":root"):
        iam = call.world.global_services.iam
        # A principal IAM no longer knows is refused before this; no policy allows nothing.
        identity = iam.policy_set(session.role.arn if session is not None else principal) or PolicySet(())
    extra = {"aws:sourceowner": call.account_id}
    acl = params.get("ACL")
    if isinstance(acl, str):
        extra["s3:x-amz-acl"] = acl
    return Requester(Caller(session.arn if session is not None else principal, call.account_id), identity,
                     _Extended(extra, request_context(call, params)))


class _Extended:
    """The call's condition keys and a few of the resource's service (``aws:SourceOwner``,
    ``s3:x-amz-acl``)."""

    __slots__ = ("_base", "_extra")

    def __init__(self, extra: dict[str, Any], base: Context) -> None:
        self._extra = extra
        self._base = base

    def get(self, key: str, default: Any = None) -> Any:
        """The value of the condition key ``key`` (lower case), or ``default``."""
        if key in self._extra:
            return self._extra[key]
        return self._base.get(key, default)
