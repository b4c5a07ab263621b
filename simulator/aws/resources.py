"""What policy evaluation needs to know of a call: the ARNs of the resources its action
applies to (AWS's "resource types" of each action in the Service Authorization Reference,
for the operations the simulator serves), its condition keys, and each resource's tags.

An operation on no particular resource (a create, a list) applies to ``*``: a statement
naming specific resources does not match it, as in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simulator.core.arn import format_arn, parse_arn

if TYPE_CHECKING:
    from simulator.aws.dispatch import Call

_ANY = ("*",)
#: Members holding ARNs of the resources an operation acts on, by service.
_ARN_MEMBERS = {
    "license-manager": ("LicenseConfigurationArn", "LicenseArn", "GrantArn", "ReportGeneratorArn",
                        "LicenseConversionTaskArn"),
    "ram": ("resourceShareArn", "resourceShareInvitationArn"),
    "iam": ("PolicyArn", "PolicySourceArn"),
    "resource-groups": ("Group", "Arn"),
    "cloudtrail": ("TrailName", "Name"),
}
#: License Manager operations whose ResourceArn is a license configuration (tagging).
_LM_TAGGING = frozenset({"TagResource", "UntagResource", "ListTagsForResource"})


def resources_of(call: Call, params: Mapping[str, Any]) -> tuple[str, ...]:
    """The ARNs of the resources the call's action applies to (``("*",)`` for none)."""
    service, operation = call.service, call.operation
    if service == "ec2":
        return _ec2(call, params)
    if service == "iam":
        found = _iam(call, params)
        return found or _ANY
    if service == "s3":
        return _s3(params)
    if service == "sns":
        return _sns(params)
    found_list: list[str] = []
    if service == "license-manager":
        if operation == "UpdateLicenseSpecificationsForResource":
            found_list = [s["LicenseConfigurationArn"] for key in ("AddLicenseSpecifications",
                                                                    "RemoveLicenseSpecifications")
                          for s in params.get(key) or ()]
        elif operation in _LM_TAGGING:
            found_list = [params["ResourceArn"]]
    for member in _ARN_MEMBERS.get(service, ()):
        value = params.get(member)
        if isinstance(value, str) and value:
            found_list.append(value if value.startswith("arn:") or service != "cloudtrail"
                              else format_arn("cloudtrail", call.region, call.account_id, "trail", value))
    return tuple(dict.fromkeys(found_list)) or _ANY


def _ec2(call: Call, params: Mapping[str, Any]) -> tuple[str, ...]:
    prefix = f"arn:aws:ec2:{call.region}:{call.account_id}:"
    operation = call.operation
    ids = params.get("InstanceIds") or ([params["InstanceId"]] if isinstance(params.get("InstanceId"), str) else [])
    found = [f"{prefix}instance/{i}" for i in ids]
    found += [f"{prefix}dedicated-host/{h}" for h in params.get("HostIds") or ()]
    if operation == "RunInstances":
        found.append(f"{prefix}instance/*")
        image_id = params.get("ImageId")
        if image_id:
            found.append(f"arn:aws:ec2:{call.region}::image/{image_id}")
        found += license_configurations_of_launch(call, params)
    elif operation == "StartInstances":
        instances = call.ec2.instances
        for instance_id in ids:
            instance = instances.lookup(instance_id)
            if instance is not None:
                found += instance.license_configuration_arns
    elif isinstance(params.get("ImageId"), str):
        found.append(f"arn:aws:ec2:{call.region}::image/{params['ImageId']}")
    return tuple(dict.fromkeys(found)) or _ANY


def license_configurations_of_launch(call: Call, params: Mapping[str, Any]) -> list[str]:
    """The license configurations a RunInstances call would attach: those it names, and
    those its AMI is associated with for the account (ec2:RunInstances applies to them)."""
    named = tuple(s["LicenseConfigurationArn"] for s in params.get("LicenseSpecifications") or ())
    image = call.ec2.images.images.get(params.get("ImageId", ""))
    lookup = call.world.license_lookup
    if image is None or lookup is None:
        return list(named)
    try:
        return [info.arn for info in lookup.launch_license_configurations(call.account_id, call.region, image, named)]
    except Exception:  # the launch itself refuses what it cannot attach
        return list(named)


