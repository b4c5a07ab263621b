"""Systems Manager resource data syncs to S3 through boto3, and License Manager's own for
cross-account discovery (User Guide, "Perform cross-account resource discovery": a
resource data sync stores inventory in an S3 bucket; the management account role's
``s3:*`` on ``aws-license-manager-service-*`` and ``DeleteObject`` on ``resource-sync/*``)."""

from __future__ import annotations

import json

import pytest

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B, REGION, SQL_ENTERPRISE, assert_refused, enable_cross_account_discovery
from tests.helpers import register_servers as servers

LAYOUT = "resourcetype=ManagedInstanceInventory"


def _destination(bucket: str = "inventory-a", prefix: str = "inventory") -> dict:
    return {"BucketName": bucket, "Prefix": prefix, "SyncFormat": "JsonSerDe", "Region": REGION}


def _lines(sim: Simulation, uri: str) -> list[dict]:
    return [json.loads(line) for line in sim.s3.read(uri).decode().splitlines()]


def test_a_sync_writes_the_gathered_inventory_in_the_systems_manager_layout(sim):
    """CreateResourceDataSync writes, once the bucket policy lets Systems Manager, each node's
    AWS:InstanceInformation, AWS:Application and AWS:Tag under
    <prefix>/<type>/accountid=/region=/resourcetype=ManagedInstanceInventory/<id>.json, one
    JSON object per entry, a few minutes after it is created and then daily at 13:00 UTC;
    before the policy the sync is Failed with the reason."""
    s3, ssm = sim.client("s3", ACCOUNT_A), sim.client("ssm", ACCOUNT_A)
    s3.create_bucket(Bucket="inventory-a")
    (server,) = servers(sim, ACCOUNT_A, 1, software=[SQL_ENTERPRISE])
    sim.advance("31m")
    ssm.create_resource_data_sync(SyncName="inventory", S3Destination=_destination())
    sim.advance("10m")
    (item,) = ssm.list_resource_data_sync()["ResourceDataSyncItems"]
    assert item["LastStatus"] == "Failed" and item["LastSyncStatusMessage"].startswith("AccessDenied")
    assert item["SyncType"] == "SyncToDestination" and item["S3Destination"] == _destination()
    s3.put_bucket_policy(Bucket="inventory-a", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "SSMBucketDelivery", "Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::inventory-a/inventory/*/accountid={ACCOUNT_A}/*",
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                       "aws:SourceAccount": ACCOUNT_A}}}]}))
    sim.run("2026-01-01T13:00:01Z")
    item = ssm.list_resource_data_sync()["ResourceDataSyncItems"][0]
    assert item["LastStatus"] == "Successful" and item["LastSuccessfulSyncTime"].hour == 13
    folder = f"accountid={ACCOUNT_A}/region={REGION}/{LAYOUT}/{server}.json"
    assert sim.s3.list("s3://inventory-a/") == [f"s3://inventory-a/inventory/{kind}/{folder}"
                                               for kind in ("AWS:Application", "AWS:InstanceInformation")]
    (application,) = _lines(sim, f"s3://inventory-a/inventory/AWS:Application/{folder}")
    assert (application["name"], application["publisher"], application["version"]) == SQL_ENTERPRISE
    assert application["resourceId"] == server and application["schemaVersion"] == "1.1"
    assert application["captureTime"].endswith("Z")
    (information,) = _lines(sim, f"s3://inventory-a/inventory/AWS:InstanceInformation/{folder}")
    assert (information["instanceid"], information["resourcetype"], information["platformtype"]) == (
        server, "ManagedInstance", "Windows")
    ssm.delete_resource_data_sync(SyncName="inventory")
    assert ssm.list_resource_data_sync()["ResourceDataSyncItems"] == []
    assert sim.s3.list("s3://inventory-a/inventory/")  # what it wrote stays


