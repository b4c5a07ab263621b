"""Linking AWS Organizations accounts ("Settings in License Manager"), the service-linked
roles it creates ("Using service-linked roles for AWS License Manager"), and the
troubleshooting entries "Linking AWS Organizations accounts fails" and "Master account
cannot disassociate resources from a license Configuration"."""

from __future__ import annotations

import json

import pytest

from tests.helpers import (
    assert_refused,
    configuration,
    consumed,
    create_configuration,
    create_license,
    grant,
    grant_status,
    instance_arn,
    launch,
    usage,
)

MGMT, A, B, NEWCOMER = "111111111111", "222222222222", "333333333333", "444444444444"
LICENSE_MANAGER = "license-manager.amazonaws.com"
CORE = "AWSServiceRoleForAWSLicenseManagerRole"
MASTER = "AWSServiceRoleForAWSLicenseManagerMasterAccountRole"
MEMBER = "AWSServiceRoleForAWSLicenseManagerMemberAccountRole"
LINK = {"OrganizationConfiguration": {"EnableIntegration": True}}


@pytest.fixture
def org():
    """MGMT manages A and B with trusted access for License Manager (not yet linked);
    NEWCOMER stands alone."""
    from simulator import Simulation

    sim = Simulation(seed=0)
    sim.add_account(NEWCOMER)
    sim.create_organization(MGMT, [A, B])
    sim.client("organizations", MGMT).enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    return sim


def roles(sim, account: str) -> list[str]:
    found = sim.client("iam", account).list_roles(PathPrefix="/aws-service-role/")["Roles"]
    return sorted(r["RoleName"] for r in found)


def link(sim) -> str:
    lm = sim.client("license-manager", MGMT)
    lm.update_service_settings(**LINK)
    return lm.get_service_settings()["LicenseManagerResourceShareArn"]


def test_linking_creates_the_roles_and_a_real_resource_share(org):
    """Linking creates the management account's core and management account roles, each
    member's core and member account roles, and a RAM resource share in the management
    account, shared with the organization, that RAM lists; each creation is a CloudTrail
    event of License Manager (AWSService)."""
    sim = org
    share = link(sim)
    assert roles(sim, MGMT) == sorted([CORE, MASTER])
    assert roles(sim, A) == roles(sim, B) == sorted([CORE, MEMBER])
    ram = sim.client("ram", MGMT)
    shares = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert [(s["resourceShareArn"], s["status"]) for s in shares] == [(share, "ACTIVE")]
    organization = sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]
    principals = ram.list_principals(resourceOwner="SELF")["principals"]
    assert [(p["id"], p["resourceShareArn"]) for p in principals] == [(organization, share)]
    events = sim.client("cloudtrail", A).lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "CreateServiceLinkedRole"}])["Events"]
    records = [json.loads(e["CloudTrailEvent"]) for e in events]
    assert {(r["userIdentity"]["type"], r["userIdentity"]["invokedBy"]) for r in records} == {
        ("AWSService", LICENSE_MANAGER)}
    assert sorted(r["requestParameters"]["aWSServiceName"] for r in records) == [
        LICENSE_MANAGER, "license-manager.member-account.amazonaws.com"]


def test_linking_needs_the_management_account_and_trusted_access(org):
    """Only the management account links; not without trusted access."""
    sim = org
    member = sim.client("license-manager", A)
    assert_refused(sim, "AccessDeniedException", lambda: member.update_service_settings(**LINK),
                   lambda: roles(sim, A))
    sim.client("organizations", MGMT).disable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    lm = sim.client("license-manager", MGMT)
    lm.list_license_configurations()  # the first use: the core role

    def settings():
        return {k: v for k, v in lm.get_service_settings().items() if k != "ResponseMetadata"}

    assert_refused(sim, "InvalidParameterValueException", lambda: lm.update_service_settings(**LINK),
                   lambda: roles(sim, MGMT), settings)


def test_cross_account_discovery_links_the_organization(org):
    """Turning on cross-account inventory search links the organization automatically."""
    sim = org
    lm = sim.client("license-manager", MGMT)
    lm.update_service_settings(EnableCrossAccountsDiscovery=True)
    settings = lm.get_service_settings()
    assert settings["OrganizationConfiguration"] == {"EnableIntegration": True}
    assert settings["LicenseManagerResourceShareArn"]
    assert MEMBER in roles(sim, A)


