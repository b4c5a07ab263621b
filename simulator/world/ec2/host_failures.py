"""Dedicated Host failures and host recovery (Amazon EC2 User Guide, "Host recovery").

A failed host enters ``under-assessment`` and takes no launches. After the assessment, a
host with host recovery on gets a replacement with the same attributes (Availability Zone,
instance type or family, tags, auto-placement, host resource group), allocated ``pending``;
its instances move onto it, keeping their ids and host affinity; when recovery completes the
replacement becomes ``available`` and the failed host ``released-permanent-failure``. License
Manager is asked first, as for a launch: a recovery that would break a hard limit is not
allowed. The failed host's licenses are released as its instances leave it (no license
affinity binds a failed host: the guide binds licenses to hosts that run instances), so a
recovery that only moves what the failed host counted always fits. A host that is not
recovered enters ``permanent-failure`` and its instances stop.
"""

from __future__ import annotations

from simulator.core.errors import ServiceError
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.host import DedicatedHost, HostState
from simulator.world.ec2.hosts import HostService
from simulator.world.ec2.instance import ACTIVE_STATES, Instance
from simulator.world.ec2.instances import InstanceService
from simulator.world.events import (
    HostAllocated,
    HostFailed,
    HostPermanentlyFailed,
    HostRecovered,
    HostRecoveryFailed,
    InstancesRecovered,
)
from simulator.world.launch import LaunchCandidate

#: The StateReason code of instances stopped by a host failure.
HOST_FAILURE_REASON = "Server.InternalError"


class HostFailures:
    """Fails the Dedicated Hosts of one region and recovers them.

    Args:
        ctx: The region's shared plumbing.
        hosts: The region's hosts.
        instances: The region's instances.
    """

    def __init__(self, ctx: RegionContext, hosts: HostService, instances: InstanceService) -> None:
        self.ctx = ctx
        self.hosts = hosts
        self.instances = instances

    def fail(self, host: DedicatedHost) -> None:
        """``host`` fails now: it is under assessment, then recovered or retired.

        Raises:
            ValueError: if the host is not ``available`` (pending, failed or released).
        """
        if host.state is not HostState.AVAILABLE:
            raise ValueError(f"host {host.host_id} is {host.state}; only an available host can fail")
        self.hosts.set_state(host, HostState.UNDER_ASSESSMENT)
        self.ctx.bus.publish(HostFailed(host))
        self.ctx.clock.call_later(self.ctx.timings.host_assessment, self._assess, host)

    def _assess(self, host: DedicatedHost) -> None:
        moving = list(host.instances.values())
        if host.host_recovery == "on":
            replacement = self.hosts.plan(
                host.account_id, host.availability_zone, host.host_type, host.instance_type,
                auto_placement=host.auto_placement, host_recovery=host.host_recovery, tags=host.tags,
                group_arn=host.host_resource_group_arn,
            )
            try:
                self._authorize(moving, replacement)
            except ServiceError as error:
                self.ctx.bus.publish(HostRecoveryFailed(host, error.message))
            else:
                self._recover(host, replacement, moving)
                return
        self.hosts.set_state(host, HostState.PERMANENT_FAILURE)
        self.ctx.bus.publish(HostPermanentlyFailed(host))
        self.instances.stop_for(moving, HOST_FAILURE_REASON)

    def _authorize(self, moving: list[Instance], replacement: DedicatedHost) -> None:
        """Ask the launch authorizers about the active instances of each account, as if they
        started on the replacement."""
        by_account: dict[str, list[LaunchCandidate]] = {}
        for instance in moving:
            if instance.state in ACTIVE_STATES:
                by_account.setdefault(instance.account_id, []).append(LaunchCandidate(
                    instance_type=instance.instance_type, image=instance.image,
                    usage_operation=instance.usage_operation, core_count=instance.core_count,
                    threads_per_core=instance.threads_per_core, tenancy=instance.tenancy,
                    availability_zone=replacement.availability_zone, host=replacement,
                    license_configuration_arns=instance.license_configuration_arns, instance=instance,
                    vacating=instance.host,
                ))
        for account_id, candidates in by_account.items():
            self.instances.authorize("HostRecovery", account_id, "", tuple(candidates), len(candidates))

    def _recover(self, failed: DedicatedHost, replacement: DedicatedHost, moving: list[Instance]) -> None:
        self.hosts.register(replacement, HostState.PENDING)
        self.ctx.bus.publish(HostAllocated(replacement))
        by_account: dict[str, list[Instance]] = {}
        for instance in moving:
            self.hosts.vacate(failed, instance)
            self.hosts.occupy(replacement, instance)
            instance.host = replacement
            by_account.setdefault(instance.account_id, []).append(instance)
        for instances in by_account.values():
            self.ctx.bus.publish(InstancesRecovered(tuple(instances), failed, replacement))
        self.ctx.clock.call_later(self.ctx.timings.host_recovery, self._complete, failed, replacement)

    def _complete(self, failed: DedicatedHost, replacement: DedicatedHost) -> None:
        self.hosts.set_state(replacement, HostState.AVAILABLE)
        self.ctx.bus.publish(HostRecovered(replacement, failed))
        self.hosts.retire(failed)
