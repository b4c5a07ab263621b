"""Managed policies: AWS's and the accounts' own (customer managed), with their versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.access import Policy


@dataclass(frozen=True)
class PolicyVersion:
    """One version of a managed policy's document."""

    version_id: str
    document: Policy
    created_at: datetime


@dataclass(eq=False)
class ManagedPolicy:
    """A managed policy: AWS managed (``arn:aws:iam::aws:policy/...``, shared by every
    account, never changing) or customer managed (of one account).

    Attributes:
        service_role_policy: A service-linked role's permissions policy, which can be
            attached to nothing else.
    """

    name: str
    arn: str
    path: str
    policy_id: str
    description: str
    created_at: datetime
    versions: list[PolicyVersion] = field(default_factory=list)
    default_version_id: str = "v1"
    account_id: str = "aws"
    service_role_policy: bool = False
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def aws_managed(self) -> bool:
        """Whether AWS manages the policy."""
        return self.account_id == "aws"

    @property
    def document(self) -> Policy:
        """The default version's document."""
        return self.version(self.default_version_id).document  # type: ignore[union-attr]

    @property
    def updated_at(self) -> datetime:
        """When the newest version was made."""
        return self.versions[-1].created_at

    def version(self, version_id: str) -> PolicyVersion | None:
        """The version ``version_id``, or None."""
        return next((v for v in self.versions if v.version_id == version_id), None)
