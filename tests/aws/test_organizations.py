"""AWS Organizations through boto3 (``sim.client("organizations", account)``), and the
``Simulation.create_organization`` / ``Simulation.add_account`` helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused

MGMT, M1, M2, M3 = "333333333333", "444444444444", "555555555555", "666666666666"
LICENSE_MANAGER = "license-manager.amazonaws.com"


def org_client(sim, account_id: str):
    """An Organizations client of ``account_id``."""
    return sim.client("organizations", account_id)


def state(sim) -> tuple:
    """Every account and organization of the simulation, as plain values."""
    orgs = sim.world.organizations
    accounts = tuple(
        (a.account_id, a.name, a.organization_id, a.joined_method, a.joined_at) for a in orgs.accounts.values()
    )
    organizations = tuple(
        (o.organization_id, o.feature_set, o.management_account_id, tuple(o.member_account_ids),
         tuple(o.enabled_services.items()))
        for o in orgs.organizations.values()
    )
    return accounts, organizations


def refused(sim, client, exception: str, call, reason: str | None = None):
    """``call()`` raises the modeled exception ``exception`` of ``client``'s service (with
    ``Reason``) and changes no account or organization."""
    assert hasattr(client.exceptions, exception), exception
    assert_refused(sim, exception, call, lambda: state(sim), members={"Reason": reason} if reason else None)


def account_ids(client, **params) -> list[str]:
    """The ids ListAccounts returns on one page."""
    return [a["Id"] for a in client.list_accounts(**params)["Accounts"]]


@pytest.fixture
def org(sim):
    """An organization: management account MGMT, members M1, M2, M3 (new accounts) and A (existing)."""
    sim.advance("1h")
    return sim.create_organization(MGMT, [M1, M2, M3, ACCOUNT_A])


# -- CreateOrganization -----------------------------------------------------------------------


@pytest.mark.parametrize("feature_set", ["ALL", "CONSOLIDATED_BILLING"])
def test_create_organization(sim, feature_set):
    """CreateOrganization makes the caller the management account, with the feature set asked for."""
    client = org_client(sim, ACCOUNT_A)
    created = client.create_organization(FeatureSet=feature_set)["Organization"]
    assert created["Id"].startswith("o-") and len(created["Id"]) == 12
    assert created["FeatureSet"] == feature_set and created["MasterAccountId"] == ACCOUNT_A
    assert created["Arn"] == f"arn:aws:organizations::{ACCOUNT_A}:organization/{created['Id']}"
    assert created["MasterAccountArn"] == f"arn:aws:organizations::{ACCOUNT_A}:account/{created['Id']}/{ACCOUNT_A}"
    assert created["MasterAccountEmail"] == f"aws+{ACCOUNT_A}@example.com"
    assert client.describe_organization()["Organization"] == created
    assert account_ids(client) == [ACCOUNT_A]


def test_create_organization_default_feature_set(sim):
    """Without FeatureSet the organization has all features."""
    assert org_client(sim, ACCOUNT_A).create_organization()["Organization"]["FeatureSet"] == "ALL"


@pytest.mark.parametrize("feature_set", ["all", "BILLING", ""])
def test_create_organization_bad_feature_set(sim, feature_set):
    """An unknown FeatureSet is InvalidInputException (Reason INVALID_ENUM); no organization exists."""
    client = org_client(sim, ACCOUNT_A)
    refused(sim, client, "InvalidInputException", lambda: client.create_organization(FeatureSet=feature_set),
            "INVALID_ENUM")
    refused(sim, client, "AWSOrganizationsNotInUseException", client.describe_organization)


def test_create_organization_twice(sim, org):
    """A management or member account creating another organization is AlreadyInOrganizationException."""
    for account_id in (MGMT, M1):
        client = org_client(sim, account_id)
        refused(sim, client, "AlreadyInOrganizationException", client.create_organization)


# -- DescribeOrganization ---------------------------------------------------------------------


def test_member_describes_organization(sim, org):
    """A member account sees its organization, with the management account's email."""
    seen = org_client(sim, M2).describe_organization()["Organization"]
    assert seen == org_client(sim, MGMT).describe_organization()["Organization"]
    assert (seen["Id"], seen["MasterAccountId"]) == (org.organization_id, MGMT)
    assert seen["MasterAccountEmail"] == f"aws+{MGMT}@example.com"


