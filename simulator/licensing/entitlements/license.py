"""Seller-issued licenses: entitlements, consumption configurations, issuers, and the
immutable versions of a license."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.licensing.entitlements.checkouts import Checkout
    from simulator.licensing.entitlements.grants import Grant

#: The issuer name of licenses AWS Marketplace creates for its sellers.
MARKETPLACE_ISSUER = "AWS/Marketplace"

#: The model's EntitlementUnit values.
UNITS = (
    "Count", "None", "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
)


class LicenseStatus(StrEnum):
    """The model's LicenseStatus values."""

    AVAILABLE = "AVAILABLE"
    PENDING_AVAILABLE = "PENDING_AVAILABLE"
    DEACTIVATED = "DEACTIVATED"
    SUSPENDED = "SUSPENDED"
    EXPIRED = "EXPIRED"
    PENDING_DELETE = "PENDING_DELETE"
    DELETED = "DELETED"


class RenewType(StrEnum):
    """How often a license renews at the end of its validity."""

    NONE = "None"
    WEEKLY = "Weekly"
    MONTHLY = "Monthly"


@dataclass(frozen=True, slots=True)
class Entitlement:
    """A capability a license grants: limited (``max_count`` of ``unit``) or unlimited (unit
    ``None`` and a ``value`` such as "Platinum Tier")."""

    name: str
    unit: str
    max_count: int | None = None
    value: str | None = None
    overage: bool = False
    allow_check_in: bool = False

    @property
    def limited(self) -> bool:
        """Whether the entitlement has a maximum count."""
        return self.max_count is not None


@dataclass(frozen=True, slots=True)
class ConsumptionConfiguration:
    """How a license is consumed: online with provisional checkouts that live
    ``provisional_minutes`` unless extended, offline with borrowed checkouts of
    ``borrow_minutes``, and whether it renews."""

    renew_type: RenewType = RenewType.NONE
    provisional_minutes: int | None = None
    borrow_minutes: int | None = None
    allow_early_check_in: bool = False


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issued a license and the KMS key (ARN) its tokens are signed with."""

    name: str
    sign_key: str | None
    key_fingerprint: str


@dataclass(frozen=True)
class LicenseVersion:
    """One immutable version of a license."""

    version: str
    name: str
    product_name: str
    product_sku: str
    issuer: Issuer
    home_region: str
    status: LicenseStatus
    begin: datetime
    end: datetime | None
    beneficiary: str
    entitlements: tuple[Entitlement, ...]
    consumption: ConsumptionConfiguration
    metadata: tuple[tuple[str, str], ...]
    created_at: datetime
    by_name: dict[str, Entitlement] = field(init=False, repr=False, compare=False)
    #: Checkout requests this version accepted -> (the checked-out items, their summary):
    #: a version never changes, so a repeated request is worked out once.
    checkout_items: dict[tuple, tuple[tuple[tuple[str, str, int, str], ...], str]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {e.name: e for e in self.entitlements})
        object.__setattr__(self, "checkout_items", {})

    def entitlement(self, name: str) -> Entitlement | None:
        """The entitlement called ``name``, if the version has one."""
        return self.by_name.get(name)


@dataclass(eq=False)
class License:
    """A license: its versions (the last is current), its live status and consumption.

    Attributes:
        status: The live status (the service moves it: pending, expired, deleted).
        consumed: Entitlement name -> the quantity live checkouts hold (unlimited
            entitlements count checkouts).
        live: Consumption token -> live checkout of this license.
        grants: Every grant of the license, in creation order.
        timer: Increments whenever the license's scheduled change is replaced.
        purge_at: When a deleted license stops being readable (simulated seconds).
    """

    arn: str
    license_id: str
    owner_id: str
    versions: list[LicenseVersion]
    status: LicenseStatus
    tags: dict[str, str] = field(default_factory=dict)
    consumed: dict[str, int] = field(default_factory=dict)
    live: dict[str, Checkout] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    timer: int = 0
    purge_at: float | None = None

    @property
    def current(self) -> LicenseVersion:
        """The newest version."""
        return self.versions[-1]

    @property
    def marketplace(self) -> bool:
        """Whether AWS Marketplace issued the license."""
        return self.current.issuer.name == MARKETPLACE_ISSUER

    @property
    def usable(self) -> bool:
        """Whether the license can be checked out now."""
        return self.status is LicenseStatus.AVAILABLE
