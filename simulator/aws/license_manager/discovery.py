"""AWS License Manager operations of resource inventory: inventory search
(ListResourceInventory) and the settings that link AWS Organizations and turn on
cross-account discovery (UpdateServiceSettings)."""

from __future__ import annotations

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.licensing.search import InventoryFilter, search


@operation("license-manager", "UpdateServiceSettings")
def update_service_settings(call: Call, params: Params) -> Response:
    organization = params.get("OrganizationConfiguration")
    call.license_manager.settings.update(
        call.account_id, call.region, s3_bucket_arn=params.get("S3BucketArn"),
        sns_topic_arn=params.get("SnsTopicArn"),
        organization_integration=None if organization is None else organization["EnableIntegration"],
        cross_account_discovery=params.get("EnableCrossAccountsDiscovery"),
        source_regions=params.get("EnabledDiscoverySourceRegions"),
    )
    return {}


@operation("license-manager", "ListResourceInventory")
def list_resource_inventory(call: Call, params: Params) -> Response:
    filters = [InventoryFilter(f["Name"], f["Condition"], f.get("Value")) for f in params.get("Filters") or ()]
    rows, token = call.page(params, search(call.license_manager.inventory, call.account_id, call.region, filters))
    items = [
        {
            "ResourceId": r.resource_id,
            "ResourceType": r.resource_type,
            "ResourceArn": r.resource_arn,
            "Platform": r.platform,
            "PlatformVersion": r.platform_version,
            "ResourceOwningAccountId": r.owner_id,
            "UsageOperation": r.usage_operation,
            "AmiId": r.ami_id,
            "HostId": r.host_id,
            "Region": r.region,
            "InstanceType": r.instance_type,
        }
        for r in rows
    ]
    return {"ResourceInventoryList": items, **token}
