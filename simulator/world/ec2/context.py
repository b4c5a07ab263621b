"""What every EC2 service of a region shares: clock, ids, events, catalog, timings, checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.world.catalog import Catalog

if TYPE_CHECKING:
    from simulator.world.launch import LaunchAuthorizer


@dataclass(frozen=True)
class Ec2Timings:
    """How long EC2 changes take, in simulated seconds."""

    pending: float = 30.0
    stopping: float = 60.0
    shutting_down: float = 30.0
    terminated_visible: float = 3600.0
    image_pending: float = 300.0
    import_image: float = 1800.0


@dataclass
class RegionContext:
    """The shared plumbing of one region's EC2 services."""

    region: str
    clock: Clock
    ids: IdFactory
    bus: EventBus
    catalog: Catalog
    authorizers: list[LaunchAuthorizer]
    timings: Ec2Timings
    availability_zones: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.availability_zones = tuple(f"{self.region}{zone}" for zone in "abcdef")

    def check_availability_zone(self, zone: str, field_name: str = "AvailabilityZone") -> str:
        """Return ``zone`` if it is a zone of this region.

        Raises:
            ServiceError: InvalidParameterValue naming the region's zones.
        """
        if zone not in self.availability_zones:
            raise ServiceError(
                "InvalidParameterValue",
                f"Invalid availability zone: [{zone}] for {field_name}; zones of "
                f"{self.region}: {', '.join(self.availability_zones)}",
            )
        return zone


_ID_PATTERNS = {
    "i": re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$"),
    "h": re.compile(r"^h-(?:[0-9a-f]{8}|[0-9a-f]{17})$"),
    "ami": re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$"),
    "lt": re.compile(r"^lt-[0-9a-f]{17}$"),
    "import-ami": re.compile(r"^import-ami-[0-9a-f]{17}$"),
}


def check_id(value: str, prefix: str, code: str) -> str:
    """Return ``value`` if it is a well-formed ``<prefix>-...`` id.

    Raises:
        ServiceError: ``<code>.Malformed`` otherwise.
    """
    if not _ID_PATTERNS[prefix].match(value):
        raise ServiceError(f"{code}.Malformed", f'Invalid id: "{value}" (expecting "{prefix}-...")')
    return value


def check_enum(field_name: str, value: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``.

    Raises:
        ServiceError: InvalidParameterValue naming the field and the allowed values.
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ServiceError(
            "InvalidParameterValue",
            f"Value ({value}) for parameter {field_name} is invalid. "
            f"Allowed values: {', '.join(allowed)}",
        )
    return value


def check_tags(tags: dict[str, str], field_name: str = "Tags") -> dict[str, str]:
    """Return ``tags`` if EC2 accepts them (at most 50; key 1-128, value 0-256 characters,
    no ``aws:`` prefix).

    Raises:
        ServiceError: InvalidParameterValue naming the offending tag.
    """
    if len(tags) > 50:
        raise ServiceError("TagLimitExceeded", f"{field_name}: a resource can have at most 50 tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise ServiceError(
                "InvalidParameterValue", f"{field_name}: tag key {key!r} must be 1 to 128 characters"
            )
        if key.lower().startswith("aws:"):
            raise ServiceError(
                "InvalidParameterValue", f"{field_name}: tag keys starting with 'aws:' are reserved"
            )
        if len(value) > 256:
            raise ServiceError(
                "InvalidParameterValue", f"{field_name}: the value of tag {key!r} exceeds 256 characters"
            )
    return tags
