"""AWS License Manager operations of license type conversions: CreateLicenseConversionTaskForResource,
GetLicenseConversionTask, ListLicenseConversionTasks, over ``simulator.licensing.conversions``."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.licensing.conversions import ConversionTask


def task_out(task: ConversionTask) -> dict[str, Any]:
    """The LicenseConversionTask shape (also GetLicenseConversionTask's output)."""
    return {
        "LicenseConversionTaskId": task.task_id,
        "ResourceArn": task.resource_arn,
        "SourceLicenseContext": {"UsageOperation": task.path.source},
        "DestinationLicenseContext": {"UsageOperation": task.path.destination},
        "Status": str(task.status),
        "StatusMessage": task.status_message,
        "StartTime": task.start_time,
        "LicenseConversionTime": task.license_conversion_time,
        "EndTime": task.end_time,
    }


@operation("license-manager", "CreateLicenseConversionTaskForResource")
def create_license_conversion_task_for_resource(call: Call, params: Params) -> Response:
    source, destination = params["SourceLicenseContext"], params["DestinationLicenseContext"]
    product_codes = bool(source.get("ProductCodes") or destination.get("ProductCodes"))
    task = call.license_manager.conversions.create(
        call.account_id, call.region, params["ResourceArn"], source.get("UsageOperation"),
        destination.get("UsageOperation"), product_codes=product_codes, principal=call.principal)
    call.resource_id = task.task_id
    return {"LicenseConversionTaskId": task.task_id}


@operation("license-manager", "GetLicenseConversionTask")
def get_license_conversion_task(call: Call, params: Params) -> Response:
    return task_out(call.license_manager.conversions.get(call.account_id, call.region,
                                                         params["LicenseConversionTaskId"]))


@operation("license-manager", "ListLicenseConversionTasks")
def list_license_conversion_tasks(call: Call, params: Params) -> Response:
    filters = [(f.get("Name", ""), list(f.get("Values") or ())) for f in params.get("Filters") or ()]
    tasks = call.license_manager.conversions.list(call.account_id, call.region, filters)
    page, token = call.page(params, tasks)
    return {"LicenseConversionTasks": [task_out(t) for t in page], **token}
