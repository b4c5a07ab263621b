"""EC2 launch template operations: CreateLaunchTemplate, DescribeLaunchTemplates."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import launch_parameters, tag_specifications
from simulator.aws.shapes import filters_in, tags_out
from simulator.world.ec2 import LaunchTemplate


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



@operation("ec2", "CreateLaunchTemplate")
def create_launch_template(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("launch-template",))
    template = call.ec2.templates.create(
        call.account_id,
        params["LaunchTemplateName"],
        launch_parameters(params["LaunchTemplateData"], ("instance", "volume", "network-interface"),
                          "LaunchTemplateData."),
        version_description=params.get("VersionDescription", ""),
        tags=tags.get("launch-template"),
        principal=call.principal,
    )
    call.resource_id = template.template_id
    return {"LaunchTemplate": launch_template_out(template)}


@operation("ec2", "DescribeLaunchTemplates")
def describe_launch_templates(call: Call, params: Params) -> Response:
    templates = call.ec2.templates.describe(
        call.account_id, params.get("LaunchTemplateIds"), params.get("LaunchTemplateNames"),
        filters_in(params.get("Filters")),
    )
    page, token = call.page(params, templates)
    return {"LaunchTemplates": [launch_template_out(t) for t in page], **token}
