"""Managed entitlements: seller-issued licenses (licenses), their distribution (grants,
received), their consumption (checkouts), signed and bearer tokens (tokens), and AWS
Marketplace as an issuer (marketplace)."""

from __future__ import annotations

from simulator.licensing.entitlements.checkouts import Checkout, Checkouts
from simulator.licensing.entitlements.grant import Grant, GrantStatus, GrantVersion
from simulator.licensing.entitlements.grants import Grants
from simulator.licensing.entitlements.license import (
    ConsumptionConfiguration,
    Entitlement,
    License,
    LicenseStatus,
    LicenseVersion,
    RenewType,
)
from simulator.licensing.entitlements.licenses import Licenses
from simulator.licensing.entitlements.marketplace import Marketplace
from simulator.licensing.entitlements.received import Received
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.entitlements.tokens import PROVIDER, RefreshToken, Tokens
from simulator.licensing.state import LicenseState


class ManagedEntitlements:
    """The managed-entitlement parts over one shared state.

    Args:
        base: The engine's shared state (world, clock, ids, records).
    """

    def __init__(self, base: LicenseState) -> None:
        self.state = EntitlementState(base)
        self.licenses = Licenses(self.state)
        self.grants = Grants(self.state, self.licenses)
        self.checkouts = Checkouts(self.state, self.licenses, self.grants)
        self.tokens = Tokens(self.state, self.licenses, self.grants)
        self.received = Received(self.state, self.licenses, self.grants)
        self.marketplace = Marketplace(self.state, self.licenses, self.grants)


__all__ = [
    "PROVIDER", "Checkout", "Checkouts", "ConsumptionConfiguration", "Entitlement", "Grant", "GrantStatus",
    "GrantVersion", "Grants",
    "License", "LicenseStatus", "LicenseVersion", "Licenses", "ManagedEntitlements", "Marketplace", "Received",
    "RefreshToken", "RenewType", "Tokens",
]
