"""AWS Systems Manager operations: hybrid activations, managed nodes, inventory, the tags
of on-premises nodes, and resource data syncs of inventory to S3."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import tags_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.ssm import ManagedNode, SsmService
from simulator.world.ssm.activation import Activation
from simulator.world.ssm.data_sync import SYNC_FORMAT, SYNC_TO_DESTINATION, ResourceDataSync
from simulator.world.ssm.errors import resource_data_sync_invalid_configuration_exception
from simulator.world.ssm.node import AGENT_VERSION
from simulator.world.ssm.queries import (
    InventoryItem,
    capture_time,
    get_inventory,
    instance_information,
    inventory_entries,
)

MANAGED_INSTANCE = "ManagedInstance"


def _ssm(call: Call) -> SsmService:
    return call.world.region(call.region).ssm


def activation_out(activation: Activation, call: Call) -> dict[str, Any]:
    """The Activation shape."""
    return {
        "ActivationId": activation.activation_id,
        "Description": activation.description,
        "DefaultInstanceName": activation.default_instance_name,
        "IamRole": activation.iam_role,
        "RegistrationLimit": activation.registration_limit,
        # The model's RegistrationsCount starts at 1: an unused activation reports none.
        "RegistrationsCount": activation.registrations or None,
        "ExpirationDate": call.clock.to_datetime(activation.expires_at),
        "Expired": activation.expired(call.clock.seconds),
        "CreatedDate": activation.created_at,
        "Tags": tags_out(activation.tags),
    }


def node_out(node: ManagedNode, call: Call) -> dict[str, Any]:
    """The InstanceInformation shape."""
    on_premises = node.on_premises
    return {
        "InstanceId": node.node_id,
        "PingStatus": node.ping_status().value,
        "LastPingDateTime": call.clock.to_datetime(node.last_ping(call.clock.seconds)),
        "AgentVersion": AGENT_VERSION,
        "IsLatestVersion": True,
        "PlatformType": node.platform.type,
        "PlatformName": node.platform.name,
        "PlatformVersion": node.platform.version,
        "ActivationId": node.activation_id,
        "IamRole": node.iam_role,
        "RegistrationDate": node.registered_at if on_premises else None,
        "ResourceType": node.resource_type.value,
        "Name": node.name or None,
        "IPAddress": node.ip_address,
        "ComputerName": node.computer_name or None,
        "SourceId": node.node_id,
        "SourceType": "AWS::SSM::ManagedInstance" if on_premises else "AWS::EC2::Instance",
    }


def item_out(item: InventoryItem, call: Call) -> dict[str, Any]:
    """The InventoryResultItem shape."""
    return {"TypeName": item.type_name, "SchemaVersion": "1.0",
            "CaptureTime": capture_time(_ssm(call), item.capture_time), "Content": list(item.content)}


def _inventory_filters(params: Params) -> list[tuple[str, list[str], str]]:
    return [(f["Key"], list(f["Values"]), f.get("Type", "Equal")) for f in params.get("Filters") or ()]


@operation("ssm", "CreateActivation")
def create_activation(call: Call, params: Params) -> Response:
    activation = _ssm(call).activations.create(
        call.account_id, params["IamRole"], description=params.get("Description", ""),
        default_instance_name=params.get("DefaultInstanceName", ""),
        registration_limit=params.get("RegistrationLimit"), expiration=params.get("ExpirationDate"),
        tags=tags_in(params.get("Tags"), "ValidationException"),
    )
    call.resource_id = activation.activation_id
    return {"ActivationId": activation.activation_id, "ActivationCode": activation.code}


@operation("ssm", "DescribeActivations")
def describe_activations(call: Call, params: Params) -> Response:
    filters = [(f.get("FilterKey", ""), list(f.get("FilterValues", []))) for f in params.get("Filters") or ()]
    activations = _ssm(call).activations.describe(call.account_id, filters)
    page, token = call.page(params, activations)
    return {"ActivationList": [activation_out(a, call) for a in page], **token}


@operation("ssm", "DeleteActivation")
def delete_activation(call: Call, params: Params) -> Response:
    _ssm(call).activations.delete(call.account_id, params["ActivationId"])
    return {}


@operation("ssm", "DeregisterManagedInstance")
def deregister_managed_instance(call: Call, params: Params) -> Response:
    _ssm(call).deregister(call.account_id, params["InstanceId"])
    return {}


@operation("ssm", "DescribeInstanceInformation")
def describe_instance_information(call: Call, params: Params) -> Response:
    filters = [(f["key"], list(f["valueSet"])) for f in params.get("InstanceInformationFilterList") or ()]
    filters += [(f["Key"], list(f["Values"])) for f in params.get("Filters") or ()]
    nodes = instance_information(_ssm(call), call.account_id, filters)
    page, token = call.page(params, nodes)
    return {"InstanceInformationList": [node_out(n, call) for n in page], **token}


@operation("ssm", "GetInventory")
def get_inventory_(call: Call, params: Params) -> Response:
    if params.get("Aggregators"):
        raise ServiceError("InvalidAggregatorException", "Inventory aggregators are not simulated; query without "
                                                         "Aggregators")
    attributes = params.get("ResultAttributes") or ()
    result_type = attributes[0]["TypeName"] if attributes else None
    entities = get_inventory(_ssm(call), call.account_id, _inventory_filters(params), result_type)
    page, token = call.page(params, entities)
    return {"Entities": [{"Id": node.node_id, "Data": {t: item_out(i, call) for t, i in items.items()}}
                         for node, items in page], **token}


@operation("ssm", "ListInventoryEntries")
def list_inventory_entries(call: Call, params: Params) -> Response:
    item = inventory_entries(_ssm(call), call.account_id, params["InstanceId"], params["TypeName"],
                             _inventory_filters(params))
    out: dict[str, Any] = {"TypeName": params["TypeName"], "InstanceId": params["InstanceId"]}
    if item is None:
        return {**out, "Entries": []}
    page, token = call.page(params, item.content)
    return {**out, "SchemaVersion": "1.0", "CaptureTime": capture_time(_ssm(call), item.capture_time),
            "Entries": list(page), **token}


def _managed_instance(params: Params) -> str:
    if params["ResourceType"] != MANAGED_INSTANCE:
        raise ServiceError("InvalidResourceType", f"Resource type {params['ResourceType']} is not simulated; the "
                                                  f"simulated resource type is {MANAGED_INSTANCE}")
    return params["ResourceId"]


@operation("ssm", "AddTagsToResource")
def add_tags_to_resource(call: Call, params: Params) -> Response:
    node_id = _managed_instance(params)
    _ssm(call).change_tags(call.account_id, node_id, add=tags_in(params["Tags"], "ValidationException"))
    return {}


@operation("ssm", "RemoveTagsFromResource")
def remove_tags_from_resource(call: Call, params: Params) -> Response:
    node_id = _managed_instance(params)
    _ssm(call).change_tags(call.account_id, node_id, remove=params["TagKeys"])
    return {}


@operation("ssm", "ListTagsForResource")
def list_tags_for_resource(call: Call, params: Params) -> Response:
    node_id = _managed_instance(params)
    return {"TagList": tags_out(_ssm(call).tagged_node(call.account_id, node_id).tags)}


# -- resource data syncs --------------------------------------------------------------------------

def _sync_out(sync: ResourceDataSync) -> Response:
    return {
        "SyncName": sync.name, "SyncType": SYNC_TO_DESTINATION,
        "S3Destination": {"BucketName": sync.bucket, "Prefix": sync.prefix or None, "SyncFormat": SYNC_FORMAT,
                          "Region": sync.bucket_region, "AWSKMSKeyARN": sync.kms_key_arn},
        "LastSyncTime": sync.last_sync_time, "LastSuccessfulSyncTime": sync.last_success,
        "SyncLastModifiedTime": sync.created_at, "LastStatus": sync.last_status, "SyncCreatedTime": sync.created_at,
        "LastSyncStatusMessage": sync.last_message or None,
    }


@operation("ssm", "CreateResourceDataSync")
def create_resource_data_sync(call: Call, params: Params) -> Response:
    if params.get("SyncSource"):
        raise resource_data_sync_invalid_configuration_exception(
            "SyncSource applies to SyncFromSource syncs (Explorer's OpsData), which are not simulated")
    destination = params.get("S3Destination") or {}
    if destination.get("DestinationDataSharing"):
        raise resource_data_sync_invalid_configuration_exception("DestinationDataSharing is not simulated")
    sync = call.world.region(call.region).resource_data_syncs.create(
        call.account_id, params["SyncName"], sync_type=params.get("SyncType"), bucket=destination.get("BucketName"),
        prefix=destination.get("Prefix"), sync_format=destination.get("SyncFormat"),
        bucket_region=destination.get("Region"), kms_key_arn=destination.get("AWSKMSKeyARN"))
    call.resource_id = sync.name
    return {}


@operation("ssm", "ListResourceDataSync")
def list_resource_data_sync(call: Call, params: Params) -> Response:
    sync_type = params.get("SyncType")
    if sync_type not in (None, SYNC_TO_DESTINATION):
        raise resource_data_sync_invalid_configuration_exception(
            f"SyncType {sync_type!r}: the simulator has {SYNC_TO_DESTINATION} syncs only")
    page, token = call.page(params, call.world.region(call.region).resource_data_syncs.owned(call.account_id))
    return {"ResourceDataSyncItems": [_sync_out(s) for s in page], **token}


@operation("ssm", "DeleteResourceDataSync")
def delete_resource_data_sync(call: Call, params: Params) -> Response:
    call.world.region(call.region).resource_data_syncs.delete(call.account_id, params["SyncName"],
                                                              params.get("SyncType"))
    call.resource_id = params["SyncName"]
    return {}
