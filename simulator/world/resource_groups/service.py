"""The AWS Resource Groups service of one region, for the groups License Manager uses as
host resource groups: create, read, list, configure, delete and tag them. Adding and
removing hosts lives in ``membership``, launching into a group in ``placement``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from simulator.core.arn import format_arn, parse_arn
from simulator.core.errors import ServiceError
from simulator.core.validation import check_tags
from simulator.world.ec2 import ACTIVE_STATES, Ec2Service, Instance
from simulator.world.ec2.context import RegionContext
from simulator.world.launch import LicenseConfigurationInfo, LicenseLookup
from simulator.world.ram import ResourceAccessManager, ShareableType
from simulator.world.resource_groups.configuration import (
    HOST_BASED,
    ConfigurationItem,
    GroupConfiguration,
    HostManagement,
    bad_request_exception,
    parse_configuration,
)
from simulator.world.resource_groups.errors import forbidden_exception, not_found_exception
from simulator.world.resource_groups.group import ResourceGroup
from simulator.world.resource_groups.membership import GroupMembership
from simulator.world.resource_groups.placement import GroupPlacement

_FILTERS: dict[str, Callable[[ResourceGroup], Iterable[str]]] = {
    "resource-type": lambda g: g.configuration.allowed_resource_types,
    "configuration-type": lambda g: [item.type for item in g.configuration.items],
    "owner": lambda g: [g.owner or ""],
    "display-name": lambda g: [g.display_name or ""],
    "criticality": lambda g: [str(g.criticality or "")],
}


def not_found(identifier: str, account_id: str) -> ServiceError:
    """Resource Groups' NotFoundException for a group the caller cannot see."""
    return not_found_exception(f"Group {identifier} not found in account {account_id}", status=404)


