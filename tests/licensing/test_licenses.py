"""Seller-issued licenses ("Seller issued licenses": Entitlements, Creating seller issued
licenses, Deleting seller issued licenses, the licensing models of the introduction; "License
status") through CreateLicense, CreateLicenseVersion, GetLicense, ListLicenses,
ListLicenseVersions and DeleteLicense."""

from __future__ import annotations

import pytest

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    active_grant,
    assert_refused,
    checkout,
    client_token,
    entitlement_consumed,
    create_license,
    error_code,
    fingerprint,
    seats,
)


def _version(lm, arn: str, **changes) -> dict:
    """CreateLicenseVersion from the current version with ``changes``."""
    current = lm.get_license(LicenseArn=arn)["License"]
    params = {
        "LicenseArn": arn, "LicenseName": current["LicenseName"], "ProductName": current["ProductName"],
        "Issuer": {"Name": current["Issuer"]["Name"]}, "HomeRegion": current["HomeRegion"],
        "Validity": current["Validity"], "Entitlements": current["Entitlements"],
        "ConsumptionConfiguration": current["ConsumptionConfiguration"], "Status": "AVAILABLE",
        "ClientToken": client_token(),
    }
    params.update(changes)
    return lm.create_license_version(**params)


def test_versions_are_immutable_and_listable(lm):
    """"Entitlements": a license is versioned and each version immutable; a change makes the
    next version and the old ones stay readable."""
    arn = create_license(lm, entitlements=[seats(50)])
    out = _version(lm, arn, Entitlements=[seats(60)], LicenseName="more seats")
    assert (out["Version"], out["Status"]) == ("2", "AVAILABLE")
    versions = lm.list_license_versions(LicenseArn=arn)["Licenses"]
    assert [(v["Version"], v["Entitlements"][0]["MaxCount"]) for v in versions] == [("1", 50), ("2", 60)]
    assert lm.get_license(LicenseArn=arn, Version="1")["License"]["LicenseName"] == "sku-app license"
    assert lm.get_license(LicenseArn=arn)["License"]["LicenseName"] == "more seats"
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        _version(lm, arn, SourceVersion="1")
    assert error_code(excinfo) == "ConflictException"


