"""EBS volumes instances carry: the Volume entity and the block device mappings a launch asks
for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.world.ec2.instance import Instance

VOLUME_TYPES = ("standard", "io1", "io2", "gp2", "sc1", "st1", "gp3")
#: The size range (GiB) of each volume type.
SIZE_LIMITS = {"standard": (1, 1024), "io1": (4, 16384), "io2": (4, 65536), "gp2": (1, 16384), "sc1": (125, 16384),
               "st1": (125, 16384), "gp3": (1, 65536)}
#: Volume types that take Iops, and the default Iops and Throughput of gp3.
IOPS_TYPES = ("io1", "io2", "gp3")
GP3_IOPS, GP3_THROUGHPUT = 3000, 125


@dataclass(frozen=True, slots=True)
class EbsRequest:
    """The Ebs part of a block device mapping; None fields are left to the AMI or defaults."""

    volume_size: int | None = None
    volume_type: str | None = None
    delete_on_termination: bool | None = None
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool | None = None


@dataclass(frozen=True, slots=True)
class BlockDeviceMapping:
    """One BlockDeviceMappings entry of a launch: an EBS volume at ``device_name``, or
    ``no_device`` to suppress the AMI's volume there."""

    device_name: str
    ebs: EbsRequest | None = None
    no_device: bool = False


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """A volume each instance of a launch gets (resolved from the AMI and the mappings)."""

    device_name: str
    size: int
    volume_type: str
    delete_on_termination: bool
    iops: int | None
    throughput: int | None
    encrypted: bool


@dataclass(slots=True, eq=False)
class Volume:
    """An EBS volume. While ``instance`` is set it is attached there at ``device_name``
    (state ``in-use``); a volume left behind by a terminated instance is ``available``."""

    volume_id: str
    account_id: str
    region: str
    availability_zone: str
    spec: VolumeSpec
    create_time: datetime
    instance: Instance | None = None
    state: str = "in-use"
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def device_name(self) -> str:
        """Where the volume is (or was last) attached."""
        return self.spec.device_name

    @property
    def arn(self) -> str:
        """The volume's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:volume/{self.volume_id}"
