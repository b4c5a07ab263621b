"""Associations of license configurations with AMIs, instances, Dedicated Hosts,
on-premises managed nodes and RDS DB instances (UpdateLicenseSpecificationsForResource and
ListLicenseSpecificationsForResource, and the links automated discovery makes), and the
sweep that disassociates deregistered AMIs every 8 hours.

Automated discovery associates through ``link`` and ``unlink`` like a manual association;
what it associated cannot be disassociated by hand (User Guide, "Automated discovery of
resource inventory")."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.core.arn import parse_arn
from simulator.core.bus import EventBus
from simulator.core.validation import invalid
from simulator.licensing.association import Association
from simulator.licensing.configuration import EC2_AMI, EC2_HOST, LicenseConfiguration
from simulator.licensing.configurations import Configurations
from simulator.licensing.enforcement import Enforcement
from simulator.licensing.errors import access_denied_exception, invalid_resource_state_exception
from simulator.licensing.inventory import ResourceInventory
from simulator.licensing.linking import OrganizationLink
from simulator.licensing.lookups import CROSS_ACCOUNT
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import (
    ACTIVE_STATES,
    DedicatedHost,
    Image,
    ImageSource,
    ImageState,
    Instance,
    InstanceState,
)
from simulator.world.ec2.host import GONE
from simulator.world.events import ImageRegistered
from simulator.world.rds import DBInstance
from simulator.world.ssm import ManagedNode

DEREGISTERED_AMI_SWEEP = 8 * 3600.0
#: A resource License Manager associates configurations with.
Resource = Image | Instance | DedicatedHost | ManagedNode | DBInstance


def resource_key(resource: Instance | ManagedNode | DBInstance) -> str:
    """How the engine's indexes name a tracked resource: its instance or node id, or a DB
    instance's ARN (DB identifiers are unique within an account only)."""
    match resource:
        case Instance():
            return resource.instance_id
        case ManagedNode():
            return resource.node_id
    return resource.arn


