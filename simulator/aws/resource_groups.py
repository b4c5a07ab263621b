"""AWS Resource Groups operations over the simulated groups (host resource groups)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in
from simulator.world.resource_groups import (
    EC2_HOST,
    ConfigurationItem,
    ResourceGroup,
    ResourceGroupService,
)
from simulator.world.resource_groups.errors import bad_request_exception

_GROUP_FILTERS = ("resource-type", "configuration-type", "owner", "display-name", "criticality")


def _service(call: Call) -> ResourceGroupService:
    return call.world.region(call.region).resource_groups


def configuration_in(items: Iterable[Mapping[str, Any]] | None) -> tuple[ConfigurationItem, ...]:
    """GroupConfigurationItem dicts as domain items."""
    return tuple(
        ConfigurationItem(type=item["Type"], parameters=tuple(
            (p["Name"], tuple(p.get("Values", ()))) for p in item.get("Parameters", ())))
        for item in items or ()
    )


def group_out(group: ResourceGroup) -> dict[str, Any]:
    """The Group shape."""
    return {"GroupArn": group.arn, "Name": group.name, "Description": group.description or None,
            "Criticality": group.criticality, "Owner": group.owner, "DisplayName": group.display_name}


def configuration_out(group: ResourceGroup) -> dict[str, Any]:
    """The GroupConfiguration shape (configurations take effect at once)."""
    items = [{"Type": item.type,
              "Parameters": [{"Name": name, "Values": list(values)} for name, values in item.parameters]}
             for item in group.configuration.items]
    return {"Configuration": items, "Status": "UPDATE_COMPLETE"}


def _identifier(params: Params) -> str:
    identifier = params.get("Group") or params.get("GroupName")
    if not identifier:
        raise bad_request_exception("The request must name the group in Group")
    return identifier


@operation("resource-groups", "CreateGroup")
def create_group(call: Call, params: Params) -> Response:
    group = _service(call).create(
        call.account_id, params["Name"], configuration=configuration_in(params.get("Configuration")),
        resource_query=params.get("ResourceQuery") is not None, description=params.get("Description", ""),
        tags=params.get("Tags"), criticality=params.get("Criticality"), owner=params.get("Owner"),
        display_name=params.get("DisplayName"),
    )
    call.resource_id = group.arn
    return {"Group": group_out(group), "Tags": dict(group.tags), "GroupConfiguration": configuration_out(group)}


@operation("resource-groups", "GetGroup")
def get_group(call: Call, params: Params) -> Response:
    group = _service(call).get(call.account_id, _identifier(params))
    call.resource_id = group.arn
    return {"Group": group_out(group)}


@operation("resource-groups", "ListGroups")
def list_groups(call: Call, params: Params) -> Response:
    filters = filters_in(params.get("Filters"))
    for name, _ in filters:
        if name not in _GROUP_FILTERS:
            raise bad_request_exception(f"Filter {name!r} is not valid; valid filters: {', '.join(_GROUP_FILTERS)}")
    groups = _service(call).list(call.account_id, filters)
    page, token = call.page(params, groups)
    return {"GroupIdentifiers": [{"GroupName": g.name, "GroupArn": g.arn, "Description": g.description or None,
                                  "Criticality": g.criticality, "Owner": g.owner, "DisplayName": g.display_name}
                                 for g in page],
            "Groups": [group_out(g) for g in page], **token}


@operation("resource-groups", "GetGroupConfiguration")
def get_group_configuration(call: Call, params: Params) -> Response:
    group = _service(call).get(call.account_id, _identifier(params))
    call.resource_id = group.arn
    return {"GroupConfiguration": configuration_out(group)}


@operation("resource-groups", "PutGroupConfiguration")
def put_group_configuration(call: Call, params: Params) -> Response:
    identifier = _identifier(params)
    call.resource_id = identifier
    _service(call).put_configuration(call.account_id, identifier, configuration_in(params.get("Configuration")))
    return {}


@operation("resource-groups", "DeleteGroup")
def delete_group(call: Call, params: Params) -> Response:
    group = _service(call).delete(call.account_id, _identifier(params))
    call.resource_id = group.arn
    return {"Group": group_out(group)}


@operation("resource-groups", "GroupResources")
def group_resources(call: Call, params: Params) -> Response:
    service = _service(call)
    group = service.get(call.account_id, params["Group"], write=True)
    call.resource_id = group.arn
    succeeded, failed, pending = service.membership.add(group, params["ResourceArns"])
    return {"Succeeded": succeeded or None, "Failed": _failed(failed),
            "Pending": [{"ResourceArn": arn} for arn in pending]}


@operation("resource-groups", "UngroupResources")
def ungroup_resources(call: Call, params: Params) -> Response:
    service = _service(call)
    group = service.get(call.account_id, params["Group"], write=True)
    call.resource_id = group.arn
    succeeded, failed = service.membership.remove(group, params["ResourceArns"])
    return {"Succeeded": succeeded or None, "Failed": _failed(failed), "Pending": []}


def _failed(failures: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"ResourceArn": arn, "ErrorCode": code, "ErrorMessage": message} for arn, code, message in failures]


@operation("resource-groups", "ListGroupResources")
def list_group_resources(call: Call, params: Params) -> Response:
    service = _service(call)
    group = service.get(call.account_id, _identifier(params))
    call.resource_id = group.arn
    for name, values in filters_in(params.get("Filters")):
        unknown = [v for v in values if v != EC2_HOST]
        if name != "resource-type" or unknown:
            raise bad_request_exception(f"Filter {name}={values} does not apply to group {group.name}, which holds "
                                        f"only {EC2_HOST} resources")
    page, token = call.page(params, service.membership.resources(group))
    identifiers = [{"ResourceArn": host.arn, "ResourceType": EC2_HOST} for host, _ in page]
    resources = [{"Identifier": identifier, "Status": {"Name": "PENDING"} if pending else None}
                 for identifier, (_, pending) in zip(identifiers, page, strict=True)]
    return {"Resources": resources, "ResourceIdentifiers": identifiers, **token}


@operation("resource-groups", "Tag")
def tag(call: Call, params: Params) -> Response:
    group = _service(call).tag(call.account_id, params["Arn"], params["Tags"])
    call.resource_id = group.arn
    return {"Arn": group.arn, "Tags": dict(params["Tags"])}


@operation("resource-groups", "Untag")
def untag(call: Call, params: Params) -> Response:
    group = _service(call).untag(call.account_id, params["Arn"], params["Keys"])
    call.resource_id = group.arn
    return {"Arn": group.arn, "Keys": list(params["Keys"])}


@operation("resource-groups", "GetTags")
def get_tags(call: Call, params: Params) -> Response:
    group = _service(call).tags(call.account_id, params["Arn"])
    call.resource_id = group.arn
    return {"Arn": group.arn, "Tags": dict(group.tags)}
