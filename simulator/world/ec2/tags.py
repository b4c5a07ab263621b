"""EC2 tags across resource types: CreateTags, DeleteTags and DescribeTags for instances,
AMIs, Dedicated Hosts, launch templates, volumes, security groups, VPCs, subnets and key
pairs. Every change is published as a ``ResourceTagsChanged`` event (discovery exclusions
and IAM conditions read tags)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from simulator.core.validation import check_tags
from simulator.world.ec2.errors import invalid_id, invalid_parameter_value, unsupported
from simulator.world.events import ResourceTagsChanged
from simulator.world.filters import compile_filters

if TYPE_CHECKING:
    from simulator.world.ec2.service import Ec2Service

#: Resource id prefix -> the resource type DescribeTags names.
RESOURCE_TYPES = {
    "i": "instance", "ami": "image", "h": "dedicated-host", "lt": "launch-template", "vol": "volume",
    "sg": "security-group", "vpc": "vpc", "subnet": "subnet", "key": "key-pair",
}
#: One tag of one resource, as DescribeTags lists it: (resource id, resource type, key, value).
TagRow = tuple[str, str, str, str]
_TAG_FILTERS = {
    "key": lambda t: t[2],
    "resource-id": lambda t: t[0],
    "resource-type": lambda t: t[1],
    "value": lambda t: t[3],
}


class TagService:
    """Tags of the EC2 resources of one region.

    Args:
        ec2: The region's EC2 services.
    """

    def __init__(self, ec2: Ec2Service) -> None:
        self.ec2 = ec2

    def resource(self, account_id: str, resource_id: str) -> Any:
        """The taggable resource ``resource_id`` of ``account_id``.

        Raises:
            ServiceError: InvalidID for an id of no taggable type, the type's NotFound or
                Malformed code, UnauthorizedOperation for an AMI of another account.
        """
        prefix = resource_id.split("-", 1)[0] if "-" in resource_id else ""
        ec2 = self.ec2
        if prefix == "i":
            return ec2.instances.get(account_id, resource_id)
        if prefix == "ami":
            image = ec2.images.get(account_id, resource_id)
            if image.owner_id != account_id:
                raise unsupported(f"AMI {resource_id} belongs to account {image.owner_id}: tags on AMIs of other "
                                  "accounts are not simulated; tag your own AMIs")
            return image
        if prefix == "h":
            return ec2.hosts.get(account_id, resource_id)
        if prefix == "lt":
            return ec2.templates.get(account_id, template_id=resource_id)
        if prefix == "vol":
            return ec2.volumes.get(account_id, resource_id)
        if prefix == "sg":
            return ec2.networks.group(account_id, group_id=resource_id)
        if prefix == "vpc":
            return ec2.networks.vpc(account_id, resource_id)
        if prefix == "subnet":
            return ec2.networks.subnet(account_id, resource_id, "Resources")
        if prefix == "key":
            for key_pair in ec2.key_pairs.account_key_pairs(account_id).values():
                if key_pair.key_pair_id == resource_id:
                    return key_pair
            raise invalid_id(f"The ID '{resource_id}' is not valid: no such key pair")
        raise invalid_id(f"The ID '{resource_id}' is not valid; taggable here: "
                         f"{', '.join(f'{p}-...' for p in RESOURCE_TYPES)}")

    def create_tags(self, account_id: str, resource_ids: list[str], tags: dict[str, str]) -> None:
        """CreateTags: add or overwrite ``tags`` on every resource.

        Raises:
            ServiceError: as ``resource``; InvalidParameterValue for a bad tag,
                TagLimitExceeded past 50 tags on a resource. Nothing changes then.
        """
        resources = [self.resource(account_id, r) for r in resource_ids]
        check_tags(tags, "Tags", code="InvalidParameterValue", limit_code="TagLimitExceeded")
        for resource, resource_id in zip(resources, resource_ids, strict=True):
            check_tags({**resource.tags, **tags}, f"Tags of {resource_id}", code="InvalidParameterValue",
                       limit_code="TagLimitExceeded")
        for resource in resources:  # a new mapping: instances of a launch share a read-only one
            resource.tags = {**resource.tags, **tags}
        detail = " ".join(f"+{k}={v}" for k, v in tags.items())
        self._publish(account_id, resource_ids, resources, detail)

    def delete_tags(self, account_id: str, resource_ids: list[str],
                    tags: list[tuple[str, str | None]] | None) -> None:
        """DeleteTags: remove the given keys (only where the value matches, when one is
        given), or without ``tags`` every user-defined tag (``aws:`` tags stay, as the API
        documents); the resources that lost a tag are published.

        Raises:
            ServiceError: as ``resource``; InvalidParameterValue for an ``aws:`` key, which
                only the service that set it may remove. Nothing changes then.
        """
        resources = [self.resource(account_id, r) for r in resource_ids]
        for key, _ in tags or ():
            if key.lower().startswith("aws:"):
                raise invalid_parameter_value(f"Value ( {key} ) for parameter key is invalid. Tag keys starting "
                                              "with 'aws:' are reserved for internal use")
        removed: list[str] = []
        changed_ids, changed = [], []  # a resource that loses no tag has no change to publish
        for resource_id, resource in zip(resource_ids, resources, strict=True):
            current = resource.tags
            gone = [k for k in current if (not k.startswith("aws:") if tags is None else any(
                k == key and (value is None or current[k] == value) for key, value in tags))]
            if gone:
                removed += gone
                resource.tags = {k: v for k, v in current.items() if k not in gone}
                changed_ids.append(resource_id)
                changed.append(resource)
        detail = " ".join(f"-{k}" for k in dict.fromkeys(removed))
        self._publish(account_id, changed_ids, changed, detail)

    def set_service_tag(self, account_id: str, resource_ids: list[str], key: str, value: str | None) -> None:
        """Put ``key`` (with ``value`` None: remove it) on the resources, for a service that
        owns the key (``aws:`` keys, which no caller may set), and publish the change.

        Raises:
            ServiceError: as ``resource``. Nothing changes then.
        """
        resources = [self.resource(account_id, r) for r in resource_ids]
        for resource in resources:  # a new mapping, as in create_tags
            current = resource.tags
            resource.tags = ({**current, key: value} if value is not None
                             else {k: v for k, v in current.items() if k != key})
        self._publish(account_id, resource_ids, resources, f"+{key}={value}" if value is not None else f"-{key}")

    def _publish(self, account_id: str, resource_ids: list[str], resources: list[Any], detail: str) -> None:
        if resource_ids:
            self.ec2.ctx.bus.publish(ResourceTagsChanged(account_id, self.ec2.region, tuple(resource_ids),
                                                         tuple(resources), detail))

    def _rows(self, account_id: str) -> Iterator[TagRow]:
        ec2 = self.ec2
        owned_images = [im for im in ec2.images.images.values() if im.owner_id == account_id]
        groups: list[tuple[str, Any, Any]] = [
            ("instance", ec2.instances.account_instances(account_id).values(), lambda r: r.instance_id),
            ("image", owned_images, lambda r: r.image_id),
            ("dedicated-host", ec2.hosts.account_hosts(account_id).values(), lambda r: r.host_id),
            ("launch-template", ec2.templates.account_templates(account_id).values(), lambda r: r.template_id),
            ("volume", ec2.volumes.account_volumes(account_id).values(), lambda r: r.volume_id),
            ("security-group", ec2.networks.of(account_id).groups.values(), lambda r: r.group_id),
            ("vpc", ec2.networks.of(account_id).vpcs.values(), lambda r: r.vpc_id),
            ("subnet", ec2.networks.of(account_id).subnets.values(), lambda r: r.subnet_id),
            ("key-pair", ec2.key_pairs.account_key_pairs(account_id).values(), lambda r: r.key_pair_id),
        ]
        for resource_type, resources, id_of in groups:
            for resource in resources:
                for key, value in resource.tags.items():
                    yield id_of(resource), resource_type, key, value

    def describe(self, account_id: str, filters: list[tuple[str, list[str]]] | None = None) -> list[TagRow]:
        """DescribeTags: every tag of the account's resources (filters ``key``, ``value``,
        ``resource-id``, ``resource-type``, ``tag:<key>``), by resource type then id.

        Raises:
            ServiceError: InvalidParameterValue for an unknown filter.
        """
        tag_filters = [(name[4:], values) for name, values in filters or () if name.startswith("tag:")]
        others = [(name, values) for name, values in filters or () if not name.startswith("tag:")]
        matches = compile_filters(others, _TAG_FILTERS, "DescribeTags", taggable=False)
        rows = [row for row in self._rows(account_id) if matches(row)]
        for key, values in tag_filters:
            rows = [row for row in rows if row[2] == key and (not values or row[3] in values)]
        return rows
