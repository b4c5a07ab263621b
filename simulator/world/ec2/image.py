"""An AMI: the Image entity, its states and how it came to exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from simulator.core.arn import format_arn
from simulator.world.ec2.billing import Billed


class ImageState(StrEnum):
    """The AMI states the simulation uses (values as EC2's ImageState)."""

    PENDING = "pending"
    AVAILABLE = "available"
    DEREGISTERED = "deregistered"



class ImageSource(StrEnum):
    """How an AMI came to exist."""

    PUBLIC = "public"
    CREATED = "created"
    COPIED = "copied"
    REGISTERED = "registered"
    IMPORTED = "imported"



@dataclass(slots=True, eq=False)
class Image(Billed):
    """An AMI in one region.

    ``imported`` marks an AMI made from your own VM image (ImportImage), and AMIs created or
    copied from it: the license type conversion rules ask for it. ``ssm_agent`` tells whether
    instances launched from it run the SSM Agent.
    """

    image_id: str
    region: str
    owner_id: str
    name: str
    description: str
    architecture: str
    usage_operation: str
    creation_date: datetime
    source: ImageSource
    state: ImageState = ImageState.AVAILABLE
    public: bool = False
    image_owner_alias: str | None = None
    imported: bool = False
    ssm_agent: bool = False
    launch_permissions: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)
    source_instance_id: str | None = None
    source_image_id: str | None = None
    source_region: str | None = None
    billing_products: tuple[str, ...] = ()
    import_license_type: str | None = None
    license_configuration_arns: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        """The AMI's ARN (AMIs have no account in their ARN)."""
        return format_arn("ec2", self.region, "", "image", self.image_id)

    def launchable_by(self, account_id: str) -> bool:
        """Whether ``account_id`` may launch from (and see) this AMI."""
        return self.owner_id == account_id or self.public or account_id in self.launch_permissions



ARCHITECTURES = ("x86_64", "arm64", "i386")
