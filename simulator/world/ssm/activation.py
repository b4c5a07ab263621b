"""A Systems Manager hybrid activation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True, eq=False)
class Activation:
    """A hybrid activation of one account and region."""

    activation_id: str
    code: str
    account_id: str
    region: str
    iam_role: str
    created_at: datetime
    expires_at: float
    description: str = ""
    default_instance_name: str = ""
    registration_limit: int = 1
    registrations: int = 0
    tags: dict[str, str] = field(default_factory=dict)

    def expired(self, now: float) -> bool:
        """Whether the activation has expired at ``now`` (simulated seconds)."""
        return now >= self.expires_at
