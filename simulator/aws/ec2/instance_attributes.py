"""EC2 instance attribute operations: ModifyInstanceAttribute (InstanceType, UserData,
EbsOptimized, Groups; other attributes refused by name unless given their default),
DescribeInstanceAttribute, RebootInstances, DescribeInstanceStatus."""

from __future__ import annotations

import base64
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.instances import instance_ids, state_out
from simulator.aws.shapes import filters_in
from simulator.core.errors import ServiceError
from simulator.world.ec2 import Instance, InstanceState
from simulator.world.ec2.errors import not_simulated
from simulator.world.ec2.network import zone_id
from simulator.world.filters import compile_filters

#: ModifyInstanceAttribute members that are not modelled, with their default values.
_MODIFY_DEFAULTS: dict[str, Any] = {
    "SourceDestCheck": {"Value": True}, "DisableApiStop": {"Value": False}, "DisableApiTermination": {"Value": False},
    "InstanceInitiatedShutdownBehavior": {"Value": "stop"}, "EnaSupport": {"Value": True},
    "EnclaveOptions": {"Enabled": False},
}
_MODIFY_NOT_SIMULATED = ("BlockDeviceMappings", "Kernel", "Ramdisk", "SriovNetSupport")
#: The Attribute/Value form of ModifyInstanceAttribute: attribute -> the member it stands for.
_ATTRIBUTE_MEMBERS = {"instanceType": "InstanceType", "userData": "UserData", "ebsOptimized": "EbsOptimized",
                      "groupSet": "Groups", "sourceDestCheck": "SourceDestCheck",
                      "disableApiTermination": "DisableApiTermination", "disableApiStop": "DisableApiStop",
                      "instanceInitiatedShutdownBehavior": "InstanceInitiatedShutdownBehavior",
                      "enaSupport": "EnaSupport", "kernel": "Kernel", "ramdisk": "Ramdisk",
                      "sriovNetSupport": "SriovNetSupport", "blockDeviceMapping": "BlockDeviceMappings"}
_STATUS_FILTERS = {
    "availability-zone": lambda i: i[0].availability_zone,
    "instance-state-code": lambda i: i[0].state.code,
    "instance-state-name": lambda i: i[0].state.value,
    "instance-status.reachability": lambda i: _check_detail(i[1]),
    "instance-status.status": lambda i: i[1],
    "system-status.reachability": lambda i: _check_detail(i[1]),
    "system-status.status": lambda i: i[1],
    "event.code": lambda i: None,
}


def _check_detail(status: str) -> str:
    return {"ok": "passed", "initializing": "initializing"}.get(status, "not-applicable")


@operation("ec2", "ModifyInstanceAttribute")
def modify_instance_attribute(call: Call, params: Params) -> Response:
    params = dict(params)
    attribute = params.pop("Attribute", None)
    if attribute is not None:
        if "Value" not in params:
            raise ServiceError("MissingParameter", "The request must contain the parameter Value with Attribute")
        member = _ATTRIBUTE_MEMBERS.get(attribute)
        if member is None:
            raise not_simulated(f"Attribute {attribute}")
        value = params.pop("Value")
        if member == "UserData":
            params[member] = {"Value": value.encode()}
        elif member == "Groups":
            params[member] = [value]
        elif member in ("EbsOptimized", "SourceDestCheck", "EnaSupport") or member.startswith("Disable"):
            params[member] = {"Value": value.lower() == "true"}
        else:
            params[member] = {"Value": value}
    params.pop("Value", None)
    instance_id = params.pop("InstanceId")
    params.pop("DryRun", None)
    changes = {k: v for k, v in params.items() if v is not None}
    for name, value in changes.items():
        if name in _MODIFY_NOT_SIMULATED or (name in _MODIFY_DEFAULTS and value != _MODIFY_DEFAULTS[name]):
            raise not_simulated(name)
    modelled = [n for n in changes if n in ("InstanceType", "UserData", "EbsOptimized", "Groups")]
    if len(modelled) != 1:
        raise ServiceError("InvalidParameterCombination", "Give exactly one attribute to modify: InstanceType, "
                           "UserData, EbsOptimized or Groups" + (f" (got {', '.join(modelled)})" if modelled else ""))
    name = modelled[0]
    attributes = call.ec2.attributes
    if name == "InstanceType":
        attributes.modify_instance_type(call.account_id, instance_id, changes[name].get("Value") or "")
    elif name == "UserData":
        attributes.modify_user_data(call.account_id, instance_id, bytes(changes[name].get("Value") or b""))
    elif name == "EbsOptimized":
        attributes.modify_ebs_optimized(call.account_id, instance_id, bool(changes[name].get("Value")))
    else:
        attributes.modify_groups(call.account_id, instance_id, list(changes[name]))
    call.resource_id = instance_id
    return {}


