"""The launch template service: create, look up and describe templates (their versions are
managed by ``launch_template_versions``)."""

from __future__ import annotations

import re

from simulator.core.validation import check_id
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import (
    invalid_launch_template_id_not_found,
    invalid_launch_template_id_version_not_found,
    invalid_launch_template_name_already_exists_exception,
    invalid_launch_template_name_malformed_exception,
    invalid_launch_template_name_not_found_exception,
    invalid_parameter_combination,
    missing_parameter,
)
from simulator.world.ec2.launch_parameters import LaunchParameters, check_launch_parameters
from simulator.world.ec2.launch_template import LaunchTemplate, LaunchTemplateVersion
from simulator.world.filters import compile_filters

_TEMPLATE_NAME = re.compile(r"[a-zA-Z0-9().\-/_]{3,128}")
#: DescribeLaunchTemplates' message when a listed id or name does not exist (EC2 names none).
_SOME_MISSING = "At least one of the launch templates specified in the request does not exist."
_TEMPLATE_FILTERS = {
    "launch-template-name": lambda t: t.name,
    "create-time": lambda t: t.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
}


class LaunchTemplateService:
    """The launch templates of one region.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._by_account: dict[str, dict[str, LaunchTemplate]] = {}

    def account_templates(self, account_id: str) -> dict[str, LaunchTemplate]:
        """The templates of ``account_id`` by id, in creation order."""
        return self._by_account.setdefault(account_id, {})

    def create(
        self, account_id: str, name: str, parameters: LaunchParameters, *,
        version_description: str = "", tags: dict[str, str] | None = None, principal: str = "",
    ) -> LaunchTemplate:
        """CreateLaunchTemplate: a template whose version 1 holds ``parameters``.

        Raises:
            ServiceError: InvalidLaunchTemplateName.MalformedException,
                InvalidLaunchTemplateName.AlreadyExistsException, or a parameter error.
        """
        if not _TEMPLATE_NAME.fullmatch(name):
            raise invalid_launch_template_name_malformed_exception(
                f"LaunchTemplateName {name!r} is invalid: it must be 3 to 128 characters of letters, numbers and ( ) "
                ". - / _")
        templates = self.account_templates(account_id)
        if any(t.name == name for t in templates.values()):
            raise invalid_launch_template_name_already_exists_exception(
                f"Launch template name already in use: {name}")
        check_launch_parameters(self.ctx.catalog, parameters, "LaunchTemplateData.")
        check_ec2_tags(tags or {})
        now = self.ctx.clock.now()
        template = LaunchTemplate(
            template_id=self.ctx.ids.resource_id("lt"),
            name=name,
            account_id=account_id,
            region=self.ctx.region,
            created_at=now,
            created_by=principal,
            versions=[LaunchTemplateVersion(number=1, description=version_description, parameters=parameters,
                                            created_at=now, created_by=principal)],
            tags=dict(tags or {}),
        )
        templates[template.template_id] = template
        return template

    def get(self, account_id: str, template_id: str | None = None, name: str | None = None) -> LaunchTemplate:
        """A template of ``account_id`` by id or by name (exactly one of them).

        Raises:
            ServiceError: MissingParameter, InvalidParameterCombination,
                InvalidLaunchTemplateId.Malformed/NotFound,
                InvalidLaunchTemplateName.NotFoundException.
        """
        if template_id and name:
            raise invalid_parameter_combination("Specify either LaunchTemplateId or LaunchTemplateName, not both")
        templates = self.account_templates(account_id)
        if template_id:
            check_id(template_id, "lt", "InvalidLaunchTemplateId")
            template = templates.get(template_id)
            if template is None:
                raise invalid_launch_template_id_not_found("The specified launch template, with template ID "
                                                           f"{template_id}, does not exist.")
            return template
        if name:
            for template in templates.values():
                if template.name == name:
                    return template
            raise invalid_launch_template_name_not_found_exception(
                f"The specified launch template, with template name {name}, does not exist.")
        raise missing_parameter("The request must contain LaunchTemplateId or LaunchTemplateName")

    @staticmethod
    def version(template: LaunchTemplate, version: str | None) -> LaunchTemplateVersion:
        """A version by number, ``$Latest`` or ``$Default`` (None: the default).

        Raises:
            ServiceError: InvalidLaunchTemplateId.VersionNotFound.
        """
        if version in (None, "$Default"):
            number = template.default_version
        elif version == "$Latest":
            number = template.latest_version
        elif version.isascii() and version.isdigit() and len(version) <= 19:
            number = int(version)
        else:
            number = -1
        for candidate in template.versions:
            if candidate.number == number:
                return candidate
        raise invalid_launch_template_id_version_not_found(f"Could not find launch template version {version} of "
                                                           f"{template.template_id}; use a number from 1 to "
                                                           f"{template.latest_version}, $Latest or $Default")

    def describe(
        self, account_id: str, template_ids: list[str] | None = None,
        names: list[str] | None = None, filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[LaunchTemplate]:
        """DescribeLaunchTemplates for ``account_id``.

        Raises:
            ServiceError: as ``get`` for a listed id or name, InvalidParameterValue for an
                unknown filter.
        """
        matches = compile_filters(filters or (), _TEMPLATE_FILTERS, "DescribeLaunchTemplates")
        if template_ids or names:
            templates = self.account_templates(account_id)
            found = []
            for template_id in template_ids or ():
                check_id(template_id, "lt", "InvalidLaunchTemplateId")
                if template_id not in templates:
                    raise invalid_launch_template_id_not_found(_SOME_MISSING)
                found.append(templates[template_id])
            by_name = {t.name: t for t in templates.values()}
            for name in names or ():
                if name not in by_name:
                    raise invalid_launch_template_name_not_found_exception(_SOME_MISSING)
                found.append(by_name[name])
            selected = list({t.template_id: t for t in found}.values())
        else:
            selected = list(self.account_templates(account_id).values())
        return [t for t in selected if matches(t)]
