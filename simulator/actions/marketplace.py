"""AWS Marketplace as a scenario uses it: buying subscriptions, which License Manager turns
into licenses granted to the buyer, and enabling subscription sharing in an organization
(``sim.marketplace``)."""

from __future__ import annotations

from collections.abc import Mapping

from simulator.actions.log import ActionLog, action
from simulator.licensing.entitlements import Marketplace


class MarketplaceActions:
    """Facade actions on AWS Marketplace.

    Args:
        actions: Where the actions are recorded.
        marketplace: The engine's Marketplace issuer.
        region: The default region of subscriptions.
    """

    def __init__(self, actions: ActionLog, marketplace: Marketplace, region: str) -> None:
        self.actions = actions
        self._marketplace = marketplace
        self._region = region

    @action("marketplace.subscribe", "license-manager", account="account_id", resource="product_sku")
    def subscribe(
        self, account_id: str, product_sku: str, *, product_name: str = "",
        entitlements: Mapping[str, int | None] | None = None, days: int = 365, renew_type: str = "Monthly",
        region: str | None = None,
    ) -> str:
        """Buy a subscription of ``product_sku`` for ``account_id``: a license issued by
        AWS/Marketplace (home region ``region``, default the simulation's), valid ``days``,
        renewing per ``renew_type`` (Monthly, Weekly or None), with ``entitlements`` (name ->
        seats, or None for unlimited; default AWS::Marketplace::Usage), granted to the buyer
        and accepted and activated at once. Returns the license ARN.

        Raises:
            ValueError: for an unknown account, an empty SKU, or a term under a day.
            ServiceError: ValidationException while the account has an active AWS
                Marketplace license of the product.
        """
        lic = self._marketplace.subscribe(account_id, product_sku, region or self._region, product_name=product_name,
                                          entitlements=entitlements, days=days, renew_type=renew_type)
        return lic.arn

    @action("marketplace.enable_subscription_sharing", "license-manager", account="account_id")
    def enable_subscription_sharing(self, account_id: str) -> None:
        """The management account ``account_id`` enables subscription sharing for its
        organization, as the AWS Marketplace console does: its Marketplace subscriptions can
        then be granted to the organization's accounts, in an organization with all features
        (where this is trusted access for AWS Marketplace license management) or with
        consolidated billing only (where each member accepts and activates its license).

        Raises:
            ValueError: for an account that is not the management account of an organization.
        """
        self._marketplace.enable_subscription_sharing(account_id)
