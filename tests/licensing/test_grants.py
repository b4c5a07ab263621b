"""Grants ("Granted licenses in License Manager": Manage your granted licenses, Distribute an
entitlement, Grant acceptance and activation, Distribution to AWS Organizations, License
status; "Granting licenses to customers") through CreateGrant, AcceptGrant, RejectGrant,
CreateGrantVersion, DeleteGrant, GetGrant and the List*Grants and List*Licenses operations."""

from __future__ import annotations

import pytest

from simulator.core.errors import ServiceError
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    activate,
    active_grant,
    assert_refused,
    checkout,
    client_token,
    create_license,
    error_code,
    fingerprint,
    grant,
    grant_status,
)

ISV, MGMT, M1, M2 = "111111111111", "300000000000", "300000000001", "300000000002"


@pytest.fixture
def org(sim):
    """An all-features organization (MGMT, M1, M2) linked to License Manager, with
    subscription sharing; clients by account."""
    sim.create_organization(MGMT, [M1, M2])
    orgs = sim.client("organizations", MGMT)
    for principal in ("license-manager.amazonaws.com", "license-management.marketplace.amazonaws.com"):
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    sim.client("license-manager", MGMT).update_service_settings(OrganizationConfiguration={"EnableIntegration": True})
    return {account: sim.client("license-manager", account) for account in (ISV, MGMT, M1, M2)}


def test_acceptance_and_activation_statuses(lm, lm_b):
    """"Manage your granted licenses": a seller's grant is Pending acceptance; Accept gives
    Disabled, Activate gives Active; Deactivate and Activate again; every change is a new
    version of the grant."""
    arn = create_license(lm)
    grant_arn = grant(lm, arn, ACCOUNT_B)
    assert grant_status(lm_b, grant_arn) == "PENDING_ACCEPT"
    assert lm_b.accept_grant(GrantArn=grant_arn)["Status"] == "DISABLED"
    assert activate(lm_b, grant_arn)["Status"] == "ACTIVE"
    off = lm_b.create_grant_version(ClientToken=client_token(), GrantArn=grant_arn, Status="DISABLED")
    assert (off["Status"], off["Version"]) == ("DISABLED", "4")
    assert activate(lm_b, grant_arn)["Status"] == "ACTIVE"
    assert lm.get_grant(GrantArn=grant_arn, Version="1")["Grant"]["GrantStatus"] == "PENDING_ACCEPT"
    assert lm.get_grant(GrantArn=grant_arn)["Grant"]["Version"] == "5"


def test_rejected_grants_can_never_be_activated(sim, lm, lm_b):
    """"Manage your granted licenses": Reject gives Rejected; after rejecting a license you
    cannot activate it."""
    arn = create_license(lm)
    grant_arn = grant(lm, arn, ACCOUNT_B)
    assert lm_b.reject_grant(GrantArn=grant_arn)["Status"] == "REJECTED"
    for call in (lambda: activate(lm_b, grant_arn), lambda: lm_b.accept_grant(GrantArn=grant_arn)):
        with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
            call()
        assert error_code(excinfo) in ("InvalidParameterValueException",)
    assert grant_status(lm, grant_arn) == "REJECTED"


def test_only_the_grantee_accepts_and_only_the_grantor_deletes(lm, lm_b):
    """"License status", Grant statuses: the recipient accepts or rejects; Deleted, the
    grantor deleted the grant, and the grantee can no longer use the license."""
    arn = create_license(lm)
    grant_arn = grant(lm, arn, ACCOUNT_B)
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.accept_grant(GrantArn=grant_arn)
    assert error_code(excinfo) == "AccessDeniedException"
    lm_b.accept_grant(GrantArn=grant_arn)
    activate(lm_b, grant_arn)
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.delete_grant(GrantArn=grant_arn, Version="3")
    assert error_code(excinfo) == "AccessDeniedException"
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.delete_grant(GrantArn=grant_arn, Version="1")
    assert error_code(excinfo) == "InvalidParameterValueException"
    assert lm.delete_grant(GrantArn=grant_arn, Version="3")["Status"] == "DELETED"
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        checkout(lm_b, "sku-app", fingerprint(lm, arn))
    assert error_code(excinfo) == "NoEntitlementsAllowedException"


