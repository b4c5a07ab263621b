"""Invitations to join an organization (InviteAccountToOrganization, AcceptHandshake,
ListHandshakesForAccount): an open invitation expires after 15 days."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.core.clock import Clock
from simulator.core.ids import LOWER_ALNUM, IdFactory
from simulator.core.validation import is_account_id
from simulator.world.organizations.errors import (
    duplicate_handshake_exception,
    handshake_already_in_state_exception,
    handshake_constraint_violation_exception,
    handshake_not_found_exception,
    invalid_handshake_transition_exception,
    invalid_input_exception,
)
from simulator.world.organizations.handshake import Handshake, HandshakeState

if TYPE_CHECKING:
    from simulator.world.organizations.service import Organizations

#: How long an invitation stays open (AWS Organizations User Guide, "Inviting an AWS account
#: to join your organization": "the invitation expires after 15 days").
INVITATION_LIFETIME = 15 * 86400.0


class Handshakes:
    """The invitations of every organization.

    Args:
        organizations: The accounts and organizations.
        clock: The simulation clock.
        ids: The id factory.
    """

    def __init__(self, organizations: Organizations, clock: Clock, ids: IdFactory) -> None:
        self._organizations = organizations
        self._clock = clock
        self._ids = ids
        self.handshakes: dict[str, Handshake] = {}

    def invite(self, caller: str, target: str, target_type: str = "ACCOUNT", notes: str = "") -> Handshake:
        """InviteAccountToOrganization: invite the standalone account ``target``.

        Raises:
            ServiceError: InvalidInputException for a target that is not an account id
                (EMAIL targets are not simulated), AccessDeniedException for a member
                caller, HandshakeConstraintViolationException (ALREADY_IN_AN_ORGANIZATION)
                for a member, DuplicateHandshakeException for an account already invited.
        """
        if target_type != "ACCOUNT" or not is_account_id(target):
            raise invalid_input_exception(f"Target {target_type} {target!r}: invitations go to an account id "
                                          "(Type ACCOUNT, 12 digits); email invitations are not simulated",
                                          "INVALID_PARTY_TYPE_TARGET")
        org = self._organizations.management_organization(caller)
        account = self._organizations.accounts.get(target)
        if account is None:
            raise invalid_input_exception(f"Account {target} is not part of the simulation",
                                          "INVALID_PARTY_TYPE_TARGET")
        if account.organization_id is not None:
            raise handshake_constraint_violation_exception(
                f"Account {target} already belongs to organization {account.organization_id}",
                "ALREADY_IN_AN_ORGANIZATION")
        for handshake in self.handshakes.values():
            if (handshake.organization_id, handshake.target_account_id) == (org.organization_id, target) and (
                    self.state(handshake) is HandshakeState.OPEN):
                raise duplicate_handshake_exception(f"Account {target} already has an open invitation "
                                                    f"{handshake.handshake_id}")
        handshake_id = "h-" + self._ids.token("handshake", 32, LOWER_ALNUM)
        expires = self._clock.seconds + INVITATION_LIFETIME
        handshake = Handshake(
            handshake_id=handshake_id,
            arn=f"arn:aws:organizations::{org.management_account_id}:handshake/{org.organization_id}/invite/"
                f"{handshake_id}",
            organization_id=org.organization_id, management_account_id=org.management_account_id,
            target_account_id=target, notes=notes, requested_at=self._clock.now(), expires_at=expires,
            expiration=self._clock.to_datetime(expires))
        self.handshakes[handshake_id] = handshake
        return handshake

    def state(self, handshake: Handshake) -> HandshakeState:
        """The handshake's state now (an open one past its expiry has EXPIRED)."""
        if handshake.state is HandshakeState.OPEN and self._clock.seconds >= handshake.expires_at:
            handshake.state = HandshakeState.EXPIRED
        return handshake.state

    def accept(self, caller: str, handshake_id: str) -> Handshake:
        """AcceptHandshake: the invited account joins the organization.

        Raises:
            ServiceError: HandshakeNotFoundException (unknown, or another account's),
                HandshakeAlreadyInStateException (accepted already),
                InvalidHandshakeTransitionException (declined, canceled or expired),
                HandshakeConstraintViolationException (ALREADY_IN_AN_ORGANIZATION).
        """
        handshake = self.handshakes.get(handshake_id)
        if handshake is None or handshake.target_account_id != caller:
            raise handshake_not_found_exception(f"Handshake {handshake_id} was not found for account {caller}")
        state = self.state(handshake)
        if state is HandshakeState.ACCEPTED:
            raise handshake_already_in_state_exception(f"Handshake {handshake_id} is already ACCEPTED")
        if state is not HandshakeState.OPEN:
            raise invalid_handshake_transition_exception(f"Handshake {handshake_id} is {state}; only an OPEN "
                                                         "handshake can be accepted")
        account = self._organizations.account(caller)
        if account.organization_id is not None:
            raise handshake_constraint_violation_exception(
                f"Account {caller} already belongs to organization {account.organization_id}",
                "ALREADY_IN_AN_ORGANIZATION")
        if handshake.organization_id not in self._organizations.organizations:
            raise invalid_handshake_transition_exception(f"Organization {handshake.organization_id} is gone")
        self._organizations.join(handshake.organization_id, caller, "INVITED", announce=True)
        handshake.state = HandshakeState.ACCEPTED
        return handshake

    def for_account(self, caller: str) -> list[Handshake]:
        """ListHandshakesForAccount: the invitations ``caller`` received, oldest first."""
        found = [h for h in self.handshakes.values() if h.target_account_id == caller]
        for handshake in found:
            self.state(handshake)
        return found
