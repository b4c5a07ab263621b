"""An IAM role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.access import Policy
from simulator.world.iam.managed_policy import ManagedPolicy
from simulator.world.iam.policy import PolicyDocument


@dataclass(eq=False)
class Role:
    """An IAM role: its trust policy, inline and attached policies.

    Attributes:
        service_name: The service a service-linked role is linked to (None for others).
    """

    account_id: str
    role_name: str
    role_id: str
    path: str
    arn: str
    trust_policy: PolicyDocument
    description: str
    max_session_duration: int
    created_at: datetime
    attached: list[ManagedPolicy] = field(default_factory=list)
    inline: dict[str, Policy] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    service_name: str | None = None
