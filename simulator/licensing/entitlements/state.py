"""The shared state of managed entitlements: licenses, grants and live checkouts with the
indexes that keep each operation O(1), idempotency tokens, and the records they write."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.core.errors import ServiceError
from simulator.licensing.entitlements.license import License
from simulator.licensing.entitlements.records import (
    CheckoutRecord,
    EntitlementRecord,
    GrantRecord,
)
from simulator.licensing.state import LicenseState

if TYPE_CHECKING:
    from simulator.licensing.entitlements.checkouts import Checkout
    from simulator.licensing.entitlements.grants import Grant

_NAN = float("nan")
#: How long a ClientToken makes a request idempotent (License Manager API reference,
#: CreateToken: "Idempotency token, valid for 10 minutes"; taken for every operation).
IDEMPOTENCY_WINDOW = 600.0


@dataclass(eq=False)
class EntitlementState:
    """What the managed-entitlement parts read and change.

    Attributes:
        licenses: Every readable license by ARN (deleted ones until purged).
        issued: Account -> the licenses it issued by ARN, in creation order.
        by_product: ``(product SKU, key fingerprint)`` -> the licenses of that product.
        grants: Every grant by ARN.
        received: Account -> license ARN -> the account's grant of that license.
        distributed: Account -> the grants it created, in creation order.
        checkouts: Consumption token -> live checkout.
        subscription_sharing: The organizations whose management account enabled AWS
            Marketplace subscription sharing (in an organization with all features it is also
            trusted access for AWS Marketplace license management).
    """

    base: LicenseState
    licenses: dict[str, License] = field(default_factory=dict)
    issued: dict[str, dict[str, License]] = field(default_factory=dict)
    by_product: dict[tuple[str, str], list[License]] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    received: dict[str, dict[str, Grant]] = field(default_factory=dict)
    distributed: dict[str, list[Grant]] = field(default_factory=dict)
    checkouts: dict[str, Checkout] = field(default_factory=dict)
    subscription_sharing: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        records = self.base.records
        self.world = self.base.world
        self.clock = self.base.clock
        self.ids = self.base.ids
        self._levels = records.register("entitlements", EntitlementRecord).append
        self._grant_rows = records.register("grants", GrantRecord).append
        self._checkout_rows = records.register("checkouts", CheckoutRecord).append
        self._env = self.clock.env
        self._idempotent: dict[tuple[str, str, str], tuple[float, Hashable, Any]] = {}
        self._idempotent_order: deque[tuple[float, tuple[str, str, str]]] = deque()

    # -- records --------------------------------------------------------------------------

    def record_levels(self, lic: License, names: Iterable[str], account_id: str) -> None:
        """Append the level of each named entitlement of ``lic`` now."""
        by_name = lic.current.by_name
        sku = lic.current.product_sku
        now = self._env.now
        for name in names:
            entitlement = by_name.get(name)
            consumed = lic.consumed.get(name, 0)
            if entitlement is None or entitlement.max_count is None:
                unit = entitlement.unit if entitlement is not None else ""
                self._levels((now, lic.arn, sku, name, unit, _NAN, consumed, 0, account_id))
            else:
                cap = entitlement.max_count
                self._levels((now, lic.arn, sku, name, entitlement.unit, cap, consumed,
                              consumed - cap if consumed > cap else 0, account_id))

    def record_grant(self, grant: Grant) -> None:
        """Append the grant's status now."""
        self._grant_rows((self._env.now, grant.arn, grant.license.arn, grant.grantee, str(grant.status),
                          str(grant.version)))

    def record_checkout(self, event: str, checkout: Checkout) -> None:
        """Append a checkout event."""
        expires = checkout.expires_at
        self._checkout_rows((self._env.now, event, checkout.token, checkout.license.arn, checkout.account_id,
                             checkout.checkout_type, checkout.summary, checkout.node_id, checkout.beneficiary,
                             _NAN if expires is None else expires))

    # -- idempotency ----------------------------------------------------------------------

    def replay(self, account_id: str, operation: str, client_token: str | None, request: Hashable,
               conflict_code: str) -> Any:
        """The result of an earlier request with the same ClientToken (within the window), or
        None.

        Raises:
            ServiceError: ``conflict_code`` if the earlier request had other parameters.
        """
        if not client_token:
            return None
        entry = self._idempotent.get((account_id, operation, client_token))
        if entry is None or entry[0] <= self._env.now:
            return None
        if entry[1] != request:
            raise ServiceError(conflict_code, f"ClientToken {client_token!r} was used within the last "
                               f"{IDEMPOTENCY_WINDOW / 60:.0f} minutes for a {operation} with other parameters")
        return entry[2]

    def remember(self, account_id: str, operation: str, client_token: str | None, request: Hashable,
                 result: Any) -> None:
        """Keep ``result`` for repeats of the request with the same ClientToken."""
        if not client_token:
            return
        now = self._env.now
        order = self._idempotent_order
        while order and order[0][0] <= now:
            expired_at, key = order.popleft()
            if self._idempotent.get(key, (None,))[0] == expired_at:
                del self._idempotent[key]
        key = (account_id, operation, client_token)
        self._idempotent[key] = (now + IDEMPOTENCY_WINDOW, request, result)
        order.append((now + IDEMPOTENCY_WINDOW, key))
