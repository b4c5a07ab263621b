"""AWS Organizations as License Manager's organization relies on it: accounts invited and
joining (InviteAccountToOrganization, AcceptHandshake, ListHandshakesForAccount), leaving
(LeaveOrganization), trusted access turned off (DisableAWSServiceAccess), and delegated
administrators ("Register a delegated administrator": one per organization for License
Manager, a member account only, trusted access first; deregistered and registered again at
any time)."""

from __future__ import annotations

import pytest

from tests.aws.test_organizations import org_client, refused
from tests.helpers import ACCOUNT_A, ACCOUNT_B

MGMT, M1, M2, OUTSIDER = "333333333333", "444444444444", "555555555555", "777777777777"
LICENSE_MANAGER = "license-manager.amazonaws.com"


@pytest.fixture
def org(sim):
    """MGMT manages M1 and M2; OUTSIDER (and A, B) stand alone; License Manager has trusted access."""
    sim.add_account(OUTSIDER)
    organization = sim.create_organization(MGMT, [M1, M2])
    org_client(sim, MGMT).enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    return organization


def members(sim) -> list[str]:
    return [a["Id"] for a in org_client(sim, MGMT).list_accounts()["Accounts"]]


def test_an_invited_account_joins_when_it_accepts(sim, org):
    """The invitation is OPEN for the invited account to list; accepting it makes the account
    a member (JoinedMethod INVITED) and the handshake ACCEPTED; it cannot be accepted twice."""
    handshake = org_client(sim, MGMT).invite_account_to_organization(
        Target={"Id": OUTSIDER, "Type": "ACCOUNT"}, Notes="join us")["Handshake"]
    assert handshake["State"] == "OPEN" and handshake["Action"] == "INVITE"
    assert handshake["Id"].startswith("h-") and org.organization_id in handshake["Arn"]
    outsider = org_client(sim, OUTSIDER)
    listed = outsider.list_handshakes_for_account()["Handshakes"]
    assert [h["Id"] for h in listed] == [handshake["Id"]]
    assert org_client(sim, M1).list_handshakes_for_account()["Handshakes"] == []
    refused(sim, org_client(sim, M1), "HandshakeNotFoundException",
            lambda: org_client(sim, M1).accept_handshake(HandshakeId=handshake["Id"]))
    accepted = outsider.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED"
    assert OUTSIDER in members(sim)
    joined = org_client(sim, MGMT).describe_account(AccountId=OUTSIDER)["Account"]
    assert joined["JoinedMethod"] == "INVITED"
    refused(sim, outsider, "HandshakeAlreadyInStateException",
            lambda: outsider.accept_handshake(HandshakeId=handshake["Id"]))


def test_invitations_are_refused_or_expire(sim, org):
    """Only the management account invites; a member is not invited again; an account has one
    open invitation; an invitation expires after 15 days."""
    mgmt = org_client(sim, MGMT)
    refused(sim, org_client(sim, M1), "AccessDeniedException",
            lambda: org_client(sim, M1).invite_account_to_organization(Target={"Id": OUTSIDER, "Type": "ACCOUNT"}))
    refused(sim, mgmt, "HandshakeConstraintViolationException",
            lambda: mgmt.invite_account_to_organization(Target={"Id": M1, "Type": "ACCOUNT"}),
            "ALREADY_IN_AN_ORGANIZATION")
    handshake = mgmt.invite_account_to_organization(Target={"Id": OUTSIDER, "Type": "ACCOUNT"})["Handshake"]
    refused(sim, mgmt, "DuplicateHandshakeException",
            lambda: mgmt.invite_account_to_organization(Target={"Id": OUTSIDER, "Type": "ACCOUNT"}))
    sim.advance("15d")
    outsider = org_client(sim, OUTSIDER)
    assert outsider.list_handshakes_for_account()["Handshakes"][0]["State"] == "EXPIRED"
    refused(sim, outsider, "InvalidHandshakeTransitionException",
            lambda: outsider.accept_handshake(HandshakeId=handshake["Id"]))


def test_a_member_leaves_but_not_the_management_account(sim, org):
    """LeaveOrganization makes a member standalone; the management account cannot leave."""
    org_client(sim, M2).leave_organization()
    assert M2 not in members(sim)
    refused(sim, org_client(sim, M2), "AWSOrganizationsNotInUseException",
            lambda: org_client(sim, M2).describe_organization())
    refused(sim, org_client(sim, MGMT), "MasterCannotLeaveOrganizationException",
            lambda: org_client(sim, MGMT).leave_organization())


