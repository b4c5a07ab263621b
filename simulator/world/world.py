"""The simulated AWS estate: accounts and organizations, and the services of every region."""

from __future__ import annotations

from simulator.core.arn import parse_arn
from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.core.regions import aws_regions
from simulator.world.autoscaling import AutoScalingTimings
from simulator.world.catalog import Catalog
from simulator.world.ec2 import (
    DedicatedHost,
    Ec2Timings,
    Image,
    Instance,
    RegionContext,
)
from simulator.world.ec2.quotas import Ec2Quotas, QuotaUsage
from simulator.world.global_services import GlobalServices
from simulator.world.launch import LaunchAuthorizer, LicenseLookup
from simulator.world.organizations import Organizations
from simulator.world.ram import ShareableType
from simulator.world.rds import DBInstance
from simulator.world.region import Region
from simulator.world.ssm import ManagedNode

#: The commercial AWS Regions (from botocore's endpoint data).
AWS_REGIONS = aws_regions()

#: What ``World.resolve`` finds.
Resource = Instance | DedicatedHost | Image | ManagedNode | DBInstance


class World:
    """Accounts, organizations, global services (``global_services``: IAM, STS, CloudTrail, S3) and
    per-region services, publishing domain events on ``bus``.

    The world does not know who listens: it publishes events after each change and asks
    every registered launch authorizer before instances launch or start.

    Args:
        clock: The simulation clock.
        ids: The id factory.
        bus: Where domain events are published.
        timings: How long EC2 transitions take.
        quotas: The EC2 quotas of every account in every region.
        autoscaling_timings: How long Auto Scaling takes.
    """

    def __init__(self, clock: Clock, ids: IdFactory, bus: EventBus, timings: Ec2Timings | None = None,
                 quotas: Ec2Quotas | None = None, autoscaling_timings: AutoScalingTimings | None = None) -> None:
        self.clock = clock
        self.ids = ids
        self.bus = bus
        self.timings = timings or Ec2Timings()
        self.quotas = quotas or Ec2Quotas()
        self.autoscaling_timings = autoscaling_timings or AutoScalingTimings()
        self.organizations = Organizations(clock, ids, bus)
        self.global_services = GlobalServices(clock, ids, self.organizations, AWS_REGIONS)
        self.launch_authorizers: list[LaunchAuthorizer] = []
        self.license_lookup: LicenseLookup | None = None
        self._regions: dict[str, Region] = {}
        self._shareable: list[ShareableType] = []

    @property
    def catalog(self) -> Catalog:
        """The instance type and Dedicated Host catalog (loaded on first use)."""
        return Catalog.load()

    def add_launch_authorizer(self, authorizer: LaunchAuthorizer) -> None:
        """Ask ``authorizer`` before every launch and start, in every region."""
        self.launch_authorizers.append(authorizer)

    def register_shareable(self, shareable: ShareableType) -> None:
        """Let RAM share resources of ``shareable`` in every region (a type of a service above
        the world, such as License Manager's license configurations)."""
        self._shareable.append(shareable)
        for region in self._regions.values():
            region.ram.register_type(shareable)

    def set_license_lookup(self, lookup: LicenseLookup) -> None:
        """Answer the world's questions about license configurations with ``lookup``."""
        self.license_lookup = lookup

    def find_host(self, host_id: str) -> DedicatedHost | None:
        """The Dedicated Host ``host_id`` of any account in any region in use, or None."""
        return next((h for r in self._regions.values() if (h := r.ec2.hosts.find(host_id)) is not None), None)

    def find_instance(self, instance_id: str) -> Instance | None:
        """The instance ``instance_id`` of any account in any region in use, or None."""
        return next((i for r in self._regions.values() if (i := r.ec2.instances.lookup(instance_id)) is not None),
                    None)

    def region(self, name: str) -> Region:
        """The region ``name`` (created on first use).

        Raises:
            ServiceError: InvalidParameterValue for a name that is not an AWS Region.
        """
        region = self._regions.get(name)
        if region is None:
            if name not in AWS_REGIONS:
                raise ServiceError(
                    "InvalidParameterValue", f"Invalid region: {name!r}; AWS Regions: {', '.join(AWS_REGIONS)}"
                )
            ctx = RegionContext(
                region=name, clock=self.clock, ids=self.ids, bus=self.bus, catalog=self.catalog,
                authorizers=self.launch_authorizers, timings=self.timings, quotas=QuotaUsage(self.quotas),
            )
            region = self._regions[name] = Region(ctx, self.region, self.organizations, lambda: self.license_lookup,
                                                  self.global_services.s3,
                                                  self.autoscaling_timings)
            for shareable in self._shareable:
                region.ram.register_type(shareable)
        return region

    def regions(self) -> list[Region]:
        """The regions in use so far, in the order of their first use."""
        return list(self._regions.values())

    def managed_node(self, node_id: str) -> ManagedNode | None:
        """The registered managed node ``node_id`` (an ``mi-`` server or an instance), in
        whichever region it registered, or None."""
        for region in self._regions.values():
            node = region.ssm.find(node_id)
            if node is not None:
                return node
        return None

    def resolve(self, arn: str) -> Resource | None:
        """The instance, Dedicated Host, AMI, on-premises managed node or DB instance an
        ARN names (deregistered AMIs, released hosts and recently terminated instances too),
        or None if there is none."""
        parts = parse_arn(arn)
        if parts is None or parts.region not in AWS_REGIONS:
            return None
        if parts.service == "ssm" and parts.resource_type == "managed-instance":
            node = self.region(parts.region).ssm.find(parts.resource_id)
            return node if node is not None and node.account_id == parts.account else None
        if parts.service == "rds" and parts.resource_type == "db":
            found = self.region(parts.region).rds.account_databases(parts.account)
            return next((d for d in found if d.identifier == parts.resource_id), None)
        if parts.service != "ec2":
            return None
        ec2 = self.region(parts.region).ec2
        if parts.resource_type == "instance" and parts.account:
            return ec2.instances.find(parts.account, parts.resource_id)
        if parts.resource_type == "dedicated-host" and parts.account:
            return ec2.hosts.account_hosts(parts.account).get(parts.resource_id)
        if parts.resource_type == "image" and not parts.account:
            return ec2.images.images.get(parts.resource_id)
        return None
