"""EC2 AMI operations: DescribeImages, CreateImage, CopyImage, RegisterImage,
DeregisterImage, ModifyImageAttribute, ImportImage, DescribeImportImageTasks."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import license_arns, tag_specifications
from simulator.aws.shapes import filters_in, iso, tags_out
from simulator.core.errors import ServiceError
from simulator.world.ec2 import Image, ImportImageTask


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


@operation("ec2", "DescribeImages")
def describe_images(call: Call, params: Params) -> Response:
    images = call.ec2.images.describe(
        call.account_id, params.get("ImageIds", ()), params.get("Owners", ()),
        params.get("ExecutableUsers", ()), filters_in(params.get("Filters")),
    )
    page, token = call.page(params, images)
    return {"Images": [image_out(im) for im in page], **token}


@operation("ec2", "CreateImage")
def create_image(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("image", "snapshot"))
    image = call.ec2.create_image(
        call.account_id, params["InstanceId"], params["Name"], params.get("Description", ""),
        tags.get("image"),
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "CopyImage")
def copy_image(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("image", "snapshot")).get("image", {})
    if params.get("CopyImageTags"):
        source = call.world.region(params["SourceRegion"]).ec2.images.get(call.account_id, params["SourceImageId"])
        tags = {**source.tags, **tags}
    image = call.ec2.copy_image(
        call.account_id, params["SourceRegion"], params["SourceImageId"], params["Name"],
        params.get("Description"), tags,
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "RegisterImage")
def register_image(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("image", "snapshot"))
    image = call.ec2.images.register(
        call.account_id, params["Name"], params.get("Description", ""),
        params.get("Architecture", "x86_64"), params.get("BillingProducts", ()), tags.get("image"),
    )
    call.resource_id = image.image_id
    return {"ImageId": image.image_id}


@operation("ec2", "DeregisterImage")
def deregister_image(call: Call, params: Params) -> Response:
    call.ec2.images.deregister(call.account_id, params["ImageId"])
    return {"Return": True}


@operation("ec2", "ModifyImageAttribute")
def modify_image_attribute(call: Call, params: Params) -> Response:
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
    users: dict[str, list[str]] = {"Add": [], "Remove": []}
    make_public: bool | None = None
    permission = params.get("LaunchPermission", {})
    for action, public in (("Add", True), ("Remove", False)):
        for item in permission.get(action, ()):
            if item.get("Group") == "all":
                make_public = public
            elif item.get("UserId"):
                users[action].append(item["UserId"])
            else:
                raise ServiceError("InvalidParameterValue", f"LaunchPermission.{action} items need UserId or Group all")
    add_users, remove_users = users["Add"], users["Remove"]
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
def import_image(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("import-image-task",))
    arns = license_arns(params.get("LicenseSpecifications"))
    for arn in arns:  # VM Import/Export attaches license rules: they must exist before the import starts
        call.license_manager.configurations.for_launch(call.account_id, call.region, arn)
    task = call.ec2.imports.start(
        call.account_id,
        platform=params.get("Platform"),
        license_type=params.get("LicenseType"),
        usage_operation=params.get("UsageOperation"),
        architecture=params.get("Architecture", "x86_64"),
        description=params.get("Description", ""),
        license_configuration_arns=arns,
        tags=tags.get("import-image-task"),
        disk_containers=len(params.get("DiskContainers", ())),
    )
    call.resource_id = task.task_id
    out = import_task_out(task, call.clock.seconds)
    out.pop("SnapshotDetails")
    return out


@operation("ec2", "DescribeImportImageTasks")
def describe_import_image_tasks(call: Call, params: Params) -> Response:
    tasks = call.ec2.imports.describe(
        call.account_id, params.get("ImportTaskIds", ()), filters_in(params.get("Filters"))
    )
    page, token = call.page(params, tasks)
    now = call.clock.seconds
    return {"ImportImageTasks": [import_task_out(t, now) for t in page], **token}
