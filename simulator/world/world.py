"""The simulated AWS estate: accounts and organizations, and EC2 in every region."""

from __future__ import annotations

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.world.accounts import Organizations
from simulator.world.catalog import Catalog
from simulator.world.ec2 import Ec2Region, Ec2Timings, RegionContext
from simulator.world.launch import LaunchAuthorizer

#: The commercial AWS Regions.
AWS_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",
    "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
    "sa-east-1",
)


class World:
    """Accounts, organizations and per-region EC2, publishing domain events on ``bus``.

    The world does not know who listens: it publishes events after each change and asks
    every registered launch authorizer before instances launch or start.

    Args:
        clock: The simulation clock.
        ids: The id factory.
        bus: Where domain events are published.
        timings: How long EC2 transitions take.
    """

    def __init__(
        self, clock: Clock, ids: IdFactory, bus: EventBus, timings: Ec2Timings | None = None
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.bus = bus
        self.timings = timings or Ec2Timings()
        self.catalog = Catalog.load()
        self.organizations = Organizations(clock, ids)
        self.launch_authorizers: list[LaunchAuthorizer] = []
        self._regions: dict[str, Ec2Region] = {}

    def add_launch_authorizer(self, authorizer: LaunchAuthorizer) -> None:
        """Ask ``authorizer`` before every launch and start, in every region."""
        self.launch_authorizers.append(authorizer)

    def ec2(self, region: str) -> Ec2Region:
        """The EC2 service of ``region`` (created on first use).

        Raises:
            ServiceError: InvalidParameterValue for a name that is not an AWS Region.
        """
        service = self._regions.get(region)
        if service is None:
            if region not in AWS_REGIONS:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Invalid region: {region!r}; AWS Regions: {', '.join(AWS_REGIONS)}",
                )
            ctx = RegionContext(
                region=region, clock=self.clock, ids=self.ids, bus=self.bus,
                catalog=self.catalog,
                authorizers=self.launch_authorizers, timings=self.timings,
            )
            service = self._regions[region] = Ec2Region(ctx, self.ec2)
        return service
