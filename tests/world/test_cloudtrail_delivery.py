"""CloudTrail delivers a logging trail's files into its S3 bucket, as CloudTrail's service
principal, when the bucket policy lets it (CloudTrail User Guide, "Amazon S3 bucket policy
for CloudTrail"); ``export`` still writes every file (License Manager User Guide, "Logging
AWS License Manager API calls using AWS CloudTrail")."""

from __future__ import annotations

import gzip
import json

from simulator import Simulation
from tests.helpers import ACCOUNT_A


def _policy(bucket: str, trail_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT_A}/*",
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}}]})


def test_trail_log_files_land_in_the_bucket_its_policy_opens(tmp_path):
    sim = Simulation(seed=0)
    sim.add_account(ACCOUNT_A)
    s3 = sim.client("s3", ACCOUNT_A)
    s3.create_bucket(Bucket="trail-logs")
    cloudtrail = sim.world.global_services.cloudtrail
    trail = cloudtrail.create_trail(ACCOUNT_A, "us-east-1", "management", "trail-logs")
    cloudtrail.start_logging(trail)
    s3.list_buckets()
    sim.advance("6m")
    assert trail.delivery_error == "AccessDenied" and s3.list_objects_v2(Bucket="trail-logs")["KeyCount"] == 0
    s3.put_bucket_policy(Bucket="trail-logs", Policy=_policy("trail-logs", trail.arn))
    sim.advance("5m")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="trail-logs")["Contents"]]
    assert trail.delivery_error == "" and len(keys) == 1
    assert keys[0].startswith(f"AWSLogs/{ACCOUNT_A}/CloudTrail/us-east-1/2026/01/01/{ACCOUNT_A}_CloudTrail_")
    records = json.loads(gzip.decompress(sim.s3.read(f"s3://trail-logs/{keys[0]}")))["Records"]
    assert [r["eventName"] for r in records] == ["ListObjectsV2", "PutBucketPolicy"]
    exported = cloudtrail.export(tmp_path, include_pending=False)
    assert len(exported) == 2 and (tmp_path / keys[0]).is_file()