def test_standalone_describe_organization(sim, org):
    """A standalone account gets AWSOrganizationsNotInUseException, worded as AWS words it (no
    account id)."""
    client = org_client(sim, ACCOUNT_B)
    refused(sim, client, "AWSOrganizationsNotInUseException", client.describe_organization)
    with pytest.raises(client.exceptions.AWSOrganizationsNotInUseException) as excinfo:
        client.describe_organization()
    assert excinfo.value.response["Error"]["Message"] == "Your account is not a member of an organization."


# -- ListAccounts -----------------------------------------------------------------------------


def test_list_accounts(sim, org):
    """The management account lists every account, itself first, then members in joining order."""
    accounts = org_client(sim, MGMT).list_accounts()["Accounts"]
    assert [a["Id"] for a in accounts] == [MGMT, M1, M2, M3, ACCOUNT_A]
    alpha = accounts[-1]
    assert (alpha["Name"], alpha["Email"], alpha["Status"]) == ("alpha", f"aws+{ACCOUNT_A}@example.com", "ACTIVE")
    assert alpha["Arn"] == f"arn:aws:organizations::{MGMT}:account/{org.organization_id}/{ACCOUNT_A}"
    assert all(a["JoinedTimestamp"] == sim.now for a in accounts)


def test_joined_method(sim, org):
    """Accounts the helper had to create joined CREATED; an account that already existed joined INVITED."""
    methods = {a["Id"]: a["JoinedMethod"] for a in org_client(sim, MGMT).list_accounts()["Accounts"]}
    assert [methods[a] for a in (M1, M2, M3)] == ["CREATED"] * 3
    assert methods[ACCOUNT_A] == "INVITED"


def test_list_accounts_pagination(sim):
    """MaxResults 1 pages through a management account and three members, one page each."""
    sim.create_organization(MGMT, [M1, M2, M3])
    client = org_client(sim, MGMT)
    pages, token = [], None
    while True:
        page = client.list_accounts(MaxResults=1, **({"NextToken": token} if token else {}))
        pages.append([a["Id"] for a in page["Accounts"]])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == [[MGMT], [M1], [M2], [M3]]
    assert account_ids(client, MaxResults=3) == [MGMT, M1, M2]
    paginator = client.get_paginator("list_accounts")
    assert [a["Id"] for p in paginator.paginate(PaginationConfig={"PageSize": 2}) for a in p["Accounts"]] == [
        MGMT, M1, M2, M3]


def test_list_accounts_bad_token(sim, org):
    """A garbage token or one of another listing is InvalidInputException with Reason INVALID_NEXT_TOKEN."""
    client = org_client(sim, MGMT)
    refused(sim, client, "InvalidInputException", lambda: client.list_accounts(NextToken="garbage"),
            "INVALID_NEXT_TOKEN")
    for principal in (LICENSE_MANAGER, "ram.amazonaws.com"):
        client.enable_aws_service_access(ServicePrincipal=principal)
    services_token = client.list_aws_service_access_for_organization(MaxResults=1)["NextToken"]
    refused(sim, client, "InvalidInputException", lambda: client.list_accounts(NextToken=services_token),
            "INVALID_NEXT_TOKEN")


def test_list_accounts_member_or_standalone(sim, org):
    """A member account gets AccessDeniedException, a standalone one AWSOrganizationsNotInUseException."""
    member, standalone = org_client(sim, M1), org_client(sim, ACCOUNT_B)
    refused(sim, member, "AccessDeniedException", member.list_accounts)
    refused(sim, standalone, "AWSOrganizationsNotInUseException", standalone.list_accounts)


# -- DescribeAccount --------------------------------------------------------------------------