class Associations:
    """Associates configurations with resources and lists them.

    Args:
        state: The engine's shared state.
        configurations: Configuration lookups.
        enforcement: Checks new associations of running instances, hosts and servers.
        bus: The world's event bus.
        inventory: License Manager's copy of the resource inventory (the AMI sweep purges
            it too).
        link: The organization link (License Manager acts in member accounts through their
            member account role).
    """

    def __init__(self, state: LicenseState, configurations: Configurations, enforcement: Enforcement,
                 bus: EventBus, inventory: ResourceInventory, link: OrganizationLink) -> None:
        self.state = state
        self.organization_link = link
        self.configurations = configurations
        self.enforcement = enforcement
        self.inventory = inventory
        state.clock.every(DEREGISTERED_AMI_SWEEP, self.disassociate_deregistered_amis)
        bus.subscribe(ImageRegistered, self.on_image_registered)

    def resource(self, account_id: str, region: str, arn: str, *, foreign: bool = False) -> Resource:
        """The AMI (deregistered too), instance, Dedicated Host or on-premises managed node
        an ARN names, as the caller may associate it (``foreign``: also another account's
        instance, host or node).

        Raises:
            ServiceError: InvalidParameterValueException naming what is wrong.
        """
        parts = parse_arn(arn)
        managed = parts is not None and parts.service == "ssm" and parts.resource_type == "managed-instance"
        if parts is None or (not managed and (parts.service != "ec2" or parts.resource_type not in (
                "instance", "image", "dedicated-host", "launch-template"))):
            raise invalid(f"ResourceArn {arn!r} is not the ARN of an AMI, an instance, a Dedicated Host or an "
                          "on-premises managed node (arn:aws:ssm:<region>:<account>:managed-instance/mi-...)")
        if parts.region != region:
            raise invalid(f"ResourceArn {arn} is in {parts.region}, not in {region}")
        if parts.resource_type == "launch-template":
            raise invalid("License specifications of launch templates cannot be updated: a launch template "
                          "passes its license configurations to the instances it launches")
        if parts.resource_type != "image" and parts.account != account_id and not foreign:
            raise invalid(f"ResourceArn {arn} belongs to account {parts.account}, not to {account_id}")
        resource = self.state.world.resolve(arn)
        match resource:
            case Image() if resource.launchable_by(account_id):
                return resource
            case Instance():
                return resource
            case DedicatedHost() if resource.state not in GONE:
                return resource
            case ManagedNode():
                return resource
        raise invalid(f"Resource {arn} does not exist")

    def update(
        self, account_id: str, region: str, resource_arn: str, add: Iterable[tuple[str, str | None]] = (),
        remove: Iterable[tuple[str, str | None]] = (), principal: str = "",
    ) -> None:
        """UpdateLicenseSpecificationsForResource of an AMI, an instance, a Dedicated Host
        or an on-premises managed node.

        Everything is checked first: the resource, the configurations, the AMI scopes, the
        limit of 10 configurations per resource, that no removed configuration tracks the
        resource through automated discovery, and, for an instance that runs, a host or a
        server, the configurations' rules and limits. Then removals and additions take
        effect.

        Raises:
            ServiceError: InvalidParameterValueException (also past 10 configurations per
                resource, or for a discovered association), InvalidResourceStateException,
                LicenseUsageException.
        """
        visible = self.configurations.visible
        adds = [(visible(account_id, region, arn), scope) for arn, scope in add]
        removes = [(visible(account_id, region, arn), scope) for arn, scope in remove]
        # A configuration's owner may disassociate another account's resources it tracks (the
        # troubleshooting note on member resources), so that it can then delete it.
        resource = self.resource(account_id, region, resource_arn, foreign=bool(removes) and not adds)
        owner = self._check_foreign(resource, account_id, region, resource_arn, removes)
        self._check_resource(resource, account_id, adds, removes)
        current = {cfg.arn for cfg in self._configs_of(resource, account_id)}
        to_remove, to_add = self._changes(resource, resource_arn, current, adds, removes)
        new_configs = [cfg for cfg, _ in to_add.values()]
        match resource:
            case Instance():
                self.enforcement.check_instance_association(resource, new_configs, principal)
            case DedicatedHost():
                self.enforcement.check_host_association(resource, new_configs, principal)
            case ManagedNode():
                self.enforcement.check_server_association(resource, new_configs, principal)
        self._apply(resource, account_id, current, adds, to_remove, to_add)
        if owner != account_id and to_remove:
            removed = [{"licenseConfigurationArn": cfg.arn} for cfg in to_remove]
            self.organization_link.acted_in(owner, region, "UpdateLicenseSpecificationsForResource",
                                            {"resourceArn": resource_arn, "removeLicenseSpecifications": removed},
                                            resource_arn)

    def _check_foreign(self, resource: Resource, account_id: str, region: str, resource_arn: str,
                       removes: list[tuple[LicenseConfiguration, str | None]]) -> str:
        """The resource's account; for another account's resource, only the owner of
        configurations tracking it may let it go, through that account's member role.

        Raises:
            ServiceError: InvalidParameterValueException, AccessDeniedException.
        """
        if not isinstance(resource, (Instance, DedicatedHost, ManagedNode)) or resource.account_id == account_id:
            return account_id
        current = {cfg.arn for cfg in self._configs_of(resource, account_id)}
        untracked = [cfg.arn for cfg, _ in removes if cfg.arn not in current]
        if untracked:
            raise invalid(f"ResourceArn {resource_arn} belongs to account {resource.account_id}; license "
                          f"configuration {untracked[0]} does not track it, so it cannot disassociate it")
        others = [cfg.arn for cfg, _ in removes if cfg.owner_id != account_id]
        if others:
            raise access_denied_exception(f"License configuration {others[0]} belongs to another account: only "
                                          "its owner can disassociate another account's resources from it")
        self.organization_link.check_member_role(account_id, resource.account_id, region)
        return resource.account_id

    def _check_resource(self, resource: Resource, account_id: str, adds: list[tuple[LicenseConfiguration, str | None]],
                        removes: list[tuple[LicenseConfiguration, str | None]]) -> None:
        """AMI association scopes (AMIs only, cross-account for the AMI's owner only) and the
        resource's state (not a deregistered AMI, not a terminating instance).

        Raises:
            ServiceError: InvalidParameterValueException, InvalidResourceStateException.
        """
        is_image = isinstance(resource, Image)
        for _, scope in adds + removes:
            if not is_image and scope is not None:
                raise invalid("AmiAssociationScope applies to AMIs only")
            if is_image and scope not in (None, CROSS_ACCOUNT):
                raise invalid(f"AmiAssociationScope {scope!r} is invalid; the possible value is {CROSS_ACCOUNT}")
        match resource:
            case Image():
                if resource.state is ImageState.DEREGISTERED:
                    raise invalid(f"AMI {resource.image_id} is deregistered: it cannot be associated or "
                                  "disassociated; License Manager disassociates it within 8 hours")
                if any(scope == CROSS_ACCOUNT for _, scope in adds) and resource.owner_id != account_id:
                    raise invalid(f"AMI {resource.image_id} was shared with account {account_id}: it can be "
                                  "associated for this account only, not with AmiAssociationScope cross-account")
            case Instance():
                if resource.state in (InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED):
                    raise invalid_resource_state_exception(
                        f"Instance {resource.instance_id} is {resource.state}; license configurations cannot "
                        "change on it")

    def _changes(
        self, resource: Resource, resource_arn: str, current: set[str],
        adds: list[tuple[LicenseConfiguration, str | None]], removes: list[tuple[LicenseConfiguration, str | None]],
    ) -> tuple[list[LicenseConfiguration], dict[str, tuple[LicenseConfiguration, str | None]]]:
        """The configurations to unlink and to link (by ARN, with their AMI scope): removals of
        configurations the resource has and the call does not add again, additions of those it
        lacks.

        Raises:
            ServiceError: InvalidParameterValueException for a removal of what automated
                discovery associated, or past 10 configurations per resource.
        """
        adding = {cfg.arn for cfg, _ in adds}
        to_remove = list({cfg.arn: cfg for cfg, _ in removes if cfg.arn in current and cfg.arn not in adding}.values())
        if isinstance(resource, Instance | ManagedNode):
            key = resource_key(resource)
            found = [cfg for cfg in to_remove if key in cfg.discovered]
            if found:
                raise invalid(f"{resource_arn} is tracked by automated discovery of {found[0].arn}: resources that "
                              "automated discovery associated cannot be disassociated by hand")
        to_add = {cfg.arn: (cfg, scope) for cfg, scope in adds if cfg.arn not in current}
        after = (current - {cfg.arn for cfg in to_remove}) | set(to_add)
        limit = self.state.quotas.configurations_per_resource
        if len(after) > limit:
            raise invalid(
                f"{resource_arn} would have {len(after)} license configurations; a resource can have at most "
                f"{limit}",
            )
        return to_remove, to_add

    def _apply(
        self, resource: Resource, account_id: str, current: set[str],
        adds: list[tuple[LicenseConfiguration, str | None]], to_remove: list[LicenseConfiguration],
        to_add: dict[str, tuple[LicenseConfiguration, str | None]],
    ) -> None:
        """Unlink, link, record the levels that moved, update the scopes of AMI associations
        the call names again, and tell an instance its licenses."""
        now = self.state.clock.seconds
        levels = {cfg: cfg.level for cfg in to_remove + [cfg for cfg, _ in to_add.values()]}
        for cfg in to_remove:
            self.unlink(resource, cfg, account_id, now)
        for cfg, scope in to_add.values():
            self.link(resource, cfg, account_id, scope, now)
        for cfg, before in levels.items():
            if cfg.level != before:
                self.state.record(cfg)
        if isinstance(resource, Image):
            for cfg, scope in adds:
                if cfg.arn in current:
                    cfg.amis[(resource.image_id, account_id)].ami_scope = scope
                    self.state.governing_changed()
        if isinstance(resource, Instance):
            self.publish_licenses(resource)

    def specifications(self, account_id: str, region: str, resource_arn: str) -> list[tuple[str, str | None]]:
        """ListLicenseSpecificationsForResource: ``(configuration ARN, AMI scope)`` pairs.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown resource.
        """
        resource = self.resource(account_id, region, resource_arn)
        if isinstance(resource, Image):
            return [
                (c.arn, a.ami_scope) for c, a in self.state.ami_index.get((region, resource.image_id), ())
                if a.associating_account == account_id or a.ami_scope == CROSS_ACCOUNT
            ]
        return [(c.arn, None) for c in self._configs_of(resource, account_id)]

    def _configs_of(self, resource: Resource, account_id: str) -> list[LicenseConfiguration]:
        """The configurations ``resource`` is associated with (for ``account_id``, for AMIs)."""
        state = self.state
        match resource:
            case Image():
                return [c for c, a in state.ami_index.get((resource.region, resource.image_id), ())
                        if a.associating_account == account_id]
            case Instance():
                return list(state.instance_configs.get(resource.instance_id, ()))
            case DedicatedHost():
                return list(state.host_configs.get(resource.host_id, ()))
        return list(state.resource_configs.get(resource_key(resource), ()))

    def link(self, resource: Resource, cfg: LicenseConfiguration, account_id: str, scope: str | None,
             now: float) -> None:
        """Associate ``cfg`` with ``resource`` and count it if it runs (the caller records
        the configuration's new level)."""
        state = self.state
        match resource:
            case Instance():
                cfg.instances[resource.instance_id] = (resource, now)
                state.instance_configs[resource.instance_id] = (*state.instance_configs.get(resource.instance_id, ()),
                                                                cfg)
                self._mark(cfg, resource, True)
                if resource.state in ACTIVE_STATES:
                    cfg.activate(resource, now)
            case DedicatedHost():
                cfg.hosts[resource.host_id] = Association(
                    resource_arn=resource.arn, resource_type=EC2_HOST, resource_id=resource.host_id,
                    owner_id=resource.account_id, associated_at=state.clock.now(), resource=resource)
                state.host_configs.setdefault(resource.host_id, []).append(cfg)
                cfg.attach_host(resource, now)
            case Image():
                association = Association(
                    resource_arn=resource.arn, resource_type=EC2_AMI, resource_id=resource.image_id,
                    owner_id=resource.owner_id, associated_at=state.clock.now(), ami_scope=scope,
                    associating_account=account_id, resource=resource)
                cfg.amis[(resource.image_id, account_id)] = association
                state.ami_index.setdefault((resource.region, resource.image_id), []).append((cfg, association))
                state.governing_changed()
            case ManagedNode():
                cfg.managed[resource.node_id] = (resource, now)
                cfg.mark_node(resource.account_id, resource.index, True)
                state.resource_configs[resource.node_id] = (*state.resource_configs.get(resource.node_id, ()), cfg)
                if resource.node_id not in state.inactive_nodes and not resource.deregistered:
                    cfg.activate_resource(resource.node_id, resource)
            case DBInstance():
                cfg.databases[resource.arn] = (resource, now)
                state.resource_configs[resource.arn] = (*state.resource_configs.get(resource.arn, ()), cfg)
                if resource.running:
                    cfg.activate_resource(resource.arn, resource)

    def unlink(self, resource: Resource, cfg: LicenseConfiguration, account_id: str, now: float) -> None:
        """End the association of ``cfg`` with ``resource`` and what it counted (the caller
        records the configuration's new level)."""
        state = self.state
        match resource:
            case Instance():
                cfg.instances.pop(resource.instance_id)
                remaining = tuple(c for c in state.instance_configs[resource.instance_id] if c is not cfg)
                if remaining:
                    state.instance_configs[resource.instance_id] = remaining
                else:
                    del state.instance_configs[resource.instance_id]
                self._mark(cfg, resource, False)
                if resource.state in ACTIVE_STATES:
                    cfg.deactivate(resource, now)
            case DedicatedHost():
                cfg.hosts.pop(resource.host_id)
                state.host_configs[resource.host_id].remove(cfg)
                cfg.detach_host(resource.host_id, now)
            case Image():
                self._drop_ami_association(cfg, resource.region, resource.image_id, account_id)
            case ManagedNode() | DBInstance():
                key = resource_key(resource)
                (cfg.managed if isinstance(resource, ManagedNode) else cfg.databases).pop(key)
                remaining = tuple(c for c in state.resource_configs[key] if c is not cfg)
                if remaining:
                    state.resource_configs[key] = remaining
                else:
                    del state.resource_configs[key]
                cfg.deactivate_resource(key)
                if isinstance(resource, ManagedNode):
                    cfg.mark_node(resource.account_id, resource.index, False)
        if not isinstance(resource, Image | DedicatedHost):
            cfg.discovered.discard(resource_key(resource))

    def _mark(self, cfg: LicenseConfiguration, instance: Instance, associated: bool) -> None:
        """Keep the configuration's node marks for an instance that is a managed node."""
        node = self.state.world.region(instance.region).ssm.find(instance.instance_id)
        if node is not None:
            cfg.mark_node(node.account_id, node.index, associated)

    def _drop_ami_association(self, cfg: LicenseConfiguration, region: str, image_id: str, account_id: str) -> None:
        cfg.amis.pop((image_id, account_id), None)
        key = (region, image_id)
        entries = [(c, a) for c, a in self.state.ami_index.get(key, ())
                   if not (c is cfg and a.associating_account == account_id)]
        if entries:
            self.state.ami_index[key] = entries
        else:
            self.state.ami_index.pop(key, None)
        self.state.governing_changed()

    def publish_licenses(self, instance: Instance) -> None:
        """Show the instance's configurations in its EC2 Licenses."""
        arns = tuple(c.arn for c in self.state.instance_configs.get(instance.instance_id, ()))
        if arns != instance.license_configuration_arns:
            self.state.world.region(instance.region).ec2.instances.set_license_configurations(instance, arns)

    def on_image_registered(self, event: ImageRegistered) -> None:
        """An AMI imported with license specifications (VM Import/Export, "License rules in
        License Manager") is associated with those configurations, for its owner, as it
        becomes available; a configuration deleted meanwhile is skipped."""
        image = event.image
        if image.source is not ImageSource.IMPORTED or not image.license_configuration_arns:
            return
        now = self.state.clock.seconds
        for arn in image.license_configuration_arns:
            cfg = self.configurations.find(image.region, arn)
            if cfg is not None and cfg.owner_id == image.owner_id and (image.image_id, image.owner_id) not in cfg.amis:
                self.link(image, cfg, image.owner_id, None, now)

    def disassociate_deregistered_amis(self) -> None:
        """License Manager checks for deregistered AMIs every 8 hours, disassociates them and
        purges them from its resource inventory (until then they keep appearing there)."""
        index = self.state.ami_index
        for (region, image_id), entries in list(index.items()):
            if entries[0][1].resource.state is ImageState.DEREGISTERED:
                for cfg, association in entries:
                    cfg.amis.pop((image_id, association.associating_account), None)
                del index[(region, image_id)]
                self.state.governing_changed()
                self.inventory.forget_image(region, image_id)
