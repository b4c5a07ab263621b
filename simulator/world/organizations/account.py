"""An AWS account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True, eq=False)
class Account:
    """An AWS account, standalone or a member of an organization."""

    account_id: str
    name: str
    email: str
    created_at: datetime
    organization_id: str | None = None
    joined_method: str | None = None
    joined_at: datetime | None = None
    status: str = "ACTIVE"
