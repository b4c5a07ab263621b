"""IAM users, groups and access keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.access import Policy
from simulator.world.iam.managed_policy import ManagedPolicy


@dataclass(eq=False)
class User:
    """An IAM user: its inline policies, attached managed policies, groups and access keys."""

    account_id: str
    user_name: str
    user_id: str
    path: str
    arn: str
    created_at: datetime
    inline: dict[str, Policy] = field(default_factory=dict)
    attached: list[ManagedPolicy] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    access_keys: list[AccessKey] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Group:
    """An IAM group: its users, inline policies and attached managed policies."""

    account_id: str
    group_name: str
    group_id: str
    path: str
    arn: str
    created_at: datetime
    inline: dict[str, Policy] = field(default_factory=dict)
    attached: list[ManagedPolicy] = field(default_factory=list)
    users: list[User] = field(default_factory=list)


@dataclass(eq=False)
class AccessKey:
    """An IAM user's long-term access key."""

    access_key_id: str
    secret_access_key: str
    user: User
    created_at: datetime
    status: str = "Active"
