"""AWS License Manager operations on seller-issued licenses, their checkouts and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in, tags_in
from simulator.licensing.entitlements import (
    PROVIDER,
    Checkout,
    ConsumptionConfiguration,
    Entitlement,
    License,
    LicenseVersion,
    ManagedEntitlements,
)


def iso_z(moment: datetime) -> str:
    """License Manager's ISO8601DateTime strings (UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def entitlements_in(items: list[dict[str, Any]]) -> tuple[Entitlement, ...]:
    """EntitlementList -> domain values (checked by the engine)."""
    return tuple(Entitlement(name=e["Name"], unit=e["Unit"], max_count=e.get("MaxCount"), value=e.get("Value"),
                             overage=bool(e.get("Overage", False)), allow_check_in=bool(e.get("AllowCheckIn", False)))
                 for e in items)


def consumption_in(config: dict[str, Any]) -> ConsumptionConfiguration:
    """ConsumptionConfiguration -> the domain value (checked by the engine)."""
    provisional, borrow = config.get("ProvisionalConfiguration"), config.get("BorrowConfiguration")
    return ConsumptionConfiguration(
        renew_type=config.get("RenewType", "None"),
        provisional_minutes=None if provisional is None else provisional["MaxTimeToLiveInMinutes"],
        borrow_minutes=None if borrow is None else borrow["MaxTimeToLiveInMinutes"],
        allow_early_check_in=bool(borrow and borrow["AllowEarlyCheckIn"]),
    )


def metadata_in(items: list[dict[str, str]] | None) -> tuple[tuple[str, str], ...]:
    """MetadataList -> ``(name, value)`` pairs."""
    return tuple((m.get("Name", ""), m.get("Value", "")) for m in items or ())


def requests_in(items: list[dict[str, str]]) -> tuple[tuple[str, str, str | None], ...]:
    """EntitlementDataList -> ``(name, unit, value)``."""
    return tuple((e["Name"], e["Unit"], e.get("Value")) for e in items)


def license_out(lic: License, version: LicenseVersion | None = None) -> dict[str, Any]:
    """The License shape of ``version`` (default: the current one, with the live status)."""
    v = version or lic.current
    consumption = v.consumption
    config: dict[str, Any] = {"RenewType": str(consumption.renew_type)}
    if consumption.provisional_minutes is not None:
        config["ProvisionalConfiguration"] = {"MaxTimeToLiveInMinutes": consumption.provisional_minutes}
    if consumption.borrow_minutes is not None:
        config["BorrowConfiguration"] = {"AllowEarlyCheckIn": consumption.allow_early_check_in,
                                         "MaxTimeToLiveInMinutes": consumption.borrow_minutes}
    return {
        "LicenseArn": lic.arn, "LicenseName": v.name, "ProductName": v.product_name, "ProductSKU": v.product_sku,
        "Issuer": {"Name": v.issuer.name, "SignKey": v.issuer.sign_key, "KeyFingerprint": v.issuer.key_fingerprint},
        "HomeRegion": v.home_region, "Status": str(lic.status if v is lic.current else v.status),
        "Validity": {"Begin": iso_z(v.begin), "End": None if v.end is None else iso_z(v.end)},
        "Beneficiary": v.beneficiary,
        "Entitlements": [{"Name": e.name, "Value": e.value, "MaxCount": e.max_count, "Overage": e.overage,
                          "Unit": e.unit, "AllowCheckIn": e.allow_check_in} for e in v.entitlements],
        "ConsumptionConfiguration": config,
        "LicenseMetadata": [{"Name": n, "Value": value} for n, value in v.metadata],
        "CreateTime": iso_z(v.created_at), "Version": v.version,
    }


