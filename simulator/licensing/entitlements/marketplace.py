"""A simulated AWS Marketplace: buying a subscription makes a license issued by
"AWS/Marketplace", signed with Marketplace's own KMS key, granted to the buyer and accepted
and activated at once ("Licenses from AWS Marketplace and AWS Data Exchange"); and the
subscription sharing a management account enables before distributing subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from simulator.licensing.entitlements.grants import MARKETPLACE_SHARING_PRINCIPAL, Grants, OverGrants
from simulator.licensing.entitlements.license import (
    MARKETPLACE_ISSUER,
    ConsumptionConfiguration,
    Entitlement,
    License,
    RenewType,
)
from simulator.licensing.entitlements.licenses import Licenses
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.errors import validation_exception

#: The account behind AWS Marketplace's licenses, as their key fingerprints show it
#: ("aws:294406891311:AWS/Marketplace:issuer-fingerprint").
MARKETPLACE_ACCOUNT = "294406891311"
#: What a subscriber's grant allows: consumption, and distribution within its organization.
SUBSCRIBER_OPERATIONS = ("CheckoutLicense", "CheckInLicense", "ExtendConsumptionLicense", "ListPurchasedLicenses",
                         "CreateGrant")
#: How long a Marketplace checkout lives unless extended.
PROVISIONAL_MINUTES = 60


class Marketplace(OverGrants):
    """AWS Marketplace as a license issuer (see ``OverGrants`` for the arguments)."""

    def __init__(self, state: EntitlementState, licenses: Licenses, grants: Grants) -> None:
        super().__init__(state, licenses, grants)
        self._keys: dict[str, str] = {}

    def subscribe(
        self, account_id: str, product_sku: str, region: str, *, product_name: str = "",
        entitlements: Mapping[str, int | None] | None = None, days: int = 365, renew_type: str = "Monthly",
    ) -> License:
        """Buy a subscription: a license of ``product_sku`` for ``account_id`` (its
        beneficiary), valid ``days`` from now, with ``entitlements`` (name -> seats counted in
        Count, or None for an unlimited entitlement; default AWS::Marketplace::Usage), and an
        ACTIVE grant to the buyer.

        Raises:
            ValueError: for an unknown account, an empty SKU or a term under one day.
            ServiceError: ValidationException while the account has an active AWS
                Marketplace license of the product (nothing is created), or for bad
                entitlements.
        """
        self.state.world.organizations.account(account_id)
        if not product_sku:
            raise ValueError("product_sku must not be empty")
        if days < 1:
            raise ValueError(f"days must be 1 or more, got {days}")
        active = self.grants.active_marketplace(account_id, product_sku)
        if active:
            raise validation_exception(f"Account {account_id} already has an active AWS Marketplace license of "
                                       f"{product_sku} ({active[0].license.arn}); deactivate it first")
        wanted = {"AWS::Marketplace::Usage": None} if entitlements is None else dict(entitlements)
        items = tuple(
            Entitlement(name=name, unit="None", value="Enabled") if count is None
            else Entitlement(name=name, unit="Count", max_count=count, allow_check_in=True)
            for name, count in wanted.items()
        )
        now = self.state.clock.now()
        lic = self.licenses.create(
            MARKETPLACE_ACCOUNT, region, name=product_name or product_sku, product_name=product_name or product_sku,
            product_sku=product_sku, issuer_name=MARKETPLACE_ISSUER, sign_key=self._key(region), home_region=region,
            begin=now.isoformat(), end=(now + timedelta(days=days)).isoformat(), beneficiary=account_id,
            entitlements=items, consumption=ConsumptionConfiguration(renew_type=RenewType(renew_type),
                                                                     provisional_minutes=PROVISIONAL_MINUTES),
            marketplace=True,
        )
        self.grants.create(MARKETPLACE_ACCOUNT, region, name=f"{lic.current.product_name} subscription",
                           license_arn=lic.arn, principal=f"arn:aws:iam::{account_id}:root", home_region=region,
                           operations=SUBSCRIBER_OPERATIONS)
        return lic

    def enable_subscription_sharing(self, account_id: str) -> None:
        """The management account of an organization enables subscription sharing ("Before
        you can distribute licenses from AWS Marketplace, you must enable subscription
        sharing"): its organization's members may then be granted its subscriptions. With all
        features this is trusted access for AWS Marketplace license management; an
        organization with consolidated billing only has no trusted access, and shares all the
        same ("Licenses from AWS Marketplace": its members accept and activate each license).

        Raises:
            ValueError: for an account that is not the management account of an organization.
        """
        orgs = self.state.world.organizations
        orgs.account(account_id)
        org = orgs.organization_of(account_id)
        if org is None or org.management_account_id != account_id:
            raise ValueError(f"account {account_id} is not the management account of an organization; only a "
                             "management account enables subscription sharing")
        if org.feature_set == "ALL":
            orgs.enable_service_access(account_id, MARKETPLACE_SHARING_PRINCIPAL)
        self.state.subscription_sharing.add(org.organization_id)

    def _key(self, region: str) -> str:
        """Marketplace's signing key in ``region`` (made on first use)."""
        arn = self._keys.get(region)
        if arn is None:
            key = self.state.world.region(region).kms.create_key(
                MARKETPLACE_ACCOUNT, key_spec="RSA_2048", key_usage="SIGN_VERIFY",
                description="AWS Marketplace license signing")
            arn = self._keys[region] = key.arn
        return arn
