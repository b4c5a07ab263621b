"""AWS CloudTrail operations: the event history (LookupEvents) and trails (CreateTrail,
StartLogging, StopLogging, GetTrailStatus, DescribeTrails)."""

from __future__ import annotations

import json
import re
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.core.errors import ServiceError
from simulator.world.cloudtrail import ApiEvent, CloudTrailService, Trail
from simulator.world.cloudtrail.errors import (
    invalid_home_region_exception,
    invalid_lookup_attributes_exception,
    invalid_time_range_exception,
)
from simulator.world.cloudtrail.records import event_id

_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s]+")
_TYPES = (("i-", "AWS::EC2::Instance"), ("h-", "AWS::EC2::Host"), ("ami-", "AWS::EC2::Ami"),
          ("lt-", "AWS::EC2::LaunchTemplate"), (":license-configuration:", "AWS::LicenseManager::LicenseConfiguration"),
          (":license:", "AWS::LicenseManager::License"), (":grant:", "AWS::LicenseManager::Grant"),
          (":user/", "AWS::IAM::User"), (":role/", "AWS::IAM::Role"), (":policy/", "AWS::IAM::Policy"),
          (":resource-share/", "AWS::RAM::ResourceShare"), (":trail/", "AWS::CloudTrail::Trail"))


def _cloudtrail(call: Call) -> CloudTrailService:
    return call.world.global_services.cloudtrail


def resources(event: ApiEvent) -> list[tuple[str, str]]:
    """``(type, name)`` of the resources an event names: what the call acted on, and the
    ARNs in its request."""
    names = [n for n in event.resource.split() if n]
    names += [v for v in event.params.values() if isinstance(v, str) and _ARN.fullmatch(v)]
    found = []
    for name in dict.fromkeys(names):
        kind = next((t for marker, t in _TYPES if name.startswith(marker) or marker in name), "")
        found.append((kind, name))
    return found


def _matches(event: ApiEvent, index: int, seed: int, key: str, value: str) -> bool:
    identity = event.identity
    if key == "EventName":
        return event.operation == value
    if key == "EventSource":
        return event.source == value
    if key == "ReadOnly":
        return str(event.read_only).lower() == value.lower()
    if key == "Username":
        return identity.username == value
    if key == "AccessKeyId":
        return identity.access_key_id == value
    if key == "EventId":
        return event_id(seed, index) == value
    if key == "ResourceName":
        return any(name == value for _, name in resources(event))
    return any(kind == value for kind, _ in resources(event))  # ResourceType


@operation("cloudtrail", "LookupEvents")
def lookup_events(call: Call, params: Params) -> Response:
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise invalid_lookup_attributes_exception("LookupAttributes can hold one attribute")
    start, end = params.get("StartTime"), params.get("EndTime")
    if start is not None and end is not None and start > end:
        raise invalid_time_range_exception("StartTime must be before EndTime")
    if params.get("MaxResults") is not None and not 1 <= params["MaxResults"] <= 50:
        raise ServiceError("InvalidMaxResultsException", "MaxResults must be from 1 to 50")
    trail = _cloudtrail(call)
    seed = call.backends.ids.seed
    found = trail.lookup(call.account_id, call.region, start, end)
    if params.get("EventCategory") == "insight":
        found = []
    if attributes:
        key, value = attributes[0]["AttributeKey"], attributes[0]["AttributeValue"]
        found = [i for i in found if _matches(trail.event(i), i, seed, key, value)]
    page, token = call.page(params, found)
    events = []
    for index in page:
        event = trail.event(index)
        events.append({
            "EventId": event_id(seed, index), "EventName": event.operation, "ReadOnly": str(event.read_only).lower(),
            "AccessKeyId": event.identity.access_key_id or None, "EventTime": call.clock.to_datetime(event.time),
            "EventSource": event.source, "Username": event.identity.username or None,
            "Resources": [{"ResourceType": kind or None, "ResourceName": name} for kind, name in resources(event)],
            "CloudTrailEvent": json.dumps(trail.record_of(index)),
        })
    return {"Events": events, **token}


