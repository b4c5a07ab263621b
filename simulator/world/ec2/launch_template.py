"""A launch template and its versions, and how a RunInstances call names one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.world.ec2.launch_parameters import LaunchParameters


@dataclass(frozen=True, slots=True)
class LaunchTemplateRef:
    """The LaunchTemplate of a RunInstances call (or of an Auto Scaling group): the
    template by id or name, and a version number, ``$Latest`` or ``$Default`` (None: the
    default version)."""

    template_id: str | None = None
    name: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class LaunchTemplateVersion:
    """One version of a launch template."""

    number: int
    description: str
    parameters: LaunchParameters
    created_at: datetime
    created_by: str


@dataclass(slots=True, eq=False)
class LaunchTemplate:
    """A launch template of one account. ``versions`` holds the versions not deleted, in
    creation order; ``next_version`` the number the next one gets (numbers are never
    reused)."""

    template_id: str
    name: str
    account_id: str
    region: str
    created_at: datetime
    created_by: str
    versions: list[LaunchTemplateVersion]
    default_version: int = 1
    tags: dict[str, str] = field(default_factory=dict)
    next_version: int = 2

    @property
    def latest_version(self) -> int:
        """The highest version number."""
        return self.versions[-1].number

    @property
    def arn(self) -> str:
        """The template's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:launch-template/{self.template_id}"
