"""AWS accounts and AWS Organizations: organizations, their management and member accounts,
trusted access, invitations, accounts leaving, delegated administrators."""

from simulator.world.organizations.account import Account
from simulator.world.organizations.events import (
    AccountJoinedOrganization,
    AccountLeftOrganization,
    DelegatedAdministratorChanged,
    ServiceAccessDisabled,
)
from simulator.world.organizations.handshake import Handshake, HandshakeState
from simulator.world.organizations.organization import Organization
from simulator.world.organizations.service import FEATURE_SETS, SERVICE_PRINCIPALS, Organizations

__all__ = [
    "FEATURE_SETS",
    "SERVICE_PRINCIPALS",
    "Account",
    "AccountJoinedOrganization",
    "AccountLeftOrganization",
    "DelegatedAdministratorChanged",
    "Handshake",
    "HandshakeState",
    "Organization",
    "Organizations",
    "ServiceAccessDisabled",
]
