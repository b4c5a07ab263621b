"""What RAM shows: resource shares (GetResourceShares), their associations
(GetResourceShareAssociations), invitations (GetResourceShareInvitations), the resources and
principals of shares (ListResources, ListPrincipals), and what is shared with an account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from simulator.world.ram.errors import invalid_parameter_exception
from simulator.world.ram.resource_share import (
    AssociationStatus,
    AssociationType,
    Invitation,
    ResourceShare,
    ShareAssociation,
    ShareStatus,
)

if TYPE_CHECKING:
    from simulator.world.ram.service import ResourceAccessManager

PRINCIPAL, RESOURCE = AssociationType.PRINCIPAL, AssociationType.RESOURCE
ASSOCIATED = AssociationStatus.ASSOCIATED
#: GetResourceShares' resourceOwner values (the model's ResourceOwner).
RESOURCE_OWNERS = ("SELF", "OTHER-ACCOUNTS")
#: GetResourceShareAssociations' associationType values (the model's ResourceShareAssociationType).
ASSOCIATION_TYPES = ("PRINCIPAL", "RESOURCE", "SOURCE")


class ShareQueries:
    """The read side of one region's RAM.

    Args:
        ram: The region's RAM.
    """

    def __init__(self, ram: ResourceAccessManager) -> None:
        self._ram = ram

    def shares(self, account_id: str, owner: str, *, arns: Iterable[str] = (), status: str | None = None,
               name: str | None = None, tag_filters: Iterable[tuple[str, list[str]]] = ()) -> list[ResourceShare]:
        """GetResourceShares: the caller's shares (``SELF``), or those shared with it
        (``OTHER-ACCOUNTS``), filtered.

        Raises:
            ServiceError: InvalidParameterException for another ``owner``,
                MalformedArnException, UnknownResourceException.
        """
        if owner not in RESOURCE_OWNERS:
            raise invalid_parameter_exception(f"{owner} is not a valid resource owner. Specify either SELF or "
                                              "OTHER-ACCOUNTS and try again.")
        ram = self._ram
        wanted = {ram.share(arn).arn for arn in arns}
        if owner == "SELF":
            found = [s for s in ram.all_shares() if s.owner_id == account_id]
        else:
            found = [s for s in ram.all_shares() if s.owner_id != account_id and ram.reaches(s, account_id)]
        tag_filters = list(tag_filters)
        return [s for s in found
                if (not wanted or s.arn in wanted) and (status is None or s.status == status)
                and (name is None or s.name == name)
                and all(key in s.tags and (not values or s.tags[key] in values) for key, values in tag_filters)]

    def associations(self, account_id: str, kind: str, *, share_arns: Iterable[str] = (),
                     resource_arn: str | None = None, principal: str | None = None,
                     status: str | None = None) -> list[ShareAssociation]:
        """GetResourceShareAssociations of the caller's shares.

        Raises:
            ServiceError: InvalidParameterException for another ``kind``, ``resource_arn``
                with PRINCIPAL or ``principal`` with RESOURCE, MalformedArnException,
                UnknownResourceException.
        """
        if kind not in ASSOCIATION_TYPES:
            raise invalid_parameter_exception(f"{kind} is not a valid association type. Specify either PRINCIPAL or "
                                              "RESOURCE and try again.")
        if kind == "SOURCE":
            return []
        if (kind == "PRINCIPAL" and resource_arn) or (kind == "RESOURCE" and principal):
            raise invalid_parameter_exception("resourceArn goes with associationType RESOURCE and principal "
                                              "with PRINCIPAL")
        ram = self._ram
        shares = ([ram.owned(account_id, arn) for arn in share_arns] if share_arns
                  else [s for s in ram.all_shares() if s.owner_id == account_id])
        entity = resource_arn or principal
        return [a for s in shares for a in s.associations
                if a.association_type == kind and (entity is None or a.entity == entity)
                and (status is None or a.status == status)]

    def invitations(self, account_id: str, arns: Iterable[str] = (),
                    share_arns: Iterable[str] = ()) -> list[Invitation]:
        """GetResourceShareInvitations: the invitations the caller received.

        Raises:
            ServiceError: ResourceShareInvitationArnNotFoundException for an unknown ARN.
        """
        ram = self._ram
        wanted = [ram.invitation(account_id, arn) for arn in arns]
        found = wanted or [i for i in ram.all_invitations() if i.receiver_id == account_id]
        share_arns = set(share_arns)
        return [i for i in found if not share_arns or i.share.arn in share_arns]

    def _in_view(self, account_id: str, owner: str, share_arns: Iterable[str]) -> list[ResourceShare]:
        ram = self._ram
        wanted = {ram.share(arn).arn for arn in share_arns}
        if owner == "SELF":
            found = [s for s in ram.all_shares() if s.owner_id == account_id]
        else:
            found = [s for s in ram.all_shares() if s.owner_id != account_id and ram.reaches(s, account_id)]
        return [s for s in found if s.status is ShareStatus.ACTIVE and (not wanted or s.arn in wanted)]

    def resources(self, account_id: str, owner: str, *, principal: str | None = None, resource_type: str | None = None,
                  resource_arns: Iterable[str] = (), share_arns: Iterable[str] = ()) -> list[ShareAssociation]:
        """ListResources: the resources the caller shares (``SELF``; with ``principal``,
        those it shares with that principal) or that are shared with it (``OTHER-ACCOUNTS``).

        Raises:
            ServiceError: InvalidParameterException for an unknown resource type,
                MalformedArnException, UnknownResourceException.
        """
        ram = self._ram
        if resource_type is not None and resource_type.lower() not in ram.type_codes():
            raise invalid_parameter_exception(f"resourceType {resource_type!r} is not shareable here; types: "
                                              f"{', '.join(sorted(ram.type_codes()))}")
        arns = set(resource_arns)
        found: list[ShareAssociation] = []
        for share in self._in_view(account_id, owner, share_arns):
            if principal is not None and share.association(PRINCIPAL, principal) is None:
                continue
            found.extend(a for a in share.active(RESOURCE) if (not arns or a.entity in arns) and (
                resource_type is None or ram.type_of(a.entity).lower() == resource_type.lower()))
        return found

    def principals(self, account_id: str, owner: str, *, resource_arn: str | None = None,
                   principals: Iterable[str] = (), resource_type: str | None = None,
                   share_arns: Iterable[str] = ()) -> list[tuple[str, ShareAssociation]]:
        """ListPrincipals: ``(principal, association)`` pairs: for ``SELF`` the principals the
        caller shares with; for ``OTHER-ACCOUNTS`` the accounts that share with it.

        Raises:
            ServiceError: MalformedArnException, UnknownResourceException.
        """
        wanted = set(principals)
        found: list[tuple[str, ShareAssociation]] = []
        for share in self._in_view(account_id, owner, share_arns):
            resources = share.active(RESOURCE)
            if resource_arn is not None and all(a.entity != resource_arn for a in resources):
                continue
            if resource_type is not None and all(self._ram.type_of(a.entity).lower() != resource_type.lower()
                                                 for a in resources):
                continue
            for association in share.active(PRINCIPAL):
                shown = association.entity if owner == "SELF" else share.owner_id
                if not wanted or shown in wanted:
                    found.append((shown, association))
        return found

    def shared_resources(self, account_id: str, type_code: str) -> list[str]:
        """The ARNs of the resources of ``type_code`` other accounts share with ``account_id``."""
        ram = self._ram
        return list(dict.fromkeys(
            a.entity for share in self._in_view(account_id, "OTHER-ACCOUNTS", ())
            for a in share.active(RESOURCE) if ram.type_of(a.entity) == type_code))