@operation("ec2", "DescribeInstanceAttribute")
def describe_instance_attribute(call: Call, params: Params) -> Response:
    instance = call.ec2.instances.get(call.account_id, params["InstanceId"])
    attribute = params["Attribute"]
    settings = instance.settings
    values: dict[str, Any] = {
        "instanceType": ("InstanceType", {"Value": instance.instance_type.name}),
        "kernel": ("KernelId", {}),
        "ramdisk": ("RamdiskId", {}),
        "userData": ("UserData", {"Value": base64.b64encode(settings.user_data).decode()}
                     if settings.user_data else {}),
        "disableApiTermination": ("DisableApiTermination", {"Value": False}),
        "disableApiStop": ("DisableApiStop", {"Value": False}),
        "instanceInitiatedShutdownBehavior": ("InstanceInitiatedShutdownBehavior", {"Value": "stop"}),
        "rootDeviceName": ("RootDeviceName", {"Value": settings.root_device_name}),
        "blockDeviceMapping": ("BlockDeviceMappings", [
            {"DeviceName": v.device_name, "Ebs": {"AttachTime": v.create_time, "DeleteOnTermination":
                                                  v.spec.delete_on_termination, "Status": "attached",
                                                  "VolumeId": v.volume_id}}
            for v in call.ec2.volumes.of(instance) if instance.state is not InstanceState.TERMINATED]),
        "productCodes": ("ProductCodes", []),
        "sourceDestCheck": ("SourceDestCheck", {"Value": True}),
        "groupSet": ("Groups", [{"GroupId": g.group_id, "GroupName": g.group_name}
                                for g in settings.security_groups]),
        "ebsOptimized": ("EbsOptimized", {"Value": settings.ebs_optimized}),
        "sriovNetSupport": ("SriovNetSupport", {}),
        "enaSupport": ("EnaSupport", {"Value": True}),
        "enclaveOptions": ("EnclaveOptions", {"Enabled": False}),
    }
    if attribute not in values:
        raise ServiceError("InvalidParameterValue", f"Value ({attribute}) for parameter attribute is invalid. "
                           f"Allowed values: {', '.join(values)}")
    member, value = values[attribute]
    return {"InstanceId": instance.instance_id, member: value}


@operation("ec2", "RebootInstances")
def reboot_instances(call: Call, params: Params) -> Response:
    call.ec2.attributes.reboot(call.account_id, instance_ids(params))
    return {}


def _status_out(instance: Instance, status: str) -> dict[str, Any]:
    detail = [] if status == "not-applicable" else [{"Name": "reachability", "Status": _check_detail(status)}]
    return {
        "AvailabilityZone": instance.availability_zone, "AvailabilityZoneId": zone_id(instance.availability_zone),
        "InstanceId": instance.instance_id, "InstanceState": state_out(instance.state), "Events": [],
        "InstanceStatus": {"Status": status, "Details": detail}, "SystemStatus": {"Status": status, "Details": detail},
    }


@operation("ec2", "DescribeInstanceStatus")
def describe_instance_status(call: Call, params: Params) -> Response:
    if params.get("InstanceIds") and params.get("MaxResults") is not None:
        raise ServiceError("InvalidParameterCombination",
                           "The parameter instancesSet cannot be used with the parameter maxResults")
    matches = compile_filters(filters_in(params.get("Filters")), _STATUS_FILTERS, "DescribeInstanceStatus",
                              taggable=False)
    instances = call.ec2.instances
    selected = (instances.get_many(call.account_id, params["InstanceIds"]) if params.get("InstanceIds")
                else list(instances.account_instances(call.account_id).values()))
    if not params.get("IncludeAllInstances"):
        selected = [i for i in selected if i.state is InstanceState.RUNNING]
    check = call.ec2.attributes.status_check
    rows = [(i, check(i)) for i in selected]
    page, token = call.page(params, [row for row in rows if matches(row)])
    return {"InstanceStatuses": [_status_out(i, status) for i, status in page], **token}
