"""EC2 tag operations: CreateTags, DeleteTags, DescribeTags."""

from __future__ import annotations

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in, tags_in
from simulator.core.errors import ServiceError


def _resources(params: Params) -> list[str]:
    resources = params.get("Resources") or []
    if not resources:
        raise ServiceError("MissingParameter", "The request must contain the parameter Resources")
    return resources


@operation("ec2", "CreateTags")
def create_tags(call: Call, params: Params) -> Response:
    resources = _resources(params)
    tags = tags_in(params.get("Tags"), "InvalidParameterValue")
    if not tags:
        raise ServiceError("MissingParameter", "The request must contain the parameter Tags")
    call.ec2.tags.create_tags(call.account_id, resources, tags)
    call.resource_id = " ".join(params["Resources"])
    return {}


@operation("ec2", "DeleteTags")
def delete_tags(call: Call, params: Params) -> Response:
    resources = _resources(params)
    given = params.get("Tags")  # EC2's query protocol cannot tell an empty list from none: all tags go
    tags = [(t.get("Key", ""), t.get("Value")) for t in given] if given else None
    call.ec2.tags.delete_tags(call.account_id, resources, tags)
    call.resource_id = " ".join(params["Resources"])
    return {}


@operation("ec2", "DescribeTags")
def describe_tags(call: Call, params: Params) -> Response:
    rows = call.ec2.tags.describe(call.account_id, filters_in(params.get("Filters")))
    page, token = call.page(params, rows)
    return {"Tags": [{"ResourceId": r, "ResourceType": t, "Key": k, "Value": v} for r, t, k, v in page], **token}
