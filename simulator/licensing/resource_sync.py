"""License Manager's resource data sync (User Guide, "Perform cross-account resource
discovery": querying Systems Manager inventory "requires a resource data sync to store
inventory in an Amazon S3 bucket"): turning on cross-account discovery makes, in the
management account, a Systems Manager resource data sync that writes the inventory of every
account of the organization under ``resource-sync/`` of License Manager's bucket, refreshed
with the daily 13:00 UTC sync."""

from __future__ import annotations

from simulator.licensing.bucket import RESOURCE_SYNC_PREFIX, LicenseManagerBucket
from simulator.licensing.state import LICENSE_MANAGER_PRINCIPAL, LicenseState
from simulator.world.ssm.data_sync import SYNC_FORMAT, SYNC_TO_DESTINATION

#: The name of the sync License Manager makes.
SYNC_NAME = "LicenseManagerResourceDataSync"


class LicenseManagerResourceSync:
    """Makes the management account's resource data sync.

    Args:
        state: The engine's shared state.
        bucket: The accounts' License Manager buckets.
    """

    def __init__(self, state: LicenseState, bucket: LicenseManagerBucket) -> None:
        self.state = state
        self.bucket = bucket

    def start(self, account_id: str, region: str) -> None:
        """Cross-account discovery was turned on by ``account_id`` in ``region``: its bucket
        (made if need be) receives every account's inventory from now on."""
        world = self.state.world
        syncs = world.region(region).resource_data_syncs
        if (account_id, SYNC_NAME) in syncs.syncs:
            return
        bucket = self.bucket.ensure(account_id, region)

        def accounts() -> list[str]:
            org = world.organizations.organization_of(account_id)
            return list(org.member_account_ids) if org is not None else [account_id]

        syncs.create(account_id, SYNC_NAME, sync_type=SYNC_TO_DESTINATION, bucket=bucket, prefix=RESOURCE_SYNC_PREFIX,
                     sync_format=SYNC_FORMAT, bucket_region=region, sources=accounts)
        world.global_services.cloudtrail.record_service_event(
            account_id, region, "ssm", "CreateResourceDataSync", LICENSE_MANAGER_PRINCIPAL,
            {"SyncName": SYNC_NAME, "SyncType": SYNC_TO_DESTINATION,
             "S3Destination": {"BucketName": bucket, "Prefix": RESOURCE_SYNC_PREFIX, "SyncFormat": SYNC_FORMAT,
                               "Region": region}}, {}, SYNC_NAME)
