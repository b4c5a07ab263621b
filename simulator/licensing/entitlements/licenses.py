"""Seller-issued licenses: create, version, read, list, delete, and the changes the service
makes on its own (a license becoming available at the start of its validity, expiring or
renewing at its end, and a deleted license being purged after six months)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from simulator.core.arn import format_arn, parse_arn
from simulator.core.clock import parse_instant
from simulator.core.errors import ServiceError
from simulator.core.validation import check_tags, invalid
from simulator.licensing.entitlements.checks import (
    add_months,
    check_consumption,
    check_entitlements,
    check_home,
)
from simulator.licensing.entitlements.license import (
    MARKETPLACE_ISSUER,
    ConsumptionConfiguration,
    Entitlement,
    Issuer,
    License,
    LicenseStatus,
    LicenseVersion,
    RenewType,
)
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.errors import access_denied_exception, conflict_exception, validation_exception
from simulator.licensing.filters import filter_by

_LICENSE_ID = re.compile(r"l-[0-9a-f]{32}")
#: How long a deleted license stays PENDING_DELETE while its grants are recalled.
DELETE_WORKFLOW = 60.0
#: A deleted license stays readable for six months ("Deleting seller issued licenses").
RETENTION_MONTHS = 6
#: The statuses an issuer may give a new version.
VERSION_STATUSES = (LicenseStatus.AVAILABLE, LicenseStatus.DEACTIVATED)


class Licenses:
    """The seller-issued licenses of every account. Licenses are global (replicated to every
    region); they change only in their home region.

    Args:
        state: The managed-entitlement state.

    Attributes:
        on_unusable: Called with a license that stopped being usable (deactivated, expired,
            deleted); the checkouts part ends its live checkouts.
        on_renewed: Called with a license that renewed; the checkouts part settles the usage
            of entitlements that do not allow check-in.
    """

    def __init__(self, state: EntitlementState) -> None:
        self.state = state
        self.on_unusable: Callable[[License], None] = lambda lic: None
        self.on_renewed: Callable[[License], None] = lambda lic: None

    # -- lookups --------------------------------------------------------------------------

    def find(self, arn: str, code: str = "InvalidParameterValueException") -> License:
        """The license ``arn`` names.

        Raises:
            ServiceError: ``code`` for a malformed ARN or a license that does not exist (or
                was purged).
        """
        parts = parse_arn(arn)
        if (parts is None or parts.service != "license-manager" or parts.resource_type != "license"
                or _LICENSE_ID.fullmatch(parts.resource_id) is None):
            raise ServiceError(code, f"LicenseArn {arn!r} is malformed; expected "
                                     "arn:aws:license-manager::<account>:license:l-<32 hex digits>")
        lic = self.state.licenses.get(arn)
        if lic is None:
            raise ServiceError(code, f"License {arn} does not exist")
        return lic

    def owned(self, account_id: str, arn: str, code: str = "InvalidParameterValueException") -> License:
        """A license the caller issued.

        Raises:
            ServiceError: ``code`` if it does not exist, AccessDeniedException if another
                account issued it.
        """
        lic = self.find(arn, code)
        if lic.owner_id != account_id:
            raise access_denied_exception(f"License {arn} was issued by account {lic.owner_id}, not by {account_id}")
        return lic

    def readable(self, account_id: str, arn: str) -> License:
        """A license the caller issued or holds a grant of.

        Raises:
            ServiceError: InvalidParameterValueException if it does not exist,
                AccessDeniedException for anyone else.
        """
        lic = self.find(arn)
        if lic.owner_id != account_id and arn not in self.state.received.get(account_id, {}):
            raise access_denied_exception(f"Account {account_id} neither issued license {arn} nor holds a grant of it")
        return lic

    def version(self, lic: License, version: str | None) -> LicenseVersion:
        """Version ``version`` of the license (default: the current one).

        Raises:
            ServiceError: InvalidParameterValueException for a version it does not have.
        """
        if version is None:
            return lic.current
        for candidate in lic.versions:
            if candidate.version == version:
                return candidate
        raise invalid(f"License {lic.arn} has no version {version!r}; versions: 1 to {lic.current.version}")

    # -- the operations -------------------------------------------------------------------

    def create(
        self, account_id: str, region: str, *, name: str, product_name: str, product_sku: str, issuer_name: str,
        sign_key: str | None, home_region: str, begin: str, end: str | None, beneficiary: str,
        entitlements: tuple[Entitlement, ...], consumption: ConsumptionConfiguration,
        metadata: tuple[tuple[str, str], ...] = (), tags: dict[str, str] | None = None,
        client_token: str | None = None, marketplace: bool = False,
    ) -> License:
        """CreateLicense: version 1 of a new license issued by ``account_id``.

        Raises:
            ServiceError: RedirectException outside the home region; ValidationException for
                bad names, validity, entitlements, consumption configuration, signing key or
                tags; InvalidParameterValueException for a ClientToken reused with other
                parameters.
        """
        request = (name, product_name, product_sku, issuer_name, sign_key, home_region, begin, end, beneficiary,
                   entitlements, consumption, metadata)
        earlier = self.state.replay(account_id, "CreateLicense", client_token, request,
                                    "InvalidParameterValueException")
        if earlier is not None:
            return earlier
        check_home(home_region, region)
        for field_name, value in (("LicenseName", name), ("ProductName", product_name), ("ProductSKU", product_sku),
                                  ("Beneficiary", beneficiary), ("Issuer.Name", issuer_name)):
            if not value or not value.strip():
                raise validation_exception(f"{field_name} must not be empty")
        if issuer_name == MARKETPLACE_ISSUER and not marketplace:
            raise validation_exception(f"Issuer.Name {MARKETPLACE_ISSUER!r} is reserved for licenses AWS Marketplace "
                                       "creates")
        issuer = Issuer(name=issuer_name, sign_key=self._sign_key(account_id, home_region, sign_key),
                        key_fingerprint=f"aws:{account_id}:{issuer_name}:issuer-fingerprint")
        starts, ends = self._validity(begin, end)
        check_entitlements(entitlements)
        consumption = check_consumption(consumption)
        check_tags(tags or {}, "Tags", code="ValidationException")
        state = self.state
        license_id = "l-" + state.ids.token("license", 32)
        version = LicenseVersion(
            version="1", name=name, product_name=product_name, product_sku=product_sku, issuer=issuer,
            home_region=home_region, status=LicenseStatus.AVAILABLE, begin=starts, end=ends, beneficiary=beneficiary,
            entitlements=entitlements, consumption=consumption, metadata=metadata, created_at=state.clock.now(),
        )
        lic = License(arn=format_arn("license-manager", "", account_id, "license", license_id, ":"),
                      license_id=license_id, owner_id=account_id, versions=[version],
                      status=self._status_of(version), tags=dict(tags or {}))
        state.licenses[lic.arn] = lic
        state.issued.setdefault(account_id, {})[lic.arn] = lic
        state.by_product.setdefault((product_sku, issuer.key_fingerprint), []).append(lic)
        state.record_levels(lic, [e.name for e in entitlements], account_id)
        self._schedule(lic)
        state.remember(account_id, "CreateLicense", client_token, request, lic)
        return lic

    def create_version(
        self, account_id: str, region: str, arn: str, *, name: str, product_name: str, issuer_name: str,
        sign_key: str | None, home_region: str, begin: str, end: str | None,
        entitlements: tuple[Entitlement, ...], consumption: ConsumptionConfiguration, status: str,
        metadata: tuple[tuple[str, str], ...] = (), source_version: str | None = None,
        client_token: str | None = None,
    ) -> License:
        """CreateLicenseVersion: the next version of a license its issuer changes (the older
        versions stay readable). Status AVAILABLE or DEACTIVATED; a deactivated license does
        not renew and cannot be checked out.

        Raises:
            ServiceError: ResourceNotFoundException, AccessDeniedException (not the issuer),
                RedirectException outside the home region, ConflictException for a
                SourceVersion that is not the current one or a ClientToken reused with other
                parameters, ValidationException as for CreateLicense and for a status other
                than AVAILABLE or DEACTIVATED or a license already expired or deleted.
        """
        request = (arn, name, product_name, issuer_name, sign_key, home_region, begin, end, entitlements,
                   consumption, status, metadata, source_version)
        earlier = self.state.replay(account_id, "CreateLicenseVersion", client_token, request, "ConflictException")
        if earlier is not None:
            return earlier
        lic = self.owned(account_id, arn, "ResourceNotFoundException")
        current = lic.current
        check_home(current.home_region, region)
        if home_region != current.home_region:
            raise validation_exception(f"HomeRegion cannot change: license {arn} lives in {current.home_region}")
        if source_version is not None and source_version != current.version:
            raise conflict_exception(f"SourceVersion {source_version} is not the current version {current.version} of "
                                     f"{arn}")
        if status not in VERSION_STATUSES:
            raise validation_exception(f"Status {status!r} is invalid for a new version; allowed values: "
                                       f"{', '.join(VERSION_STATUSES)}")
        if lic.status in (LicenseStatus.EXPIRED, LicenseStatus.PENDING_DELETE, LicenseStatus.DELETED):
            raise validation_exception(f"License {arn} is {lic.status}; it can no longer change")
        if issuer_name != current.issuer.name:
            raise validation_exception(f"Issuer.Name cannot change: license {arn} was issued by "
                                       f"{current.issuer.name!r}")
        sign = current.issuer.sign_key if sign_key is None else self._sign_key(account_id, home_region, sign_key)
        starts, ends = self._validity(begin, end)
        check_entitlements(entitlements)
        consumption = check_consumption(consumption)
        version = replace(current, version=str(len(lic.versions) + 1), name=name, product_name=product_name,
                          issuer=replace(current.issuer, sign_key=sign), status=LicenseStatus(status), begin=starts,
                          end=ends, entitlements=entitlements, consumption=consumption, metadata=metadata,
                          created_at=self.state.clock.now())
        self._add_version(lic, version, account_id)
        self.state.remember(account_id, "CreateLicenseVersion", client_token, request, lic)
        return lic

    def list(
        self, account_id: str, arns: Iterable[str] = (), filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[License]:
        """ListLicenses: the licenses the caller issued, by ARN and by the filters
        Beneficiary, ProductSKU, Fingerprint and Status.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter or an ARN of a
                license the caller did not issue.
        """
        arns = list(dict.fromkeys(arns))
        licenses = ([self.owned(account_id, arn) for arn in arns] if arns
                    else list(self.state.issued.get(account_id, {}).values()))
        return filter_by(licenses, filters, {
            "Beneficiary": lambda lic: lic.current.beneficiary, "ProductSKU": lambda lic: lic.current.product_sku,
            "Fingerprint": lambda lic: lic.current.issuer.key_fingerprint, "Status": lambda lic: lic.status,
        })

    def delete(self, account_id: str, region: str, arn: str, source_version: str) -> License:
        """DeleteLicense: PENDING_DELETE while its grants are recalled, then DELETED; live
        checkouts end; the license stays readable, unusable, for six months, then is purged.

        Raises:
            ServiceError: InvalidParameterValueException, AccessDeniedException,
                RedirectException outside the home region, ConflictException for a
                SourceVersion that is not current or a license already deleted.
        """
        lic = self.owned(account_id, arn)
        check_home(lic.current.home_region, region)
        if source_version != lic.current.version:
            raise conflict_exception(f"SourceVersion {source_version} is not the current version "
                                     f"{lic.current.version} of {arn}")
        if lic.status in (LicenseStatus.PENDING_DELETE, LicenseStatus.DELETED):
            raise conflict_exception(f"License {arn} is already {lic.status}")
        clock = self.state.clock
        lic.status = LicenseStatus.PENDING_DELETE
        lic.timer += 1
        lic.purge_at = clock.to_seconds(add_months(clock.now(), RETENTION_MONTHS))
        self.on_unusable(lic)
        clock.call_later(DELETE_WORKFLOW, self._deleted, lic)
        clock.call_at(lic.purge_at, self._purge, lic)
        return lic

    # -- what the service does on its own ------------------------------------------------

    def _add_version(self, lic: License, version: LicenseVersion, account_id: str) -> None:
        was_usable = lic.usable
        lic.versions.append(version)
        lic.status = self._status_of(version)
        self.state.record_levels(lic, dict.fromkeys([*lic.consumed, *(e.name for e in version.entitlements)]),
                                 account_id)
        if was_usable and not lic.usable:
            self.on_unusable(lic)
        self._schedule(lic)

    def _status_of(self, version: LicenseVersion) -> LicenseStatus:
        if version.status is LicenseStatus.DEACTIVATED:
            return LicenseStatus.DEACTIVATED
        return LicenseStatus.PENDING_AVAILABLE if version.begin > self.state.clock.now() else LicenseStatus.AVAILABLE

    def _schedule(self, lic: License) -> None:
        """Schedule the license's next change of its own: available at the start of its
        validity, expiry or renewal at its end."""
        lic.timer += 1
        version, clock = lic.current, self.state.clock
        if lic.status is LicenseStatus.PENDING_AVAILABLE:
            clock.call_at(clock.to_seconds(version.begin), self._tick, lic, lic.timer)
        elif version.end is not None and lic.status in (LicenseStatus.AVAILABLE, LicenseStatus.DEACTIVATED):
            clock.call_at(clock.to_seconds(version.end), self._tick, lic, lic.timer)

    def _tick(self, lic: License, timer: int) -> None:
        if timer != lic.timer:
            return  # replaced by a newer version's schedule
        version = lic.current
        if lic.status is LicenseStatus.PENDING_AVAILABLE:
            lic.status = LicenseStatus.AVAILABLE
        elif lic.status is LicenseStatus.AVAILABLE and version.consumption.renew_type is not RenewType.NONE:
            starts = version.end
            if starts is None:  # a license without an end has nothing to renew
                return
            ends = starts + timedelta(days=7) if version.consumption.renew_type is RenewType.WEEKLY \
                else add_months(starts, 1)
            renewed = replace(version, version=str(len(lic.versions) + 1), begin=starts, end=ends,
                              created_at=self.state.clock.now())
            lic.versions.append(renewed)
            self.on_renewed(lic)
            self.state.record_levels(lic, [e.name for e in renewed.entitlements], lic.owner_id)
        else:
            lic.status = LicenseStatus.EXPIRED
            self.on_unusable(lic)
            return
        self._schedule(lic)

    def _deleted(self, lic: License) -> None:
        lic.status = LicenseStatus.DELETED

    def _purge(self, lic: License) -> None:
        state = self.state
        state.licenses.pop(lic.arn, None)
        state.issued.get(lic.owner_id, {}).pop(lic.arn, None)
        products = state.by_product.get((lic.current.product_sku, lic.current.issuer.key_fingerprint), [])
        if lic in products:
            products.remove(lic)
        for grant in lic.grants:
            state.grants.pop(grant.arn, None)
            if grant.grantee_account:
                state.received.get(grant.grantee_account, {}).pop(lic.arn, None)

    # -- checks ---------------------------------------------------------------------------

    def _validity(self, begin: str, end: str | None) -> tuple[datetime, datetime | None]:
        try:
            starts = parse_instant(begin)
            ends = None if end is None else parse_instant(end)
        except (ValueError, TypeError):
            raise validation_exception(
                f"Validity must be ISO 8601 instants, got Begin {begin!r}, End {end!r}") from None
        if ends is not None and ends <= starts:
            raise validation_exception(f"Validity.End {end} must be later than Validity.Begin {begin}")
        if ends is not None and ends <= self.state.clock.now():
            raise validation_exception(f"Validity.End {end} has already passed (now "
                                       f"{self.state.clock.now().isoformat()})")
        return starts, ends

    def _sign_key(self, account_id: str, region: str, sign_key: str | None) -> str | None:
        """The ARN of the issuer's signing key: a SIGN_VERIFY RSA key (License Manager signs
        tokens with RSASSA-PSS) of the issuer in the home region."""
        if sign_key is None:
            return None
        try:
            key = self.state.world.region(region).kms.key(account_id, sign_key)
        except ServiceError as error:
            raise validation_exception(f"Issuer.SignKey: {error.message}") from None
        if "RSASSA_PSS_SHA_384" not in key.signing_algorithms:
            raise validation_exception(f"Issuer.SignKey {key.arn} must be an RSA key with KeyUsage SIGN_VERIFY (it is "
                                       f"{key.key_spec} for {key.key_usage})")
        return key.arn