def _s3(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The bucket, or the object, an S3 call is about."""
    bucket = params.get("Bucket")
    if not isinstance(bucket, str) or not bucket:
        return _ANY
    key = params.get("Key")
    return (f"arn:aws:s3:::{bucket}/{key}",) if isinstance(key, str) else (f"arn:aws:s3:::{bucket}",)


def _sns(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The topic an SNS call is about (a subscription's topic for Unsubscribe)."""
    for member in ("TopicArn", "TargetArn"):
        value = params.get(member)
        if isinstance(value, str) and value:
            return (value,)
    subscription = params.get("SubscriptionArn")
    if isinstance(subscription, str) and subscription.count(":") == 6:
        return (subscription.rsplit(":", 1)[0],)
    return _ANY


def _iam(call: Call, params: Mapping[str, Any]) -> tuple[str, ...]:
    account = call.account_id
    found = []
    for member, kind in (("UserName", "user"), ("RoleName", "role"), ("GroupName", "group")):
        name = params.get(member)
        if isinstance(name, str) and name:
            found.append(f"arn:aws:iam::{account}:{kind}/{name}")
    for member in _ARN_MEMBERS["iam"]:
        value = params.get(member)
        if isinstance(value, str) and value:
            found.append(value)
    return tuple(found)


def request_tags(params: Mapping[str, Any]) -> dict[str, str]:
    """The tags a request sets: ``Tags`` (``[{"Key", "Value"}]`` or a map), RAM's
    ``tags`` (``[{"key", "value"}]``), EC2's ``TagSpecifications``."""
    tags: dict[str, str] = {}
    for spec in params.get("TagSpecifications") or ():
        for tag in spec.get("Tags") or ():
            tags[tag.get("Key", "")] = tag.get("Value", "")
    given = params.get("Tags")
    if isinstance(given, Mapping):
        tags.update({str(k): str(v) for k, v in given.items()})
    elif isinstance(given, list):
        tags.update({t.get("Key", ""): t.get("Value", "") for t in given if isinstance(t, Mapping)})
    for tag in params.get("tags") or ():
        if isinstance(tag, Mapping):
            tags[tag.get("key", "")] = tag.get("value", "")
    return tags


class RequestContext:
    """A call's global condition keys (lower case), each worked out when a condition first
    asks for it: ``aws:principalaccount``, ``aws:principalarn``, ``aws:principaltype``,
    ``aws:username``, ``aws:requestedregion``, ``aws:currenttime``, ``aws:epochtime``,
    ``aws:securetransport``, ``aws:requesttag/<key>``, ``aws:tagkeys``."""

    __slots__ = ("_call", "_params", "_values")

    def __init__(self, call: Call, params: Mapping[str, Any]) -> None:
        self._call = call
        self._params = params
        self._values: dict[str, Any] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of the condition key ``key`` (lower case), or ``default``."""
        call = self._call
        if key == "aws:requestedregion":
            return call.region
        if key == "aws:principalaccount":
            return call.account_id
        values = self._values
        if values is None:
            values = self._values = _context(call, self._params)
        return values.get(key, default)


def _context(call: Call, params: Mapping[str, Any]) -> dict[str, Any]:
    principal = call.principal
    now = call.clock.now()
    context: dict[str, Any] = {
        "aws:principalaccount": call.account_id,
        "aws:principalarn": call.session.role.arn if call.session is not None else principal,
        "aws:requestedregion": call.region,
        "aws:currenttime": now,
        "aws:epochtime": int(now.timestamp()),
        "aws:securetransport": True,
        "aws:principaltype": "AssumedRole" if ":assumed-role/" in principal or call.session is not None else
                             "User" if ":user/" in principal else "Role",
    }
    if ":user/" in principal:
        context["aws:username"] = principal.rsplit("/", 1)[-1]
    tags = request_tags(params)
    if tags:
        context["aws:tagkeys"] = list(tags)
        for key, value in tags.items():
            context[f"aws:requesttag/{key.lower()}"] = value
    return context


def request_context(call: Call, params: Mapping[str, Any]) -> RequestContext:
    """The call's global condition keys (lower case), worked out on demand."""
    return RequestContext(call, params)


def resource_context(call: Call, arn: str) -> dict[str, Any]:
    """The condition keys of one resource: its tags as ``aws:ResourceTag/<key>`` and
    ``<service>:ResourceTag/<key>`` (lower case)."""
    tags = resource_tags(call, arn)
    if not tags:
        return {}
    service = arn.split(":", 3)[2] if arn.count(":") >= 3 else ""
    context: dict[str, Any] = {}
    for key, value in tags.items():
        context[f"aws:resourcetag/{key.lower()}"] = value
        if service:
            context[f"{service}:resourcetag/{key.lower()}"] = value
    return context


def resource_tags(call: Call, arn: str) -> dict[str, str]:
    """The tags of the resource ``arn`` names, where the simulator keeps them."""
    pieces = arn.split(":", 5)
    if len(pieces) == 6 and pieces[2] == "ec2" and pieces[5].startswith("instance/") and pieces[3] == call.region:
        instance = call.ec2.instances.lookup(pieces[5][9:])  # the common case, without parsing the ARN
        return dict(instance.tags) if instance is not None else {}
    parts = parse_arn(arn)
    if parts is None:
        return {}
    if parts.service == "license-manager":
        cfg = call.license_manager.state.configurations.get(arn)
        if cfg is not None:
            return dict(cfg.tags)
        lic = call.license_manager.entitlements.state.licenses.get(arn)
        return dict(getattr(lic, "tags", {}) or {})
    if parts.service == "ec2" and parts.resource_id != "*":
        return dict(getattr(call.world.resolve(arn), "tags", {}) or {})
    if parts.service == "iam":
        found_iam = call.world.global_services.iam.principal(arn)
        return dict(getattr(found_iam, "tags", {}) or {})
    return {}
