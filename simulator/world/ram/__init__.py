"""Simulated AWS Resource Access Manager: resource shares, their principals and resources,
and invitations for principals outside the owner's organization."""

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
from simulator.world.ram.service import ResourceAccessManager

__all__ = [
    "AssociationStatus",
    "AssociationType",
    "Invitation",
    "InvitationStatus",
    "ResourceAccessManager",
    "ResourceShare",
    "ShareAssociation",
    "ShareStatus",
    "ShareableType",
]
