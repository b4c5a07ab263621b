"""Consuming seller-issued licenses ("Seller issued licenses": Consuming licenses,
Entitlements, License usage; "Cryptographic Signing of Licenses": provisional and borrow
configurations) through CheckoutLicense, CheckoutBorrowLicense, CheckInLicense,
ExtendLicenseConsumption and GetLicenseUsage."""

from __future__ import annotations

import pytest

from tests.helpers import (
    ACCOUNT_B,
    active_grant,
    assert_refused,
    checkout,
    client_token,
    create_license,
    entitlement_consumed,
    error_code,
    fingerprint,
    grant,
    seats,
    signing_key,
)


@pytest.fixture
def floating(lm, lm_b):
    """Ten floating seats (and an unlimited Platinum tier) issued by A, actively granted to B."""
    arn = create_license(lm, entitlements=[seats(10), {"Name": "Tier", "Unit": "None", "Value": "Platinum Tier"}])
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    return arn, fingerprint(lm, arn)


def test_checkout_by_sku_and_fingerprint_for_limited_and_unlimited_entitlements(lm, lm_b, floating):
    """"Consuming licenses": a checkout names the product SKU, the trusted issuer's key
    fingerprint and the entitlements: an amount of each limited one, none of an unlimited one."""
    arn, fp = floating
    out = lm_b.checkout_license(ProductSKU="sku-app", CheckoutType="PROVISIONAL", KeyFingerprint=fp,
                                Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": "3"},
                                              {"Name": "Tier", "Unit": "None"}], ClientToken=client_token())
    assert out["LicenseArn"] == arn and out["CheckoutType"] == "PROVISIONAL"
    assert out["EntitlementsAllowed"] == [{"Name": "Seats", "Unit": "Count", "Value": "3"},
                                          {"Name": "Tier", "Unit": "None", "Value": "Platinum Tier"}]
    assert entitlement_consumed(lm, arn) == 3 and entitlement_consumed(lm, arn, "Tier") == 1
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        checkout(lm_b, "sku-app", "aws:999999999999:Other:issuer-fingerprint")
    assert error_code(excinfo) == "NoEntitlementsAllowedException"


def test_client_token_makes_a_checkout_idempotent(lm, lm_b, floating):
    """CheckoutLicense's ClientToken: a retried request returns the same checkout and consumes
    once; the token reused with other parameters is refused."""
    arn, fp = floating
    first = checkout(lm_b, "sku-app", fp, "2", ClientToken="retry-me")
    again = checkout(lm_b, "sku-app", fp, "2", ClientToken="retry-me")
    assert again["LicenseConsumptionToken"] == first["LicenseConsumptionToken"]
    assert entitlement_consumed(lm, arn) == 2
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        checkout(lm_b, "sku-app", fp, "5", ClientToken="retry-me")
    assert error_code(excinfo) == "ValidationException"


def test_issuer_checks_out_for_a_beneficiary_of_its_own_licenses_only(sim, lm, lm_b):
    """"Consuming licenses", Beneficiary: a SaaS ISV checks out on behalf of a customer, among
    the licenses it issued (to that beneficiary); without one, or for another ISV's license, it
    finds nothing."""
    arn = create_license(lm, beneficiary="user@example.com")
    fp = fingerprint(lm, arn)
    out = checkout(lm, "sku-app", fp, Beneficiary="user@example.com")
    assert out["LicenseArn"] == arn and entitlement_consumed(lm, arn) == 1
    for caller, params in ((lm, {}), (lm, {"Beneficiary": "other@example.com"}),
                           (lm_b, {"Beneficiary": "user@example.com"})):
        with pytest.raises(lm.exceptions.ClientError) as excinfo:
            checkout(caller, "sku-app", fp, **params)
        assert error_code(excinfo) == "NoEntitlementsAllowedException"


def test_a_beneficiary_checkout_never_uses_a_granted_license(sim, lm, lm_b):
    """"Consuming licenses", Beneficiary: License Manager limits the call to the repository of
    licenses created in the SaaS ISV's account, so a license granted to the caller is not used
    for it (without a Beneficiary the grant consumes as usual)."""
    arn = create_license(lm, beneficiary="user@example.com")
    fp = fingerprint(lm, arn)
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    with pytest.raises(lm_b.exceptions.NoEntitlementsAllowedException):
        checkout(lm_b, "sku-app", fp, Beneficiary="user@example.com")
    assert entitlement_consumed(lm, arn) == 0
    assert checkout(lm_b, "sku-app", fp)["LicenseArn"] == arn