def trail_out(trail: Trail) -> dict[str, Any]:
    """The Trail shape."""
    return {
        "Name": trail.name, "S3BucketName": trail.bucket, "S3KeyPrefix": trail.prefix or None,
        "IncludeGlobalServiceEvents": trail.global_events, "IsMultiRegionTrail": trail.multi_region,
        "HomeRegion": trail.home_region, "TrailARN": trail.arn, "LogFileValidationEnabled": False,
        "HasCustomEventSelectors": False, "HasInsightSelectors": False,
        "IsOrganizationTrail": trail.organization_id is not None,
    }


def _trail(call: Call, name: str) -> Trail:
    found = _cloudtrail(call).trail(call.account_id, call.region, name)
    if found.home_region != call.region:
        raise invalid_home_region_exception(f"Trail {found.arn} must be changed in its home region "
                                            f"{found.home_region}")
    call.resource_id = found.arn
    return found


@operation("cloudtrail", "CreateTrail")
def create_trail(call: Call, params: Params) -> Response:
    if params.get("KmsKeyId") or params.get("CloudWatchLogsLogGroupArn") or params.get("SnsTopicName"):
        raise ServiceError("InvalidParameterCombinationException", "KmsKeyId, CloudWatch Logs and SNS delivery of "
                                                                   "trails are not simulated")
    trail = _cloudtrail(call).create_trail(
        call.account_id, call.region, params["Name"], params["S3BucketName"], prefix=params.get("S3KeyPrefix", ""),
        multi_region=params.get("IsMultiRegionTrail", False),
        global_events=params.get("IncludeGlobalServiceEvents", True),
        organization=params.get("IsOrganizationTrail", False),
        tags={t["Key"]: t.get("Value", "") for t in params.get("TagsList") or ()})
    call.resource_id = trail.arn
    out = trail_out(trail)
    return {k: out[k] for k in ("Name", "S3BucketName", "S3KeyPrefix", "IncludeGlobalServiceEvents",
                                "IsMultiRegionTrail", "TrailARN", "LogFileValidationEnabled", "IsOrganizationTrail")}


@operation("cloudtrail", "StartLogging")
def start_logging(call: Call, params: Params) -> Response:
    _cloudtrail(call).start_logging(_trail(call, params["Name"]))
    return {}


@operation("cloudtrail", "StopLogging")
def stop_logging(call: Call, params: Params) -> Response:
    _cloudtrail(call).stop_logging(_trail(call, params["Name"]))
    return {}


@operation("cloudtrail", "GetTrailStatus")
def get_trail_status(call: Call, params: Params) -> Response:
    trail = _cloudtrail(call).trail(call.account_id, call.region, params["Name"])
    when = call.clock.to_datetime
    out: Response = {"IsLogging": trail.logging}
    if trail.started_at is not None:
        out["StartLoggingTime"] = when(trail.started_at)
        out["TimeLoggingStarted"] = when(trail.started_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    if trail.stopped_at is not None:
        out["StopLoggingTime"] = when(trail.stopped_at)
        out["TimeLoggingStopped"] = when(trail.stopped_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    if trail.latest_delivery is not None:
        out["LatestDeliveryTime"] = when(trail.latest_delivery)
        out["LatestDeliveryAttemptTime"] = when(trail.latest_delivery).strftime("%Y-%m-%dT%H:%M:%SZ")
        out["LatestDeliveryAttemptSucceeded"] = out["LatestDeliveryAttemptTime"]
    if trail.delivery_error:
        out["LatestDeliveryError"] = trail.delivery_error
    return out


@operation("cloudtrail", "DescribeTrails")
def describe_trails(call: Call, params: Params) -> Response:
    service = _cloudtrail(call)
    names = params.get("trailNameList") or []
    if names:
        found = []
        visible = service.visible(call.account_id, call.region, True)
        for name in names:
            match = [t for t in visible if name in (t.name, t.arn)]
            found += match
    else:
        found = service.visible(call.account_id, call.region, params.get("includeShadowTrails", True))
    return {"trailList": [trail_out(t) for t in dict.fromkeys(found)]}
