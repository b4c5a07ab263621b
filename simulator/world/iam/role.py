"""An IAM role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.world.iam.policy import ManagedPolicy, PolicyDocument


@dataclass(eq=False)
class Role:
    """An IAM role."""

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
    tags: dict[str, str] = field(default_factory=dict)
