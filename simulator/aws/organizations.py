"""AWS Organizations operations over the simulated accounts."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.world.organizations import Account, Organization, Organizations


def organization_out(org: Organization, management_email: str) -> dict[str, Any]:
    """The Organization shape."""
    return {
        "Id": org.organization_id,
        "Arn": org.arn,
        "FeatureSet": org.feature_set,
        "MasterAccountArn": org.account_arn(org.management_account_id),
        "MasterAccountId": org.management_account_id,
        "MasterAccountEmail": management_email,
        "AvailablePolicyTypes": [],
    }


def account_out(account: Account, org: Organization | None) -> dict[str, Any]:
    """The Account shape (ListAccounts and DescribeAccount answer only inside an organization)."""
    if org is None:
        raise ValueError(f"account {account.account_id} is described outside an organization")
    return {
        "Id": account.account_id,
        "Arn": org.account_arn(account.account_id),
        "Email": account.email,
        "Name": account.name,
        "Status": account.status,
        "State": account.status,
        "JoinedMethod": account.joined_method,
        "JoinedTimestamp": account.joined_at,
    }


def _organizations(call: Call) -> Organizations:
    return call.world.organizations


@operation("organizations", "CreateOrganization")
def create_organization(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    org = orgs.create_organization(call.account_id, params.get("FeatureSet", "ALL"))
    call.resource_id = org.organization_id
    return {"Organization": organization_out(org, orgs.account(call.account_id).email)}


@operation("organizations", "DescribeOrganization")
def describe_organization(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    org = orgs.describe_organization(call.account_id)
    call.resource_id = org.organization_id
    return {"Organization": organization_out(org, orgs.account(org.management_account_id).email)}


@operation("organizations", "ListAccounts")
def list_accounts(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    accounts = orgs.list_accounts(call.account_id)
    org = orgs.organization_of(call.account_id)
    page, token = call.page(params, accounts)
    return {"Accounts": [account_out(a, org) for a in page], **token}


@operation("organizations", "DescribeAccount")
def describe_account(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    account = orgs.describe_account(call.account_id, params["AccountId"])
    return {"Account": account_out(account, orgs.organization_of(call.account_id))}


@operation("organizations", "RemoveAccountFromOrganization")
def remove_account_from_organization(call: Call, params: Params) -> Response:
    _organizations(call).remove_account(call.account_id, params["AccountId"])
    return {}


@operation("organizations", "EnableAWSServiceAccess")
def enable_aws_service_access(call: Call, params: Params) -> Response:
    _organizations(call).enable_service_access(call.account_id, params["ServicePrincipal"])
    return {}


@operation("organizations", "ListAWSServiceAccessForOrganization")
def list_aws_service_access_for_organization(call: Call, params: Params) -> Response:
    enabled = _organizations(call).list_service_access(call.account_id)
    items = [{"ServicePrincipal": p, "DateEnabled": when} for p, when in enabled.items()]
    page, token = call.page(params, items)
    return {"EnabledServicePrincipals": page, **token}