def checkout_out(call: Call, checkout: Checkout) -> dict[str, Any]:
    """What CheckoutLicense and CheckoutBorrowLicense share in their responses."""
    clock = call.clock
    return {
        "LicenseArn": checkout.license.arn, "LicenseConsumptionToken": checkout.token,
        "EntitlementsAllowed": [{"Name": n, "Unit": u, "Value": v} for n, u, _, v in checkout.entitlements],
        "NodeId": checkout.node_id or None, "SignedToken": engine(call).tokens.sign_checkout(checkout),
        "IssuedAt": iso_z(clock.to_datetime(checkout.issued_at)),
        "Expiration": None if checkout.expires_at is None else iso_z(clock.to_datetime(checkout.expires_at)),
    }


def engine(call: Call) -> ManagedEntitlements:
    """The managed-entitlement part of the engine."""
    return call.license_manager.entitlements


def _scope(call: Call) -> str | None:
    """The license a session made from a License Manager token is limited to."""
    session = call.session
    return session.audience if session is not None and session.provider == PROVIDER else None


def paged(call: Call, params: Params, items: list, key: str) -> Response:
    """One page of ``items`` as the response member ``key``, with the next-page token."""
    page, token = call.page(params, items)
    return {key: page, **token}


# -- licenses -----------------------------------------------------------------------------

def _version_params(params: Params) -> dict[str, Any]:
    return {
        "name": params["LicenseName"], "product_name": params["ProductName"], "issuer_name": params["Issuer"]["Name"],
        "sign_key": params["Issuer"].get("SignKey"), "home_region": params["HomeRegion"],
        "begin": params["Validity"]["Begin"], "end": params["Validity"].get("End"),
        "entitlements": entitlements_in(params["Entitlements"]),
        "consumption": consumption_in(params["ConsumptionConfiguration"]),
        "metadata": metadata_in(params.get("LicenseMetadata")), "client_token": params.get("ClientToken"),
    }


@operation("license-manager", "CreateLicense")
def create_license(call: Call, params: Params) -> Response:
    lic = engine(call).licenses.create(
        call.account_id, call.region, product_sku=params["ProductSKU"], beneficiary=params["Beneficiary"],
        tags=tags_in(params.get("Tags"), "ValidationException"), **_version_params(params),
    )
    call.resource_id = lic.arn
    return {"LicenseArn": lic.arn, "Status": str(lic.status), "Version": lic.current.version}


@operation("license-manager", "CreateLicenseVersion")
def create_license_version(call: Call, params: Params) -> Response:
    lic = engine(call).licenses.create_version(
        call.account_id, call.region, params["LicenseArn"], status=params["Status"],
        source_version=params.get("SourceVersion"), **_version_params(params),
    )
    return {"LicenseArn": lic.arn, "Version": lic.current.version, "Status": str(lic.status)}


@operation("license-manager", "GetLicense")
def get_license(call: Call, params: Params) -> Response:
    licenses = engine(call).licenses
    lic = licenses.readable(call.account_id, params["LicenseArn"])
    return {"License": license_out(lic, licenses.version(lic, params.get("Version")))}


@operation("license-manager", "ListLicenses")
def list_licenses(call: Call, params: Params) -> Response:
    found = engine(call).licenses.list(call.account_id, params.get("LicenseArns", ()),
                                              filters_in(params.get("Filters")))
    return paged(call, params, [license_out(lic) for lic in found], "Licenses")


@operation("license-manager", "ListLicenseVersions")
def list_license_versions(call: Call, params: Params) -> Response:
    lic = engine(call).licenses.readable(call.account_id, params["LicenseArn"])
    return paged(call, params, [license_out(lic, v) for v in lic.versions], "Licenses")


@operation("license-manager", "DeleteLicense")
def delete_license(call: Call, params: Params) -> Response:
    lic = engine(call).licenses.delete(call.account_id, call.region, params["LicenseArn"],
                                              params["SourceVersion"])
    deletion = "" if lic.purge_at is None else iso_z(call.clock.to_datetime(lic.purge_at))
    return {"Status": str(lic.status), "DeletionDate": deletion}


# -- checkouts ----------------------------------------------------------------------------

