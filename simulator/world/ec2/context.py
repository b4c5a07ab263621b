"""What every EC2 service of a region shares: clock, ids, events, catalog, timings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.validation import check_tags
from simulator.world.catalog import Catalog
from simulator.world.ec2.errors import invalid_parameter_value
from simulator.world.ec2.quotas import QuotaUsage

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
    #: A host a host resource group allocates stays ``pending`` this long.
    host_allocation: float = 300.0
    #: A failed host stays ``under-assessment`` this long before recovery or retirement.
    host_assessment: float = 600.0
    #: A replacement host stays ``pending`` this long while instances are recovered onto it.
    host_recovery: float = 1200.0


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
    quotas: QuotaUsage
    availability_zones: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.availability_zones = tuple(f"{self.region}{zone}" for zone in "abcdef")

    def check_availability_zone(self, zone: str, field_name: str = "AvailabilityZone") -> str:
        """Return ``zone`` if it is a zone of this region.

        Raises:
            ServiceError: InvalidParameterValue naming the region's zones.
        """
        if zone not in self.availability_zones:
            raise invalid_parameter_value(f"Invalid availability zone: [{zone}] for {field_name}; zones of "
                                          f"{self.region}: {', '.join(self.availability_zones)}")
        return zone


def check_ec2_tags(tags: Mapping[str, str], field_name: str = "TagSpecifications") -> dict[str, str]:
    """``check_tags`` with EC2's error codes (InvalidParameterValue, TagLimitExceeded)."""
    return check_tags(tags, field_name, code="InvalidParameterValue", limit_code="TagLimitExceeded")
