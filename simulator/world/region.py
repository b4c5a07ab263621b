"""One AWS Region of the simulated world and the services it holds."""

from __future__ import annotations

from collections.abc import Callable

from simulator.world.autoscaling import AutoScalingService, AutoScalingTimings, ScheduledActions
from simulator.world.ec2 import Ec2Service, RegionContext
from simulator.world.kms import KmsService
from simulator.world.launch import LicenseLookup
from simulator.world.organizations import Organizations
from simulator.world.ram import ResourceAccessManager
from simulator.world.rds import RdsService
from simulator.world.resource_groups import ResourceGroupService
from simulator.world.s3 import S3Service
from simulator.world.sns import SnsService
from simulator.world.ssm import SsmService
from simulator.world.ssm.data_sync import ResourceDataSyncs


class Region:
    """The services of one region, each an attribute (``region.ec2``, ``region.kms``,
    ``region.ram``, ``region.resource_groups``, ``region.ssm`` and its
    ``region.resource_data_syncs``, ``region.rds``, ``region.sns``, ``region.autoscaling`` with
    its ``region.scheduled_actions``).

    Args:
        ctx: The region's shared plumbing.
        region_of: Gives another region (services that read across regions use it).
        organizations: The accounts and organizations (RAM shares with them).
        license_lookup: Gives the engine's license lookup, if one is registered.
        s3: Amazon S3 (global), where resource data syncs write.
        autoscaling_timings: How long Auto Scaling takes.
    """

    def __init__(self, ctx: RegionContext, region_of: Callable[[str], Region], organizations: Organizations,
                 license_lookup: Callable[[], LicenseLookup | None], s3: S3Service,
                 autoscaling_timings: AutoScalingTimings | None = None) -> None:
        self.name = ctx.region
        self.ctx = ctx
        self.ec2 = Ec2Service(ctx, lambda name: region_of(name).ec2)
        self.kms = KmsService(ctx)
        self.ram = ResourceAccessManager(ctx.region, ctx.clock, ctx.ids, organizations)
        self.resource_groups = ResourceGroupService(ctx, self.ec2, self.ram, license_lookup)
        self.ssm = SsmService(ctx)
        self.resource_data_syncs = ResourceDataSyncs(ctx, self.ssm, s3)
        self.rds = RdsService(ctx)
        self.sns = SnsService(ctx)
        self.autoscaling = AutoScalingService(ctx, self.ec2, autoscaling_timings)
        self.scheduled_actions = ScheduledActions(self.autoscaling)
