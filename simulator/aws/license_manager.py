"""AWS License Manager operations over the engine in ``simulator.licensing``."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import tags_in, tags_out
from simulator.licensing.configuration import (
    EC2_AMI,
    EC2_HOST,
    EC2_INSTANCE,
    RDS,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
    LicenseConfiguration,
)
from simulator.licensing.products import ProductFilter, ProductInformation
from simulator.licensing.search import InventoryFilter, search


def products_in(entries: list[dict[str, Any]] | None) -> tuple[ProductInformation, ...]:
    """ProductInformationList -> domain values (checked by the engine)."""
    return tuple(
        ProductInformation(
            resource_type=entry.get("ResourceType", ""),
            filters=tuple(
                ProductFilter(
                    name=f.get("ProductInformationFilterName", ""),
                    values=tuple(f.get("ProductInformationFilterValue") or ()),
                    comparator=f.get("ProductInformationFilterComparator", ""),
                )
                for f in entry.get("ProductInformationFilterList", ())
            ),
        )
        for entry in entries or ()
    )


def products_out(products: tuple[ProductInformation, ...]) -> list[dict[str, Any]]:
    """Domain product information -> ProductInformationList."""
    return [
        {
            "ResourceType": p.resource_type,
            "ProductInformationFilterList": [
                {
                    "ProductInformationFilterName": f.name,
                    "ProductInformationFilterValue": list(f.values),
                    "ProductInformationFilterComparator": f.comparator,
                }
                for f in p.filters
            ],
        }
        for p in products
    ]


def configuration_out(cfg: LicenseConfiguration, with_tags: bool = False) -> dict[str, Any]:
    """The LicenseConfiguration shape (GetLicenseConfiguration's output with tags)."""
    by_type = cfg.consumed_by_type()
    out: dict[str, Any] = {
        "LicenseConfigurationId": cfg.configuration_id,
        "LicenseConfigurationArn": cfg.arn,
        "Name": cfg.name,
        "Description": cfg.description,
        "LicenseCountingType": cfg.counting_type,
        "LicenseRules": list(cfg.rules.texts),
        "LicenseCountHardLimit": cfg.hard_limit,
        "ConsumedLicenses": cfg.consumed,
        "Status": cfg.status,
        "OwnerAccountId": cfg.owner_id,
        "ConsumedLicenseSummaryList": [
            {"ResourceType": resource_type, "ConsumedLicenses": amount}
            for resource_type, amount in by_type.items() if amount
        ],
        "ManagedResourceSummaryList": [
            {"ResourceType": resource_type, "AssociationCount": count}
            for resource_type, count in ((EC2_INSTANCE, len(cfg.instances)), (EC2_HOST, len(cfg.hosts)),
                                         (EC2_AMI, len(cfg.amis)), (SYSTEMS_MANAGER_MANAGED_INSTANCE, len(cfg.managed)),
                                         (RDS, len(cfg.databases)))
            if count
        ],
        "ProductInformationList": products_out(cfg.product_information),
    }
    if cfg.last_discovery is not None:
        out["AutomatedDiscoveryInformation"] = {"LastRunTime": cfg.last_discovery}
    if cfg.license_count is not None:
        out["LicenseCount"] = cfg.license_count
    if cfg.disassociate_when_not_found is not None:
        out["DisassociateWhenNotFound"] = cfg.disassociate_when_not_found
    if cfg.license_expiry is not None:
        out["LicenseExpiry"] = cfg.license_expiry
    if with_tags:
        out["Tags"] = tags_out(cfg.tags)
    return out


def _page(call: Call, params: Params, items: list, key: str) -> Response:
    page, token = call.page(params, items)
    return {key: page, **token}


def _filters(params: Params) -> list[tuple[str, list[str]]]:
    return [(f.get("Name", ""), list(f.get("Values", []))) for f in params.get("Filters") or ()]


def _specifications(items: list[dict[str, Any]] | None) -> list[tuple[str, str | None]]:
    return [(s["LicenseConfigurationArn"], s.get("AmiAssociationScope")) for s in items or ()]


@operation("license-manager", "CreateLicenseConfiguration")
def create_license_configuration(call: Call, params: Params) -> Response:
    cfg = call.license_manager.configurations.create(
        call.account_id, call.region,
        name=params["Name"],
        counting_type=params["LicenseCountingType"],
        description=params.get("Description", ""),
        license_count=params.get("LicenseCount"),
        hard_limit=params.get("LicenseCountHardLimit", False),
        rules=params.get("LicenseRules", ()),
        product_information=products_in(params.get("ProductInformationList")),
        disassociate_when_not_found=params.get("DisassociateWhenNotFound"),
        license_expiry=params.get("LicenseExpiry"),
        tags=tags_in(params.get("Tags"), "InvalidParameterValueException"),
    )
    call.resource_id = cfg.arn
    return {"LicenseConfigurationArn": cfg.arn}


@operation("license-manager", "GetLicenseConfiguration")
def get_license_configuration(call: Call, params: Params) -> Response:
    cfg = call.license_manager.configurations.owned(call.account_id, call.region, params["LicenseConfigurationArn"])
    return configuration_out(cfg, with_tags=True)


@operation("license-manager", "ListLicenseConfigurations")
def list_license_configurations(call: Call, params: Params) -> Response:
    configs = call.license_manager.configurations.list(
        call.account_id, call.region, params.get("LicenseConfigurationArns", ()), _filters(params)
    )
    return _page(call, params, [configuration_out(c) for c in configs], "LicenseConfigurations")


@operation("license-manager", "UpdateLicenseConfiguration")
def update_license_configuration(call: Call, params: Params) -> Response:
    products = params.get("ProductInformationList")
    call.license_manager.configurations.update(
        call.account_id, call.region, params["LicenseConfigurationArn"],
        status=params.get("LicenseConfigurationStatus"),
        rules=params.get("LicenseRules"),
        license_count=params.get("LicenseCount"),
        hard_limit=params.get("LicenseCountHardLimit"),
        name=params.get("Name"),
        description=params.get("Description"),
        product_information=None if products is None else products_in(products),
        disassociate_when_not_found=params.get("DisassociateWhenNotFound"),
        license_expiry=params.get("LicenseExpiry"),
    )
    return {}


@operation("license-manager", "DeleteLicenseConfiguration")
def delete_license_configuration(call: Call, params: Params) -> Response:
    call.license_manager.configurations.delete(call.account_id, call.region, params["LicenseConfigurationArn"])
    return {}


@operation("license-manager", "UpdateLicenseSpecificationsForResource")
def update_license_specifications_for_resource(call: Call, params: Params) -> Response:
    call.license_manager.associations.update(
        call.account_id, call.region, params["ResourceArn"],
        add=_specifications(params.get("AddLicenseSpecifications")),
        remove=_specifications(params.get("RemoveLicenseSpecifications")),
        principal=call.principal,
    )
    return {}


@operation("license-manager", "ListLicenseSpecificationsForResource")
def list_license_specifications_for_resource(call: Call, params: Params) -> Response:
    pairs = call.license_manager.associations.specifications(call.account_id, call.region, params["ResourceArn"])
    items = [
        {"LicenseConfigurationArn": arn, **({"AmiAssociationScope": scope} if scope else {})}
        for arn, scope in pairs
    ]
    return _page(call, params, items, "LicenseSpecifications")


@operation("license-manager", "ListAssociationsForLicenseConfiguration")
def list_associations_for_license_configuration(call: Call, params: Params) -> Response:
    associations = call.license_manager.views.associations(call.account_id, call.region, params["LicenseConfigurationArn"])
    items = []
    for a in associations:
        item = {
            "ResourceArn": a.resource_arn,
            "ResourceType": a.resource_type,
            "ResourceOwnerId": a.owner_id,
            "AssociationTime": a.associated_at,
        }
        if a.ami_scope:
            item["AmiAssociationScope"] = a.ami_scope
        items.append(item)
    return _page(call, params, items, "LicenseConfigurationAssociations")


@operation("license-manager", "ListUsageForLicenseConfiguration")
def list_usage_for_license_configuration(call: Call, params: Params) -> Response:
    entries = call.license_manager.views.usage(call.account_id, call.region, params["LicenseConfigurationArn"], _filters(params))
    items = [
        {
            "ResourceArn": e.resource_arn,
            "ResourceType": e.resource_type,
            "ResourceStatus": e.resource_status,
            "ResourceOwnerId": e.owner_id,
            "AssociationTime": e.associated_at,
            "ConsumedLicenses": e.consumed,
        }
        for e in entries
    ]
    return _page(call, params, items, "LicenseConfigurationUsageList")


@operation("license-manager", "ListFailuresForLicenseConfigurationOperations")
def list_failures_for_license_configuration_operations(call: Call, params: Params) -> Response:
    failures = call.license_manager.views.failures(call.account_id, call.region, params["LicenseConfigurationArn"])
    items = [
        {
            "ResourceArn": f.resource_arn,
            "ResourceType": f.resource_type,
            "ErrorMessage": f.error_message,
            "FailureTime": f.failure_time,
            "OperationName": f.operation_name,
            "ResourceOwnerId": f.resource_owner_id,
            "OperationRequestedBy": f.requested_by,
            "MetadataList": [{"Name": name, "Value": value} for name, value in f.metadata],
        }
        for f in failures
    ]
    return _page(call, params, items, "LicenseOperationFailureList")


@operation("license-manager", "TagResource")
def tag_resource(call: Call, params: Params) -> Response:
    call.license_manager.configurations.tag(call.account_id, call.region, params["ResourceArn"],
                                           tags_in(params["Tags"], "InvalidParameterValueException"))
    return {}


@operation("license-manager", "UntagResource")
def untag_resource(call: Call, params: Params) -> Response:
    call.license_manager.configurations.untag(call.account_id, call.region, params["ResourceArn"], params["TagKeys"])
    return {}


@operation("license-manager", "ListTagsForResource")
def list_tags_for_resource(call: Call, params: Params) -> Response:
    cfg = call.license_manager.configurations.owned(call.account_id, call.region, params["ResourceArn"])
    return {"Tags": tags_out(cfg.tags)}


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


@operation("license-manager", "GetServiceSettings")
def get_service_settings(call: Call, params: Params) -> Response:
    settings = call.license_manager.service_settings(call.account_id, call.region)
    out: dict[str, Any] = {
        "OrganizationConfiguration": {"EnableIntegration": settings.organization_integration},
        "EnableCrossAccountsDiscovery": settings.cross_account_discovery,
    }
    for key, value in (("S3BucketArn", settings.s3_bucket_arn), ("SnsTopicArn", settings.sns_topic_arn),
                       ("LicenseManagerResourceShareArn", settings.resource_share_arn)):
        if value:
            out[key] = value
    return out