def test_syncs_are_checked_and_counted(sim):
    """A second sync of one name, a sixth sync, a SyncFromSource sync, and deleting one that
    does not exist are refused with Systems Manager's codes."""
    ssm = sim.client("ssm", ACCOUNT_A)
    for n in range(5):
        ssm.create_resource_data_sync(SyncName=f"sync-{n}", S3Destination=_destination())
    assert_refused(sim, "ResourceDataSyncAlreadyExistsException",
                   lambda: ssm.create_resource_data_sync(SyncName="sync-0", S3Destination=_destination()))
    assert_refused(sim, "ResourceDataSyncCountExceededException",
                   lambda: ssm.create_resource_data_sync(SyncName="sync-5", S3Destination=_destination()))
    assert_refused(sim, "ResourceDataSyncInvalidConfigurationException", lambda: ssm.create_resource_data_sync(
        SyncName="ops", SyncType="SyncFromSource", SyncSource={"SourceType": "SingleAccountMultiRegions",
                                                               "SourceRegions": [REGION]}))
    assert_refused(sim, "ResourceDataSyncNotFoundException", lambda: ssm.delete_resource_data_sync(SyncName="x"))
    page = ssm.list_resource_data_sync(MaxResults=2)
    assert len(page["ResourceDataSyncItems"]) == 2 and page["NextToken"]


@pytest.fixture
def organization() -> Simulation:
    """An organization whose member has a SQL Server; cross-account discovery turned on."""
    sim = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    servers(sim, ACCOUNT_B, 2, software=[SQL_ENTERPRISE])
    servers(sim, ACCOUNT_A, 1)
    sim.advance("1h")
    enable_cross_account_discovery(sim, ACCOUNT_A)
    return sim


def test_cross_account_discovery_syncs_every_account_to_license_managers_bucket(organization):
    """Turning on cross-account discovery makes License Manager's bucket in the management
    account (its policy naming the organization's accounts) and a resource data sync that
    writes every account's inventory under resource-sync/ with the daily 13:00 UTC sync; a
    member account cannot read the bucket; report generators use the same bucket."""
    sim = organization
    lm = sim.client("license-manager", ACCOUNT_A)
    bucket = lm.get_service_settings()["S3BucketArn"].removeprefix("arn:aws:s3:::")
    assert bucket.startswith("aws-license-manager-service-")
    s3 = sim.client("s3", ACCOUNT_A)
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    conditions = [s.get("Condition", {}).get("StringEquals", {}) for s in policy["Statement"]]
    assert sorted(next(c["aws:SourceAccount"] for c in conditions if c)) == [ACCOUNT_A, ACCOUNT_B]
    (sync,) = sim.client("ssm", ACCOUNT_A).list_resource_data_sync()["ResourceDataSyncItems"]
    assert sync["S3Destination"]["BucketName"] == bucket and sync["S3Destination"]["Prefix"] == "resource-sync"
    sim.run("2026-01-01T13:00:01Z")
    written = sim.s3.list(f"s3://{bucket}/resource-sync/AWS:Application/")
    assert len(written) == 2 and all(f"/accountid={ACCOUNT_B}/region={REGION}/{LAYOUT}/mi-" in u for u in written)
    assert len(sim.s3.list(f"s3://{bucket}/resource-sync/AWS:InstanceInformation/")) == 3
    member = sim.client("s3", ACCOUNT_B)
    assert_refused(sim, "AccessDenied", lambda: member.get_object(Bucket=bucket, Key=written[0].split("/", 3)[3]))
    assert_refused(sim, "AccessDenied", lambda: member.list_objects_v2(Bucket=bucket))
    config = lm.create_license_configuration(Name="sql", LicenseCountingType="vCPU")["LicenseConfigurationArn"]
    generator = lm.create_license_manager_report_generator(
        ReportGeneratorName="sql", Type=["LicenseConfigurationUsageReport"],
        ReportContext={"licenseConfigurationArns": [config]}, ReportFrequency={"value": 1, "period": "DAY"},
        ClientToken="sql")["LicenseManagerReportGeneratorArn"]
    assert lm.get_license_manager_report_generator(LicenseManagerReportGeneratorArn=generator)[
        "ReportGenerator"]["S3Location"]["bucket"] == bucket