def test_trusted_access_is_turned_off(sim, org):
    """DisableAWSServiceAccess removes the service from the organization's trusted services."""
    mgmt = org_client(sim, MGMT)
    mgmt.disable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    assert mgmt.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    refused(sim, org_client(sim, M1), "AccessDeniedException",
            lambda: org_client(sim, M1).disable_aws_service_access(ServicePrincipal=LICENSE_MANAGER))
    refused(sim, mgmt, "InvalidInputException",
            lambda: mgmt.disable_aws_service_access(ServicePrincipal="example.amazonaws.com"),
            "UNRECOGNIZED_SERVICE_PRINCIPAL")


def test_one_delegated_administrator_for_license_manager(sim, org):
    """The management account registers a member as License Manager's delegated
    administrator; the management account itself, a second account, an account twice, an
    account outside the organization, or a service without trusted access are refused."""
    mgmt = org_client(sim, MGMT)
    mgmt.register_delegated_administrator(AccountId=M1, ServicePrincipal=LICENSE_MANAGER)
    listed = mgmt.list_delegated_administrators(ServicePrincipal=LICENSE_MANAGER)["DelegatedAdministrators"]
    assert [(a["Id"], a["DelegationEnabledDate"] is not None) for a in listed] == [(M1, True)]
    for account, code, reason in ((MGMT, "ConstraintViolationException",
                                   "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"),
                                  (M2, "ConstraintViolationException",
                                   "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"),
                                  (M1, "AccountAlreadyRegisteredException", None),
                                  (OUTSIDER, "AccountNotFoundException", None)):
        refused(sim, mgmt, code, lambda a=account: mgmt.register_delegated_administrator(
            AccountId=a, ServicePrincipal=LICENSE_MANAGER), reason)
    refused(sim, mgmt, "ConstraintViolationException", lambda: mgmt.register_delegated_administrator(
        AccountId=M2, ServicePrincipal="ram.amazonaws.com"), "SERVICE_ACCESS_NOT_ENABLED")
    member = org_client(sim, M2)
    refused(sim, member, "AccessDeniedException", lambda: member.register_delegated_administrator(
        AccountId=M2, ServicePrincipal=LICENSE_MANAGER))


def test_the_delegated_administrator_is_deregistered_and_registered_again(sim, org):
    """The delegated administrator may list the administrators and its services; it cannot
    leave while registered; deregistered it can be registered again at any time."""
    mgmt = org_client(sim, MGMT)
    mgmt.register_delegated_administrator(AccountId=M1, ServicePrincipal=LICENSE_MANAGER)
    admin = org_client(sim, M1)
    assert [a["Id"] for a in admin.list_delegated_administrators()["DelegatedAdministrators"]] == [M1]
    services = admin.list_delegated_services_for_account(AccountId=M1)["DelegatedServices"]
    assert [s["ServicePrincipal"] for s in services] == [LICENSE_MANAGER]
    refused(sim, org_client(sim, M2), "AccessDeniedException",
            lambda: org_client(sim, M2).list_delegated_administrators())
    refused(sim, admin, "ConstraintViolationException", admin.leave_organization,
            "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG")
    mgmt.deregister_delegated_administrator(AccountId=M1, ServicePrincipal=LICENSE_MANAGER)
    assert mgmt.list_delegated_administrators()["DelegatedAdministrators"] == []
    refused(sim, mgmt, "AccountNotRegisteredException", lambda: mgmt.deregister_delegated_administrator(
        AccountId=M1, ServicePrincipal=LICENSE_MANAGER))
    refused(sim, mgmt, "AccountNotRegisteredException",
            lambda: mgmt.list_delegated_services_for_account(AccountId=M1))
    mgmt.register_delegated_administrator(AccountId=M2, ServicePrincipal=LICENSE_MANAGER)
    assert [a["Id"] for a in mgmt.list_delegated_administrators()["DelegatedAdministrators"]] == [M2]


def test_standalone_accounts_have_no_organization_operations(sim):
    """A standalone account can neither leave nor list delegated administrators."""
    for call in (lambda c: c.leave_organization(), lambda c: c.list_delegated_administrators()):
        client = org_client(sim, ACCOUNT_A)
        refused(sim, client, "AWSOrganizationsNotInUseException", lambda c=client, f=call: f(c))
    assert org_client(sim, ACCOUNT_B).list_handshakes_for_account()["Handshakes"] == []
