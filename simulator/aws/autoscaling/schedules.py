"""Auto Scaling scheduled action operations: PutScheduledUpdateGroupAction,
DescribeScheduledActions, DeleteScheduledAction."""

from __future__ import annotations

from simulator.aws.autoscaling.common import group_of
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.core.clock import parse_instant
from simulator.world.autoscaling.errors import validation_error


def _actions(call: Call):
    return call.world.region(call.region).scheduled_actions


@operation("autoscaling", "PutScheduledUpdateGroupAction")
def put_scheduled_update_group_action(call: Call, params: Params) -> Response:
    time, start = params.get("Time"), params.get("StartTime")
    if time is not None and start is not None and time != start:
        raise validation_error("Time and StartTime cannot both be given with different values")
    start = start or time
    _actions(call).put(
        call.account_id, params["AutoScalingGroupName"], params["ScheduledActionName"],
        start_time=parse_instant(start) if start is not None else None,
        end_time=parse_instant(params["EndTime"]) if params.get("EndTime") is not None else None,
        recurrence=params.get("Recurrence"), time_zone=params.get("TimeZone"), min_size=params.get("MinSize"),
        max_size=params.get("MaxSize"), desired=params.get("DesiredCapacity"),
    )
    call.resource_id = params["AutoScalingGroupName"]
    return {}


@operation("autoscaling", "DescribeScheduledActions")
def describe_scheduled_actions(call: Call, params: Params) -> Response:
    if params.get("IncludeManagedResources"):
        raise validation_error("IncludeManagedResources is not simulated")
    start, end = params.get("StartTime"), params.get("EndTime")
    actions = _actions(call).describe(call.account_id, params.get("AutoScalingGroupName"),
                                      params.get("ScheduledActionNames"),
                                      parse_instant(start) if start is not None else None,
                                      parse_instant(end) if end is not None else None)
    page, token = call.page(params, actions)
    return {"ScheduledUpdateGroupActions": [
        {"AutoScalingGroupName": a.group_name, "ScheduledActionName": a.name, "ScheduledActionARN": a.arn,
         "Time": a.next_run, "StartTime": a.next_run or a.start_time, "EndTime": a.end_time,
         "Recurrence": a.recurrence, "MinSize": a.min_size, "MaxSize": a.max_size, "DesiredCapacity": a.desired,
         "TimeZone": a.time_zone} for a in page], **token}


@operation("autoscaling", "DeleteScheduledAction")
def delete_scheduled_action(call: Call, params: Params) -> Response:
    group_of(call, params["AutoScalingGroupName"])
    _actions(call).delete(call.account_id, params["AutoScalingGroupName"], params["ScheduledActionName"])
    call.resource_id = params["AutoScalingGroupName"]
    return {}