def test_changes_only_in_the_home_region(sim, lm):
    """"Creating seller issued licenses", Home Region: licenses are consumed globally but change
    only in their home Region (the model's RedirectException elsewhere)."""
    arn = create_license(lm)
    abroad = sim.client("license-manager", ACCOUNT_A, region="eu-west-1")
    assert abroad.get_license(LicenseArn=arn)["License"]["HomeRegion"] == "us-east-1"
    for call in (lambda: _version(abroad, arn), lambda: abroad.delete_license(LicenseArn=arn, SourceVersion="1"),
                 lambda: create_license(abroad)):
        with pytest.raises(abroad.exceptions.ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "RedirectException"
        assert excinfo.value.response["Location"] == "us-east-1"


@pytest.mark.parametrize("entitlement, field", [
    ({"Name": "Seats", "Unit": "Count"}, "MaxCount"),
    ({"Name": "Tier", "Unit": "None", "MaxCount": 3}, "Unit None"),
    ({"Name": "Seats", "Unit": "Count", "MaxCount": 5, "Value": "x"}, "Value"),
    ({"Name": "Seats", "Unit": "Liters", "MaxCount": 5}, "Unit"),
    ({"Name": "Tier", "Unit": "None", "Value": "Gold", "Overage": True}, "Overage"),
])
def test_entitlements_are_limited_or_unlimited(sim, lm, entitlement, field):
    """"Entitlements": limited entitlements have a maximum count of a unit, unlimited ones
    (Unit None) a value such as 'Platinum Tier'; anything else is refused before a license
    exists."""
    assert_refused(sim, "ValidationException", lambda: create_license(lm, entitlements=[entitlement]),
                   lambda: lm.list_licenses()["Licenses"])


def test_validity_and_consumption_configuration_are_checked(sim, lm):
    """"Creating seller issued licenses": an end after the start, a renewal frequency of
    None, Weekly or Monthly, and a provisional or borrow configuration."""
    for kwargs in ({"end": "2025-06-01T00:00:00Z"}, {"renew": "Daily"}, {"provisional": None},
                   {"begin": "yesterday"}):
        assert_refused(sim, "ValidationException", lambda kwargs=kwargs: create_license(lm, **kwargs),
                       lambda: lm.list_licenses()["Licenses"])


def test_license_expires_at_the_end_of_its_validity(sim, lm, lm_b):
    """"License status": Expired, the license reached the end of its term; it cannot be used
    and its checkouts end."""
    arn = create_license(lm, end="2026-01-10T00:00:00Z")
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    checkout(lm_b, "sku-app", fingerprint(lm, arn), "3", kind="PERPETUAL")
    sim.advance("8d23h")
    assert lm.get_license(LicenseArn=arn)["License"]["Status"] == "AVAILABLE"
    sim.advance("2h")
    assert lm.get_license(LicenseArn=arn)["License"]["Status"] == "EXPIRED"
    assert entitlement_consumed(lm, arn) == 0
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        checkout(lm_b, "sku-app", fingerprint(lm, arn))
    assert error_code(excinfo) == "NoEntitlementsAllowedException"


def test_license_becomes_available_when_its_validity_begins(sim, lm):
    """DatetimeRange Begin: before it the license is PENDING_AVAILABLE and cannot be used."""
    arn = create_license(lm, begin="2026-01-05T00:00:00Z", beneficiary="me")
    fp = fingerprint(lm, arn)
    assert lm.get_license(LicenseArn=arn)["License"]["Status"] == "PENDING_AVAILABLE"
    with pytest.raises(lm.exceptions.ClientError):
        checkout(lm, "sku-app", fp, Beneficiary="me")
    sim.advance("4d1s")
    assert lm.get_license(LicenseArn=arn)["License"]["Status"] == "AVAILABLE"
    assert checkout(lm, "sku-app", fp, Beneficiary="me")["LicenseArn"] == arn


def test_subscription_renews_weekly_or_monthly_unless_deactivated(sim, lm):
    """Subscription model ("Seller issued licenses"): licenses with expiration dates renew
    automatically (RenewType Weekly or Monthly) unless specifically deactivated."""
    weekly = create_license(lm, sku="weekly", end="2026-01-08T00:00:00Z", renew="Weekly")
    monthly = create_license(lm, sku="monthly", end="2026-01-31T00:00:00Z", renew="Monthly")
    stopped = create_license(lm, sku="stopped", end="2026-01-31T00:00:00Z", renew="Monthly")
    _version(lm, stopped, Status="DEACTIVATED")
    sim.advance("31d1s")
    validity = {arn: lm.get_license(LicenseArn=arn)["License"] for arn in (weekly, monthly, stopped)}
    assert validity[weekly]["Validity"] == {"Begin": "2026-01-29T00:00:00Z", "End": "2026-02-05T00:00:00Z"}
    assert validity[monthly]["Validity"] == {"Begin": "2026-01-31T00:00:00Z", "End": "2026-02-28T00:00:00Z"}
    assert validity[weekly]["Status"] == validity[monthly]["Status"] == "AVAILABLE"
    assert validity[weekly]["Version"] == "5" and validity[monthly]["Version"] == "2"
    assert validity[stopped]["Status"] == "EXPIRED"


def test_perpetual_license_has_no_end(sim, lm, lm_b):
    """Perpetual model: a lifetime license with no expiration, used indefinitely."""
    arn = create_license(lm, end=None)
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    token = checkout(lm_b, "sku-app", fingerprint(lm, arn), kind="PERPETUAL")["LicenseConsumptionToken"]
    sim.advance("3650d")
    assert lm.get_license(LicenseArn=arn)["License"]["Status"] == "AVAILABLE" and entitlement_consumed(lm, arn) == 1
    lm_b.check_in_license(LicenseConsumptionToken=token)


def test_floating_license_is_shared_by_nodes(lm, lm_b):
    """Floating model: seats shared by several instances of the application; a seat returned by
    one node serves the next."""
    arn = create_license(lm, entitlements=[seats(2)])
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    fp = fingerprint(lm, arn)
    first = checkout(lm_b, "sku-app", fp, NodeId="node-1")["LicenseConsumptionToken"]
    checkout(lm_b, "sku-app", fp, NodeId="node-2")
    with pytest.raises(lm_b.exceptions.ClientError):
        checkout(lm_b, "sku-app", fp, NodeId="node-3")
    lm_b.check_in_license(LicenseConsumptionToken=first)
    assert checkout(lm_b, "sku-app", fp, NodeId="node-3")["NodeId"] == "node-3"


def test_usage_based_license_accumulates_and_resets_at_renewal(sim, lm, lm_b):
    """Usage-based model: terms based on usage such as API requests; consumption is not
    checked in, can run into overage, and starts again when the license renews."""
    requests = {"Name": "ApiRequests", "Unit": "Count", "MaxCount": 1000, "Overage": True, "AllowCheckIn": False}
    arn = create_license(lm, entitlements=[requests], end="2026-01-31T00:00:00Z", renew="Monthly")
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    fp = fingerprint(lm, arn)
    for amount in ("600", "500"):
        checkout(lm_b, "sku-app", fp, amount, name="ApiRequests", kind="PERPETUAL")
    assert entitlement_consumed(lm, arn, "ApiRequests") == 1100
    assert sim.timelines.entitlements.overage.iloc[-1] == 100
    sim.advance("30d1s")
    assert entitlement_consumed(lm, arn, "ApiRequests") == 0
    assert list(sim.timelines.checkouts.event[-2:]) == ["renewal", "renewal"]


def test_delete_keeps_the_license_readable_for_six_months(sim, lm, lm_b):
    """"Deleting seller issued licenses": after deletion the license and its data stay
    available to the issuer and grantees read-only for six months; the license can be
    created again."""
    arn = create_license(lm)
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    fp = fingerprint(lm, arn)
    checkout(lm_b, "sku-app", fp)
    out = lm.delete_license(LicenseArn=arn, SourceVersion="1")
    assert (out["Status"], out["DeletionDate"]) == ("PENDING_DELETE", "2026-07-01T00:00:00Z")
    assert entitlement_consumed(lm, arn) == 0
    sim.advance("1h")
    assert lm_b.get_license(LicenseArn=arn)["License"]["Status"] == "DELETED"
    with pytest.raises(lm_b.exceptions.ClientError):
        checkout(lm_b, "sku-app", fp)
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.delete_license(LicenseArn=arn, SourceVersion="1")
    assert error_code(excinfo) == "ConflictException"
    again = create_license(lm)
    assert again != arn and lm.get_license(LicenseArn=again)["License"]["Status"] == "AVAILABLE"
    sim.advance("182d")
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.get_license(LicenseArn=arn)
    assert error_code(excinfo) == "InvalidParameterValueException"
    assert [lic["LicenseArn"] for lic in lm.list_licenses()["Licenses"]] == [again]


def test_list_licenses_filters_and_pages(lm):
    """ListLicenses: the caller's licenses, with the filters Beneficiary, ProductSKU,
    Fingerprint and Status, page by page."""
    arns = [create_license(lm, sku=f"sku-{n % 2}", beneficiary=f"b{n}") for n in range(5)]
    assert [lic["LicenseArn"] for lic in lm.list_licenses(Filters=[{"Name": "ProductSKU", "Values": ["sku-1"]}])[
        "Licenses"]] == arns[1::2]
    assert len(lm.list_licenses(Filters=[{"Name": "Beneficiary", "Values": ["b3", "b4"]}])["Licenses"]) == 2
    first = lm.list_licenses(MaxResults=2)
    rest = lm.list_licenses(MaxResults=10, NextToken=first["NextToken"])
    assert [lic["LicenseArn"] for lic in first["Licenses"] + rest["Licenses"]] == arns
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.list_licenses(Filters=[{"Name": "Colour", "Values": ["x"]}])
    assert error_code(excinfo) == "InvalidParameterValueException"


def test_only_issuer_and_grantees_read_a_license(sim, lm, lm_b):
    """GetLicense: the issuer, or an account with a grant of the license."""
    arn = create_license(lm)
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.get_license(LicenseArn=arn)
    assert error_code(excinfo) == "AccessDeniedException"
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    assert lm_b.get_license(LicenseArn=arn)["License"]["LicenseArn"] == arn


def test_signing_key_must_be_an_rsa_signing_key_of_the_issuer(sim, lm):
    """"Cryptographic Signing of Licenses": the issuer's KMS key must have key usage
    SIGN_VERIFY and support RSASSA-PSS."""
    kms = sim.client("kms", ACCOUNT_A)
    encrypting = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    ecc = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    for key in (encrypting, ecc, "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000"):
        assert_refused(sim, "ValidationException", lambda key=key: create_license(lm, sign_key=key),
                       lambda: lm.list_licenses()["Licenses"])
