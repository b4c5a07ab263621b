"""AWS License Manager operations of report generators, over ``simulator.licensing.reports``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in, tags_in, tags_out
from simulator.licensing.reports import ReportGenerator


def _time(moment: datetime | None) -> str | None:
    """The string form of the ReportGenerator's times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def generator_out(g: ReportGenerator) -> dict[str, Any]:
    """The ReportGenerator shape."""
    return {
        "ReportGeneratorName": g.name, "ReportType": list(g.types),
        "ReportContext": {"licenseConfigurationArns": list(g.configuration_arns), "reportStartDate": g.report_start,
                          "reportEndDate": g.report_end},
        "ReportFrequency": {"value": g.value, "period": g.period},
        "LicenseManagerReportGeneratorArn": g.arn, "LastRunStatus": g.last_run_status,
        "LastRunFailureReason": g.last_run_failure_reason,
        "LastReportGenerationTime": _time(g.last_report_generation_time), "ReportCreatorAccount": g.account_id,
        "Description": g.description or None, "S3Location": {"bucket": g.bucket, "keyPrefix": g.key_prefix},
        "CreateTime": _time(g.created_at), "Tags": tags_out(g.tags),
    }


def _definition(params: Params) -> dict[str, Any]:
    context = params["ReportContext"]
    frequency = params["ReportFrequency"]
    return {
        "name": params["ReportGeneratorName"], "types": params["Type"],
        "configuration_arns": context.get("licenseConfigurationArns") or [],
        "asset_groups": context.get("licenseAssetGroupArns") or [], "start": context.get("reportStartDate"),
        "end": context.get("reportEndDate"), "period": frequency.get("period"), "value": frequency.get("value"),
    }


@operation("license-manager", "CreateLicenseManagerReportGenerator")
def create_report_generator(call: Call, params: Params) -> Response:
    generator = call.license_manager.reports.create(
        call.account_id, call.region, **_definition(params), description=params.get("Description") or "",
        tags=tags_in(params.get("Tags"), "InvalidParameterValueException"), client_token=params["ClientToken"])
    call.resource_id = generator.arn
    return {"LicenseManagerReportGeneratorArn": generator.arn}


@operation("license-manager", "GetLicenseManagerReportGenerator")
def get_report_generator(call: Call, params: Params) -> Response:
    arn = params["LicenseManagerReportGeneratorArn"]
    return {"ReportGenerator": generator_out(call.license_manager.reports.get(call.account_id, call.region, arn))}


@operation("license-manager", "ListLicenseManagerReportGenerators")
def list_report_generators(call: Call, params: Params) -> Response:
    found = call.license_manager.reports.list(call.account_id, call.region, filters_in(params.get("Filters")))
    page, token = call.page(params, found)
    return {"ReportGenerators": [generator_out(g) for g in page], **token}


@operation("license-manager", "UpdateLicenseManagerReportGenerator")
def update_report_generator(call: Call, params: Params) -> Response:
    arn = params["LicenseManagerReportGeneratorArn"]
    call.license_manager.reports.update(call.account_id, call.region, arn, **_definition(params),
                                        description=params.get("Description"))
    call.resource_id = arn
    return {}


@operation("license-manager", "DeleteLicenseManagerReportGenerator")
def delete_report_generator(call: Call, params: Params) -> Response:
    arn = params["LicenseManagerReportGeneratorArn"]
    call.license_manager.reports.delete(call.account_id, call.region, arn)
    call.resource_id = arn
    return {}
