"""AWS License Manager operations on license configurations, over the engine in ``simulator.licensing``."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import tags_in, tags_out
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.filters import filter_configurations
from simulator.licensing.products import ProductFilter, ProductInformation


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
    out: dict[str, Any] = {
        "LicenseConfigurationId": cfg.configuration_id,
        "LicenseConfigurationArn": cfg.arn,
        "Name": cfg.name,
        "Description": cfg.description,
        "LicenseCountingType": cfg.counting_type,
        "LicenseRules": list(cfg.rules.texts),
        "LicenseCount": cfg.license_count,
        "LicenseCountHardLimit": cfg.hard_limit,
        "DisassociateWhenNotFound": bool(cfg.disassociate_when_not_found),
        "ConsumedLicenses": cfg.consumed,
        "Status": cfg.status,
        "OwnerAccountId": cfg.owner_id,
        "ConsumedLicenseSummaryList": [
            {"ResourceType": resource_type, "ConsumedLicenses": amount}
            for resource_type, amount in cfg.consumed_by_type().items()
        ],
        "ManagedResourceSummaryList": [
            {"ResourceType": resource_type, "AssociationCount": count}
            for resource_type, count in cfg.associations_by_type().items()
        ],
        "ProductInformationList": products_out(cfg.product_information),
        "LicenseExpiry": cfg.license_expiry,
    }
    if cfg.product_information:
        out["AutomatedDiscoveryInformation"] = {"LastRunTime": cfg.discovery_last_run}
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
    cfg = call.license_manager.configurations.visible(call.account_id, call.region, params["LicenseConfigurationArn"])
    return configuration_out(cfg, with_tags=True)


@operation("license-manager", "ListLicenseConfigurations")
def list_license_configurations(call: Call, params: Params) -> Response:
    configs = call.license_manager.configurations.list(
        call.account_id, call.region, params.get("LicenseConfigurationArns", ()), _filters(params)
    )
    return _page(call, params, [configuration_out(c) for c in configs], "LicenseConfigurations")


@operation("license-manager", "ListLicenseConfigurationsForOrganization")
def list_license_configurations_for_organization(call: Call, params: Params) -> Response:
    configurations = call.license_manager.configurations
    found = configurations.sharing.organization_configurations(call.account_id, call.region)
    wanted = set(params.get("LicenseConfigurationArns") or ())
    found = filter_configurations([c for c in found if not wanted or c.arn in wanted], _filters(params))
    return _page(call, params, [configuration_out(c) for c in found], "LicenseConfigurations")


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
    views = call.license_manager.views
    associations = views.associations(call.account_id, call.region, params["LicenseConfigurationArn"])
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
    views = call.license_manager.views
    entries = views.usage(call.account_id, call.region, params["LicenseConfigurationArn"], _filters(params))
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


@operation("license-manager", "GetServiceSettings")
def get_service_settings(call: Call, params: Params) -> Response:
    settings = call.license_manager.service_settings(call.account_id, call.region)
    out: dict[str, Any] = {
        "OrganizationConfiguration": {"EnableIntegration": settings.organization_integration},
        "EnableCrossAccountsDiscovery": settings.cross_account_discovery,
    }
    optional = (("S3BucketArn", settings.s3_bucket_arn), ("SnsTopicArn", settings.sns_topic_arn),
                ("LicenseManagerResourceShareArn", settings.resource_share_arn))
    out.update({key: value for key, value in optional if value})
    return out
