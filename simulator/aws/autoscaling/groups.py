"""Auto Scaling group operations: CreateAutoScalingGroup, UpdateAutoScalingGroup,
SetDesiredCapacity, DeleteAutoScalingGroup, DescribeAutoScalingGroups,
DescribeAutoScalingInstances, TerminateInstanceInAutoScalingGroup, AttachInstances,
DetachInstances, SuspendProcesses, ResumeProcesses."""

from __future__ import annotations

from typing import Any

from simulator.aws.autoscaling.common import (
    activity_out,
    group_tags,
    launch_out,
    launch_spec,
    member_out,
    refuse_unmodelled,
    service,
)
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import zone_named
from simulator.world.autoscaling import AutoScalingGroup, GroupSettings
from simulator.world.autoscaling.errors import validation_error
from simulator.world.filters import compile_filters

_MODELLED = {"AutoScalingGroupName", "LaunchTemplate", "MixedInstancesPolicy", "MinSize", "MaxSize",
             "DesiredCapacity", "DefaultCooldown", "AvailabilityZones", "AvailabilityZoneIds", "VPCZoneIdentifier",
             "HealthCheckGracePeriod", "TerminationPolicies", "NewInstancesProtectedFromScaleIn", "Tags",
             "DefaultInstanceWarmup", "ServiceLinkedRoleARN"}


def _settings(call: Call, params: Params) -> GroupSettings:
    refuse_unmodelled(params, _MODELLED)
    role = params.get("ServiceLinkedRoleARN")
    if role is not None and not role.endswith("/AWSServiceRoleForAutoScaling"):
        raise validation_error("ServiceLinkedRoleARN: only the default AWSServiceRoleForAutoScaling role is simulated")
    zones = params.get("AvailabilityZones")
    if params.get("AvailabilityZoneIds"):
        if zones:
            raise validation_error("Give AvailabilityZones or AvailabilityZoneIds, not both")
        zones = []
        for zone_id in params["AvailabilityZoneIds"]:
            named = zone_named(zone_id)
            if named is None or not named.startswith(call.region):
                raise validation_error(f"Invalid availability zone id {zone_id!r} (AvailabilityZoneIds)")
            zones.append(named)
    identifier = params.get("VPCZoneIdentifier")
    subnets = tuple(s.strip() for s in identifier.split(",") if s.strip()) if identifier else None
    policies = params.get("TerminationPolicies")
    return GroupSettings(
        launch=launch_spec(params), min_size=params.get("MinSize"), max_size=params.get("MaxSize"),
        desired=params.get("DesiredCapacity"), zones=tuple(zones) if zones else None, subnet_ids=subnets,
        default_cooldown=params.get("DefaultCooldown"), health_check_grace_period=params.get("HealthCheckGracePeriod"),
        termination_policies=tuple(policies) if policies else None,
        new_instances_protected=params.get("NewInstancesProtectedFromScaleIn"),
        default_instance_warmup=params.get("DefaultInstanceWarmup"),
    )


def group_out(call: Call, group: AutoScalingGroup, instances: bool = True) -> dict[str, Any]:
    """The AutoScalingGroup shape."""
    return {
        "AutoScalingGroupName": group.name, "AutoScalingGroupARN": group.arn, **launch_out(call, group.launch),
        "MinSize": group.min_size, "MaxSize": group.max_size, "DesiredCapacity": group.desired,
        "DefaultCooldown": group.default_cooldown, "AvailabilityZones": list(group.zones),
        "LoadBalancerNames": [], "TargetGroupARNs": [], "HealthCheckType": "EC2",
        "HealthCheckGracePeriod": group.health_check_grace_period,
        "Instances": [member_out(m, group) for m in group.members.values()] if instances else None,
        "CreatedTime": group.created_at,
        "SuspendedProcesses": [{"ProcessName": p, "SuspensionReason": r} for p, r in group.suspended.items()],
        "VPCZoneIdentifier": group.vpc_zone_identifier or ",".join(s.subnet_id for s in group.subnets),
        "EnabledMetrics": [], "Status": group.status,
        "Tags": [{"ResourceId": group.name, "ResourceType": "auto-scaling-group", "Key": t.key, "Value": t.value,
                  "PropagateAtLaunch": t.propagate} for t in group.tags],
        "TerminationPolicies": list(group.termination_policies),
        "NewInstancesProtectedFromScaleIn": group.new_instances_protected,
        "ServiceLinkedRoleARN": f"arn:aws:iam::{group.account_id}:role/aws-service-role/"
                                "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        "CapacityRebalance": False, "DefaultInstanceWarmup": group.default_instance_warmup, "TrafficSources": [],
    }


@operation("autoscaling", "CreateAutoScalingGroup")
def create_auto_scaling_group(call: Call, params: Params) -> Response:
    name = params["AutoScalingGroupName"]
    settings = _settings(call, params)
    tags = group_tags(params.get("Tags"), name)
    service(call).create(call.account_id, name, settings, tags)
    call.resource_id = name
    return {}