def test_describe_account(sim, org):
    """DescribeAccount gives a member's name, email, status, joining method and time."""
    account = org_client(sim, MGMT).describe_account(AccountId=ACCOUNT_A)["Account"]
    assert (account["Id"], account["Name"], account["Status"]) == (ACCOUNT_A, "alpha", "ACTIVE")
    assert (account["JoinedMethod"], account["JoinedTimestamp"]) == ("INVITED", sim.now)
    assert org_client(sim, MGMT).describe_account(AccountId=MGMT)["Account"]["Id"] == MGMT


@pytest.mark.parametrize("account_id, exception", [
    ("999999999999", "AccountNotFoundException"),
    (ACCOUNT_B, "AccountNotFoundException"),
    ("12345", "InvalidInputException"),
    ("12345678901a", "InvalidInputException"),
    ("1234567890123", "InvalidInputException"),
])
def test_describe_account_errors(sim, org, account_id, exception):
    """Accounts outside the organization are AccountNotFoundException, malformed ids InvalidInputException."""
    client = org_client(sim, MGMT)
    refused(sim, client, exception, lambda: client.describe_account(AccountId=account_id))


def test_member_cannot_describe_account(sim, org):
    """A member account calling DescribeAccount gets AccessDeniedException."""
    client = org_client(sim, M1)
    refused(sim, client, "AccessDeniedException", lambda: client.describe_account(AccountId=M2))


# -- RemoveAccountFromOrganization ------------------------------------------------------------


def test_remove_member(sim, org):
    """A removed member becomes standalone: out of ListAccounts, no organization, free to create one."""
    management = org_client(sim, MGMT)
    management.remove_account_from_organization(AccountId=M2)
    assert account_ids(management) == [MGMT, M1, M3, ACCOUNT_A]
    removed = org_client(sim, M2)
    refused(sim, removed, "AWSOrganizationsNotInUseException", removed.describe_organization)
    refused(sim, management, "AccountNotFoundException", lambda: management.describe_account(AccountId=M2))
    assert removed.create_organization()["Organization"]["MasterAccountId"] == M2


@pytest.mark.parametrize("caller, account_id, exception", [
    (MGMT, MGMT, "MasterCannotLeaveOrganizationException"),
    (MGMT, ACCOUNT_B, "AccountNotFoundException"),
    (MGMT, "1234", "InvalidInputException"),
    (M1, M2, "AccessDeniedException"),
    (ACCOUNT_B, M1, "AWSOrganizationsNotInUseException"),
])
def test_remove_errors(sim, org, caller, account_id, exception):
    """The management account cannot leave; unknown, malformed and unauthorized removals fail."""
    client = org_client(sim, caller)
    refused(sim, client, exception, lambda: client.remove_account_from_organization(AccountId=account_id))


# -- trusted service access -------------------------------------------------------------------


def test_enable_service_access(sim, org):
    """EnableAWSServiceAccess records the simulated time; the list gives each principal and its date."""
    client = org_client(sim, MGMT)
    assert client.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    sim.advance("5h")
    client.enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    enabled_at = sim.now
    sim.advance(timedelta(minutes=30))
    client.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    listed = client.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert listed == [{"ServicePrincipal": LICENSE_MANAGER, "DateEnabled": enabled_at},
                      {"ServicePrincipal": "ram.amazonaws.com", "DateEnabled": sim.now}]
    assert enabled_at == sim.now - timedelta(minutes=30) and enabled_at.isoformat() == "2026-01-01T06:00:00+00:00"
    page = client.list_aws_service_access_for_organization(MaxResults=1)
    assert page["EnabledServicePrincipals"] == listed[:1] and "NextToken" in page


@pytest.mark.parametrize("principal", ["license-manager.example.com", "ec2.amazonaws.com",
                                       "LICENSE-MANAGER.AMAZONAWS.COM"])
