"""The AWS RAM of one region: creating resource shares, associating and disassociating
principals and resources, invitations, and the question other services ask: is this
resource shared with that account?

Resource types join by registering a ``ShareableType`` (host resource groups do; license
configurations can the same way). Principals are account ids or the ARN of the owner's
organization. Inside an organization that enabled sharing (``EnableSharingWithAwsOrganization``)
principals get access at once; any other account is sent an invitation and gets access when
it accepts (if the share allows external principals).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from simulator.core.arn import format_arn, parse_arn
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.validation import check_tags, is_account_id
from simulator.world.organizations import Organization, Organizations
from simulator.world.ram.errors import (
    idempotent_parameter_mismatch_exception,
    invalid_parameter_exception,
    malformed_arn_exception,
    operation_not_permitted_exception,
    resource_share_invitation_already_accepted_exception,
    resource_share_invitation_already_rejected_exception,
    resource_share_invitation_arn_not_found_exception,
    unknown_resource_exception,
)
from simulator.world.ram.queries import ShareQueries
from simulator.world.ram.resource_share import (
    AssociationStatus,
    AssociationType,
    Invitation,
    InvitationStatus,
    ResourceShare,
    ShareableType,
    ShareAssociation,
    ShareStatus,
)

RAM_PRINCIPAL = "ram.amazonaws.com"
PRINCIPAL, RESOURCE = AssociationType.PRINCIPAL, AssociationType.RESOURCE
ASSOCIATED = AssociationStatus.ASSOCIATED


class ResourceAccessManager:
    """Resource shares of every account in one region.

    Args:
        region: The region.
        clock: The simulation clock.
        ids: The id factory.
        organizations: The accounts and organizations.
    """

    def __init__(self, region: str, clock: Clock, ids: IdFactory, organizations: Organizations) -> None:
        self.region = region
        self._clock = clock
        self._ids = ids
        self._organizations = organizations
        self._types: dict[tuple[str, str], ShareableType] = {}
        self._shares: dict[str, ResourceShare] = {}
        self._by_resource: dict[str, list[ShareAssociation]] = {}
        self._invitations: dict[str, Invitation] = {}
        self._tokens: dict[tuple[str, str], tuple[str, ResourceShare]] = {}
        self.queries = ShareQueries(self)

    def register_type(self, shareable: ShareableType) -> None:
        """Let resources of ``shareable`` be shared."""
        self._types[(shareable.service, shareable.resource_type)] = shareable

    def type_codes(self) -> set[str]:
        """The RAM codes of the shareable resource types, in lower case."""
        return {t.code.lower() for t in self._types.values()}

    def type_of(self, arn: str) -> str:
        """The RAM code of the resource an ARN names (empty if not shareable)."""
        parts = parse_arn(arn)
        shareable = self._types.get((parts.service, parts.resource_type)) if parts is not None else None
        return shareable.code if shareable is not None else ""

    def all_shares(self) -> list[ResourceShare]:
        """Every resource share of the region (deleted ones too)."""
        return list(self._shares.values())

    def all_invitations(self) -> list[Invitation]:
        """Every invitation of the region."""
        return list(self._invitations.values())

    # -- the question other services ask ----------------------------------------------------

    def shared_with(self, resource_arn: str, account_id: str) -> bool:
        """Whether an active share gives ``account_id`` access to ``resource_arn``."""
        org = self._organizations.organization_of(account_id)
        for association in self._by_resource.get(resource_arn, ()):
            share = association.share
            if association.status is not ASSOCIATED or share.status is not ShareStatus.ACTIVE:
                continue
            for principal in share.active(PRINCIPAL):
                if principal.entity == account_id or (org is not None and principal.entity == org.arn):
                    return True
        return False

    def resource_deleted(self, resource_arn: str) -> None:
        """The resource is gone: its associations end."""
        now = self._clock.now()
        for association in self._by_resource.pop(resource_arn, ()):
            association.status, association.updated_at = AssociationStatus.DISASSOCIATED, now

    # -- the API ------------------------------------------------------------------------------

    def enable_sharing_with_organization(self, account_id: str) -> None:
        """EnableSharingWithAwsOrganization: trusted access for RAM in the caller's organization.

        Raises:
            ServiceError: OperationNotPermittedException unless the caller is the management
                account of an organization with all features.
        """
        org = self._organizations.organization_of(account_id)
        if org is None or org.management_account_id != account_id or org.feature_set != "ALL":
            raise operation_not_permitted_exception("Only the management account of an organization with all features "
                                                    "enabled can enable sharing with AWS Organizations")
        self._organizations.enable_service_access(account_id, RAM_PRINCIPAL)

    def create(
        self, account_id: str, name: str, *, resource_arns: Iterable[str] = (), principals: Iterable[str] = (),
        tags: dict[str, str] | None = None, allow_external_principals: bool = True, client_token: str | None = None,
        service_managed: bool = False,
    ) -> ResourceShare:
        """CreateResourceShare (idempotent for a repeated ``client_token`` with the same input);
        ``service_managed``: a share a service creates for the owner's organization (License
        Manager's, when it links the organization), which needs no sharing with AWS
        Organizations.

        Raises:
            ServiceError: InvalidParameterException, MalformedArnException,
                UnknownResourceException, OperationNotPermittedException,
                TagLimitExceededException, IdempotentParameterMismatchException.
        """
        resource_arns, principals = list(dict.fromkeys(resource_arns)), list(dict.fromkeys(principals))
        fingerprint = json.dumps([name, resource_arns, principals, tags, allow_external_principals], sort_keys=True)
        if client_token:
            known = self._tokens.get((account_id, client_token))
            if known is not None:
                if known[0] != fingerprint:
                    raise idempotent_parameter_mismatch_exception(
                        f"clientToken {client_token} was used with other parameters")
                return known[1]
        if not name.strip():
            raise invalid_parameter_exception("name must not be empty")
        check_tags(tags or {}, "tags", code="InvalidParameterException", limit_code="TagLimitExceededException")
        now = self._clock.now()
        share = ResourceShare(
            arn=format_arn("ram", self.region, account_id, "resource-share", self._ids.uuid("resource-share")),
            name=name, owner_id=account_id, region=self.region, allow_external_principals=allow_external_principals,
            created_at=now, updated_at=now, tags=dict(tags or {}),
        )
        self._associate(share, resource_arns, principals, service_managed)
        self._shares[share.arn] = share
        if client_token:
            self._tokens[(account_id, client_token)] = (fingerprint, share)
        return share

    def associate(self, account_id: str, share_arn: str, resource_arns: Iterable[str] = (),
                  principals: Iterable[str] = ()) -> list[ShareAssociation]:
        """AssociateResourceShare: add resources and principals to the caller's share.

        Raises:
            ServiceError: the errors of ``create``, UnknownResourceException for a share
                the caller does not own.
        """
        share = self.owned(account_id, share_arn)
        return self._associate(share, list(dict.fromkeys(resource_arns)), list(dict.fromkeys(principals)))

    def disassociate(self, account_id: str, share_arn: str, resource_arns: Iterable[str] = (),
                     principals: Iterable[str] = ()) -> list[ShareAssociation]:
        """DisassociateResourceShare: take resources and principals out of the caller's share.

        Raises:
            ServiceError: UnknownResourceException for a share the caller does not own or an
                entity that is not associated with it (nothing changes then).
        """
        share = self.owned(account_id, share_arn)
        wanted = [(RESOURCE, arn) for arn in dict.fromkeys(resource_arns)]
        wanted += [(PRINCIPAL, p) for p in dict.fromkeys(principals)]
        found = []
        for kind, entity in wanted:
            association = share.association(kind, entity)
            if association is None or association.status is AssociationStatus.DISASSOCIATED:
                raise unknown_resource_exception(f"{entity} is not associated with resource share {share.arn}")
            found.append(association)
        now = self._clock.now()
        for association in found:
            association.status, association.updated_at = AssociationStatus.DISASSOCIATED, now
        share.updated_at = now
        return found

    def delete(self, account_id: str, share_arn: str) -> ResourceShare:
        """DeleteResourceShare: the share is DELETED and its resources and principals lose it.

        Raises:
            ServiceError: MalformedArnException, UnknownResourceException (not the caller's),
                OperationNotPermittedException for a share already deleted.
        """
        share = self.owned(account_id, share_arn)
        if share.status is not ShareStatus.ACTIVE:
            raise operation_not_permitted_exception(f"Resource share {share_arn} is {share.status}")
        now = self._clock.now()
        for association in share.associations:
            if association.status is not AssociationStatus.DISASSOCIATED:
                association.status, association.updated_at = AssociationStatus.DISASSOCIATED, now
        share.status, share.updated_at = ShareStatus.DELETED, now
        return share

    def update(self, account_id: str, share_arn: str, *, name: str | None = None,
               allow_external_principals: bool | None = None) -> ResourceShare:
        """UpdateResourceShare: its name, and whether it allows external principals.

        Raises:
            ServiceError: MalformedArnException, UnknownResourceException,
                InvalidParameterException for an empty name, OperationNotPermittedException
                for a deleted share or for disallowing external principals it has.
        """
        share = self.owned(account_id, share_arn)
        if share.status is not ShareStatus.ACTIVE:
            raise operation_not_permitted_exception(f"Resource share {share_arn} is {share.status}")
        if name is not None and not name.strip():
            raise invalid_parameter_exception("name must not be empty")
        if allow_external_principals is False and any(a.external for a in share.active(PRINCIPAL)):
            raise operation_not_permitted_exception(f"Resource share {share_arn} has external principals; remove "
                                                    "them before disallowing external principals")
        if name is not None:
            share.name = name
        if allow_external_principals is not None:
            share.allow_external_principals = allow_external_principals
        share.updated_at = self._clock.now()
        return share

    def owned(self, account_id: str, share_arn: str) -> ResourceShare:
        """A resource share of the caller.

        Raises:
            ServiceError: MalformedArnException, UnknownResourceException.
        """
        share = self.share(share_arn)
        if share.owner_id != account_id:
            raise unknown_resource_exception(f"Resource share {share_arn} was not found in account {account_id}")
        return share

    def answer(self, account_id: str, invitation_arn: str, accept: bool) -> Invitation:
        """AcceptResourceShareInvitation or RejectResourceShareInvitation.

        Raises:
            ServiceError: ResourceShareInvitationArnNotFoundException,
                ResourceShareInvitationAlreadyAcceptedException,
                ResourceShareInvitationAlreadyRejectedException.
        """
        invitation = self.invitation(account_id, invitation_arn)
        if invitation.status is InvitationStatus.ACCEPTED:
            raise resource_share_invitation_already_accepted_exception(f"{invitation_arn} was already accepted")
        if invitation.status is InvitationStatus.REJECTED:
            raise resource_share_invitation_already_rejected_exception(f"{invitation_arn} was already rejected")
        now = self._clock.now()
        invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.REJECTED
        association = invitation.share.association(PRINCIPAL, account_id)
        if association is not None and association.status is AssociationStatus.ASSOCIATING:
            association.status = ASSOCIATED if accept else AssociationStatus.DISASSOCIATED
            association.updated_at = now
        return invitation

    # -- checks -------------------------------------------------------------------------------

    def share(self, arn: str) -> ResourceShare:
        """The resource share an ARN names.

        Raises:
            ServiceError: MalformedArnException, UnknownResourceException.
        """
        parts = parse_arn(arn)
        if parts is None or parts.service != "ram" or parts.resource_type != "resource-share":
            raise malformed_arn_exception(f"{arn!r} is not the ARN of a resource share")
        share = self._shares.get(arn)
        if share is None:
            raise unknown_resource_exception(f"Resource share {arn} was not found in {self.region}")
        return share

    def invitation(self, account_id: str, arn: str) -> Invitation:
        """An invitation ``account_id`` received.

        Raises:
            ServiceError: ResourceShareInvitationArnNotFoundException.
        """
        invitation = self._invitations.get(arn)
        if invitation is None or invitation.receiver_id != account_id:
            raise resource_share_invitation_arn_not_found_exception(f"Invitation {arn} was not found")
        return invitation

    def reaches(self, share: ResourceShare, account_id: str) -> bool:
        """Whether the share's principals include ``account_id`` (or its organization)."""
        org = self._organizations.organization_of(account_id)
        return any(p.entity == account_id or (org is not None and p.entity == org.arn) for p in share.active(PRINCIPAL))

    def _sharing_org(self, owner_id: str) -> Organization | None:
        """The owner's organization, if it enabled sharing with AWS Organizations."""
        org = self._organizations.organization_of(owner_id)
        return org if org is not None and RAM_PRINCIPAL in org.enabled_services else None

    def _check_resource(self, share: ResourceShare, arn: str) -> None:
        parts = parse_arn(arn)
        if parts is None:
            raise malformed_arn_exception(f"{arn!r} is not an ARN")
        shareable = self._types.get((parts.service, parts.resource_type))
        if shareable is None:
            codes = ", ".join(sorted(t.code for t in self._types.values()))
            raise invalid_parameter_exception(f"{arn} cannot be shared; shareable resource types: {codes}")
        if parts.region != self.region:
            raise invalid_parameter_exception(f"{arn} is in {parts.region}; this resource share is in {self.region}")
        owner = shareable.owner_of(arn)
        if owner is None:
            raise unknown_resource_exception(f"Resource {arn} was not found")
        if owner != share.owner_id:
            raise operation_not_permitted_exception(f"Resource {arn} belongs to account {owner}; only its owner can "
                                                    "share it")

    def _check_principal(self, share: ResourceShare, principal: str, service_managed: bool = False) -> bool:
        """Whether ``principal`` is external (it needs an invitation)."""
        org = self._sharing_org(share.owner_id)
        if service_managed and org is None:
            org = self._organizations.organization_of(share.owner_id)
        if is_account_id(principal):
            if principal == share.owner_id:
                raise invalid_parameter_exception("A resource share cannot name its owner as a principal")
            if principal not in self._organizations.accounts:
                raise unknown_resource_exception(f"Account {principal} is not part of the simulation")
            external = org is None or self._organizations.organization_of(principal) is not org
            if external and not share.allow_external_principals:
                raise operation_not_permitted_exception(
                    f"Account {principal} is outside the organization with sharing enabled, and the resource share "
                    "does not allow external principals")
            return external
        parts = parse_arn(principal)
        if parts is not None and parts.service == "organizations" and parts.resource_type == "organization":
            own = self._organizations.organization_of(share.owner_id)
            if own is None or own.arn != principal:
                raise unknown_resource_exception(f"{principal} is not the owner's organization")
            if org is None:
                raise operation_not_permitted_exception(
                    "Sharing with an organization needs sharing with AWS Organizations enabled "
                    "(EnableSharingWithAwsOrganization)")
            return False
        raise invalid_parameter_exception(
            f"Principal {principal!r} is not supported: use an account id or the organization's ARN (organizational "
            "units, IAM roles and users, and service principals are not simulated)")

    def _associate(self, share: ResourceShare, resource_arns: list[str], principals: list[str],
                   service_managed: bool = False) -> list[ShareAssociation]:
        if share.status is not ShareStatus.ACTIVE:
            raise unknown_resource_exception(f"Resource share {share.arn} is {share.status}")
        for arn in resource_arns:
            self._check_resource(share, arn)
        external = {p: self._check_principal(share, p, service_managed) for p in principals}
        now = self._clock.now()
        changed = []
        for kind, entity in [(RESOURCE, arn) for arn in resource_arns] + [(PRINCIPAL, p) for p in principals]:
            status = AssociationStatus.ASSOCIATING if external.get(entity) else ASSOCIATED
            association = share.association(kind, entity)
            if association is None:
                association = ShareAssociation(share=share, entity=entity, association_type=kind, status=status,
                                               created_at=now, updated_at=now, external=bool(external.get(entity)))
                share.associations.append(association)
                if kind is RESOURCE:
                    self._by_resource.setdefault(entity, []).append(association)
            elif association.status is AssociationStatus.DISASSOCIATED:
                association.status, association.updated_at = status, now
            if association.status is AssociationStatus.ASSOCIATING and kind is PRINCIPAL:
                self._invite(share, entity)
            changed.append(association)
        share.updated_at = now
        return changed

    def _invite(self, share: ResourceShare, account_id: str) -> None:
        for invitation in self._invitations.values():
            if invitation.share is share and invitation.receiver_id == account_id and (
                    invitation.status is InvitationStatus.PENDING):
                return
        arn = format_arn("ram", self.region, share.owner_id, "resource-share-invitation",
                         self._ids.uuid("resource-share-invitation"))
        self._invitations[arn] = Invitation(arn=arn, share=share, receiver_id=account_id, sent_at=self._clock.now())