def test_node_locked_checkout_carries_its_node(lm, lm_b, floating):
    """"Consuming licenses", Node ID: the checkout is locked to the node that asked."""
    _, fp = floating
    assert checkout(lm_b, "sku-app", fp, NodeId="10.0.21.57")["NodeId"] == "10.0.21.57"


def test_provisional_checkouts_lapse_unless_extended(sim, lm, lm_b, floating):
    """"Cryptographic Signing of Licenses": a provisional checkout lives MaxTimeToLiveInMinutes
    (60 here); ExtendLicenseConsumption restarts that hour; the checkout lapses after it."""
    arn, fp = floating
    kept = checkout(lm_b, "sku-app", fp)["LicenseConsumptionToken"]
    checkout(lm_b, "sku-app", fp)
    sim.advance("45m")
    dry = lm_b.extend_license_consumption(LicenseConsumptionToken=kept, DryRun=True)
    assert dry["Expiration"] == "2026-01-01T01:00:00Z"
    extended = lm_b.extend_license_consumption(LicenseConsumptionToken=kept)
    assert extended["Expiration"] == "2026-01-01T01:45:00Z"
    sim.advance("20m")
    assert entitlement_consumed(lm, arn) == 1
    sim.advance("41m")
    assert entitlement_consumed(lm, arn) == 0
    events = sim.timelines.checkouts
    assert list(events.event) == ["checkout", "checkout", "extension", "lapse", "lapse"]
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.check_in_license(LicenseConsumptionToken=kept)
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_perpetual_checkouts_hold_until_checked_in(sim, lm, lm_b, floating):
    """CheckoutType PERPETUAL: no expiration; the entitlement returns at check-in only, and
    cannot be extended."""
    arn, fp = floating
    token = checkout(lm_b, "sku-app", fp, "4", kind="PERPETUAL")["LicenseConsumptionToken"]
    sim.advance("90d")
    assert entitlement_consumed(lm, arn) == 4
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.extend_license_consumption(LicenseConsumptionToken=token)
    assert error_code(excinfo) == "ValidationException"
    lm_b.check_in_license(LicenseConsumptionToken=token)
    assert entitlement_consumed(lm, arn) == 0


def test_beyond_max_count_without_overage_is_refused_and_changes_nothing(sim, lm, lm_b, floating):
    """"Entitlements": a limited entitlement without overage cannot be exceeded:
    NoEntitlementsAllowedException, and the consumption stays as it was."""
    arn, fp = floating
    checkout(lm_b, "sku-app", fp, "8")
    assert_refused(sim, "NoEntitlementsAllowedException", lambda: checkout(lm_b, "sku-app", fp, "3"),
                   lambda: entitlement_consumed(lm, arn), lambda: len(sim.timelines.checkouts))
    checkout(lm_b, "sku-app", fp, "2")
    assert entitlement_consumed(lm, arn) == 10


def test_overage_is_allowed_tracked_and_reported_to_the_issuer(sim, lm, lm_b):
    """"Entitlements": with the overage flag, end users exceed the entitlement; License
    Manager tracks and reports the usage with the overage to the ISV."""
    arn = create_license(lm, entitlements=[seats(5, overage=True)])
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    fp = fingerprint(lm, arn)
    checkout(lm_b, "sku-app", fp, "4")
    checkout(lm_b, "sku-app", fp, "3")
    usage = lm.get_license_usage(LicenseArn=arn)["LicenseUsage"]["EntitlementUsages"][0]
    assert (usage["ConsumedValue"], usage["MaxCount"]) == ("7", "5")
    levels = sim.timelines.entitlements
    assert list(levels.overage) == [0, 0, 2] and list(levels.account_id[1:]) == [ACCOUNT_B, ACCOUNT_B]


def test_only_active_grants_or_the_issuer_can_check_out(sim, lm, lm_b):
    """"Grant acceptance and activation": a granted license must be accepted and activated
    before it can be used: pending and accepted-but-disabled grants cannot check out."""
    arn = create_license(lm)
    fp = fingerprint(lm, arn)
    grant_arn = grant(lm, arn, ACCOUNT_B)
    for step in (lambda: None, lambda: lm_b.accept_grant(GrantArn=grant_arn)):
        step()
        with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
            checkout(lm_b, "sku-app", fp)
        assert error_code(excinfo) == "NoEntitlementsAllowedException"
    lm_b.create_grant_version(ClientToken=client_token(), GrantArn=grant_arn, Status="ACTIVE")
    assert checkout(lm_b, "sku-app", fp)["LicenseArn"] == arn