def test_the_first_use_of_license_manager_creates_the_core_role(org):
    """A standalone account's first License Manager call creates its core role."""
    sim = org
    assert roles(sim, NEWCOMER) == []
    sim.client("license-manager", NEWCOMER).list_license_configurations()
    assert roles(sim, NEWCOMER) == [CORE]


def test_grants_are_auto_accepted_only_while_linked(org):
    """Linked, the management account's grants to its members are auto-accepted (DISABLED)
    and it may grant to the organization; with the link turned off its grants wait for
    acceptance and grants to the organization are refused."""
    sim = org
    lm = sim.client("license-manager", MGMT)
    lic = create_license(lm)
    link(sim)
    assert grant_status(lm, grant(lm, lic, A)) == "DISABLED"
    lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": False})
    assert grant_status(lm, grant(lm, lic, B)) == "PENDING_ACCEPT"
    organization = sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]
    with pytest.raises(Exception) as excinfo:
        lm.create_grant(ClientToken="to-org", GrantName="all", LicenseArn=lic, Principals=[organization],
                        HomeRegion="us-east-1", AllowedOperations=["CheckoutLicense"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValueException"


def notices(sim) -> list[str]:
    frame = sim.timelines.notifications
    return list(frame[frame.subject.str.contains("Linking AWS Organizations accounts fails")].message)


def test_the_link_fails_when_trusted_access_is_turned_off_or_a_member_leaves(org):
    """Turning off License Manager's trusted access breaks the link (GetServiceSettings shows
    it off, a notification says so); a member leaving is a notification too; an account that
    joins a linked organization gets its roles."""
    sim = org
    link(sim)
    handshake = sim.client("organizations", MGMT).invite_account_to_organization(
        Target={"Id": NEWCOMER, "Type": "ACCOUNT"})["Handshake"]
    sim.client("organizations", NEWCOMER).accept_handshake(HandshakeId=handshake["Id"])
    assert roles(sim, NEWCOMER) == sorted([CORE, MEMBER])
    sim.client("organizations", B).leave_organization()
    assert len(notices(sim)) == 1 and B in notices(sim)[0]
    sim.client("organizations", MGMT).disable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    lm = sim.client("license-manager", MGMT)
    assert lm.get_service_settings()["OrganizationConfiguration"] == {"EnableIntegration": False}
    assert "trusted access" in notices(sim)[1]


def test_a_deleted_member_role_stops_the_management_account_disassociating(org):
    """With the member's member account role deleted, the management account cannot
    disassociate the member's instance, which keeps consuming its pool; once the member
    restores the role it can, and License Manager's act shows in the member's CloudTrail."""
    sim = org
    link(sim)
    lm = sim.client("license-manager", MGMT)
    arn = create_configuration(lm, count=5)
    ram = sim.client("ram", MGMT)
    ram.associate_resource_share(resourceShareArn=lm.get_service_settings()["LicenseManagerResourceShareArn"],
                                 resourceArns=[arn])
    [instance] = launch(sim.client("ec2", A), licenses=[arn])
    iam_a = sim.client("iam", A)
    iam_a.delete_service_linked_role(RoleName=MEMBER)
    sim.advance("2m")
    removal = {"ResourceArn": instance_arn(A, instance), "RemoveLicenseSpecifications": [
        {"LicenseConfigurationArn": arn}]}
    assert_refused(sim, "AccessDeniedException", lambda: lm.update_license_specifications_for_resource(**removal),
                   lambda: configuration(lm, arn), lambda: usage(lm, arn))
    assert consumed(lm, arn) == 1
    iam_a.create_service_linked_role(AWSServiceName="license-manager.member-account.amazonaws.com")
    lm.update_license_specifications_for_resource(**removal)
    assert consumed(lm, arn) == 0
    acted = sim.client("cloudtrail", A).lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "UpdateLicenseSpecificationsForResource"}])["Events"]
    assert [json.loads(e["CloudTrailEvent"])["userIdentity"]["type"] for e in acted] == ["AWSService"]


def test_the_management_role_cannot_be_deleted_while_linked(org):
    """The management account role's deletion task fails while the link is on."""
    sim = org
    link(sim)
    iam = sim.client("iam", MGMT)
    task = iam.delete_service_linked_role(RoleName=MASTER)["DeletionTaskId"]
    sim.advance("2m")
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert status["Status"] == "FAILED" and status["Reason"]["RoleUsageList"][0]["Region"] == "us-east-1"
    core = iam.delete_service_linked_role(RoleName=CORE)["DeletionTaskId"]
    sim.advance("2m")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=core)["Status"] == "FAILED"
