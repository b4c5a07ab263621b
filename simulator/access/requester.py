"""Who asks a service with resource-based policies (S3 buckets, SNS topics) for something:
the caller, its identity-based policies and the request's condition keys, decided against
the resource's policy by ``authorize``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.access.evaluator import AccessRequest, Caller, Context, Decision, PolicySet, authorize
from simulator.access.policy import Policy


@dataclass(frozen=True)
class Requester:
    """A principal making requests of resources that carry their own policy.

    Attributes:
        caller: The principal (an IAM ARN of an account, or a service principal).
        identity: Its identity-based policies; None for an account's root user (full
            access to its own account) and for a service principal (it has none).
        context: The request's condition keys (lower case: ``aws:principalaccount``,
            ``aws:sourceaccount``, ``aws:sourceowner`` ...).
    """

    caller: Caller
    identity: PolicySet | None = None
    context: Mapping[str, Any] | Context = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        """The caller's account (the account a service principal acts for)."""
        return self.caller.account_id

    def decide(self, action: str, resource: str, policy: Policy | None, owner: str) -> Decision:
        """The decision on ``action`` on ``resource`` (an ARN), whose policy is ``policy``
        and whose owner is the account ``owner``; see ``simulator.access.authorize``."""
        request = AccessRequest(action=action, resources=(resource,), context=self.context)
        return authorize(self.identity, self.caller, request, resource_policy=policy, resource_account=owner)


def root_requester(account_id: str) -> Requester:
    """The root user of ``account_id``."""
    return Requester(Caller(f"arn:aws:iam::{account_id}:root", account_id),
                     context={"aws:principalaccount": account_id})


def service_requester(service: str, source_account: str, context: Mapping[str, Any] | None = None) -> Requester:
    """The service principal ``service`` acting for ``source_account`` (its
    ``aws:SourceAccount``), with more condition keys in ``context`` (``aws:sourcearn``,
    ``s3:x-amz-acl`` ...)."""
    return Requester(Caller("", source_account, service),
                     context={"aws:sourceaccount": source_account, **(context or {})})
