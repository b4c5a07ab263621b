"""Handshakes: invitations of standalone accounts to join an organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class HandshakeState(StrEnum):
    """HandshakeState (the ones an invitation reaches)."""

    OPEN = "OPEN"
    CANCELED = "CANCELED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


@dataclass(slots=True, eq=False)
class Handshake:
    """An invitation (ActionType ``INVITE``) from an organization to an account.

    Attributes:
        expires_at: Simulated seconds since the start when an open invitation expires.
    """

    handshake_id: str
    arn: str
    organization_id: str
    management_account_id: str
    target_account_id: str
    notes: str
    requested_at: datetime
    expires_at: float
    expiration: datetime
    state: HandshakeState = HandshakeState.OPEN
