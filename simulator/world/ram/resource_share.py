"""Resource shares: the resources and principals associated with them, their states, and
the resource types a region's RAM can share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ShareStatus(StrEnum):
    """ResourceShareStatus."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    FAILED = "FAILED"
    DELETING = "DELETING"
    DELETED = "DELETED"


class AssociationType(StrEnum):
    """ResourceShareAssociationType (source constraints are not simulated)."""

    PRINCIPAL = "PRINCIPAL"
    RESOURCE = "RESOURCE"


class AssociationStatus(StrEnum):
    """ResourceShareAssociationStatus (the ones the simulator reaches)."""

    ASSOCIATING = "ASSOCIATING"
    ASSOCIATED = "ASSOCIATED"
    DISASSOCIATED = "DISASSOCIATED"


class InvitationStatus(StrEnum):
    """ResourceShareInvitationStatus (invitations do not expire in the simulator)."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class ShareableType:
    """A resource type RAM can share, registered by the service that owns the resources.

    Attributes:
        code: RAM's name of the type (``resource-groups:Group``).
        service: The service part of the resources' ARNs.
        resource_type: The resource type part of their ARNs (``group``).
        owner_of: The account that owns the resource an ARN names, or None if there is none.
    """

    code: str
    service: str
    resource_type: str
    owner_of: Callable[[str], str | None]


@dataclass(slots=True, eq=False)
class ShareAssociation:
    """A principal or a resource associated with a resource share. ``external`` marks a
    principal outside the owner's organization (it joins through an invitation)."""

    share: ResourceShare
    entity: str
    association_type: AssociationType
    status: AssociationStatus
    created_at: datetime
    updated_at: datetime
    external: bool = False


@dataclass(slots=True, eq=False)
class ResourceShare:
    """A resource share of one account in one region."""

    arn: str
    name: str
    owner_id: str
    region: str
    allow_external_principals: bool
    created_at: datetime
    updated_at: datetime
    status: ShareStatus = ShareStatus.ACTIVE
    tags: dict[str, str] = field(default_factory=dict)
    associations: list[ShareAssociation] = field(default_factory=list)

    def association(self, kind: AssociationType, entity: str) -> ShareAssociation | None:
        """The association of ``entity`` (a principal or a resource ARN), if any."""
        for association in self.associations:
            if association.association_type is kind and association.entity == entity:
                return association
        return None

    def active(self, kind: AssociationType) -> list[ShareAssociation]:
        """The associated principals or resources."""
        return [a for a in self.associations
                if a.association_type is kind and a.status is AssociationStatus.ASSOCIATED]


@dataclass(slots=True, eq=False)
class Invitation:
    """An invitation to a resource share, for a principal outside the owner's organization."""

    arn: str
    share: ResourceShare
    receiver_id: str
    sent_at: datetime
    status: InvitationStatus = InvitationStatus.PENDING
