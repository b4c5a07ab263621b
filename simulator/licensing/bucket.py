"""The S3 bucket License Manager keeps for an account: where its reports go and where the
resource data sync of cross-account discovery writes (User Guide, "License reporting": "If
you do not already have an S3 bucket associated with your account, License Manager will
create a new Amazon S3 bucket in your account"; "Settings in License Manager": S3 bucket ARN).

The bucket is ``aws-license-manager-service-<suffix>`` in the account and region of the
settings, recorded as the settings' ``S3BucketArn``. Its policy lets Systems Manager write
the organization's inventory under ``resource-sync/`` for the organization's accounts (the
accounts it names), and nothing else to other accounts. License Manager writes into it as
its core service-linked role, whose policy names the ``aws-license-manager-service-*``
buckets: a bucket set in the settings by another name must let that role write by its own
policy.
"""

from __future__ import annotations

import json

from simulator.access import Caller, PolicySet, Requester, root_requester
from simulator.core.arn import parse_arn
from simulator.licensing.state import LICENSE_MANAGER_PRINCIPAL, LicenseState

BUCKET_PREFIX = "aws-license-manager-service-"
#: The folder of the resource data sync in the bucket.
RESOURCE_SYNC_PREFIX = "resource-sync"
SSM_PRINCIPAL = "ssm.amazonaws.com"


def bucket_name(arn: str) -> str:
    """The bucket an ``arn:aws:s3:::<bucket>`` ARN names."""
    parts = parse_arn(arn)
    return parts.resource_id if parts is not None else arn


def bucket_policy(bucket: str, accounts: list[str]) -> str:
    """The policy License Manager puts on its bucket: Systems Manager may check the bucket
    and put the inventory of ``accounts`` under ``resource-sync/``."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSLicenseManagerBucketPermissionsCheck", "Effect": "Allow",
         "Principal": {"Service": SSM_PRINCIPAL}, "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "AWSLicenseManagerResourceSync", "Effect": "Allow", "Principal": {"Service": SSM_PRINCIPAL},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/{RESOURCE_SYNC_PREFIX}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                        "aws:SourceAccount": accounts}}},
    ]}, separators=(",", ":"))


class LicenseManagerBucket:
    """Finds, or makes, each account's License Manager bucket.

    Args:
        state: The engine's shared state (settings, world, ids).
    """

    def __init__(self, state: LicenseState) -> None:
        self.state = state

    def name(self, account_id: str, region: str) -> str | None:
        """The bucket the account's settings name, or None."""
        settings = self.state.settings.get((account_id, region))
        arn = settings.s3_bucket_arn if settings is not None else None
        return bucket_name(arn) if arn else None

    def ensure(self, account_id: str, region: str) -> str:
        """The account's bucket: the one its settings name, or a new
        ``aws-license-manager-service-<suffix>`` recorded in them."""
        known = self.name(account_id, region)
        if known is not None:
            return known
        world = self.state.world
        name = BUCKET_PREFIX + self.state.ids.token("license-manager-bucket", 32)
        s3 = world.global_services.s3
        s3.create_bucket(root_requester(account_id), name, region, None if region == "us-east-1" else region)
        org = world.organizations.organization_of(account_id)
        accounts = sorted(org.member_account_ids) if org is not None else [account_id]
        policy = bucket_policy(name, accounts)
        s3.set_policy(name, policy)
        cloudtrail = world.global_services.cloudtrail
        cloudtrail.record_service_event(account_id, region, "s3", "CreateBucket", LICENSE_MANAGER_PRINCIPAL,
                                        {"Bucket": name}, {}, f"arn:aws:s3:::{name}")
        cloudtrail.record_service_event(account_id, region, "s3", "PutBucketPolicy", LICENSE_MANAGER_PRINCIPAL,
                                        {"Bucket": name, "Policy": policy}, {}, f"arn:aws:s3:::{name}")
        self.state.account_settings(account_id, region).s3_bucket_arn = f"arn:aws:s3:::{name}"
        return name

    def writer(self, account_id: str) -> Requester | None:
        """License Manager writing in ``account_id``: its core service-linked role, or None
        when the account has none (deleted)."""
        iam = self.state.world.global_services.iam
        role = iam.service_linked.role(account_id, LICENSE_MANAGER_PRINCIPAL)
        if role is None:
            return None
        return Requester(Caller(role.arn, account_id), iam.policy_set(role.arn) or PolicySet(()),
                         {"aws:principalaccount": account_id, "aws:principalarn": role.arn})