def test_grants_limit_the_operations(lm, lm_b):
    """CreateGrant's AllowedOperations: a grant that allows checkout but not check-in lets the
    grantee consume but not return."""
    arn = create_license(lm)
    active_grant(lm, lm_b, arn, ACCOUNT_B, operations=["CheckoutLicense"])
    token = checkout(lm_b, "sku-app", fingerprint(lm, arn))["LicenseConsumptionToken"]
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.check_in_license(LicenseConsumptionToken=token)
    assert error_code(excinfo) == "AccessDeniedException"


def test_check_in_needs_allow_check_in(lm, lm_b):
    """"Creating seller issued licenses": Allow check in; an entitlement without it cannot be
    checked back in."""
    arn = create_license(lm, entitlements=[seats(100, check_in=False)])
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    token = checkout(lm_b, "sku-app", fingerprint(lm, arn), kind="PERPETUAL")["LicenseConsumptionToken"]
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.check_in_license(LicenseConsumptionToken=token)
    assert error_code(excinfo) == "ValidationException"
    assert entitlement_consumed(lm, arn) == 1


def test_borrow_is_all_or_nothing_and_early_check_in_only_when_allowed(sim, lm, lm_b):
    """CheckoutBorrowLicense: only on licenses with Borrow configured; partial checkouts are
    not supported; AllowEarlyCheckIn decides whether a borrowed license returns before it
    expires."""
    entitlements, key = [seats(5), seats(1, name="Admin")], signing_key(sim)
    provisional_only = create_license(lm, sku="online", entitlements=entitlements, sign_key=key)
    strict = create_license(lm, sku="strict", entitlements=entitlements, borrow=120, sign_key=key)
    lenient = create_license(lm, sku="lenient", entitlements=entitlements, borrow=120, early_check_in=True,
                             sign_key=key)
    for arn in (provisional_only, strict, lenient):
        active_grant(lm, lm_b, arn, ACCOUNT_B)

    def borrow(arn, admins="1"):
        return lm_b.checkout_borrow_license(
            LicenseArn=arn, DigitalSignatureMethod="JWT_PS384", ClientToken=client_token(),
            Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": "2"}, {"Name": "Admin", "Unit": "Count",
                                                                              "Value": admins}])

    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        borrow(provisional_only)
    assert error_code(excinfo) == "InvalidParameterValueException"
    assert_refused(sim, "NoEntitlementsAllowedException", lambda: borrow(strict, admins="2"),
                   lambda: (entitlement_consumed(lm, strict), entitlement_consumed(lm, strict, "Admin")))
    strict_token = borrow(strict)["LicenseConsumptionToken"]
    lenient_token = borrow(lenient)["LicenseConsumptionToken"]
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.check_in_license(LicenseConsumptionToken=strict_token)
    assert error_code(excinfo) == "ValidationException"
    lm_b.check_in_license(LicenseConsumptionToken=lenient_token)
    assert entitlement_consumed(lm, lenient) == 0 and entitlement_consumed(lm, strict) == 2
    sim.advance("2h1s")
    assert entitlement_consumed(lm, strict) == 0


def test_consumption_from_any_region(sim, lm, lm_b, floating):
    """"Creating seller issued licenses", Home Region: licenses can be consumed globally."""
    arn, fp = floating
    abroad = sim.client("license-manager", ACCOUNT_B, region="eu-west-1")
    checkout(abroad, "sku-app", fp, "2")
    assert entitlement_consumed(lm, arn) == 2


def test_usage_is_visible_to_issuer_and_grantees_only(sim, lm, lm_b, floating):
    """"License usage": the issuer tracks the usage of its licenses centrally; an account with
    neither the license nor a grant of it cannot read it."""
    arn, fp = floating
    checkout(lm_b, "sku-app", fp, "2")
    assert entitlement_consumed(lm_b, arn) == 2
    sim.add_account("333333333333")
    stranger = sim.client("license-manager", "333333333333")
    with pytest.raises(stranger.exceptions.ClientError) as excinfo:
        stranger.get_license_usage(LicenseArn=arn)
    assert error_code(excinfo) == "AccessDeniedException"
