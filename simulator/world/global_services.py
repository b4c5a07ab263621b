"""The world's global services: those AWS runs once for all regions (IAM, STS), CloudTrail's
event history and trails (kept once for every region), and S3 (one global namespace of
bucket names), each an attribute, as ``Region`` holds the regional ones."""

from __future__ import annotations

from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.world.cloudtrail import CloudTrailService
from simulator.world.iam import IamService
from simulator.world.organizations import Organizations
from simulator.world.s3 import S3Service
from simulator.world.sts import StsService


class GlobalServices:
    """The global services, each an attribute (``world.global_services.iam``).

    Args:
        clock: The simulation clock.
        ids: The id factory.
        organizations: The accounts and organizations (organization trails).
        regions: The AWS Regions (where buckets may be created).
    """

    def __init__(self, clock: Clock, ids: IdFactory, organizations: Organizations, regions: tuple[str, ...]) -> None:
        self.iam = IamService(clock, ids)
        self.sts = StsService(clock, ids, self.iam)
        self.s3 = S3Service(clock, regions)
        self.cloudtrail = CloudTrailService(clock, ids, organizations, self.s3)
