"""Domain events the world publishes after each change, for the engine and the recorder."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from simulator.world.ec2.hosts import DedicatedHost
    from simulator.world.ec2.images import Image
    from simulator.world.ec2.instances import Instance, InstanceState


_TRANSITIONS: dict[tuple, str] = {}


class InstanceStateChanged(NamedTuple):
    """An instance entered ``current`` (``previous`` is None for a new launch)."""

    instance: Instance
    previous: InstanceState | None
    current: InstanceState

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        i = self.instance
        key = (self.previous, self.current)
        detail = _TRANSITIONS.get(key)
        if detail is None:
            detail = _TRANSITIONS[key] = f"{self.previous or 'none'}->{self.current}"
        return (i.account_id, i.region, "ec2", "InstanceStateChange", i.instance_id, detail)


class InstancePlacementChanged(NamedTuple):
    """A stopped instance got a new tenancy, host, affinity or host resource group."""

    instance: Instance

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        i = self.instance
        detail = f"tenancy={i.tenancy} host={i.host_id or ''} affinity={i.affinity or ''}"
        return (i.account_id, i.region, "ec2", "InstancePlacementChange", i.instance_id, detail)


class HostAllocated(NamedTuple):
    """A Dedicated Host was allocated."""

    host: DedicatedHost

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        h = self.host
        kind = h.instance_type.name if h.instance_type else h.family
        return (h.account_id, h.region, "ec2", "HostAllocated", h.host_id,
                f"{kind} in {h.availability_zone}")


class HostReleased(NamedTuple):
    """A Dedicated Host was released."""

    host: DedicatedHost

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostReleased", h.host_id, "")


class ImageRegistered(NamedTuple):
    """An AMI came to exist (created, copied, registered or imported)."""

    image: Image

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        im = self.image
        return (im.owner_id, im.region, "ec2", "ImageRegistered", im.image_id,
                f"{im.source.value} {im.usage_operation}")


class ImageAvailable(NamedTuple):
    """A pending AMI became available."""

    image: Image

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        im = self.image
        return (im.owner_id, im.region, "ec2", "ImageAvailable", im.image_id, "")


class ImageDeregistered(NamedTuple):
    """An AMI was deregistered."""

    image: Image

    def record_fields(self) -> tuple[str, str, str, str, str, str]:
        im = self.image
        return (im.owner_id, im.region, "ec2", "ImageDeregistered", im.image_id, "")