@operation("license-manager", "CheckoutLicense")
def checkout_license(call: Call, params: Params) -> Response:
    checkout = engine(call).checkouts.checkout(
        call.account_id, call.principal, product_sku=params["ProductSKU"], key_fingerprint=params["KeyFingerprint"],
        checkout_type=params["CheckoutType"], entitlements=requests_in(params["Entitlements"]),
        beneficiary=params.get("Beneficiary"), node_id=params.get("NodeId"), client_token=params.get("ClientToken"),
        scope=_scope(call),
    )
    call.resource_id = checkout.token
    return {"CheckoutType": params["CheckoutType"], **checkout_out(call, checkout)}


@operation("license-manager", "CheckoutBorrowLicense")
def checkout_borrow_license(call: Call, params: Params) -> Response:
    checkout = engine(call).checkouts.borrow(
        call.account_id, call.principal, license_arn=params["LicenseArn"],
        entitlements=requests_in(params["Entitlements"]), signature_method=params["DigitalSignatureMethod"],
        node_id=params.get("NodeId"), metadata=metadata_in(params.get("CheckoutMetadata")),
        client_token=params.get("ClientToken"), scope=_scope(call),
    )
    call.resource_id = checkout.token
    return {**checkout_out(call, checkout),
            "CheckoutMetadata": [{"Name": n, "Value": v} for n, v in checkout.metadata]}


@operation("license-manager", "CheckInLicense")
def check_in_license(call: Call, params: Params) -> Response:
    engine(call).checkouts.check_in(call.account_id, params["LicenseConsumptionToken"],
                                           params.get("Beneficiary"))
    return {}


@operation("license-manager", "ExtendLicenseConsumption")
def extend_license_consumption(call: Call, params: Params) -> Response:
    checkout = engine(call).checkouts.extend(call.account_id, params["LicenseConsumptionToken"],
                                                    bool(params.get("DryRun")))
    expires = checkout.expires_at
    return {"LicenseConsumptionToken": checkout.token,
            **({"Expiration": iso_z(call.clock.to_datetime(expires))} if expires is not None else {})}


@operation("license-manager", "GetLicenseUsage")
def get_license_usage(call: Call, params: Params) -> Response:
    usage = engine(call).checkouts.usage(call.account_id, params["LicenseArn"])
    return {"LicenseUsage": {"EntitlementUsages": [
        {"Name": e.name, "ConsumedValue": str(consumed),
         "MaxCount": None if e.max_count is None else str(e.max_count), "Unit": e.unit}
        for e, consumed in usage
    ]}}


# -- tokens -------------------------------------------------------------------------------

@operation("license-manager", "CreateToken")
def create_token(call: Call, params: Params) -> Response:
    token = engine(call).tokens.create(
        call.account_id, call.region, params["LicenseArn"], role_arns=params.get("RoleArns", ()),
        expiration_days=params.get("ExpirationInDays"), properties=params.get("TokenProperties", ()),
        client_token=params.get("ClientToken"),
    )
    call.resource_id = token.token_id
    return {"TokenId": token.token_id, "TokenType": "REFRESH_TOKEN", "Token": token.token}


@operation("license-manager", "GetAccessToken")
def get_access_token(call: Call, params: Params) -> Response:
    return {"AccessToken": engine(call).tokens.access_token(params["Token"], params.get("TokenProperties", ()))}


@operation("license-manager", "ListTokens")
def list_tokens(call: Call, params: Params) -> Response:
    tokens = engine(call).tokens.list(call.account_id, params.get("TokenIds", ()),
                                             filters_in(params.get("Filters")))
    items = [{"TokenId": t.token_id, "TokenType": "REFRESH_TOKEN", "LicenseArn": t.license_arn,
              "ExpirationTime": iso_z(call.clock.to_datetime(t.expires_at)), "TokenProperties": list(t.properties),
              "RoleArns": list(t.role_arns), "Status": t.status} for t in tokens]
    return paged(call, params, items, "Tokens")


@operation("license-manager", "DeleteToken")
def delete_token(call: Call, params: Params) -> Response:
    engine(call).tokens.delete(call.account_id, call.region, params["TokenId"])
    return {}
