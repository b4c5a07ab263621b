"""The Dedicated Hosts of host resource groups: adding them (GroupResources: the host must
be the group owner's and match the group's families and license configurations; the addition
completes after a minute or two), removing them (UngroupResources: instances stay on the
host, and accounts the group is shared with get an eviction notice and 15 days to move
theirs), and, in groups with
auto-release on, releasing a host as soon as no instance runs on it (user guide: "An unused
host has no running instances")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from simulator.core.arn import parse_arn
from simulator.world.ec2 import (
    ACTIVE_STATES,
    DedicatedHost,
    Ec2Service,
    HostState,
    InstanceState,
)
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.host import GONE
from simulator.world.events import (
    HostAddedToGroup,
    HostEvictionNotice,
    HostRemovedFromGroup,
    InstancesEvicted,
    InstancesStateChanged,
)
from simulator.world.launch import LicenseLookup
from simulator.world.resource_groups.configuration import HostManagement
from simulator.world.resource_groups.errors import bad_request_exception
from simulator.world.resource_groups.group import ResourceGroup

#: How long adding a host takes (user guide, "Adding Dedicated Hosts": "1 - 2 minutes").
MEMBERSHIP_DELAY = 90.0
#: How long other accounts have to move their instances off a removed host.
EVICTION_PERIOD = 15 * 86400.0
#: The StateReason code of instances stopped at the end of an eviction period.
EVICTION_REASON = "Server.ScheduledStop"
#: A failure of one resource: (ARN, error code, message).
Failure = tuple[str, str, str]

_host_of = attrgetter("host")


class GroupMembership:
    """Adds hosts to groups, removes them, evicts and auto-releases.

    Args:
        ctx: The region's shared plumbing.
        ec2: The region's EC2.
        groups: The region's groups by ARN (a live view).
        license_lookup: Gives the engine's license lookup (None without an engine): the
            license configurations of hosts and instances.
    """

    def __init__(self, ctx: RegionContext, ec2: Ec2Service, groups: dict[str, ResourceGroup],
                 license_lookup: Callable[[], LicenseLookup | None]) -> None:
        self.ctx = ctx
        self.ec2 = ec2
        self.hosts = ec2.hosts
        self.groups = groups
        self._license_lookup = license_lookup
        ctx.bus.subscribe(InstancesStateChanged, self._on_instances_left,
                          topics=(InstanceState.STOPPED, InstanceState.TERMINATED))

    def _host(self, arn: str) -> DedicatedHost | Failure:
        """The Dedicated Host ``arn`` names, or why it names none."""
        parts = parse_arn(arn)
        if parts is None or parts.service != "ec2" or parts.resource_type != "dedicated-host":
            return (arn, "BadRequestException",
                    f"{arn} is not a Dedicated Host: host resource groups hold only AWS::EC2::Host resources")
        in_region = parts.region == self.ctx.region
        host = self.hosts.account_hosts(parts.account).get(parts.resource_id) if in_region else None
        if host is None or host.state in GONE:
            return (arn, "NotFoundException", f"Dedicated Host {arn} was not found")
        return host

    def add(self, group: ResourceGroup, arns: Iterable[str]) -> tuple[list[str], list[Failure], list[str]]:
        """GroupResources: the hosts added, those refused, those being added.

        Raises:
            ServiceError: BadRequestException for a group that is not a host resource group.
        """
        settings = group.host_management
        if settings is None:
            raise bad_request_exception(f"Group {group.name} has no AWS::EC2::HostManagement configuration; "
                                        "GroupResources adds Dedicated Hosts to host resource groups only")
        succeeded, failed, pending = [], [], []
        for arn in dict.fromkeys(arns):
            host = self._host(arn)
            if not isinstance(host, DedicatedHost):
                failed.append(host)
            elif host.host_resource_group_arn == group.arn:
                succeeded.append(arn)
            elif host.host_id in group.pending:
                pending.append(arn)
            elif host.account_id != group.owner_id:
                failed.append((arn, "ForbiddenException", (f"Dedicated Host {host.host_id} belongs to account "
                                                           f"{host.account_id}; only the group's owner "
                                                           f"{group.owner_id} can add its own hosts")))
            elif host.host_resource_group_arn is not None or any(
                    host.host_id in g.pending for g in self.groups.values()):
                failed.append((arn, "BadRequestException",
                               f"Dedicated Host {host.host_id} already belongs to a host resource group"))
            elif not settings.allows_family(host.family):
                failed.append((arn, "BadRequestException", (f"Dedicated Host {host.host_id} runs {host.family}; group "
                                                            f"{group.name} allows "
                                                            f"{', '.join(settings.allowed_families)}")))
            elif host.state is not HostState.AVAILABLE:
                failed.append((arn, "BadRequestException", f"Dedicated Host {host.host_id} is {host.state}"))
            elif (refusal := self._license_refusal(group, settings, host)) is not None:
                failed.append((arn, "BadRequestException", refusal))
            else:
                group.pending[host.host_id] = host
                pending.append(arn)
                self.ctx.clock.call_later(MEMBERSHIP_DELAY, self._joined, group, host)
        return succeeded, failed, pending

    def _license_refusal(self, group: ResourceGroup, settings: HostManagement, host: DedicatedHost) -> str | None:
        """Why the group's license rules keep ``host`` out (None if they let it in): the host
        carries a license configuration the group does not allow, or runs an instance tracked
        only by such configurations ("Adding Dedicated Hosts": the host must match the
        group's allowed license configurations)."""
        lookup = self._license_lookup()
        if lookup is None:
            return None
        for info in lookup.host_license_configurations(host):
            if not settings.allows_license(info):
                return (f"Dedicated Host {host.host_id} is associated with license configuration {info.arn}, which "
                        f"group {group.name} does not allow")
        for instance in host.instances.values():
            found = (lookup.license_configuration(self.ctx.region, arn) for arn in instance.license_configuration_arns)
            infos = [info for info in found if info is not None]
            if infos and not any(settings.allows_license(info) for info in infos):
                return (f"Dedicated Host {host.host_id} runs instance {instance.instance_id}, tracked only by license "
                        f"configurations group {group.name} does not allow ({', '.join(i.arn for i in infos)})")
        return None

    def _joined(self, group: ResourceGroup, host: DedicatedHost) -> None:
        if group.pending.pop(host.host_id, None) is None or self.groups.get(group.arn) is not group:
            return
        if host.state in GONE or host.host_resource_group_arn is not None:
            return
        self.hosts.index.join(host, group.arn)
        self.ctx.bus.publish(HostAddedToGroup(host, group.arn))

    def remove(self, group: ResourceGroup, arns: Iterable[str]) -> tuple[list[str], list[Failure]]:
        """UngroupResources: the hosts removed (their instances stay on them) and those
        refused. Other accounts' instances on a removed host get an eviction notice."""
        succeeded, failed = [], []
        for arn in dict.fromkeys(arns):
            host = self._host(arn)
            if not isinstance(host, DedicatedHost):
                failed.append(host)
            elif group.pending.pop(host.host_id, None) is not None:
                succeeded.append(arn)
            elif host.host_resource_group_arn != group.arn:
                failed.append((arn, "NotFoundException", f"Dedicated Host {host.host_id} is not in group {group.name}"))
            else:
                self.hosts.index.leave(host)
                self.ctx.bus.publish(HostRemovedFromGroup(host, group.arn))
                self._notify_evictions(group, host)
                succeeded.append(arn)
        return succeeded, failed

    def resources(self, group: ResourceGroup) -> list[tuple[DedicatedHost, bool]]:
        """The group's hosts and whether each is still being added."""
        members = [(host, False) for host in self.hosts.index.members(group.arn).values()]
        return members + [(host, True) for host in group.pending.values()]

    # -- eviction -----------------------------------------------------------------------------

    def _notify_evictions(self, group: ResourceGroup, host: DedicatedHost) -> None:
        by_account: dict[str, list[str]] = {}
        for instance in host.instances.values():
            if instance.account_id != group.owner_id and instance.state in ACTIVE_STATES:
                by_account.setdefault(instance.account_id, []).append(instance.instance_id)
        deadline = self.ctx.clock.seconds + EVICTION_PERIOD
        for account_id, instance_ids in by_account.items():
            self.ctx.bus.publish(HostEvictionNotice(host, group.arn, account_id, tuple(instance_ids),
                                                    self.ctx.clock.to_datetime(deadline)))
            self.ctx.clock.call_at(deadline, self._evict, host, group.arn, account_id)

    def _evict(self, host: DedicatedHost, group_arn: str, account_id: str) -> None:
        if host.host_resource_group_arn == group_arn:
            return  # the host is back in the group
        staying = [i for i in host.instances.values() if i.account_id == account_id and i.state in ACTIVE_STATES]
        if staying:
            self.ctx.bus.publish(InstancesEvicted(tuple(staying), host))
            self.ec2.instances.stop_for(staying, EVICTION_REASON)

    # -- auto-release -------------------------------------------------------------------------

    def _on_instances_left(self, event: InstancesStateChanged) -> None:
        grouped = [h for h in map(_host_of, event.instances) if h is not None and h.host_resource_group_arn is not None]
        for host in dict.fromkeys(grouped):  # each host once, in order
            # after the event is delivered: the release follows the change in the timelines
            self.ctx.clock.call_later(0.0, self.release_if_unused, host)

    def release_if_unused(self, host: DedicatedHost) -> None:
        """Release ``host`` if it carries no instances and its group releases unused hosts."""
        group = self.groups.get(host.host_resource_group_arn or "")
        if (group is not None and group.host_management is not None and group.host_management.auto_release
                and not host.instances and host.state in (HostState.AVAILABLE, HostState.PERMANENT_FAILURE)):
            self.hosts.retire(host)
