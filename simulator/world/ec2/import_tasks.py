"""VM Import/Export: ImportImage tasks that turn your own VM image into an imported AMI."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.core.billing import (
    LINUX_UNIX,
    USAGE_OPERATIONS,
    is_windows,
    license_type_of,
)
from simulator.core.validation import check_enum, check_id
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import invalid_conversion_task_id, invalid_parameter, invalid_parameter_value
from simulator.world.ec2.image import ARCHITECTURES, ImageSource, ImageState
from simulator.world.ec2.images import ImageService
from simulator.world.ec2.import_task import ImportImageTask
from simulator.world.filters import compile_filters

IMPORT_PLATFORMS = ("Windows", "Linux")
IMPORT_LICENSE_TYPES = ("AWS", "BYOL")


def import_license(platform: str | None, license_type: str | None,
                   usage_operation: str | None) -> tuple[str, str, str]:
    """The platform, license type and usage operation of an import, each given or defaulted
    from the others as VM Import/Export does: the platform from the usage operation (Linux
    otherwise); the license type from the usage operation, else AWS for Windows and BYOL for
    Linux; the usage operation from both.

    Raises:
        ServiceError: InvalidParameterValue for an unknown platform, license type or usage
            operation, or a usage operation that does not fit the platform or the license type.
    """
    if usage_operation is not None:
        check_enum("UsageOperation", usage_operation, USAGE_OPERATIONS)
    if platform is None:
        platform = "Windows" if usage_operation and is_windows(usage_operation) else "Linux"
    check_enum("Platform", platform, IMPORT_PLATFORMS)
    if license_type is not None:
        check_enum("LicenseType", license_type, IMPORT_LICENSE_TYPES)
    if usage_operation is not None and is_windows(usage_operation) != (platform == "Windows"):
        raise invalid_parameter_value(f"UsageOperation {usage_operation} ({USAGE_OPERATIONS[usage_operation]}) does "
                                      f"not fit Platform {platform}")
    implied = license_type_of(usage_operation) if usage_operation is not None else None
    if license_type is not None and usage_operation is not None and implied is not None and license_type != implied:
        raise invalid_parameter_value(f"LicenseType {license_type} does not fit UsageOperation {usage_operation} "
                                      f"({USAGE_OPERATIONS[usage_operation]}), which is {implied}")
    license_type = license_type or implied or ("AWS" if platform == "Windows" else "BYOL")
    if usage_operation is None:
        if platform == "Windows":
            usage_operation = "RunInstances:0002" if license_type == "AWS" else "RunInstances:0800"
        else:
            usage_operation = LINUX_UNIX
    return platform, license_type, usage_operation


_IMPORT_TASK_FILTERS = {
    "task-state": lambda t: t.status,
}



class ImportService:
    """The image import tasks of one region.

    Args:
        ctx: The region's shared plumbing.
        images: Where the imported AMIs appear.
    """

    def __init__(self, ctx: RegionContext, images: ImageService) -> None:
        self.ctx = ctx
        self.images = images
        self.tasks: dict[str, ImportImageTask] = {}

    def start(
        self, account_id: str, *, platform: str | None = None, license_type: str | None = None,
        usage_operation: str | None = None, architecture: str = "x86_64", description: str = "",
        license_configuration_arns: tuple[str, ...] = (), tags: dict[str, str] | None = None,
        disk_containers: int = 1,
    ) -> ImportImageTask:
        """ImportImage: a task that yields an imported AMI after the import delay.

        The platform defaults from the usage operation (Linux otherwise); the license type
        defaults to what the usage operation implies, else AWS for Windows and BYOL for Linux,
        as VM Import/Export does; the usage operation defaults from both.

        Raises:
            ServiceError: InvalidParameter when no disk is given, InvalidParameterValue for
                an unknown platform, license type or usage operation, or a usage operation that
                does not fit the platform or the license type.
        """
        if disk_containers < 1:
            raise invalid_parameter("DiskContainers must name at least one disk (Url or UserBucket)")
        platform, license_type, usage_operation = import_license(platform, license_type, usage_operation)
        check_enum("Architecture", architecture, ARCHITECTURES)
        check_ec2_tags(tags or {})
        now = self.ctx.clock.seconds
        task = ImportImageTask(
            task_id=self.ctx.ids.resource_id("import-ami"),
            account_id=account_id,
            region=self.ctx.region,
            platform=platform,
            license_type=license_type,
            usage_operation=usage_operation,
            architecture=architecture,
            description=description,
            started_at=now,
            completes_at=now + self.ctx.timings.import_image,
            license_configuration_arns=tuple(license_configuration_arns),
            tags=dict(tags or {}),
        )
        self.tasks[task.task_id] = task
        self.ctx.clock.call_later(self.ctx.timings.import_image, self._complete_import, task)
        return task

    def _complete_import(self, task: ImportImageTask) -> None:
        image = self.images.new_image(
            owner_id=task.account_id, name=task.task_id, description=task.description,
            architecture=task.architecture, usage_operation=task.usage_operation,
            source=ImageSource.IMPORTED, state=ImageState.AVAILABLE, tags={}, imported=True,
            import_license_type=task.license_type, ssm_agent=is_windows(task.usage_operation),
            license_configuration_arns=task.license_configuration_arns,
        )
        task.status = "completed"
        task.image_id = image.image_id
        self.images.add(image)

    def describe(
        self, account_id: str, task_ids: Iterable[str] = (),
        filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[ImportImageTask]:
        """DescribeImportImageTasks for ``account_id``.

        Raises:
            ServiceError: InvalidConversionTaskId.Malformed, InvalidConversionTaskId for an
                unknown task, InvalidParameterValue for an unknown filter.
        """
        matches = compile_filters(filters, _IMPORT_TASK_FILTERS, "DescribeImportImageTasks")
        task_ids = list(task_ids)
        if task_ids:
            tasks = []
            for task_id in task_ids:
                check_id(task_id, "import-ami", "InvalidConversionTaskId")
                task = self.tasks.get(task_id)
                if task is None or task.account_id != account_id:
                    raise invalid_conversion_task_id(f"The import task ID '{task_id}' does not exist")
                tasks.append(task)
        else:
            tasks = [t for t in self.tasks.values() if t.account_id == account_id]
        return [t for t in tasks if matches(t)]