def test_enable_unknown_principal(sim, org, principal):
    """An unrecognized service principal is InvalidInputException (UNRECOGNIZED_SERVICE_PRINCIPAL)."""
    client = org_client(sim, MGMT)
    refused(sim, client, "InvalidInputException", lambda: client.enable_aws_service_access(ServicePrincipal=principal),
            "UNRECOGNIZED_SERVICE_PRINCIPAL")
    assert client.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []


def test_enable_in_consolidated_billing_org(sim):
    """A CONSOLIDATED_BILLING organization refuses trusted access: ORGANIZATION_NOT_IN_ALL_FEATURES_MODE."""
    sim.create_organization(MGMT, [M1], feature_set="CONSOLIDATED_BILLING")
    client = org_client(sim, MGMT)
    refused(sim, client, "ConstraintViolationException",
            lambda: client.enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER),
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE")
    assert client.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []


def test_service_access_needs_management_account(sim, org):
    """Members get AccessDeniedException and standalone accounts AWSOrganizationsNotInUseException."""
    member, standalone = org_client(sim, M1), org_client(sim, ACCOUNT_B)
    for client, exception in ((member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
        refused(sim, client, exception, lambda c=client: c.enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER))
        refused(sim, client, exception, client.list_aws_service_access_for_organization)


# -- Simulation helpers -----------------------------------------------------------------------


def test_create_organization_helper(sim):
    """sim.create_organization adds unknown accounts, dedups members and keeps the management account out of them."""
    org = sim.create_organization(MGMT, [M1, M1, MGMT, ACCOUNT_B], feature_set="CONSOLIDATED_BILLING")
    assert (org.management_account_id, org.member_account_ids) == (MGMT, [MGMT, M1, ACCOUNT_B])
    assert org.feature_set == "CONSOLIDATED_BILLING"
    assert account_ids(org_client(sim, MGMT)) == [MGMT, M1, ACCOUNT_B]


@pytest.mark.parametrize("management, members, feature_set", [
    ("12345", [M1], "ALL"),
    (1234567890123, [M1], "ALL"),
    (MGMT, [M1, "4444-4444-4444"], "ALL"),
    (MGMT, [M1, None], "ALL"),
    (MGMT, [M1], "all"),
    (MGMT, [M1], "SOME"),
])
def test_create_organization_helper_bad_input(sim, management, members, feature_set):
    """Malformed ids and feature sets raise ValueError; no account or organization is added."""
    before = state(sim)
    with pytest.raises(ValueError):
        sim.create_organization(management, members, feature_set=feature_set)
    assert state(sim) == before


@pytest.mark.parametrize("management, members", [
    (ACCOUNT_A, [M1]),
    (MGMT, [M1]),
    (M2, [M3, ACCOUNT_A]),
    (ACCOUNT_B, [MGMT]),
])
def test_create_organization_helper_account_in_org(sim, management, members):
    """An account that already belongs to an organization raises ValueError; nothing changes."""
    sim.create_organization(ACCOUNT_A, [MGMT])
    before = state(sim)
    with pytest.raises(ValueError, match="already belongs"):
        sim.create_organization(management, members)
    assert state(sim) == before


@pytest.mark.parametrize("account_id, name", [
    ("12345", None),
    ("1111111111111", None),
    (111111111112, None),
    (ACCOUNT_A, None),
    (ACCOUNT_A, "again"),
    (MGMT, ""),
    (MGMT, "   "),
])
def test_add_account_bad_input(sim, account_id, name):
    """Malformed, duplicate (also an account in an organization) or badly named accounts raise ValueError."""
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    before = state(sim)
    with pytest.raises(ValueError):
        sim.add_account(account_id, name)
    assert state(sim) == before


def test_add_account(sim):
    """sim.add_account adds a standalone account with a default name; it is outside every organization."""
    account = sim.add_account(MGMT)
    assert (account.name, account.email) == (f"account-{MGMT}", f"aws+{MGMT}@example.com")
    assert account.organization_id is None and account.created_at == sim.now
    client = org_client(sim, MGMT)
    refused(sim, client, "AWSOrganizationsNotInUseException", client.describe_organization)
