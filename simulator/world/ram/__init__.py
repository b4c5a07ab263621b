"""Simulated AWS Resource Access Manager: resource shares, their principals and resources,
and invitations for principals outside the owner's organization."""

from simulator.world.ram.service import ResourceAccessManager
from simulator.world.ram.shares import (
    AssociationStatus,
    AssociationType,
    Invitation,
    InvitationStatus,
    ResourceShare,
    ShareableType,
    ShareAssociation,
    ShareStatus,
)

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
