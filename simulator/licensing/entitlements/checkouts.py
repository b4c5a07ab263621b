"""Checkouts: consuming a license's entitlements (CheckoutLicense, CheckoutBorrowLicense),
returning them (CheckInLicense), extending provisional ones (ExtendLicenseConsumption), and
what ends them on their own (lapses, renewals, a license that becomes unusable). Each
checkout and check-in is O(1) in the number of live checkouts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.core.errors import ServiceError
from simulator.core.validation import invalid
from simulator.licensing.entitlements.grant import GrantStatus
from simulator.licensing.entitlements.grants import Grants, OverGrants
from simulator.licensing.entitlements.lapses import LapseQueues
from simulator.licensing.entitlements.license import Entitlement, License
from simulator.licensing.entitlements.licenses import Licenses
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.errors import (
    access_denied_exception,
    no_entitlements_allowed_exception,
    resource_not_found_exception,
    unsupported_digital_signature_method_exception,
    validation_exception,
)

PROVISIONAL, PERPETUAL, BORROW = "PROVISIONAL", "PERPETUAL", "BORROW"
CHECKOUT_TYPES = (PROVISIONAL, PERPETUAL)
SIGNATURE_METHODS = ("JWT_PS384",)
#: A requested entitlement: (name, unit, value or None).
Request = tuple[str, str, str | None]


@dataclass(eq=False, slots=True)
class Checkout:
    """Entitlements held by one checkout.

    Attributes:
        token: The license consumption token.
        entitlements: ``(name, unit, amount, value)``: the amount counted against the
            entitlement (1 for an unlimited one, which counts its holders) and the value
            reported back.
        issued_at: Simulated seconds since the start.
        expires_at: When a provisional or borrowed checkout lapses (None: perpetual).
        summary: ``name=amount`` pairs joined by ``;`` (the records' form).
    """

    token: str
    license: License
    account_id: str
    principal: str
    checkout_type: str
    entitlements: tuple[tuple[str, str, int, str], ...]
    beneficiary: str
    node_id: str
    metadata: tuple[tuple[str, str], ...]
    issued_at: float
    expires_at: float | None
    summary: str
    live: bool = True


class Checkouts(OverGrants):
    """The checkouts of every license (see ``OverGrants`` for the arguments): the licenses
    part tells when a license renews or becomes unusable, the grants part who may consume."""

    def __init__(self, state: EntitlementState, licenses: Licenses, grants: Grants) -> None:
        super().__init__(state, licenses, grants)
        self._lapses = LapseQueues(state.clock, state.checkouts, lambda c: self._end(c, "lapse"))
        licenses.on_unusable = self._revoke_all
        licenses.on_renewed = self._settle_usage

    # -- checking out ---------------------------------------------------------------------

    def checkout(
        self, account_id: str, principal: str, *, product_sku: str, key_fingerprint: str, checkout_type: str,
        entitlements: Iterable[Request], beneficiary: str | None = None, node_id: str | None = None,
        client_token: str | None = None, scope: str | None = None,
    ) -> Checkout:
        """CheckoutLicense: the first license of the product from the trusted issuer
        (``key_fingerprint``) that the caller may consume and that has room for the request.

        The caller consumes through an ACTIVE grant allowing CheckoutLicense; an issuer
        consumes its own licenses on behalf of a ``beneficiary`` (SaaS), among the licenses
        it issued to that beneficiary only (never one granted to it); ``scope`` (a license
        ARN) limits a session made from a License Manager token to its license. A PROVISIONAL checkout lapses after the
        license's MaxTimeToLiveInMinutes unless extended; a PERPETUAL one holds until checked
        in. Beyond MaxCount the request fails unless the entitlement allows overage.

        Raises:
            ServiceError: ValidationException (bad type, entitlements or quantities, a
                ClientToken reused with other parameters), NoEntitlementsAllowedException (no
                usable license of the product for the caller, an entitlement it lacks, or no
                room without overage), InvalidParameterValueException (no provisional
                configuration).
        """
        requested = tuple(entitlements)
        request = (product_sku, key_fingerprint, checkout_type, requested, beneficiary, node_id, scope)
        if client_token:
            earlier = self.state.replay(account_id, "CheckoutLicense", client_token, request, "ValidationException")
            if earlier is not None:
                return earlier
        if checkout_type not in CHECKOUT_TYPES:
            raise validation_exception(f"CheckoutType {checkout_type!r} is invalid; allowed values: "
                                       f"{', '.join(CHECKOUT_TYPES)}")
        candidates = [lic for lic in self.state.by_product.get((product_sku, key_fingerprint), ())
                      if (scope is None or lic.arn == scope) and self._may_consume(account_id, lic, beneficiary, scope)]
        if not candidates:
            for_whom = f" for beneficiary {beneficiary}" if beneficiary else ""
            raise no_entitlements_allowed_exception(f"No license of product {product_sku} from issuer "
                                                    f"{key_fingerprint} is available to account {account_id}{for_whom}")
        failure: ServiceError | None = None
        for lic in candidates:
            minutes = lic.current.consumption.provisional_minutes
            try:
                items, summary = self._fit(lic, requested)
                if checkout_type == PROVISIONAL and minutes is None:
                    raise invalid(f"License {lic.arn} has no ProvisionalConfiguration; check it out PERPETUAL")
            except ServiceError as error:
                failure = failure or error
                continue
            ttl = None if checkout_type == PERPETUAL or minutes is None else minutes * 60.0
            result = self._open(lic, account_id, principal, checkout_type, items, summary, beneficiary or "",
                                node_id or "", (), ttl)
            self.state.remember(account_id, "CheckoutLicense", client_token, request, result)
            return result
        raise failure  # type: ignore[misc]

    def borrow(
        self, account_id: str, principal: str, *, license_arn: str, entitlements: Iterable[Request],
        signature_method: str, node_id: str | None = None, metadata: tuple[tuple[str, str], ...] = (),
        client_token: str | None = None, scope: str | None = None,
    ) -> Checkout:
        """CheckoutBorrowLicense: all the requested entitlements or none, for offline use
        until the license's borrow MaxTimeToLiveInMinutes; only where Borrow is configured.

        Raises:
            ServiceError: ResourceNotFoundException (no such license),
                UnsupportedDigitalSignatureMethodException (a method other than JWT_PS384, or
                a license without a signing key), AccessDeniedException (no ACTIVE grant
                allowing CheckoutBorrowLicense), InvalidParameterValueException (no borrow
                configuration), NoEntitlementsAllowedException and ValidationException as for
                ``checkout``.
        """
        requested = tuple(entitlements)
        request = (license_arn, requested, signature_method, node_id, metadata, scope)
        earlier = self.state.replay(account_id, "CheckoutBorrowLicense", client_token, request, "ValidationException")
        if earlier is not None:
            return earlier
        lic = self.licenses.find(license_arn, "ResourceNotFoundException")
        if signature_method not in SIGNATURE_METHODS:
            raise unsupported_digital_signature_method_exception(
                f"DigitalSignatureMethod {signature_method!r} is not supported; supported: JWT_PS384")
        if (scope is not None and scope != lic.arn) or (scope is None and account_id == lic.owner_id):
            raise access_denied_exception(f"Account {account_id} cannot borrow license {lic.arn}")
        if account_id != lic.owner_id:
            self.grants.consumer_grant(account_id, lic, "CheckoutBorrowLicense")
        minutes = lic.current.consumption.borrow_minutes
        if minutes is None:
            raise invalid(f"License {lic.arn} has no BorrowConfiguration; CheckoutBorrowLicense needs one")
        if lic.current.issuer.sign_key is None:
            raise unsupported_digital_signature_method_exception(
                f"License {lic.arn} has no Issuer.SignKey to sign borrowed licenses with")
        items, summary = self._fit(lic, requested)
        result = self._open(lic, account_id, principal, BORROW, items, summary, "", node_id or "", metadata,
                            minutes * 60.0)
        self.state.remember(account_id, "CheckoutBorrowLicense", client_token, request, result)
        return result

    def _may_consume(self, account_id: str, lic: License, beneficiary: str | None, scope: str | None) -> bool:
        if beneficiary is not None:
            # "Consuming licenses", Beneficiary: the call is limited to the repository of licenses
            # created in the caller's (the SaaS ISV's) account; a license granted to it is not used.
            return lic.owner_id == account_id and lic.current.beneficiary == beneficiary
        if lic.owner_id == account_id:
            return scope is not None or (beneficiary is not None and lic.current.beneficiary == beneficiary)
        grant = self.state.received.get(account_id, {}).get(lic.arn)
        if grant is None:
            return False
        current = grant.current
        return current.status is GrantStatus.ACTIVE and "CheckoutLicense" in current.operations

    def _fit(self, lic: License, requested: tuple[Request, ...]) -> tuple[tuple[tuple[str, str, int, str], ...], str]:
        """The checked-out entitlements if the whole request fits the license now, and their
        summary (``name=amount`` joined by ``;``)."""
        if not lic.usable:
            raise no_entitlements_allowed_exception(f"License {lic.arn} is {lic.status}")
        if not requested:
            raise validation_exception("Entitlements must name at least one entitlement")
        version = lic.current
        known = version.checkout_items.get(requested)
        if known is None:
            known = version.checkout_items[requested] = self._items(lic, requested)
        items, summary = known
        by_name = version.by_name
        consumed = lic.consumed
        for name, _, amount, _ in items:
            entitlement = by_name[name]
            cap = entitlement.max_count
            if cap is not None and not entitlement.overage and consumed.get(name, 0) + amount > cap:
                raise no_entitlements_allowed_exception(f"Entitlement {name!r} of {lic.arn} has "
                                                        f"{cap - consumed.get(name, 0)} of {cap} left; {amount} "
                                                        "requested and overage is not allowed")
        return items, summary

    @staticmethod
    def _items(lic: License, requested: tuple[Request, ...]) -> tuple[tuple[tuple[str, str, int, str], ...], str]:
        """What the current version checks out for ``requested``, whatever is consumed now.

        Raises:
            ServiceError: NoEntitlementsAllowedException or ValidationException for a request
                the version cannot take.
        """
        by_name = lic.current.by_name
        items = []
        for name, unit, value in requested:
            entitlement = by_name.get(name)
            if entitlement is None:
                raise no_entitlements_allowed_exception(f"License {lic.arn} has no entitlement {name!r}; its "
                                                        f"entitlements: {', '.join(by_name)}")
            if unit != entitlement.unit:
                raise validation_exception(f"Entitlement {name!r} is counted in {entitlement.unit}, not {unit}")
            items.append((name, unit, *_amount(entitlement, value)))
        if len(items) > 1 and len({item[0] for item in items}) != len(items):
            raise validation_exception("Entitlements must name each entitlement once")
        return tuple(items), ";".join(f"{name}={amount}" for name, _, amount, _ in items)

    def _open(self, lic: License, account_id: str, principal: str, checkout_type: str, items, summary: str,
              beneficiary: str, node_id: str, metadata: tuple[tuple[str, str], ...], ttl: float | None) -> Checkout:
        state = self.state
        now = state.clock.seconds
        if ttl is not None and ttl > state.clock.seconds_left():
            raise validation_exception(f"License {lic.arn}: a checkout living {ttl / 60:.0f} minutes would expire "
                                       "past the latest instant a timestamp holds")
        checkout = Checkout(token=state.ids.token("consumption", 32), license=lic, account_id=account_id,
                            principal=principal, checkout_type=checkout_type, entitlements=items,
                            beneficiary=beneficiary, node_id=node_id, metadata=metadata, issued_at=now,
                            expires_at=None if ttl is None else now + ttl, summary=summary)
        consumed = lic.consumed
        for name, _, amount, _ in items:
            consumed[name] = consumed.get(name, 0) + amount
        lic.live[checkout.token] = checkout
        state.checkouts[checkout.token] = checkout
        state.record_checkout("borrow" if checkout_type == BORROW else "checkout", checkout)
        state.record_levels(lic, [item[0] for item in items], account_id)
        if ttl is not None:
            self._lapses.add(checkout, ttl)
        return checkout

    # -- returning ------------------------------------------------------------------------

    def _own(self, account_id: str, token: str) -> Checkout:
        checkout = self.state.checkouts.get(token)
        if checkout is None or checkout.account_id != account_id:
            raise resource_not_found_exception(f"LicenseConsumptionToken {token!r} is not a live checkout of account "
                                               f"{account_id} (never made, checked in, or lapsed)")
        return checkout

    def check_in(self, account_id: str, token: str, beneficiary: str | None = None) -> Checkout:
        """CheckInLicense: the checkout's entitlements return to the license.

        Raises:
            ServiceError: ResourceNotFoundException (not a live checkout of the caller: never
                made, checked in or lapsed), InvalidParameterValueException (another
                beneficiary), ValidationException (an entitlement that does not allow
                check-in, or a borrowed license before its expiration without early
                check-in), AccessDeniedException (a grant without CheckInLicense).
        """
        checkout = self._own(account_id, token)
        if beneficiary is not None and beneficiary != checkout.beneficiary:
            raise invalid(f"Beneficiary {beneficiary!r} is not the beneficiary of checkout {token}")
        lic = checkout.license
        if account_id != lic.owner_id:
            self.grants.consumer_grant(account_id, lic, "CheckInLicense")
        version = lic.current
        for name, _, _, _ in checkout.entitlements:
            entitlement = version.by_name.get(name)
            if entitlement is not None and not entitlement.allow_check_in:
                raise validation_exception(f"Entitlement {name!r} of {lic.arn} does not allow check-in (AllowCheckIn "
                                           "is false)")
        if checkout.checkout_type == BORROW and not version.consumption.allow_early_check_in:
            raise validation_exception(f"Borrowed license {token} cannot be checked in before it expires: the "
                                       "license's BorrowConfiguration does not allow early check-in")
        self._end(checkout, "check_in")
        return checkout

    def extend(self, account_id: str, token: str, dry_run: bool = False) -> Checkout:
        """ExtendLicenseConsumption: a provisional checkout lives MaxTimeToLiveInMinutes from
        now (with ``dry_run``, only the checks).

        Raises:
            ServiceError: ResourceNotFoundException, ValidationException (not a live
                provisional checkout, or the license is no longer usable),
                AccessDeniedException (a grant without ExtendConsumptionLicense).
        """
        checkout = self._own(account_id, token)
        lic = checkout.license
        if checkout.checkout_type != PROVISIONAL:
            raise validation_exception(f"Checkout {token} is {checkout.checkout_type}; only PROVISIONAL checkouts can "
                                       "be extended")
        if account_id != lic.owner_id:
            self.grants.consumer_grant(account_id, lic, "ExtendConsumptionLicense")
        minutes = lic.current.consumption.provisional_minutes
        if not lic.usable or minutes is None:
            raise validation_exception(f"License {lic.arn} is {lic.status} and cannot be consumed longer")
        if minutes * 60.0 > self.state.clock.seconds_left():
            raise validation_exception(f"License {lic.arn}: extending by {minutes} minutes would pass the latest "
                                       "instant a timestamp holds")
        if not dry_run:
            checkout.expires_at = self.state.clock.seconds + minutes * 60.0
            self._lapses.add(checkout, minutes * 60.0)
            self.state.record_checkout("extension", checkout)
        return checkout

    def usage(self, account_id: str, arn: str) -> list[tuple[Entitlement, int]]:
        """GetLicenseUsage: each entitlement of the current version with what is consumed.

        Raises:
            ServiceError: InvalidParameterValueException, AccessDeniedException (neither
                the issuer nor a grantee).
        """
        lic = self.licenses.readable(account_id, arn)
        return [(e, lic.consumed.get(e.name, 0)) for e in lic.current.entitlements]

    # -- what ends checkouts on its own ---------------------------------------------------

    def _end(self, checkout: Checkout, event: str) -> None:
        lic = checkout.license
        checkout.live = False
        consumed = lic.consumed
        for name, _, amount, _ in checkout.entitlements:
            consumed[name] -= amount
        del lic.live[checkout.token]
        del self.state.checkouts[checkout.token]
        self.state.record_checkout(event, checkout)
        self.state.record_levels(lic, [item[0] for item in checkout.entitlements], checkout.account_id)

    def _revoke_all(self, lic: License) -> None:
        for checkout in list(lic.live.values()):
            self._end(checkout, "revoked")

    def _settle_usage(self, lic: License) -> None:
        """At a renewal, usage of entitlements that do not allow check-in starts again: the
        checkouts holding only such entitlements end."""
        version = lic.current
        for checkout in list(lic.live.values()):
            kept = [item for item in checkout.entitlements
                    if (e := version.entitlement(item[0])) is None or e.allow_check_in]
            if not kept:
                self._end(checkout, "renewal")


def _amount(entitlement: Entitlement, value: str | None) -> tuple[int, str]:
    """The amount a request counts against ``entitlement`` and the value reported back."""
    if entitlement.max_count is None:
        return 1, entitlement.value or value or ""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise validation_exception(f"Entitlement {entitlement.name!r} is limited: Value must be a whole number of "
                                   f"{entitlement.unit} of 1 or more, got {value!r}")
    return int(text), text
