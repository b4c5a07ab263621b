"""AWS License Manager operations on grants and on what accounts received."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.license_manager.entitlements import engine, license_out, paged
from simulator.aws.shapes import filters_in, tags_in
from simulator.licensing.entitlements import Grant, GrantVersion


def grant_out(grant: Grant, version: GrantVersion | None = None) -> dict[str, Any]:
    """The Grant shape of ``version`` (default: the current one)."""
    v = version or grant.current
    return {
        "GrantArn": grant.arn, "GrantName": v.name, "ParentArn": grant.parent_arn, "LicenseArn": grant.license.arn,
        "GranteePrincipalArn": grant.grantee, "HomeRegion": grant.home_region, "GrantStatus": str(v.status),
        "StatusReason": v.status_reason or None, "Version": str(v.version), "GrantedOperations": list(v.operations),
        "Options": None if v.activation_override is None else {"ActivationOverrideBehavior": v.activation_override},
    }


def _status(grant: Grant) -> Response:
    return {"GrantArn": grant.arn, "Status": str(grant.status), "Version": str(grant.version)}


def _grants(call: Call, params: Params, grants: list[Grant]) -> Response:
    return paged(call, params, [grant_out(g) for g in grants], "Grants")


@operation("license-manager", "CreateGrant")
def create_grant(call: Call, params: Params) -> Response:
    grant = engine(call).grants.create(
        call.account_id, call.region, name=params["GrantName"], license_arn=params["LicenseArn"],
        principal=params["Principals"][0], home_region=params["HomeRegion"], operations=params["AllowedOperations"],
        tags=tags_in(params.get("Tags"), "ValidationException"), client_token=params.get("ClientToken"),
    )
    call.resource_id = grant.arn
    return _status(grant)


@operation("license-manager", "CreateGrantVersion")
def create_grant_version(call: Call, params: Params) -> Response:
    grant = engine(call).grants.create_version(
        call.account_id, params["GrantArn"], name=params.get("GrantName"), operations=params.get("AllowedOperations"),
        status=params.get("Status"), status_reason=params.get("StatusReason"),
        source_version=params.get("SourceVersion"),
        activation_override=(params.get("Options") or {}).get("ActivationOverrideBehavior"),
        client_token=params.get("ClientToken"),
    )
    return _status(grant)


@operation("license-manager", "GetGrant")
def get_grant(call: Call, params: Params) -> Response:
    grants = engine(call).grants
    version = grants.visible(call.account_id, params["GrantArn"], params.get("Version"))
    return {"Grant": grant_out(grants.find(params["GrantArn"]), version)}


@operation("license-manager", "AcceptGrant")
def accept_grant(call: Call, params: Params) -> Response:
    return _status(engine(call).grants.accept(call.account_id, params["GrantArn"]))


@operation("license-manager", "RejectGrant")
def reject_grant(call: Call, params: Params) -> Response:
    return _status(engine(call).grants.reject(call.account_id, params["GrantArn"]))


@operation("license-manager", "DeleteGrant")
def delete_grant(call: Call, params: Params) -> Response:
    return _status(engine(call).grants.delete(call.account_id, params["GrantArn"], params["Version"],
                                                     params.get("StatusReason")))


@operation("license-manager", "ListDistributedGrants")
def list_distributed_grants(call: Call, params: Params) -> Response:
    grants = engine(call).received.distributed_by(call.account_id, params.get("GrantArns", ()),
                                                  filters_in(params.get("Filters")))
    return _grants(call, params, grants)


@operation("license-manager", "ListReceivedGrants")
def list_received_grants(call: Call, params: Params) -> Response:
    grants = engine(call).received.grants_of(call.account_id, params.get("GrantArns", ()),
                                             filters_in(params.get("Filters")))
    return _grants(call, params, grants)


@operation("license-manager", "ListReceivedGrantsForOrganization")
def list_received_grants_for_organization(call: Call, params: Params) -> Response:
    grants = engine(call).received.grants_of_organization(call.account_id, params["LicenseArn"],
                                                          filters_in(params.get("Filters")))
    return _grants(call, params, grants)


@operation("license-manager", "ListReceivedLicenses")
def list_received_licenses(call: Call, params: Params) -> Response:
    grants = engine(call).received.licenses_of(call.account_id, params.get("LicenseArns", ()),
                                               filters_in(params.get("Filters")))
    items = [{**license_out(g.license), "ReceivedMetadata": {
        "ReceivedStatus": str(g.status), "ReceivedStatusReason": g.current.status_reason or None,
        "AllowedOperations": list(g.operations)}} for g in grants]
    return paged(call, params, items, "Licenses")


@operation("license-manager", "ListReceivedLicensesForOrganization")
def list_received_licenses_for_organization(call: Call, params: Params) -> Response:
    licenses = engine(call).received.licenses_of_organization(call.account_id, filters_in(params.get("Filters")))
    return paged(call, params, [license_out(lic) for lic in licenses], "Licenses")