def test_distribution_rights_let_a_grantee_grant_onward(org):
    """"Granting licenses to customers", License rights: Consumption lets the recipient
    consume only, Distribution lets it distribute to other accounts (never more operations
    than its own grant allows)."""
    lm, mgmt, m1 = org[ISV], org[MGMT], org[M1]
    arn = create_license(lm)
    consume_only = active_grant(lm, mgmt, arn, MGMT, operations=["CheckoutLicense", "CheckInLicense"])
    with pytest.raises(mgmt.exceptions.ClientError) as excinfo:
        grant(mgmt, arn, M1, ["CheckoutLicense"])
    assert error_code(excinfo) == "InvalidParameterValueException"
    lm.create_grant_version(ClientToken=client_token(), GrantArn=consume_only,
                            AllowedOperations=["CheckoutLicense", "CheckInLicense", "CreateGrant"])
    with pytest.raises(mgmt.exceptions.ClientError) as excinfo:
        grant(mgmt, arn, M1, ["CheckoutLicense", "CheckoutBorrowLicense"])
    assert error_code(excinfo) == "InvalidParameterValueException"
    onward = grant(mgmt, arn, M1, ["CheckoutLicense"])
    assert m1.get_grant(GrantArn=onward)["Grant"]["ParentArn"] == consume_only
    activate(m1, onward)
    assert checkout(m1, "sku-app", fingerprint(lm, arn))["LicenseArn"] == arn


def test_grants_per_license_quota(sim, lm):
    """"Distribute an entitlement": up to 2,000 grants per license; the next is refused."""
    arn = create_license(lm)
    for n in range(2000):
        grant(lm, arn, f"{500000000000 + n:012d}", ["CheckoutLicense"])
    assert_refused(sim, "ResourceLimitExceededException", lambda: grant(lm, arn, "599999999999", ["CheckoutLicense"]),
                   lambda: len(lm.list_distributed_grants(MaxResults=100)["Grants"]))


def test_marketplace_subscriptions_are_accepted_and_activated(sim):
    """"Licenses from AWS Marketplace": licenses for subscriptions purchased from AWS
    Marketplace are automatically accepted and activated; their issuer is AWS/Marketplace."""
    sim.add_account("400000000000")
    buyer = sim.client("license-manager", "400000000000")
    arn = sim.marketplace.subscribe("400000000000", "prod-analytics", entitlements={"Users": 25})
    received = buyer.list_received_licenses()["Licenses"]
    assert [lic["LicenseArn"] for lic in received] == [arn]
    assert received[0]["Issuer"]["Name"] == "AWS/Marketplace"
    assert received[0]["ReceivedMetadata"]["ReceivedStatus"] == "ACTIVE"
    assert checkout(buyer, "prod-analytics", received[0]["Issuer"]["KeyFingerprint"], name="Users")["LicenseArn"] == arn


def test_management_grants_to_members_are_auto_accepted_either_side_activates(org):
    """"Manage your granted licenses": from the management account of an all-features
    organization (linked in the settings) grants to members are accepted automatically;
    either the management account or the member activates them."""
    lm, mgmt = org[ISV], org[MGMT]
    arn = create_license(lm)
    active_grant(lm, mgmt, arn, MGMT, operations=["CreateGrant", "CheckoutLicense"])
    to_m1, to_m2 = grant(mgmt, arn, M1, ["CheckoutLicense"]), grant(mgmt, arn, M2, ["CheckoutLicense"])
    assert grant_status(mgmt, to_m1) == grant_status(mgmt, to_m2) == "DISABLED"
    assert activate(mgmt, to_m1)["Status"] == "ACTIVE"
    assert activate(org[M2], to_m2)["Status"] == "ACTIVE"


def test_consolidated_billing_members_accept_and_activate_themselves(sim, lm):
    """"Manage your granted licenses": in an organization with only consolidated billing each
    member must accept and activate; distribution to the organization at once needs all
    features."""
    sim.create_organization(MGMT, [M1], feature_set="CONSOLIDATED_BILLING")
    mgmt, m1 = sim.client("license-manager", MGMT), sim.client("license-manager", M1)
    arn = create_license(lm)
    active_grant(lm, mgmt, arn, MGMT, operations=["CreateGrant", "CheckoutLicense"])
    to_m1 = grant(mgmt, arn, M1, ["CheckoutLicense"])
    assert grant_status(mgmt, to_m1) == "PENDING_ACCEPT"
    with pytest.raises(mgmt.exceptions.ClientError) as excinfo:
        activate(mgmt, to_m1)
    assert error_code(excinfo) == "AccessDeniedException"
    m1.accept_grant(GrantArn=to_m1)
    assert activate(m1, to_m1)["Status"] == "ACTIVE"
    org_arn = sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]
    with pytest.raises(mgmt.exceptions.ClientError) as excinfo:
        mgmt.create_grant(ClientToken=client_token(), GrantName="all", LicenseArn=arn, Principals=[org_arn],
                          HomeRegion="us-east-1", AllowedOperations=["CheckoutLicense"])
    assert error_code(excinfo) == "InvalidParameterValueException"


