"""Auto Scaling activity operations: DescribeScalingActivities (newest first)."""

from __future__ import annotations

from datetime import datetime

from simulator.aws.autoscaling.common import activity_out, refuse_unmodelled, service
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.core.clock import parse_instant
from simulator.world.autoscaling.errors import validation_error

_FILTERS = ("StartTimeLowerBound", "StartTimeUpperBound", "Status")


def _bound(values: list[str], name: str) -> datetime:
    if len(values) != 1:
        raise validation_error(f"Filter {name} takes one value, got {len(values)}")
    try:
        return parse_instant(values[0])
    except (ValueError, TypeError):
        raise validation_error(f"Filter {name}: {values[0]!r} is not an ISO 8601 timestamp") from None


@operation("autoscaling", "DescribeScalingActivities")
def describe_scaling_activities(call: Call, params: Params) -> Response:
    refuse_unmodelled(params, {"ActivityIds", "AutoScalingGroupName", "IncludeDeletedGroups", "MaxRecords",
                               "NextToken", "Filters"}, defaults={"IncludeManagedResources": False})
    groups = service(call).account_groups(call.account_id)
    name = params.get("AutoScalingGroupName")
    selected = [groups[name]] if name in groups else [] if name else list(groups.values())
    activities = [a for g in selected for a in g.activities]
    if params.get("ActivityIds"):
        activities = [a for a in activities if a.activity_id in params["ActivityIds"]]
    for f in params.get("Filters") or ():
        filter_name, values = f.get("Name", ""), list(f.get("Values") or [])
        if filter_name not in _FILTERS:
            raise validation_error(f"Unknown filter {filter_name!r}; supported: {', '.join(_FILTERS)}")
        if filter_name == "Status":
            if not name:
                raise validation_error("The Status filter can only be used with AutoScalingGroupName")
            activities = [a for a in activities if a.status in values]
        elif filter_name == "StartTimeLowerBound":
            low = _bound(values, filter_name)
            activities = [a for a in activities if a.start_time >= low]
        else:
            high = _bound(values, filter_name)
            activities = [a for a in activities if a.start_time <= high]
    activities.sort(key=lambda a: a.start_time, reverse=True)
    page, token = call.page(params, activities)
    return {"Activities": [activity_out(a) for a in page], **token}
