"""Amazon EC2 operations: request parameters to world calls, world objects to responses."""

from __future__ import annotations

from typing import Any

from simulator.aws.registry import Call, operation
from simulator.aws.shapes import filters_in, iso, listing_scope, paginate, tags_in, tags_out
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.world.ec2 import (
    CpuOptionsRequest,
    DedicatedHost,
    Image,
    ImportImageTask,
    Instance,
    LaunchParameters,
    LaunchTemplate,
    LaunchTemplateRef,
    PlacementRequest,
    StateChange,
)
from simulator.world.ec2.region import InstanceTypeView

# -- requests -------------------------------------------------------------------------------


def _tag_specifications(
    specs: list[dict[str, Any]] | None, allowed: tuple[str, ...], field: str = "TagSpecifications"
) -> dict[str, dict[str, str]]:
    """Tags by resource type; a resource type the operation cannot tag is refused."""
    result: dict[str, dict[str, str]] = {}
    for spec in specs or ():
        resource_type = spec.get("ResourceType", "")
        if resource_type not in allowed:
            raise ServiceError(
                "InvalidParameterValue",
                f"'{resource_type}' is not a valid taggable resource type for {field}; "
                f"allowed here: {', '.join(allowed)}",
            )
        result.setdefault(resource_type, {}).update(tags_in(spec.get("Tags")))
    return result


def _placement(placement: dict[str, Any] | None) -> PlacementRequest | None:
    if not placement:
        return None
    if placement.get("GroupName") or placement.get("GroupId"):
        raise ServiceError(
            "InvalidPlacementGroup.Unknown",
            f"The Placement Group '{placement.get('GroupName') or placement.get('GroupId')}' is unknown.",
        )
    return PlacementRequest(
        availability_zone=placement.get("AvailabilityZone"),
        tenancy=placement.get("Tenancy"),
        host_id=placement.get("HostId"),
        affinity=placement.get("Affinity"),
        host_resource_group_arn=placement.get("HostResourceGroupArn"),
    )


def _cpu_options(cpu: dict[str, Any] | None) -> CpuOptionsRequest | None:
    if not cpu:
        return None
    return CpuOptionsRequest(cpu.get("CoreCount"), cpu.get("ThreadsPerCore"))


def _license_arns(specs: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s["LicenseConfigurationArn"] for s in specs or ()))


def _launch_parameters(data: dict[str, Any], instance_tag_types: tuple[str, ...]) -> LaunchParameters:
    tags = _tag_specifications(data.get("TagSpecifications"), instance_tag_types)
    return LaunchParameters(
        image_id=data.get("ImageId"),
        instance_type=data.get("InstanceType"),
        placement=_placement(data.get("Placement")),
        cpu_options=_cpu_options(data.get("CpuOptions")),
        license_configuration_arns=_license_arns(data.get("LicenseSpecifications")),
        instance_tags=tuple(tags.get("instance", {}).items()),
    )


_RUN_TAG_TYPES = ("instance", "volume", "network-interface", "spot-instances-request")

# -- responses ------------------------------------------------------------------------------


def _state(state: Any) -> dict[str, Any]:
    return {"Code": state.code, "Name": state.value}