def test_grant_to_the_organization_completes_with_a_grant_per_member(sim, org):
    """"Distribution to AWS Organizations": one grant to the organization ARN distributes to
    every account (Workflow complete), and each account's license is activated on its own."""
    lm, mgmt = org[ISV], org[MGMT]
    arn = create_license(lm)
    active_grant(lm, mgmt, arn, MGMT, operations=["CreateGrant", "CheckoutLicense", "CheckInLicense"])
    org_arn = sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]
    out = mgmt.create_grant(ClientToken=client_token(), GrantName="everyone", LicenseArn=arn, Principals=[org_arn],
                            HomeRegion="us-east-1", AllowedOperations=["CheckoutLicense", "CheckInLicense"])
    assert out["Status"] == "WORKFLOW_COMPLETED"
    members = mgmt.list_received_grants_for_organization(LicenseArn=arn, Filters=[
        {"Name": "ParentArn", "Values": [out["GrantArn"]]}])["Grants"]
    assert sorted(g["GranteePrincipalArn"] for g in members) == [f"arn:aws:iam::{M1}:root", f"arn:aws:iam::{M2}:root"]
    assert {g["GrantStatus"] for g in members} == {"DISABLED"}
    m1_grant = next(g["GrantArn"] for g in members if M1 in g["GranteePrincipalArn"])
    activate(org[M1], m1_grant)
    fp = fingerprint(lm, arn)
    assert checkout(org[M1], "sku-app", fp)["LicenseArn"] == arn
    with pytest.raises(org[M2].exceptions.ClientError):
        checkout(org[M2], "sku-app", fp)
    with pytest.raises(org[M1].exceptions.ClientError) as excinfo:
        org[M1].list_received_grants_for_organization(LicenseArn=arn)
    assert error_code(excinfo) == "AccessDeniedException"
    assert [lic["LicenseArn"] for lic in mgmt.list_received_licenses_for_organization()["Licenses"]] == [arn]


def test_organization_grants_need_linked_accounts(sim, lm):
    """"Distribution to AWS Organizations": granting to the organization needs its accounts
    linked to License Manager (trusted access) first."""
    sim.create_organization(MGMT, [M1])
    mgmt = sim.client("license-manager", MGMT)
    arn = create_license(lm)
    active_grant(lm, mgmt, arn, MGMT, operations=["CreateGrant", "CheckoutLicense"])
    org_arn = sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]
    assert_refused(sim, "InvalidParameterValueException", lambda: mgmt.create_grant(
        ClientToken=client_token(), GrantName="all", LicenseArn=arn, Principals=[org_arn], HomeRegion="us-east-1",
        AllowedOperations=["CheckoutLicense"]), lambda: mgmt.list_distributed_grants()["Grants"])


def test_two_marketplace_licenses_of_a_product_cannot_be_active_at_once(sim, org):
    """"Grant acceptance and activation": two licenses for the same AWS Marketplace product
    cannot be active at once; deactivate one first, or activate with
    ALL_GRANTS_PERMITTED_BY_ISSUER, which replaces the other."""
    mgmt, m1 = org[MGMT], org[M1]
    team = sim.marketplace.subscribe(M1, "prod-db")
    company = sim.marketplace.subscribe(MGMT, "prod-db")
    to_m1 = grant(mgmt, company, M1, ["CheckoutLicense"])
    assert_refused(sim, "ValidationException", lambda: activate(m1, to_m1), lambda: grant_status(m1, to_m1))
    with pytest.raises(ServiceError) as refused:
        sim.marketplace.subscribe(M1, "prod-db")
    assert refused.value.code == "ValidationException"
    out = m1.create_grant_version(ClientToken=client_token(), GrantArn=to_m1, Status="ACTIVE",
                                  Options={"ActivationOverrideBehavior": "ALL_GRANTS_PERMITTED_BY_ISSUER"})
    assert out["Status"] == "ACTIVE"
    statuses = {g["LicenseArn"]: g["GrantStatus"] for g in m1.list_received_grants()["Grants"]}
    assert statuses == {team: "DISABLED", company: "ACTIVE"}


