"""Request and response pieces the Auto Scaling operations share: launch templates and mixed
instances policies, members the simulator does not model, tags, and the shapes of groups,
instances and activities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.aws import unmodelled
from simulator.aws.dispatch import Call
from simulator.world.autoscaling import Activity, AutoScalingGroup, AutoScalingService, GroupTag, LaunchSpec, Member
from simulator.world.autoscaling.errors import not_simulated, validation_error
from simulator.world.ec2 import LaunchTemplateRef

#: Members of CreateAutoScalingGroup and UpdateAutoScalingGroup that are not modelled, with
#: the value Auto Scaling gives them when they are left out (accepted; any other is refused).
DEFAULTS: dict[str, Any] = {
    "LoadBalancerNames": [], "TargetGroupARNs": [], "HealthCheckType": "EC2", "LifecycleHookSpecificationList": [],
    "MaxInstanceLifetime": 0, "CapacityRebalance": False, "DesiredCapacityType": "units", "TrafficSources": [],
    "AvailabilityZoneDistribution": {"CapacityDistributionStrategy": "balanced-best-effort"},
    "SkipZonalShiftValidation": False, "CapacityReservationSpecification": {"CapacityReservationPreference":
                                                                             "default"},
    "DeletionProtection": "none",
}
_WHY = {"LaunchConfigurationName": "launch configurations; use a launch template",
        "InstanceId": "groups made from an instance; use a launch template", "PlacementGroup": "placement groups",
        "HealthCheckType": "load balancers (EC2 health checks are)"}


def refuse_unmodelled(params: Mapping[str, Any], modelled: set[str], where: str = "",
                      defaults: Mapping[str, Any] | None = None) -> None:
    """Refuse every member outside ``modelled`` whose value is not its default.

    Raises:
        ServiceError: ValidationError naming the member.
    """
    unmodelled.refuse_unmodelled(params, modelled, where, DEFAULTS if defaults is None else defaults, _WHY,
                                 not_simulated)


def template_ref(spec: Mapping[str, Any] | None, field: str) -> LaunchTemplateRef:
    """A LaunchTemplateSpecification (by id or by name; version ``$Default`` if not given).

    Raises:
        ServiceError: ValidationError for neither or both of id and name.
    """
    spec = spec or {}
    template_id, name = spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName")
    if bool(template_id) == bool(name):
        raise validation_error(f"{field}: give exactly one of LaunchTemplateId and LaunchTemplateName")
    return LaunchTemplateRef(template_id, name, spec.get("Version") or "$Default")


def launch_spec(params: Mapping[str, Any], field_prefix: str = "") -> LaunchSpec | None:
    """The LaunchTemplate or MixedInstancesPolicy of a request (None when neither is given).

    Raises:
        ServiceError: ValidationError for both, or for parts of a mixed instances policy the
            simulator does not model (Spot, lowest-price allocation, weights, per-type
            templates, instance requirements).
    """
    template, mixed = params.get("LaunchTemplate"), params.get("MixedInstancesPolicy")
    if template and mixed:
        raise validation_error("Valid requests must contain either LaunchTemplate or MixedInstancesPolicy, not both")
    if template:
        return LaunchSpec(template_ref(template, f"{field_prefix}LaunchTemplate"))
    if not mixed:
        return None
    where = f"{field_prefix}MixedInstancesPolicy."
    refuse_unmodelled(mixed, {"LaunchTemplate", "InstancesDistribution"}, where)
    distribution = mixed.get("InstancesDistribution") or {}
    refuse_unmodelled(distribution, set(), f"{where}InstancesDistribution.", {
        "OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": 0,
        "OnDemandPercentageAboveBaseCapacity": 100, "SpotAllocationStrategy": "lowest-price", "SpotInstancePools": 2})
    inner = mixed.get("LaunchTemplate") or {}
    refuse_unmodelled(inner, {"LaunchTemplateSpecification", "Overrides"}, f"{where}LaunchTemplate.")
    overrides = []
    for index, override in enumerate(inner.get("Overrides") or ()):
        refuse_unmodelled(override, {"InstanceType"}, f"{where}LaunchTemplate.Overrides[{index}].",
                          {"WeightedCapacity": "1"})
        if not override.get("InstanceType"):
            raise validation_error(f"{where}LaunchTemplate.Overrides[{index}].InstanceType is required")
        overrides.append(override["InstanceType"])
    return LaunchSpec(template_ref(inner.get("LaunchTemplateSpecification"),
                                   f"{where}LaunchTemplate.LaunchTemplateSpecification"), tuple(overrides), True)


def group_tags(tags: list[Mapping[str, Any]] | None, group_name: str) -> list[GroupTag]:
    """The Tags of a group.

    Raises:
        ServiceError: ValidationError for a bad key or value, another resource, or past 50.
    """
    result: dict[str, GroupTag] = {}
    for index, tag in enumerate(tags or ()):
        key = tag.get("Key", "")
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            raise validation_error(f"Tags[{index}].Key {key!r} is invalid: 1 to 128 characters, not starting with aws:")
        if len(tag.get("Value") or "") > 256:
            raise validation_error(f"Tags[{index}].Value exceeds 256 characters")
        if tag.get("ResourceId") not in (None, group_name) or tag.get("ResourceType") not in (None,
                                                                                            "auto-scaling-group"):
            raise validation_error(f"Tags[{index}] must be for the auto-scaling-group {group_name}")
        result[key] = GroupTag(key, tag.get("Value") or "", bool(tag.get("PropagateAtLaunch")))
    if len(result) > 50:
        raise validation_error("A group can have at most 50 tags")
    return list(result.values())


def group_of(call: Call, name: str) -> AutoScalingGroup:
    """The caller's group ``name`` (ValidationError when there is none)."""
    return service(call).get(call.account_id, name)


