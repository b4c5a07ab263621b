"""AWS Organizations operations over the simulated accounts."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.world.organizations import Account, Handshake, HandshakeState, Organization, Organizations


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
    org = orgs.describe_organization(call.account_id)
    page, token = call.page(params, accounts)
    return {"Accounts": [account_out(a, org) for a in page], **token}


@operation("organizations", "DescribeAccount")
def describe_account(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    account = orgs.describe_account(call.account_id, params["AccountId"])
    return {"Account": account_out(account, orgs.describe_organization(call.account_id))}


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


@operation("organizations", "DisableAWSServiceAccess")
def disable_aws_service_access(call: Call, params: Params) -> Response:
    _organizations(call).disable_service_access(call.account_id, params["ServicePrincipal"])
    return {}


@operation("organizations", "LeaveOrganization")
def leave_organization(call: Call, params: Params) -> Response:
    _organizations(call).leave_organization(call.account_id)
    return {}


def handshake_out(handshake: Handshake, state: HandshakeState) -> dict[str, Any]:
    """The Handshake shape of an invitation."""
    return {
        "Id": handshake.handshake_id, "Arn": handshake.arn, "State": state.value, "Action": "INVITE",
        "Parties": [{"Id": handshake.organization_id.removeprefix("o-"), "Type": "ORGANIZATION"},
                    {"Id": handshake.target_account_id, "Type": "ACCOUNT"}],
        "RequestedTimestamp": handshake.requested_at, "ExpirationTimestamp": handshake.expiration,
        "Resources": [
            {"Value": handshake.organization_id, "Type": "ORGANIZATION", "Resources": [
                {"Value": handshake.management_account_id, "Type": "MASTER_EMAIL"}]},
            {"Value": handshake.target_account_id, "Type": "ACCOUNT"},
            *([{"Value": handshake.notes, "Type": "NOTES"}] if handshake.notes else []),
        ],
    }


@operation("organizations", "InviteAccountToOrganization")
def invite_account_to_organization(call: Call, params: Params) -> Response:
    target = params["Target"]
    handshakes = _organizations(call).handshakes
    handshake = handshakes.invite(call.account_id, target["Id"], target["Type"], params.get("Notes", ""))
    call.resource_id = handshake.handshake_id
    return {"Handshake": handshake_out(handshake, handshakes.state(handshake))}


@operation("organizations", "AcceptHandshake")
def accept_handshake(call: Call, params: Params) -> Response:
    handshakes = _organizations(call).handshakes
    handshake = handshakes.accept(call.account_id, params["HandshakeId"])
    call.resource_id = handshake.handshake_id
    return {"Handshake": handshake_out(handshake, handshake.state)}


@operation("organizations", "ListHandshakesForAccount")
def list_handshakes_for_account(call: Call, params: Params) -> Response:
    wanted = (params.get("Filter") or {}).get("ActionType")
    handshakes = _organizations(call).handshakes
    found = [h for h in handshakes.for_account(call.account_id) if wanted in (None, "INVITE")]
    page, token = call.page(params, found)
    return {"Handshakes": [handshake_out(h, h.state) for h in page], **token}


@operation("organizations", "RegisterDelegatedAdministrator")
def register_delegated_administrator(call: Call, params: Params) -> Response:
    call.resource_id = params["AccountId"]
    _organizations(call).delegation.register(call.account_id, params["AccountId"], params["ServicePrincipal"])
    return {}


@operation("organizations", "DeregisterDelegatedAdministrator")
def deregister_delegated_administrator(call: Call, params: Params) -> Response:
    call.resource_id = params["AccountId"]
    _organizations(call).delegation.deregister(call.account_id, params["AccountId"], params["ServicePrincipal"])
    return {}


@operation("organizations", "ListDelegatedAdministrators")
def list_delegated_administrators(call: Call, params: Params) -> Response:
    orgs = _organizations(call)
    found = orgs.delegation.administrators(call.account_id, params.get("ServicePrincipal"))
    org = orgs.describe_organization(call.account_id)
    page, token = call.page(params, found)
    return {"DelegatedAdministrators": [{**account_out(a, org), "DelegationEnabledDate": when} for a, when in page],
            **token}


@operation("organizations", "ListDelegatedServicesForAccount")
def list_delegated_services_for_account(call: Call, params: Params) -> Response:
    found = _organizations(call).delegation.services(call.account_id, params["AccountId"])
    page, token = call.page(params, found)
    return {"DelegatedServices": [{"ServicePrincipal": p, "DelegationEnabledDate": when} for p, when in page],
            **token}
