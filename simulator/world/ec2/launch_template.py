"""A launch template, its versions, and the launch parameters a template or a RunInstances call gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.world.ec2.instance import (
    CpuOptionsRequest,
    PlacementRequest,
)


@dataclass(frozen=True, slots=True)
class LaunchParameters:
    """The launch parameters the simulation models, as a template or a RunInstances call
    gives them. None means "not given"."""

    image_id: str | None = None
    instance_type: str | None = None
    placement: PlacementRequest | None = None
    cpu_options: CpuOptionsRequest | None = None
    license_configuration_arns: tuple[str, ...] = ()
    instance_tags: tuple[tuple[str, str], ...] = ()

    def over(self, base: LaunchParameters) -> LaunchParameters:
        """These parameters on top of ``base`` (a template's): set fields win, placement and
        CPU options merge field by field, license configurations and tags add up (the
        call's tag wins for a key both give)."""
        placement = self.placement.over(base.placement) if self.placement else base.placement
        cpu = self.cpu_options.over(base.cpu_options) if self.cpu_options else base.cpu_options
        licenses = tuple(dict.fromkeys(base.license_configuration_arns + self.license_configuration_arns))
        tags = tuple({**dict(base.instance_tags), **dict(self.instance_tags)}.items())
        return LaunchParameters(
            image_id=self.image_id or base.image_id,
            instance_type=self.instance_type or base.instance_type,
            placement=placement,
            cpu_options=cpu,
            license_configuration_arns=licenses,
            instance_tags=tags,
        )



@dataclass(frozen=True, slots=True)
class LaunchTemplateRef:
    """The LaunchTemplate of a RunInstances call."""

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
    """A launch template of one account."""

    template_id: str
    name: str
    account_id: str
    region: str
    created_at: datetime
    created_by: str
    versions: list[LaunchTemplateVersion]
    default_version: int = 1
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def latest_version(self) -> int:
        """The highest version number."""
        return self.versions[-1].number

    @property
    def arn(self) -> str:
        """The template's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:launch-template/{self.template_id}"
