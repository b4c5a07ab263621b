"""Auto Scaling instance refresh operations: StartInstanceRefresh, DescribeInstanceRefreshes."""

from __future__ import annotations

from typing import Any

from simulator.aws.autoscaling.common import group_of, launch_out, launch_spec, refuse_unmodelled, service
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.world.autoscaling import InstanceRefresh
from simulator.world.autoscaling.errors import validation_error

_PREFERENCE_DEFAULTS: dict[str, Any] = {
    "CheckpointPercentages": [], "AutoRollback": False, "ScaleInProtectedInstances": "Ignore",
    "StandbyInstances": "Ignore", "MaxHealthyPercentage": 100, "BakeTime": 0,
}


@operation("autoscaling", "StartInstanceRefresh")
def start_instance_refresh(call: Call, params: Params) -> Response:
    if params.get("Strategy", "Rolling") != "Rolling":
        raise validation_error(f"Strategy {params['Strategy']} is not simulated; use Rolling")
    preferences = params.get("Preferences") or {}
    refuse_unmodelled(preferences, {"MinHealthyPercentage", "InstanceWarmup", "SkipMatching"}, "Preferences.",
                      _PREFERENCE_DEFAULTS)
    desired = params.get("DesiredConfiguration")
    spec = None
    if desired:
        refuse_unmodelled(desired, {"LaunchTemplate", "MixedInstancesPolicy"}, "DesiredConfiguration.")
        spec = launch_spec(desired, "DesiredConfiguration.")
    refresh = service(call).start_refresh(
        call.account_id, params["AutoScalingGroupName"], preferences.get("MinHealthyPercentage", 90),
        preferences.get("InstanceWarmup"), bool(preferences.get("SkipMatching")), spec)
    call.resource_id = params["AutoScalingGroupName"]
    return {"InstanceRefreshId": refresh.refresh_id}


def _refresh_out(call: Call, refresh: InstanceRefresh) -> dict[str, Any]:
    return {"InstanceRefreshId": refresh.refresh_id, "AutoScalingGroupName": refresh.group_name,
            "Status": refresh.status, "StatusReason": refresh.status_reason or None, "StartTime": refresh.start_time,
            "EndTime": refresh.end_time, "PercentageComplete": refresh.percentage,
            "InstancesToUpdate": len(refresh.to_replace), "Strategy": "Rolling",
            "Preferences": {"MinHealthyPercentage": refresh.min_healthy, "InstanceWarmup": refresh.warmup,
                            "SkipMatching": refresh.skip_matching},
            "DesiredConfiguration": launch_out(call, refresh.desired_launch) if refresh.desired_launch else None}


@operation("autoscaling", "DescribeInstanceRefreshes")
def describe_instance_refreshes(call: Call, params: Params) -> Response:
    group = group_of(call, params["AutoScalingGroupName"])
    refreshes = list(reversed(group.refreshes))
    if params.get("InstanceRefreshIds"):
        refreshes = [r for r in refreshes if r.refresh_id in params["InstanceRefreshIds"]]
    return {"InstanceRefreshes": [_refresh_out(call, r) for r in refreshes]}