def service(call: Call) -> AutoScalingService:
    """Auto Scaling of the call's region."""
    return call.world.region(call.region).autoscaling


def _template_out(ref: LaunchTemplateRef, version: str | None = None) -> dict[str, Any]:
    return {"LaunchTemplateId": ref.template_id, "LaunchTemplateName": ref.name, "Version": version or ref.version}


def launch_out(call: Call, spec: LaunchSpec) -> dict[str, Any]:
    """The LaunchTemplate or MixedInstancesPolicy member of a group (id and name both shown)."""
    ref = spec.template
    template = call.ec2.templates.account_templates(call.account_id)
    found = next((t for t in template.values() if t.template_id == ref.template_id or t.name == ref.name), None)
    if found is not None:
        ref = LaunchTemplateRef(found.template_id, found.name, ref.version)
    if not spec.mixed:
        return {"LaunchTemplate": _template_out(ref)}
    return {"MixedInstancesPolicy": {
        "LaunchTemplate": {"LaunchTemplateSpecification": _template_out(ref),
                           "Overrides": [{"InstanceType": t} for t in spec.overrides]},
        "InstancesDistribution": {"OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": 0,
                                  "OnDemandPercentageAboveBaseCapacity": 100,
                                  "SpotAllocationStrategy": "lowest-price", "SpotInstancePools": 2}}}


def member_out(member: Member, group: AutoScalingGroup, with_group: bool = False) -> dict[str, Any]:
    """The Instance (or, ``with_group``, AutoScalingInstanceDetails) shape of a member."""
    instance = member.instance
    out: dict[str, Any] = {
        "InstanceId": member.instance_id, "InstanceType": instance.instance_type.name,
        "AvailabilityZone": instance.availability_zone, "LifecycleState": member.lifecycle.value,
        "HealthStatus": member.health, "ProtectedFromScaleIn": member.protected,
    }
    if member.template_id is not None:
        out["LaunchTemplate"] = {"LaunchTemplateId": member.template_id, "Version": str(member.template_version)}
    if with_group:
        out["AutoScalingGroupName"] = group.name
        out["HealthStatus"] = member.health.upper()
    return out


def activity_out(activity: Activity) -> dict[str, Any]:
    """The Activity shape."""
    return {"ActivityId": activity.activity_id, "AutoScalingGroupName": activity.group_name,
            "AutoScalingGroupARN": activity.group_arn, "Description": activity.description, "Cause": activity.cause,
            "StartTime": activity.start_time, "EndTime": activity.end_time, "StatusCode": activity.status,
            "StatusMessage": activity.status_message or None, "Progress": activity.progress,
            "Details": activity.details}
