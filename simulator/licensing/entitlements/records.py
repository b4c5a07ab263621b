"""Records of managed entitlements: entitlement levels, grant statuses, checkout events."""

from __future__ import annotations

from typing import NamedTuple


class EntitlementRecord(NamedTuple):
    """An entitlement's level after a change (checkout, check-in, lapse, new version,
    renewal). ``max_count`` is NaN for an unlimited entitlement, whose ``consumed`` counts
    checkouts; ``overage`` is what is consumed beyond ``max_count``; ``account_id`` is the
    account whose action moved the level (the issuer's for a version or a renewal)."""

    time: float
    license_arn: str
    product_sku: str
    entitlement: str
    unit: str
    max_count: float
    consumed: int
    overage: int
    account_id: str


class GrantRecord(NamedTuple):
    """A grant's status after it was created or changed."""

    time: float
    grant_arn: str
    license_arn: str
    grantee: str
    status: str
    version: str


class CheckoutRecord(NamedTuple):
    """One checkout event: ``checkout``, ``borrow``, ``extension``, ``check_in``, ``lapse``
    (a provisional or borrowed checkout reached its expiration), ``renewal`` (a renewal
    settled its usage) or ``revoked`` (the license became unusable). ``entitlements`` is
    ``name=quantity`` pairs joined by ``;``; ``expiration`` is simulated seconds (NaN for a
    perpetual checkout)."""

    time: float
    event: str
    license_consumption_token: str
    license_arn: str
    account_id: str
    checkout_type: str
    entitlements: str
    node_id: str
    beneficiary: str
    expiration: float
