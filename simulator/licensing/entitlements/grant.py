"""Grants: the grant entity, its statuses and immutable versions, and the principals it
names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from simulator.core.arn import parse_arn
from simulator.core.validation import is_account_id
from simulator.licensing.entitlements.license import License


class GrantStatus(StrEnum):
    """The model's GrantStatus values."""

    PENDING_WORKFLOW = "PENDING_WORKFLOW"
    PENDING_ACCEPT = "PENDING_ACCEPT"
    REJECTED = "REJECTED"
    ACTIVE = "ACTIVE"
    FAILED_WORKFLOW = "FAILED_WORKFLOW"
    DELETED = "DELETED"
    PENDING_DELETE = "PENDING_DELETE"
    DISABLED = "DISABLED"
    WORKFLOW_COMPLETED = "WORKFLOW_COMPLETED"


#: The model's AllowedOperation values.
OPERATIONS = ("CreateGrant", "CheckoutLicense", "CheckoutBorrowLicense", "CheckInLicense", "ExtendConsumptionLicense",
              "ListPurchasedLicenses", "CreateToken")
ACTIVATION_OVERRIDES = ("DISTRIBUTED_GRANTS_ONLY", "ALL_GRANTS_PERMITTED_BY_ISSUER")


@dataclass(frozen=True)
class GrantVersion:
    """One version of a grant."""

    version: int
    name: str
    status: GrantStatus
    status_reason: str
    operations: tuple[str, ...]
    activation_override: str | None


@dataclass(eq=False)
class Grant:
    """A grant of a license to an account (or, as a workflow, to a whole organization).

    Attributes:
        grantee: The grantee principal ARN (account root or organization).
        grantee_account: The grantee account ("" for an organization grant).
        auto_accepted: Accepted by the organization on the grantee's behalf; then the
            grantor may activate and deactivate it too.
        children: The per-account grants of an organization grant.
    """

    arn: str
    license: License
    parent_arn: str
    grantee: str
    grantee_account: str
    grantor_id: str
    home_region: str
    created_at: datetime
    versions: list[GrantVersion]
    auto_accepted: bool = False
    children: list[Grant] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def current(self) -> GrantVersion:
        """The newest version."""
        return self.versions[-1]

    @property
    def status(self) -> GrantStatus:
        """The current status."""
        return self.versions[-1].status

    @property
    def version(self) -> int:
        """The current version number."""
        return self.versions[-1].version

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations the grant allows its grantee."""
        return self.versions[-1].operations


def account_root(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def account_of(principal: str) -> str:
    """The account of an ``arn:aws:iam::<account>:root`` (or bare account id) principal, else ""."""
    if is_account_id(principal):
        return principal
    parts = parse_arn(principal)
    if parts is not None and parts.service == "iam" and parts.resource_id == "root" and parts.account:
        return parts.account
    return ""
