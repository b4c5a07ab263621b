"""An STS assumed-role session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.world.iam import Role


@dataclass(eq=False)
class Session:
    """An assumed-role session and its temporary credentials.

    Attributes:
        expires_at: Simulated seconds since the start at which the credentials expire.
        claims: The web identity token's claims (``sub``, ``aud``, ``amr``, ...).
    """

    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float
    role: Role
    session_name: str
    provider: str
    claims: Mapping[str, Any] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        """The account of the assumed role."""
        return self.role.account_id

    @property
    def arn(self) -> str:
        """The assumed-role ARN the session acts as."""
        return f"arn:aws:sts::{self.role.account_id}:assumed-role/{self.role.role_name}/{self.session_name}"

    @property
    def assumed_role_id(self) -> str:
        """``<role id>:<session name>``."""
        return f"{self.role.role_id}:{self.session_name}"

    @property
    def audience(self) -> str:
        """The token's ``aud`` claim (the first, if it holds several)."""
        aud = self.claims.get("aud", "")
        return aud[0] if isinstance(aud, list) and aud else str(aud)

    def expired(self, now: float) -> bool:
        """Whether the credentials have expired at ``now``."""
        return now >= self.expires_at