def test_marketplace_licenses_need_subscription_sharing(sim):
    """"Granted licenses": before you can distribute licenses from AWS Marketplace, you must
    enable subscription sharing."""
    sim.create_organization(MGMT, [M1])
    sim.client("organizations", MGMT).enable_aws_service_access(ServicePrincipal="license-manager.amazonaws.com")
    mgmt = sim.client("license-manager", MGMT)
    arn = sim.marketplace.subscribe(MGMT, "prod-db")
    assert_refused(sim, "InvalidParameterValueException", lambda: grant(mgmt, arn, M1, ["CheckoutLicense"]),
                   lambda: mgmt.list_distributed_grants()["Grants"])


def test_consolidated_billing_organizations_share_subscriptions(sim):
    """"Licenses from AWS Marketplace and AWS Data Exchange": the management account of an
    organization with only consolidated billing features distributes a Marketplace subscription
    to its members, and each member must accept and activate it. Subscription sharing ("Before you
    can distribute licenses from AWS Marketplace, you must enable subscription sharing") needs no
    trusted access there, which such an organization cannot give."""
    sim.create_organization(MGMT, [M1], feature_set="CONSOLIDATED_BILLING")
    orgs = sim.client("organizations", MGMT)
    with pytest.raises(orgs.exceptions.ConstraintViolationException):
        orgs.enable_aws_service_access(ServicePrincipal="license-management.marketplace.amazonaws.com")
    mgmt, m1 = sim.client("license-manager", MGMT), sim.client("license-manager", M1)
    arn = sim.marketplace.subscribe(MGMT, "prod-db", entitlements={"Seats": 5})
    assert_refused(sim, "InvalidParameterValueException", lambda: grant(mgmt, arn, M1, ["CheckoutLicense"]),
                   lambda: mgmt.list_distributed_grants()["Grants"])
    sim.marketplace.enable_subscription_sharing(MGMT)
    to_m1 = grant(mgmt, arn, M1, ["CheckoutLicense"])
    assert grant_status(m1, to_m1) == "PENDING_ACCEPT"
    assert m1.accept_grant(GrantArn=to_m1)["Status"] == "DISABLED"
    assert activate(m1, to_m1)["Status"] == "ACTIVE"
    assert checkout(m1, "prod-db", fingerprint(mgmt, arn))["LicenseArn"] == arn
    with pytest.raises(ValueError):
        sim.marketplace.enable_subscription_sharing(M1)


def test_grant_listings_filter_and_page(lm, lm_b):
    """ListDistributedGrants and ListReceivedGrants with their filters, and
    ListReceivedLicenses with each license's received status and operations."""
    first, second = create_license(lm, sku="one"), create_license(lm, sku="two")
    g1 = grant(lm, first, ACCOUNT_B, ["CheckoutLicense"])
    g2 = active_grant(lm, lm_b, second, ACCOUNT_B, operations=["CheckoutLicense", "CheckInLicense"])
    active = lm.list_distributed_grants(Filters=[{"Name": "GrantStatus", "Values": ["ACTIVE"]}])["Grants"]
    assert [g["GrantArn"] for g in active] == [g2]
    by_sku = lm_b.list_received_grants(Filters=[{"Name": "ProductSKU", "Values": ["one"]}])["Grants"]
    assert [g["GrantArn"] for g in by_sku] == [g1]
    page = lm_b.list_received_grants(MaxResults=1)
    assert len(page["Grants"]) == 1 and "NextToken" in page
    received = {lic["ProductSKU"]: lic["ReceivedMetadata"] for lic in lm_b.list_received_licenses()["Licenses"]}
    assert received["one"] == {"ReceivedStatus": "PENDING_ACCEPT", "AllowedOperations": ["CheckoutLicense"]}
    assert received["two"]["ReceivedStatus"] == "ACTIVE"
    assert ACCOUNT_A in lm.list_distributed_grants()["Grants"][0]["GrantArn"]
