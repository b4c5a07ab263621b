"""EC2 launch template operations: CreateLaunchTemplate, DescribeLaunchTemplates,
CreateLaunchTemplateVersion, DescribeLaunchTemplateVersions, ModifyLaunchTemplate,
DeleteLaunchTemplateVersions, DeleteLaunchTemplate."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import tag_specifications
from simulator.aws.ec2.launch_data import given_fields, launch_parameters, launch_template_data_out
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.ec2 import LaunchTemplate, LaunchTemplateVersion
from simulator.world.ec2.errors import not_simulated

_PREFIX = "LaunchTemplateData."


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


def version_out(template: LaunchTemplate, version: LaunchTemplateVersion) -> dict[str, Any]:
    """The LaunchTemplateVersion shape."""
    return {"LaunchTemplateId": template.template_id, "LaunchTemplateName": template.name,
            "VersionNumber": version.number, "VersionDescription": version.description or None,
            "CreateTime": version.created_at, "CreatedBy": version.created_by,
            "DefaultVersion": version.number == template.default_version,
            "LaunchTemplateData": launch_template_data_out(version.parameters)}


def _warning(errors: list[ServiceError]) -> dict[str, Any] | None:
    if not errors:
        return None
    return {"Errors": [{"Code": e.code, "Message": e.message} for e in errors]}


def _template(call: Call, params: Params) -> LaunchTemplate:
    return call.ec2.templates.get(call.account_id, params.get("LaunchTemplateId"), params.get("LaunchTemplateName"))


def _refuse_resolve_alias(params: Params) -> None:
    if params.get("ResolveAlias"):
        raise not_simulated("ResolveAlias", "AMIs are named by id, not by Systems Manager parameter")


@operation("ec2", "CreateLaunchTemplate")
def create_launch_template(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("launch-template",))
    parameters = launch_parameters(params["LaunchTemplateData"], template=True, prefix=_PREFIX,
                                   account_id=call.account_id)
    template = call.ec2.templates.create(
        call.account_id,
        params["LaunchTemplateName"],
        parameters,
        version_description=params.get("VersionDescription", ""),
        tags=tags.get("launch-template"),
        principal=call.principal,
    )
    call.resource_id = template.template_id
    return {"LaunchTemplate": launch_template_out(template),
            "Warning": _warning(call.ec2.template_versions.warnings(call.account_id, parameters))}


@operation("ec2", "DescribeLaunchTemplates")
def describe_launch_templates(call: Call, params: Params) -> Response:
    templates = call.ec2.templates.describe(
        call.account_id, params.get("LaunchTemplateIds"), params.get("LaunchTemplateNames"),
        filters_in(params.get("Filters")),
    )
    page, token = call.page(params, templates)
    return {"LaunchTemplates": [launch_template_out(t) for t in page], **token}


@operation("ec2", "CreateLaunchTemplateVersion")
def create_launch_template_version(call: Call, params: Params) -> Response:
    _refuse_resolve_alias(params)
    template = _template(call, params)
    data = params["LaunchTemplateData"]
    parameters = launch_parameters(data, template=True, prefix=_PREFIX, account_id=call.account_id)
    versions = call.ec2.template_versions
    version = versions.create(call.account_id, template, parameters, given_fields(data), params.get("SourceVersion"),
                              params.get("VersionDescription", ""), call.principal)
    call.resource_id = template.template_id
    return {"LaunchTemplateVersion": version_out(template, version),
            "Warning": _warning(versions.warnings(call.account_id, version.parameters))}


@operation("ec2", "DescribeLaunchTemplateVersions")
def describe_launch_template_versions(call: Call, params: Params) -> Response:
    _refuse_resolve_alias(params)
    named = params.get("LaunchTemplateId") or params.get("LaunchTemplateName")
    template = _template(call, params) if named else None
    found = call.ec2.template_versions.describe(call.account_id, template, params.get("Versions"),
                                                params.get("MinVersion"), params.get("MaxVersion"),
                                                filters_in(params.get("Filters")))
    page, token = call.page(params, found)
    return {"LaunchTemplateVersions": [version_out(t, v) for t, v in page], **token}


@operation("ec2", "ModifyLaunchTemplate")
def modify_launch_template(call: Call, params: Params) -> Response:
    if params.get("LaunchTemplateId") and params.get("LaunchTemplateName"):
        raise ServiceError("InvalidParameterCombination", "Specify either LaunchTemplateId or LaunchTemplateName, "
                           "not both")
    template = _template(call, params)
    if params.get("DefaultVersion") is not None:
        call.ec2.template_versions.set_default(template, params["DefaultVersion"])
    call.resource_id = template.template_id
    return {"LaunchTemplate": launch_template_out(template)}


@operation("ec2", "DeleteLaunchTemplateVersions")
def delete_launch_template_versions(call: Call, params: Params) -> Response:
    template = _template(call, params)
    deleted, failed = call.ec2.template_versions.delete_versions(template, params.get("Versions") or [])
    call.resource_id = template.template_id
    ids = {"LaunchTemplateId": template.template_id, "LaunchTemplateName": template.name}
    return {
        "SuccessfullyDeletedLaunchTemplateVersions": [{**ids, "VersionNumber": n} for n in deleted],
        "UnsuccessfullyDeletedLaunchTemplateVersions": [
            {**ids, "VersionNumber": int(v) if v.isascii() and v.isdigit() and len(v) <= 18 else None,
             "ResponseError": {"Code": code, "Message": message}} for v, code, message in failed],
    }


@operation("ec2", "DeleteLaunchTemplate")
def delete_launch_template(call: Call, params: Params) -> Response:
    template = _template(call, params)
    call.ec2.template_versions.delete_template(template)
    call.resource_id = template.template_id
    return {"LaunchTemplate": launch_template_out(template)}