@operation("autoscaling", "UpdateAutoScalingGroup")
def update_auto_scaling_group(call: Call, params: Params) -> Response:
    service(call).update(call.account_id, params["AutoScalingGroupName"], _settings(call, params))
    call.resource_id = params["AutoScalingGroupName"]
    return {}


@operation("autoscaling", "SetDesiredCapacity")
def set_desired_capacity(call: Call, params: Params) -> Response:
    service(call).set_desired(call.account_id, params["AutoScalingGroupName"], params["DesiredCapacity"],
                              bool(params.get("HonorCooldown")))
    call.resource_id = params["AutoScalingGroupName"]
    return {}


@operation("autoscaling", "DeleteAutoScalingGroup")
def delete_auto_scaling_group(call: Call, params: Params) -> Response:
    service(call).delete(call.account_id, params["AutoScalingGroupName"], bool(params.get("ForceDelete")))
    call.resource_id = params["AutoScalingGroupName"]
    return {}


_GROUP_FILTERS = {"tag-key": lambda g: [t.key for t in g.tags], "tag-value": lambda g: [t.value for t in g.tags]}


@operation("autoscaling", "DescribeAutoScalingGroups")
def describe_auto_scaling_groups(call: Call, params: Params) -> Response:
    refuse_unmodelled(params, {"AutoScalingGroupNames", "IncludeInstances", "NextToken", "MaxRecords", "Filters"},
                      defaults={"IncludeManagedResources": False})
    groups = list(service(call).account_groups(call.account_id).values())
    names = params.get("AutoScalingGroupNames")
    if names:
        groups = [g for g in groups if g.name in names]
    filters = []
    for f in params.get("Filters") or ():
        name, values = f.get("Name", ""), list(f.get("Values") or [])
        if name.startswith("tag:"):
            key = name[4:]
            groups = [g for g in groups if any(t.key == key and t.value in values for t in g.tags)]
        else:
            filters.append((name, values))
    try:
        matches = compile_filters(filters, _GROUP_FILTERS, "DescribeAutoScalingGroups", taggable=False)
    except Exception as error:
        raise validation_error(str(getattr(error, "message", error))) from None
    page, token = call.page(params, [g for g in groups if matches(g)])
    include = params.get("IncludeInstances", True)
    return {"AutoScalingGroups": [group_out(call, g, include) for g in page], **token}


@operation("autoscaling", "DescribeAutoScalingInstances")
def describe_auto_scaling_instances(call: Call, params: Params) -> Response:
    wanted = params.get("InstanceIds")
    rows = [(g, m) for g in service(call).account_groups(call.account_id).values() for m in g.members.values()
            if not wanted or m.instance_id in wanted]
    page, token = call.page(params, rows)
    return {"AutoScalingInstances": [member_out(m, g, with_group=True) for g, m in page], **token}


@operation("autoscaling", "TerminateInstanceInAutoScalingGroup")
def terminate_instance_in_auto_scaling_group(call: Call, params: Params) -> Response:
    if params.get("InstanceIds"):
        raise validation_error("InstanceIds is not simulated; terminate one InstanceId per call")
    if not params.get("InstanceId"):
        raise validation_error("InstanceId is required")
    activity = service(call).members.terminate_instance(call.account_id, params["InstanceId"],
                                                params["ShouldDecrementDesiredCapacity"])
    call.resource_id = params["InstanceId"]
    return {"Activity": activity_out(activity)}


@operation("autoscaling", "AttachInstances")
def attach_instances(call: Call, params: Params) -> Response:
    ids = params.get("InstanceIds") or []
    if ids:
        service(call).members.attach(call.account_id, params["AutoScalingGroupName"], ids)
    call.resource_id = " ".join(ids)
    return {}


@operation("autoscaling", "DetachInstances")
def detach_instances(call: Call, params: Params) -> Response:
    ids = params.get("InstanceIds") or []
    activities = service(call).members.detach(call.account_id, params["AutoScalingGroupName"], ids,
                                      params["ShouldDecrementDesiredCapacity"]) if ids else []
    call.resource_id = " ".join(ids)
    return {"Activities": [activity_out(a) for a in activities]}


@operation("autoscaling", "SuspendProcesses")
def suspend_processes(call: Call, params: Params) -> Response:
    service(call).suspend(call.account_id, params["AutoScalingGroupName"], params.get("ScalingProcesses"))
    call.resource_id = params["AutoScalingGroupName"]
    return {}


@operation("autoscaling", "ResumeProcesses")
def resume_processes(call: Call, params: Params) -> Response:
    service(call).resume(call.account_id, params["AutoScalingGroupName"], params.get("ScalingProcesses"))
    call.resource_id = params["AutoScalingGroupName"]
    return {}
