"""Launch template versions: CreateLaunchTemplateVersion (from a source version, with
overrides), DescribeLaunchTemplateVersions (numbers, ``$Latest``, ``$Default``, ranges),
ModifyLaunchTemplate (the default version), DeleteLaunchTemplateVersions,
DeleteLaunchTemplate, and the warnings CreateLaunchTemplate answers with."""

from __future__ import annotations

from dataclasses import replace

from simulator.core.errors import ServiceError
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import (
    invalid_launch_template_id_version_not_found,
    invalid_parameter_combination,
    invalid_parameter_value,
)
from simulator.world.ec2.images import ImageService
from simulator.world.ec2.launch_parameters import LaunchParameters, check_launch_parameters
from simulator.world.ec2.launch_template import LaunchTemplate, LaunchTemplateVersion
from simulator.world.ec2.launch_templates import LaunchTemplateService
from simulator.world.filters import compile_filters

#: The most versions a launch template may have (Amazon EC2 quotas: 10,000 per template).
MAX_VERSIONS = 10_000
_VERSION_FILTERS = {
    "create-time": lambda v: v[1].created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    "ebs-optimized": lambda v: v[1].parameters.ebs_optimized,
    "iam-instance-profile": lambda v: v[1].parameters.iam_instance_profile,
    "image-id": lambda v: v[1].parameters.image_id,
    "instance-type": lambda v: v[1].parameters.instance_type,
    "is-default-version": lambda v: v[1].number == v[0].default_version,
    "kernel-id": lambda v: None,
    "ram-disk-id": lambda v: None,
}
#: A version of a template, as DescribeLaunchTemplateVersions lists it.
VersionOfTemplate = tuple[LaunchTemplate, LaunchTemplateVersion]


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None


class LaunchTemplateVersions:
    """The versions of the launch templates of one region.

    Args:
        ctx: The region's shared plumbing.
        templates: The region's launch templates.
        images: The region's AMIs (a template's AMI is checked, with a warning, not an error).
    """

    def __init__(self, ctx: RegionContext, templates: LaunchTemplateService, images: ImageService) -> None:
        self.ctx = ctx
        self.templates = templates
        self.images = images

    def warnings(self, account_id: str, parameters: LaunchParameters) -> list[ServiceError]:
        """What a launch from these parameters would be refused for, that EC2 reports as a
        template's ValidationWarning rather than refusing the template: an AMI the account
        cannot launch."""
        if parameters.image_id is None:
            return []
        try:
            self.images.launchable(account_id, parameters.image_id)
        except ServiceError as error:
            return [error]
        return []

    def create(
        self, account_id: str, template: LaunchTemplate, parameters: LaunchParameters, given: frozenset[str],
        source_version: str | None = None, description: str = "", principal: str = "",
    ) -> LaunchTemplateVersion:
        """CreateLaunchTemplateVersion: a new version of ``template`` holding ``parameters``,
        or, with ``source_version``, the source's parameters with the fields in ``given``
        (LaunchParameters field names) replaced by those of ``parameters``.

        Raises:
            ServiceError: InvalidLaunchTemplateId.VersionNotFound for the source, a
                parameter error, InvalidParameterValue past the version quota.
        """
        if source_version is not None:
            source = self.templates.version(template, source_version).parameters
            parameters = replace(source, **{name: getattr(parameters, name) for name in given})
        check_launch_parameters(self.ctx.catalog, parameters, "LaunchTemplateData.")
        if len(template.versions) >= MAX_VERSIONS:
            raise invalid_parameter_value(f"Launch template {template.template_id} has {MAX_VERSIONS} versions, the "
                                          "most it may have; delete some first")
        version = LaunchTemplateVersion(template.next_version, description, parameters, self.ctx.clock.now(),
                                        principal)
        template.versions.append(version)
        template.next_version += 1
        return version

    def set_default(self, template: LaunchTemplate, version: str) -> None:
        """ModifyLaunchTemplate's DefaultVersion.

        Raises:
            ServiceError: InvalidLaunchTemplateId.VersionNotFound.
        """
        number = _number(version)
        if number is None or all(v.number != number for v in template.versions):
            raise invalid_launch_template_id_version_not_found(
                f"Could not find launch template version {version} of {template.template_id} (DefaultVersion)")
        template.default_version = number

    def delete_versions(self, template: LaunchTemplate, versions: list[str]) -> tuple[
            list[int], list[tuple[str, str, str]]]:
        """DeleteLaunchTemplateVersions: the version numbers deleted, and (version, error
        code, message) for each that could not be (the default version, unknown ones)."""
        deleted: list[int] = []
        failed: list[tuple[str, str, str]] = []
        for text in versions:
            number = _number(text)
            if number == template.default_version:
                failed.append((text, "unexpectedError", "Cannot delete the default version of a launch template; make "
                               "another version the default first, or delete the launch template"))
                continue
            kept = [v for v in template.versions if v.number != number]
            if number is None or len(kept) == len(template.versions):
                failed.append((text, "launchTemplateVersionDoesNotExist",
                               f"The specified launch template version {text} does not exist"))
                continue
            template.versions = kept
            deleted.append(number)
        return deleted, failed

    def delete_template(self, template: LaunchTemplate) -> None:
        """DeleteLaunchTemplate: the template and all its versions go (instances launched
        from it keep what they were launched with)."""
        self.templates.account_templates(template.account_id).pop(template.template_id, None)

    def describe(
        self, account_id: str, template: LaunchTemplate | None, versions: list[str] | None = None,
        min_version: str | None = None, max_version: str | None = None,
        filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[VersionOfTemplate]:
        """DescribeLaunchTemplateVersions: the versions of ``template`` named in ``versions``
        (numbers, ``$Latest``, ``$Default``) or within ``[min_version, max_version]`` (all
        without either); without a template, ``$Latest`` and/or ``$Default`` of every
        template of the account.

        Raises:
            ServiceError: InvalidParameterCombination for versions with a range, or for
                anything but $Latest and $Default without a template;
                InvalidLaunchTemplateId.VersionNotFound for a version that does not exist;
                InvalidParameterValue for a bad range bound or an unknown filter.
        """
        matches = compile_filters(filters or (), _VERSION_FILTERS, "DescribeLaunchTemplateVersions", taggable=False)
        if versions and (min_version is not None or max_version is not None):
            raise invalid_parameter_combination("Versions cannot be combined with MinVersion or MaxVersion")
        if template is None:
            aliases = set(versions or ())
            if not aliases or not aliases <= {"$Latest", "$Default"} or min_version or max_version:
                raise invalid_parameter_combination(
                    "Without LaunchTemplateId or LaunchTemplateName, Versions must be $Latest and/or $Default")
            found: list[VersionOfTemplate] = []
            for each in self.templates.account_templates(account_id).values():
                numbers = {each.latest_version if a == "$Latest" else each.default_version for a in aliases}
                found += [(each, v) for v in each.versions if v.number in numbers]
            return [pair for pair in found if matches(pair)]
        if versions:
            chosen = list(dict.fromkeys(self.templates.version(template, v).number for v in versions))
            selected = [v for v in template.versions if v.number in chosen]
        else:
            low = self._bound(min_version, "MinVersion", 0)
            high = self._bound(max_version, "MaxVersion", 2**63)
            selected = [v for v in template.versions if low <= v.number <= high]
        return [(template, v) for v in selected if matches((template, v))]

    @staticmethod
    def _bound(text: str | None, field: str, default: int) -> int:
        if text is None:
            return default
        number = _number(text)
        if number is None:
            raise invalid_parameter_value(f"{field} must be a version number, got {text!r}")
        return number
