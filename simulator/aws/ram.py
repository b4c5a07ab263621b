"""AWS RAM operations over the simulated resource shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.core.errors import ServiceError
from simulator.world.ram import (
    Invitation,
    ResourceAccessManager,
    ResourceShare,
    ShareAssociation,
)

_NOT_SIMULATED = ("permissionArns", "sources", "resourceShareConfiguration", "permissionArn", "permissionVersion")


def _ram(call: Call) -> ResourceAccessManager:
    return call.world.region(call.region).ram


def _check_simulated(params: Params) -> None:
    given = [key for key in _NOT_SIMULATED if params.get(key)]
    if given:
        raise ServiceError("InvalidParameterException", f"{', '.join(given)}: managed permissions, source "
                                                         "constraints and share configurations are not simulated")


def tags_in(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """RAM's ``[{"key": k, "value": v}]`` tags as a dict.

    Raises:
        ServiceError: InvalidParameterException for a tag without a key.
    """
    result = {}
    for index, tag in enumerate(tags or ()):
        if not tag.get("key"):
            raise ServiceError("InvalidParameterException", f"tags[{index}] has no key")
        result[tag["key"]] = tag.get("value", "")
    return result


def share_out(share: ResourceShare) -> dict[str, Any]:
    """The ResourceShare shape."""
    return {
        "resourceShareArn": share.arn, "name": share.name, "owningAccountId": share.owner_id,
        "allowExternalPrincipals": share.allow_external_principals, "status": share.status.value,
        "tags": [{"key": k, "value": v} for k, v in share.tags.items()], "creationTime": share.created_at,
        "lastUpdatedTime": share.updated_at, "featureSet": "STANDARD",
    }


def association_out(association: ShareAssociation) -> dict[str, Any]:
    """The ResourceShareAssociation shape."""
    return {
        "resourceShareArn": association.share.arn, "resourceShareName": association.share.name,
        "associatedEntity": association.entity, "associationType": association.association_type.value,
        "status": association.status.value, "creationTime": association.created_at,
        "lastUpdatedTime": association.updated_at, "external": association.external,
    }


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    """The ResourceShareInvitation shape."""
    share = invitation.share
    return {
        "resourceShareInvitationArn": invitation.arn, "resourceShareName": share.name,
        "resourceShareArn": share.arn, "senderAccountId": share.owner_id,
        "receiverAccountId": invitation.receiver_id, "invitationTimestamp": invitation.sent_at,
        "status": invitation.status.value,
    }


@operation("ram", "EnableSharingWithAwsOrganization")
def enable_sharing_with_aws_organization(call: Call, params: Params) -> Response:
    _ram(call).enable_sharing_with_organization(call.account_id)
    return {"returnValue": True}


@operation("ram", "CreateResourceShare")
def create_resource_share(call: Call, params: Params) -> Response:
    _check_simulated(params)
    share = _ram(call).create(
        call.account_id, params["name"], resource_arns=params.get("resourceArns", ()),
        principals=params.get("principals", ()), tags=tags_in(params.get("tags")),
        allow_external_principals=params.get("allowExternalPrincipals", True), client_token=params.get("clientToken"),
    )
    call.resource_id = share.arn
    return {"resourceShare": share_out(share), "clientToken": params.get("clientToken")}


@operation("ram", "GetResourceShares")
def get_resource_shares(call: Call, params: Params) -> Response:
    _check_simulated(params)
    shares = _ram(call).queries.shares(
        call.account_id, params["resourceOwner"], arns=params.get("resourceShareArns", ()),
        status=params.get("resourceShareStatus"), name=params.get("name"),
        tag_filters=[(f.get("tagKey", ""), list(f.get("tagValues", ()))) for f in params.get("tagFilters", ())],
    )
    page, token = call.page(params, shares)
    return {"resourceShares": [share_out(s) for s in page], **token}


@operation("ram", "GetResourceShareAssociations")
def get_resource_share_associations(call: Call, params: Params) -> Response:
    associations = _ram(call).queries.associations(
        call.account_id, params["associationType"], share_arns=params.get("resourceShareArns", ()),
        resource_arn=params.get("resourceArn"), principal=params.get("principal"),
        status=params.get("associationStatus"),
    )
    page, token = call.page(params, associations)
    return {"resourceShareAssociations": [association_out(a) for a in page], **token}


@operation("ram", "AssociateResourceShare")
def associate_resource_share(call: Call, params: Params) -> Response:
    _check_simulated(params)
    call.resource_id = params["resourceShareArn"]
    associations = _ram(call).associate(call.account_id, params["resourceShareArn"],
                                        params.get("resourceArns", ()), params.get("principals", ()))
    return {"resourceShareAssociations": [association_out(a) for a in associations],
            "clientToken": params.get("clientToken")}


@operation("ram", "DisassociateResourceShare")
def disassociate_resource_share(call: Call, params: Params) -> Response:
    _check_simulated(params)
    call.resource_id = params["resourceShareArn"]
    associations = _ram(call).disassociate(call.account_id, params["resourceShareArn"],
                                           params.get("resourceArns", ()), params.get("principals", ()))
    return {"resourceShareAssociations": [association_out(a) for a in associations],
            "clientToken": params.get("clientToken")}


@operation("ram", "GetResourceShareInvitations")
def get_resource_share_invitations(call: Call, params: Params) -> Response:
    invitations = _ram(call).queries.invitations(call.account_id, params.get("resourceShareInvitationArns", ()),
                                         params.get("resourceShareArns", ()))
    page, token = call.page(params, invitations)
    return {"resourceShareInvitations": [invitation_out(i) for i in page], **token}


@operation("ram", "AcceptResourceShareInvitation")
def accept_resource_share_invitation(call: Call, params: Params) -> Response:
    call.resource_id = params["resourceShareInvitationArn"]
    invitation = _ram(call).answer(call.account_id, params["resourceShareInvitationArn"], accept=True)
    return {"resourceShareInvitation": invitation_out(invitation), "clientToken": params.get("clientToken")}


@operation("ram", "RejectResourceShareInvitation")
def reject_resource_share_invitation(call: Call, params: Params) -> Response:
    call.resource_id = params["resourceShareInvitationArn"]
    invitation = _ram(call).answer(call.account_id, params["resourceShareInvitationArn"], accept=False)
    return {"resourceShareInvitation": invitation_out(invitation), "clientToken": params.get("clientToken")}


@operation("ram", "DeleteResourceShare")
def delete_resource_share(call: Call, params: Params) -> Response:
    call.resource_id = params["resourceShareArn"]
    _ram(call).delete(call.account_id, params["resourceShareArn"])
    return {"returnValue": True, "clientToken": params.get("clientToken")}


@operation("ram", "UpdateResourceShare")
def update_resource_share(call: Call, params: Params) -> Response:
    call.resource_id = params["resourceShareArn"]
    share = _ram(call).update(call.account_id, params["resourceShareArn"], name=params.get("name"),
                              allow_external_principals=params.get("allowExternalPrincipals"))
    return {"resourceShare": share_out(share), "clientToken": params.get("clientToken")}


@operation("ram", "ListResources")
def list_resources(call: Call, params: Params) -> Response:
    ram = _ram(call)
    found = ram.queries.resources(
        call.account_id, params["resourceOwner"], principal=params.get("principal"),
        resource_type=params.get("resourceType"), resource_arns=params.get("resourceArns", ()),
        share_arns=params.get("resourceShareArns", ()))
    page, token = call.page(params, found)
    return {"resources": [{"arn": a.entity, "type": ram.type_of(a.entity), "resourceShareArn": a.share.arn,
                           "status": "AVAILABLE", "creationTime": a.created_at, "lastUpdatedTime": a.updated_at,
                           "resourceRegionScope": "REGIONAL"} for a in page], **token}


@operation("ram", "ListPrincipals")
def list_principals(call: Call, params: Params) -> Response:
    found = _ram(call).queries.principals(
        call.account_id, params["resourceOwner"], resource_arn=params.get("resourceArn"),
        principals=params.get("principals", ()), resource_type=params.get("resourceType"),
        share_arns=params.get("resourceShareArns", ()))
    page, token = call.page(params, found)
    return {"principals": [{"id": shown, "resourceShareArn": a.share.arn, "creationTime": a.created_at,
                            "lastUpdatedTime": a.updated_at, "external": a.external} for shown, a in page], **token}
