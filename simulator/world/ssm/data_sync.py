"""Systems Manager resource data syncs (``SyncToDestination``): the gathered inventory of
an account's managed nodes written to an S3 bucket in the layout Systems Manager uses, so
the same queries (Amazon Athena, AWS Glue) run against it:

``<prefix>/<inventory type>/accountid=<account>/region=<region>/resourcetype=ManagedInstanceInventory/<node id>.json``

one JSON object per line: the inventory entry's attributes (lower case, as the sync writes
them), ``resourceId``, ``captureTime`` and ``schemaVersion``. A sync writes a first time
shortly after it is created, then with the daily 13:00 UTC sync. It writes as Systems
Manager's service principal (``ssm.amazonaws.com``, ``aws:SourceAccount`` the account whose
inventory it is, the ``bucket-owner-full-control`` ACL), which the bucket policy must allow;
a bucket that refuses or does not exist leaves the sync ``Failed`` with the reason. A node
that leaves the inventory keeps its last files.

License Manager's cross-account discovery makes one in the management account that writes
the inventory of every account of the organization (``sources``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from simulator.access import service_requester
from simulator.core.errors import ServiceError
from simulator.world.ec2.context import RegionContext
from simulator.world.s3 import S3Service
from simulator.world.ssm.errors import (
    resource_data_sync_already_exists_exception,
    resource_data_sync_count_exceeded_exception,
    resource_data_sync_invalid_configuration_exception,
    resource_data_sync_not_found_exception,
)
from simulator.world.ssm.queries import INSTANCE_INFORMATION, TYPE_NAMES, inventory_item
from simulator.world.ssm.service import SsmService

SYNC_TO_DESTINATION = "SyncToDestination"
SYNC_FORMAT = "JsonSerDe"
SSM_PRINCIPAL = "ssm.amazonaws.com"
#: Resource data syncs of one account in one Region (Systems Manager quotas: 5).
MAX_SYNCS = 5
#: How long after CreateResourceDataSync the first sync writes (simulated seconds).
FIRST_SYNC_DELAY = 300.0
#: The daily sync, UTC.
SYNC_TIME = "13:00"
RESOURCE_TYPE = "ManagedInstanceInventory"
#: The schema version each inventory type's entries carry.
SCHEMA_VERSIONS = {INSTANCE_INFORMATION: "1.0", "AWS:Application": "1.1", "AWS:Tag": "1.0"}
#: LastStatus values.
SUCCESSFUL, FAILED = "Successful", "Failed"


@dataclass(eq=False)
class ResourceDataSync:
    """A resource data sync of one account and region.

    Attributes:
        sources: The accounts whose inventory it writes (its own account by default).
        written: The objects its last successful sync wrote.
    """

    name: str
    account_id: str
    region: str
    bucket: str
    prefix: str
    bucket_region: str
    created_at: datetime
    kms_key_arn: str | None = None
    sources: Callable[[], list[str]] | None = None
    last_sync_time: datetime | None = None
    last_success: datetime | None = None
    last_status: str | None = None
    last_message: str = ""
    written: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def arn(self) -> str:
        """``arn:aws:ssm:<region>:<account>:resource-data-sync/<name>``."""
        return f"arn:aws:ssm:{self.region}:{self.account_id}:resource-data-sync/{self.name}"

    def accounts(self) -> list[str]:
        """The accounts whose inventory the sync writes."""
        return self.sources() if self.sources is not None else [self.account_id]


class ResourceDataSyncs:
    """The resource data syncs of one region.

    Args:
        ctx: The region's shared plumbing.
        ssm: Systems Manager of the region (the inventory the syncs write).
        s3: Where they write.
    """

    def __init__(self, ctx: RegionContext, ssm: SsmService, s3: S3Service) -> None:
        self.ctx = ctx
        self.ssm = ssm
        self.s3 = s3
        self.syncs: dict[tuple[str, str], ResourceDataSync] = {}
        self._daily = False

    def create(self, account_id: str, name: str, *, sync_type: str | None, bucket: str | None, prefix: str | None,
               sync_format: str | None, bucket_region: str | None, kms_key_arn: str | None = None,
               sources: Callable[[], list[str]] | None = None) -> ResourceDataSync:
        """CreateResourceDataSync of a ``SyncToDestination`` sync.

        Raises:
            ServiceError: ResourceDataSyncInvalidConfigurationException (another sync type,
                a missing destination), ResourceDataSyncAlreadyExistsException,
                ResourceDataSyncCountExceededException.
        """
        if sync_type not in (None, SYNC_TO_DESTINATION):
            raise resource_data_sync_invalid_configuration_exception(
                f"SyncType {sync_type!r}: the simulator syncs inventory to S3 only ({SYNC_TO_DESTINATION})")
        if not bucket or not bucket_region or sync_format != SYNC_FORMAT:
            raise resource_data_sync_invalid_configuration_exception(
                f"A {SYNC_TO_DESTINATION} sync needs S3Destination with BucketName, Region and SyncFormat "
                f"{SYNC_FORMAT}")
        if (account_id, name) in self.syncs:
            raise resource_data_sync_already_exists_exception(f"Resource data sync {name} already exists")
        if sum(1 for a, _ in self.syncs if a == account_id) >= MAX_SYNCS:
            raise resource_data_sync_count_exceeded_exception(
                f"Account {account_id} has {MAX_SYNCS} resource data syncs in {self.ctx.region}, the quota")
        sync = self.syncs[(account_id, name)] = ResourceDataSync(
            name=name, account_id=account_id, region=self.ctx.region, bucket=bucket, prefix=(prefix or "").strip("/"),
            bucket_region=bucket_region, created_at=self.ctx.clock.now(), kms_key_arn=kms_key_arn, sources=sources)
        self.ctx.clock.call_later(FIRST_SYNC_DELAY, self._first, sync)
        if not self._daily:
            self._daily = True
            self.ctx.clock.daily_at(SYNC_TIME, self._run_all)
        return sync

    def owned(self, account_id: str) -> list[ResourceDataSync]:
        """ListResourceDataSync: the account's syncs in the region, oldest first."""
        return [s for (a, _), s in self.syncs.items() if a == account_id]

    def delete(self, account_id: str, name: str, sync_type: str | None = None) -> None:
        """DeleteResourceDataSync (what it wrote stays in the bucket).

        Raises:
            ServiceError: ResourceDataSyncNotFoundException, or
                ResourceDataSyncInvalidConfigurationException for another sync type.
        """
        if sync_type not in (None, SYNC_TO_DESTINATION):
            raise resource_data_sync_invalid_configuration_exception(f"SyncType {sync_type!r}: only "
                                                                     f"{SYNC_TO_DESTINATION} syncs exist")
        sync = self.syncs.pop((account_id, name), None)
        if sync is None:
            raise resource_data_sync_not_found_exception(f"Resource data sync {name} does not exist",
                                                         fields={"SyncName": name})
        sync.deleted = True

    def _first(self, sync: ResourceDataSync) -> None:
        if not sync.deleted:
            self.run(sync)

    def _run_all(self) -> None:
        for sync in list(self.syncs.values()):
            self.run(sync)

    def run(self, sync: ResourceDataSync) -> None:
        """Write the sources' gathered inventory to the bucket now."""
        clock = self.ctx.clock
        sync.last_sync_time = clock.now()
        written: list[str] = []
        try:
            for account_id in sync.accounts():
                written += self._write_account(sync, account_id)
        except ServiceError as error:
            sync.last_status, sync.last_message = FAILED, f"{error.code}: {error.message}"
            return
        sync.last_status, sync.last_message = SUCCESSFUL, ""
        sync.last_success = sync.last_sync_time
        sync.written = written

    def _write_account(self, sync: ResourceDataSync, account_id: str) -> list[str]:
        requester = service_requester(SSM_PRINCIPAL, account_id, {
            "s3:x-amz-acl": "bucket-owner-full-control", "aws:sourcearn": sync.arn})
        to_datetime = self.ctx.clock.to_datetime
        folder = f"accountid={account_id}/region={self.ctx.region}/resourcetype={RESOURCE_TYPE}"
        written = []
        for node in self.ssm.account_nodes(account_id):
            for type_name in TYPE_NAMES:
                item = inventory_item(self.ssm, node, type_name)
                if item is None or not item.content:
                    continue
                capture = to_datetime(item.capture_time).strftime("%Y-%m-%dT%H:%M:%SZ")
                lines = [json.dumps({**{k.lower(): v for k, v in entry.items()}, "resourceId": node.node_id,
                                     "captureTime": capture, "schemaVersion": SCHEMA_VERSIONS[type_name]},
                                    separators=(",", ":")) for entry in item.content]
                key = "/".join(p for p in (sync.prefix, type_name, folder, f"{node.node_id}.json") if p)
                self.s3.put_object(requester, sync.bucket, key, "\n".join(lines).encode() + b"\n",
                                   content_type="application/json")
                written.append(key)
        return written