class ResourceGroupService:
    """The resource groups of one region.

    Args:
        ctx: The region's shared plumbing.
        ec2: The region's EC2 (hosts and instances).
        ram: The region's RAM (groups can be shared).
        license_lookup: Gives the engine's license lookup (None without an engine).
    """

    def __init__(self, ctx: RegionContext, ec2: Ec2Service, ram: ResourceAccessManager,
                 license_lookup: Callable[[], LicenseLookup | None]) -> None:
        self.ctx = ctx
        self.ec2 = ec2
        self.ram = ram
        self._license_lookup = license_lookup
        self.groups: dict[str, ResourceGroup] = {}
        self._by_name: dict[tuple[str, str], ResourceGroup] = {}
        self.membership = GroupMembership(ctx, ec2, self.groups, license_lookup)
        self.placement = GroupPlacement(ctx, ec2.hosts, self.groups, self.membership, ram, license_lookup)
        ec2.instances.placement.groups = self.placement
        ram.register_type(ShareableType(code="resource-groups:Group", service="resource-groups",
                                        resource_type="group", owner_of=self._owner_of))

    # -- lookups ------------------------------------------------------------------------------

    def license_configuration(self, region: str, arn: str) -> LicenseConfigurationInfo | None:
        """The license configuration ``arn`` names (None without an engine, or if unknown)."""
        lookup = self._license_lookup()
        return lookup.license_configuration(region, arn) if lookup is not None else None

    def _owner_of(self, arn: str) -> str | None:
        group = self.groups.get(arn)
        return group.owner_id if group is not None else None

    def get(self, account_id: str, identifier: str, *, write: bool = False) -> ResourceGroup:
        """A group by name (the caller's) or ARN (the caller's, or shared with it to read).

        Raises:
            ServiceError: NotFoundException for a group the caller cannot see,
                ForbiddenException for a change to a group shared with the caller.
        """
        if identifier.startswith("arn:"):
            group = self.groups.get(identifier)
        else:
            group = self._by_name.get((account_id, identifier))
        if group is None:
            raise not_found(identifier, account_id)
        if group.owner_id != account_id:
            if not self.ram.shared_with(group.arn, account_id):
                raise not_found(identifier, account_id)
            if write:
                raise forbidden_exception(f"Group {group.arn} is shared with account {account_id}; only its owner "
                                          f"{group.owner_id} can change it", status=403)
        return group

    def configuration(self, account_id: str, items: Iterable[ConfigurationItem]) -> GroupConfiguration:
        """Check configuration items for a group of ``account_id``; see ``parse_configuration``."""
        return parse_configuration(tuple(items), self.ctx.catalog, account_id, self.ctx.region,
                                   self.license_configuration)

    # -- the operations ---------------------------------------------------------------------------

    def create(
        self, account_id: str, name: str, *, configuration: Iterable[ConfigurationItem] = (),
        resource_query: bool = False, description: str = "", tags: dict[str, str] | None = None,
        criticality: int | None = None, owner: str | None = None, display_name: str | None = None,
    ) -> ResourceGroup:
        """CreateGroup with a service configuration (resource queries are not simulated).

        Raises:
            ServiceError: BadRequestException for a reserved or taken name, a resource query,
                a bad tag or a configuration ``parse_configuration`` refuses. Nothing is
                created then.
        """
        if name.lower().startswith("aws"):
            raise bad_request_exception(f"Group name {name!r} is reserved: names cannot start with AWS in any "
                                        "capitalization")
        if (account_id, name) in self._by_name:
            raise bad_request_exception(f"Cannot create group {name!r}: a group with that name already exists in "
                                        f"{self.ctx.region}")
        if resource_query:
            raise bad_request_exception("ResourceQuery (tag-based and CloudFormation stack-based groups) is not "
                                        "simulated; give a Configuration")
        parsed = self.configuration(account_id, configuration)
        check_tags(tags or {}, "Tags", code="BadRequestException")
        group = ResourceGroup(
            name=name, arn=format_arn("resource-groups", self.ctx.region, account_id, "group", name),
            owner_id=account_id, region=self.ctx.region, configuration=parsed, created_at=self.ctx.clock.now(),
            description=description, criticality=criticality, owner=owner, display_name=display_name,
            tags=dict(tags or {}),
        )
        self.groups[group.arn] = group
        self._by_name[(account_id, name)] = group
        return group

    def list(self, account_id: str, filters: Iterable[tuple[str, list[str]]] = ()) -> list[ResourceGroup]:
        """ListGroups: the caller's groups, oldest first, filtered (any value of a filter
        matches, every filter must match)."""
        found = [g for g in self._by_name.values() if g.owner_id == account_id]
        for name, values in filters:
            wanted = set(values)
            found = [g for g in found if wanted & set(_FILTERS[name](g))]
        return found

    def put_configuration(self, account_id: str, identifier: str, items: Iterable[ConfigurationItem]) -> None:
        """PutGroupConfiguration, in effect at once ("Modify a host resource group").

        Raises:
            ServiceError: NotFoundException, ForbiddenException, BadRequestException for a
                configuration ``parse_configuration`` refuses, for removing the host
                management of a group with hosts, or for removing a family or a license
                configuration that instances running in the group use. Nothing changes then.
        """
        group = self.get(account_id, identifier, write=True)
        parsed = self.configuration(group.owner_id, items)
        members = self.ec2.hosts.index.members(group.arn)
        if (members or group.pending) and parsed.host_management is None:
            raise bad_request_exception(f"Group {group.name} has Dedicated Hosts: its "
                                        f"{group.configuration.items[0].type} configuration cannot be removed")
        running = [i for host in members.values() for i in host.instances.values() if i.state in ACTIVE_STATES]
        if running and parsed.host_management is not None:
            self._check_running(group, running, parsed.host_management)
        group.configuration = parsed

    def _check_running(self, group: ResourceGroup, running: Sequence[Instance], settings: HostManagement) -> None:
        """The running instances' families and license configurations stay allowed.

        Raises:
            ServiceError: BadRequestException naming the family or configuration.
        """
        families = sorted({i.instance_type.family for i in running
                           if not settings.allows_family(i.instance_type.family)})
        if families:
            raise bad_request_exception(f"Instance families {', '.join(families)} cannot be removed from group "
                                        f"{group.name}: instances of them run in it")
        for instance in running:
            for arn in instance.license_configuration_arns:
                info = self.license_configuration(group.region, arn)
                if info is not None and info.counting_type in HOST_BASED and not settings.allows_license(info):
                    raise bad_request_exception(f"License configuration {arn} cannot be removed from group "
                                                f"{group.name}: instance {instance.instance_id} of it runs in the "
                                                "group")

    def delete(self, account_id: str, identifier: str) -> ResourceGroup:
        """DeleteGroup: refused while a group with deletion protection has hosts ("Delete a
        host resource group"); its shares end.

        Raises:
            ServiceError: NotFoundException, ForbiddenException, BadRequestException.
        """
        group = self.get(account_id, identifier, write=True)
        hosts = list(self.ec2.hosts.index.members(group.arn)) + list(group.pending)
        if group.configuration.deletion_protection and hosts:
            raise bad_request_exception(f"Group {group.name} has deletion protection UNLESS_EMPTY and still holds "
                                        f"Dedicated Hosts: {', '.join(hosts)}; remove them first")
        del self.groups[group.arn]
        del self._by_name[(group.owner_id, group.name)]
        group.pending.clear()
        self.ram.resource_deleted(group.arn)
        return group

    def tag(self, account_id: str, arn: str, tags: dict[str, str]) -> ResourceGroup:
        """Tag: add or replace tags of the caller's group.

        Raises:
            ServiceError: NotFoundException, ForbiddenException, BadRequestException for a
                bad tag or past 50 tags.
        """
        group = self._by_arn(account_id, arn)
        check_tags({**group.tags, **tags}, "Tags", code="BadRequestException")
        group.tags.update(tags)
        return group

    def untag(self, account_id: str, arn: str, keys: Iterable[str]) -> ResourceGroup:
        """Untag: remove tags (missing keys are ignored).

        Raises:
            ServiceError: NotFoundException, ForbiddenException.
        """
        group = self._by_arn(account_id, arn)
        for key in keys:
            group.tags.pop(key, None)
        return group

    def tags(self, account_id: str, arn: str) -> ResourceGroup:
        """GetTags of a group the caller owns.

        Raises:
            ServiceError: NotFoundException, ForbiddenException.
        """
        return self._by_arn(account_id, arn)

    def _by_arn(self, account_id: str, arn: str) -> ResourceGroup:
        parts = parse_arn(arn)
        if parts is None or parts.service != "resource-groups" or parts.resource_type != "group":
            raise bad_request_exception(f"Arn {arn!r} is not the ARN of a resource group")
        return self.get(account_id, arn, write=True)