def instance_out(instance: Instance, clock: Clock) -> dict[str, Any]:
    """The Instance shape."""
    placement: dict[str, Any] = {
        "AvailabilityZone": instance.availability_zone,
        "GroupName": "",
        "Tenancy": instance.tenancy,
    }
    if instance.host_id:
        placement["HostId"] = instance.host_id
    if instance.affinity:
        placement["Affinity"] = instance.affinity
    if instance.host_resource_group_arn:
        placement["HostResourceGroupArn"] = instance.host_resource_group_arn
    out: dict[str, Any] = {
        "InstanceId": instance.instance_id,
        "ImageId": instance.image.image_id,
        "State": _state(instance.state),
        "PrivateDnsName": "",
        "PublicDnsName": "",
        "StateTransitionReason": "",
        "AmiLaunchIndex": instance.ami_launch_index,
        "ProductCodes": [],
        "InstanceType": instance.instance_type.name,
        "LaunchTime": instance.launch_time,
        "Placement": placement,
        "Monitoring": {"State": "disabled"},
        "Architecture": instance.image.architecture,
        "RootDeviceType": "ebs",
        "RootDeviceName": "/dev/xvda",
        "VirtualizationType": "hvm",
        "Hypervisor": "xen",
        "EbsOptimized": False,
        "EnaSupport": True,
        "CpuOptions": {"CoreCount": instance.core_count, "ThreadsPerCore": instance.threads_per_core},
        "Licenses": [{"LicenseConfigurationArn": arn} for arn in instance.license_configuration_arns],
        "PlatformDetails": instance.platform_details,
        "UsageOperation": instance.usage_operation,
        "UsageOperationUpdateTime": instance.usage_operation_update_time,
    }
    if instance.platform:
        out["Platform"] = instance.platform
    if instance.user_shutdown_at is not None:
        when = clock.to_datetime(instance.user_shutdown_at)
        out["StateTransitionReason"] = f"User initiated ({when:%Y-%m-%d %H:%M:%S} GMT)"
        out["StateReason"] = {"Code": "Client.UserInitiatedShutdown",
                              "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
    if instance.tags:
        out["Tags"] = tags_out(instance.tags)
    return out


def _state_changes(changes: list[StateChange]) -> list[dict[str, Any]]:
    return [
        {"InstanceId": instance.instance_id, "CurrentState": _state(current), "PreviousState": _state(previous)}
        for instance, previous, current in changes
    ]


def image_out(image: Image) -> dict[str, Any]:
    """The Image shape."""
    out: dict[str, Any] = {
        "ImageId": image.image_id,
        "ImageLocation": f"{image.image_owner_alias or image.owner_id}/{image.name}",
        "State": image.state,
        "OwnerId": image.owner_id,
        "CreationDate": iso(image.creation_date),
        "Public": image.public,
        "Architecture": image.architecture,
        "ImageType": "machine",
        "Name": image.name,
        "Description": image.description,
        "RootDeviceType": "ebs",
        "RootDeviceName": "/dev/xvda",
        "VirtualizationType": "hvm",
        "Hypervisor": "xen",
        "EnaSupport": True,
        "BlockDeviceMappings": [],
        "PlatformDetails": image.platform_details,
        "UsageOperation": image.usage_operation,
    }
    if image.platform:
        out["Platform"] = image.platform
    if image.image_owner_alias:
        out["ImageOwnerAlias"] = image.image_owner_alias
    if image.source_instance_id:
        out["SourceInstanceId"] = image.source_instance_id
    if image.source_image_id:
        out["SourceImageId"] = image.source_image_id
        out["SourceImageRegion"] = image.source_region
    if image.tags:
        out["Tags"] = tags_out(image.tags)
    return out


def host_out(host: DedicatedHost, catalog_types: dict[str, Any]) -> dict[str, Any]:
    """The Host shape."""
    capacities = [
        {
            "AvailableCapacity": host.free_slots(spec),
            "InstanceType": spec.name,
            "TotalCapacity": host.total_slots(spec),
        }
        for spec in host.supported_types(catalog_types)
    ]
    properties: dict[str, Any] = {
        "Cores": host.cores,
        "Sockets": host.sockets,
        "TotalVCpus": host.host_type.total_vcpus,
    }
    if host.instance_type is not None:
        properties["InstanceType"] = host.instance_type.name
    else:
        properties["InstanceFamily"] = host.family
    out: dict[str, Any] = {
        "AutoPlacement": host.auto_placement,
        "AvailabilityZone": host.availability_zone,
        "AvailableCapacity": {
            "AvailableInstanceCapacity": capacities,
            "AvailableVCpus": host.available_vcpus,
        },
        "HostId": host.host_id,
        "HostProperties": properties,
        "Instances": [
            {"InstanceId": i.instance_id, "InstanceType": i.instance_type.name, "OwnerId": i.account_id}
            for i in host.instances.values()
        ],
        "State": host.state,
        "AllocationTime": host.allocation_time,
        "HostRecovery": host.host_recovery,
        "AllowsMultipleInstanceTypes": "on" if host.allows_multiple_instance_types else "off",
        "OwnerId": host.account_id,
        "MemberOfServiceLinkedResourceGroup": False,
        "HostMaintenance": "off",
    }
    if host.release_time is not None:
        out["ReleaseTime"] = host.release_time
    if host.tags:
        out["Tags"] = tags_out(host.tags)
    return out


def launch_template_out(template: LaunchTemplate) -> dict[str, Any]:
    """The LaunchTemplate shape."""
    out: dict[str, Any] = {
        "LaunchTemplateId": template.template_id,
        "LaunchTemplateName": template.name,
        "CreateTime": template.created_at,
        "CreatedBy": template.created_by,
        "DefaultVersionNumber": template.default_version,
        "LatestVersionNumber": template.latest_version,
    }
    if template.tags:
        out["Tags"] = tags_out(template.tags)
    return out


def import_task_out(task: ImportImageTask, now: float) -> dict[str, Any]:
    """The ImportImageTask shape (and ImportImage's output)."""
    out: dict[str, Any] = {
        "ImportTaskId": task.task_id,
        "Architecture": task.architecture,
        "Description": task.description,
        "Encrypted": False,
        "LicenseType": task.license_type,
        "Platform": task.platform,
        "Status": task.status,
        "StatusMessage": task.status_message(now),
        "UsageOperation": task.usage_operation,
        "SnapshotDetails": [],
        "LicenseSpecifications": [
            {"LicenseConfigurationArn": arn} for arn in task.license_configuration_arns
        ],
    }
    progress = task.progress(now)
    if progress is not None:
        out["Progress"] = str(progress)
    if task.image_id:
        out["ImageId"] = task.image_id
    if task.tags:
        out["Tags"] = tags_out(task.tags)
    return out


def _instance_type_out(view: InstanceTypeView) -> dict[str, Any]:
    spec = view.spec
    out: dict[str, Any] = {
        "InstanceType": spec.name,
        "CurrentGeneration": True,
        "BareMetal": spec.bare_metal,
        "ProcessorInfo": {"SupportedArchitectures": [spec.architecture]},
        "VCpuInfo": {
            "DefaultVCpus": spec.default_vcpus,
            "DefaultCores": spec.default_cores,
            "DefaultThreadsPerCore": spec.default_threads_per_core,
            "ValidCores": list(spec.valid_cores),
            "ValidThreadsPerCore": list(spec.valid_threads_per_core),
        },
        "MemoryInfo": {"SizeInMiB": spec.memory_mib},
        "DedicatedHostsSupported": view.dedicated_hosts_supported,
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
    }
    if not spec.bare_metal:
        out["Hypervisor"] = spec.hypervisor
    return out


def _page(
    call: Call, params: dict[str, Any], items: list, *, minimum: int, maximum: int,
    default: int | None = None,
) -> tuple[list, str | None]:
    return paginate(
        items, params.get("MaxResults"), params.get("NextToken"),
        scope=listing_scope(call.operation, call.account_id, params), error_code="InvalidParameterValue",
        minimum=minimum, maximum=maximum, default=default,
    )


def _with_token(out: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token:
        out["NextToken"] = token
    return out


# -- instances ------------------------------------------------------------------------------


@operation("ec2", "RunInstances")
def run_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    template = params.get("LaunchTemplate")
    ref = None
    if template:
        ref = LaunchTemplateRef(
            template.get("LaunchTemplateId"), template.get("LaunchTemplateName"), template.get("Version")
        )
    instances = call.ec2.instances.run(
        call.account_id,
        _launch_parameters(params, _RUN_TAG_TYPES),
        min_count=params["MinCount"],
        max_count=params["MaxCount"],
        launch_template=ref,
        principal=call.principal,
    )
    call.resource_id = " ".join(i.instance_id for i in instances)
    return {
        "ReservationId": instances[0].reservation_id,
        "OwnerId": call.account_id,
        "Groups": [],
        "Instances": [instance_out(i, call.clock) for i in instances],
    }


@operation("ec2", "StartInstances")
def start_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    changes = call.ec2.instances.start(call.account_id, params["InstanceIds"], call.principal)
    return {"StartingInstances": _state_changes(changes)}


@operation("ec2", "StopInstances")
def stop_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    changes = call.ec2.instances.stop(call.account_id, params["InstanceIds"], call.principal)
    return {"StoppingInstances": _state_changes(changes)}


@operation("ec2", "TerminateInstances")
def terminate_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    changes = call.ec2.instances.terminate(call.account_id, params["InstanceIds"], call.principal)
    return {"TerminatingInstances": _state_changes(changes)}


@operation("ec2", "DescribeInstances")
def describe_instances(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("InstanceIds") and params.get("MaxResults") is not None:
        raise ServiceError(
            "InvalidParameterCombination",
            "The parameter instancesSet cannot be used with the parameter maxResults",
        )
    instances = call.ec2.instances.describe(
        call.account_id, params.get("InstanceIds"), filters_in(params.get("Filters"))
    )
    page, token = _page(call, params, instances, minimum=5, maximum=1000)
    reservations: dict[str, dict[str, Any]] = {}
    for instance in page:
        reservation = reservations.get(instance.reservation_id)
        if reservation is None:
            reservation = reservations[instance.reservation_id] = {
                "ReservationId": instance.reservation_id,
                "OwnerId": instance.account_id,
                "Groups": [],
                "Instances": [],
            }
        reservation["Instances"].append(instance_out(instance, call.clock))
    return _with_token({"Reservations": list(reservations.values())}, token)


@operation("ec2", "ModifyInstancePlacement")
def modify_instance_placement(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    placement = PlacementRequest(
        tenancy=params.get("Tenancy"),
        host_id=params.get("HostId"),
        affinity=params.get("Affinity"),
        host_resource_group_arn=params.get("HostResourceGroupArn"),
    )
    call.ec2.instances.modify_placement(
        call.account_id, params["InstanceId"], placement, params.get("GroupName") or params.get("GroupId")
    )
    return {"Return": True}


# -- launch templates -----------------------------------------------------------------------


@operation("ec2", "CreateLaunchTemplate")
def create_launch_template(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tag_specifications(params.get("TagSpecifications"), ("launch-template",))
    template = call.ec2.templates.create(
        call.account_id,
        params["LaunchTemplateName"],
        _launch_parameters(params["LaunchTemplateData"], ("instance", "volume", "network-interface")),
        version_description=params.get("VersionDescription", ""),
        tags=tags.get("launch-template"),
        principal=call.principal,
    )
    call.resource_id = template.template_id
    return {"LaunchTemplate": launch_template_out(template)}


@operation("ec2", "DescribeLaunchTemplates")
def describe_launch_templates(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    templates = call.ec2.templates.describe(
        call.account_id, params.get("LaunchTemplateIds"), params.get("LaunchTemplateNames"),
        filters_in(params.get("Filters")),
    )
    page, token = _page(call, params, templates, minimum=1, maximum=200)
    return _with_token({"LaunchTemplates": [launch_template_out(t) for t in page]}, token)


# -- Dedicated Hosts ------------------------------------------------------------------------


@operation("ec2", "AllocateHosts")
def allocate_hosts(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("AvailabilityZoneId") or params.get("OutpostArn") or params.get("AssetIds"):
        raise ServiceError(
            "InvalidParameterCombination",
            "AvailabilityZoneId, OutpostArn and AssetIds are not simulated; use AvailabilityZone",
        )
    tags = _tag_specifications(params.get("TagSpecifications"), ("dedicated-host",))
    hosts = call.ec2.hosts.allocate(
        call.account_id,
        availability_zone=params.get("AvailabilityZone"),
        instance_type=params.get("InstanceType"),
        instance_family=params.get("InstanceFamily"),
        auto_placement=params.get("AutoPlacement", "off"),
        host_recovery=params.get("HostRecovery", "off"),
        quantity=params.get("Quantity", 1),
        tags=tags.get("dedicated-host"),
    )
    call.resource_id = " ".join(h.host_id for h in hosts)
    return {"HostIds": [h.host_id for h in hosts]}


@operation("ec2", "ReleaseHosts")
def release_hosts(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    released, failed = call.ec2.hosts.release(call.account_id, params["HostIds"])
    return {
        "Successful": released,
        "Unsuccessful": [
            {"Error": {"Code": code, "Message": message}, "ResourceId": host_id}
            for host_id, code, message in failed
        ],
    }


@operation("ec2", "DescribeHosts")
def describe_hosts(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("HostIds") and params.get("MaxResults") is not None:
        raise ServiceError(
            "InvalidParameterCombination", "HostIds cannot be used with MaxResults"
        )
    hosts = call.ec2.hosts.describe(call.account_id, params.get("HostIds"), filters_in(params.get("Filter")))
    page, token = _page(call, params, hosts, minimum=5, maximum=500)
    types = call.world.catalog.instance_types
    return _with_token({"Hosts": [host_out(h, types) for h in page]}, token)


# -- images ---------------------------------------------------------------------------------


@operation("ec2", "DescribeImages")
def describe_images(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    images = call.ec2.images.describe(
        call.account_id, params.get("ImageIds", ()), params.get("Owners", ()),
        params.get("ExecutableUsers", ()), filters_in(params.get("Filters")),
    )
    page, token = _page(call, params, images, minimum=5, maximum=1000)
    return _with_token({"Images": [image_out(im) for im in page]}, token)


@operation("ec2", "CreateImage")
def create_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tag_specifications(params.get("TagSpecifications"), ("image", "snapshot"))
    image = call.ec2.create_image(
        call.account_id, params["InstanceId"], params["Name"], params.get("Description", ""),
        tags.get("image"),
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "CopyImage")
def copy_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tag_specifications(params.get("TagSpecifications"), ("image", "snapshot")).get("image", {})
    if params.get("CopyImageTags"):
        source = call.world.ec2(params["SourceRegion"]).images.get(call.account_id, params["SourceImageId"])
        tags = {**source.tags, **tags}
    image = call.ec2.copy_image(
        call.account_id, params["SourceRegion"], params["SourceImageId"], params["Name"],
        params.get("Description"), tags,
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "RegisterImage")
def register_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tag_specifications(params.get("TagSpecifications"), ("image", "snapshot"))
    image = call.ec2.images.register(
        call.account_id, params["Name"], params.get("Description", ""),
        params.get("Architecture", "x86_64"), params.get("BillingProducts", ()), tags.get("image"),
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "DeregisterImage")
def deregister_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    call.ec2.images.deregister(call.account_id, params["ImageId"])
    return {"Return": True}


@operation("ec2", "ModifyImageAttribute")
def modify_image_attribute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    images = call.ec2.images
    image_id = params["ImageId"]
    attribute = params.get("Attribute")
    if params.get("OrganizationArns") or params.get("OrganizationalUnitArns"):
        raise ServiceError(
            "InvalidParameterCombination",
            "Sharing AMIs with organizations or OUs is not simulated; share with account ids",
        )
    description = params.get("Description", {}).get("Value")
    if attribute == "description" or (attribute is None and description is not None):
        if description is None:
            raise ServiceError("MissingParameter", "Description.Value is required for attribute description")
        images.modify_description(call.account_id, image_id, description)
        return {}
    if attribute not in (None, "launchPermission"):
        raise ServiceError(
            "InvalidParameterValue",
            f"Value ({attribute}) for parameter Attribute is invalid. Allowed values: "
            "launchPermission, description",
        )
    add_users: list[str] = []
    remove_users: list[str] = []
    make_public: bool | None = None
    permission = params.get("LaunchPermission", {})
    for item in permission.get("Add", ()):
        if item.get("Group") == "all":
            make_public = True
        elif item.get("UserId"):
            add_users.append(item["UserId"])
        else:
            raise ServiceError("InvalidParameterValue", "LaunchPermission.Add items need UserId or Group all")
    for item in permission.get("Remove", ()):
        if item.get("Group") == "all":
            make_public = False
        elif item.get("UserId"):
            remove_users.append(item["UserId"])
        else:
            raise ServiceError("InvalidParameterValue", "LaunchPermission.Remove items need UserId or Group all")
    operation_type = params.get("OperationType")
    if operation_type is not None:
        if operation_type not in ("add", "remove"):
            raise ServiceError(
                "InvalidParameterValue",
                f"Value ({operation_type}) for parameter OperationType is invalid. Allowed values: add, remove",
            )
        users = params.get("UserIds", [])
        groups = params.get("UserGroups", [])
        if any(g != "all" for g in groups):
            raise ServiceError("InvalidParameterValue", "UserGroups accepts only 'all'")
        (add_users if operation_type == "add" else remove_users).extend(users)
        if groups:
            make_public = operation_type == "add"
    if not add_users and not remove_users and make_public is None:
        raise ServiceError(
            "MissingParameter",
            "ModifyImageAttribute needs LaunchPermission, OperationType with UserIds/UserGroups, "
            "or Description",
        )
    images.modify_launch_permission(call.account_id, image_id, add_users, remove_users, make_public)
    return {}


@operation("ec2", "ImportImage")
def import_image(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = _tag_specifications(params.get("TagSpecifications"), ("import-image-task",))
    task = call.ec2.images.import_image(
        call.account_id,
        platform=params.get("Platform"),
        license_type=params.get("LicenseType"),
        usage_operation=params.get("UsageOperation"),
        architecture=params.get("Architecture", "x86_64"),
        description=params.get("Description", ""),
        license_configuration_arns=_license_arns(params.get("LicenseSpecifications")),
        tags=tags.get("import-image-task"),
        disk_containers=len(params.get("DiskContainers", ())),
    )
    call.resource_id = task.task_id
    out = import_task_out(task, call.clock.seconds)
    out.pop("SnapshotDetails")
    return out


@operation("ec2", "DescribeImportImageTasks")
def describe_import_image_tasks(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tasks = call.ec2.images.describe_import_tasks(
        call.account_id, params.get("ImportTaskIds", ()), filters_in(params.get("Filters"))
    )
    page, token = _page(call, params, tasks, minimum=1, maximum=500)
    now = call.clock.seconds
    return _with_token({"ImportImageTasks": [import_task_out(t, now) for t in page]}, token)


# -- instance types -------------------------------------------------------------------------


@operation("ec2", "DescribeInstanceTypes")
def describe_instance_types(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    views = call.ec2.describe_instance_types(params.get("InstanceTypes"), filters_in(params.get("Filters")))
    page, token = _page(call, params, views, minimum=5, maximum=100, default=100)
    return _with_token({"InstanceTypes": [_instance_type_out(v) for v in page]}, token)
