"""The instance service of one region: launch, start, stop, terminate, placement changes.

Every call checks everything first and changes nothing when it fails. Before instances
launch or start, the registered launch authorizers see the fully placed request and may
refuse it or cut it down to MinCount. Each change is published at the simulated instant it
happens (``InstancesLaunched`` for a launch, ``InstancesStateChanged`` for the instances that
change state together); transitions that take time are scheduled on the clock.
"""

from __future__ import annotations

from types import MappingProxyType

from simulator.core.billing import PERMITTED_TENANCIES, check_billing_tenancy
from simulator.core.errors import ServiceError
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import (
    incorrect_instance_state,
    invalid_placement_group_unknown,
)
from simulator.world.ec2.host import DedicatedHost
from simulator.world.ec2.hosts import HostService
from simulator.world.ec2.instance import (
    NO_TAGS,
    Instance,
    InstanceState,
    PlacementRequest,
    initial_kms_server,
)
from simulator.world.ec2.instance_index import InstanceIndex
from simulator.world.ec2.launch_parameters import LaunchParameters
from simulator.world.ec2.launch_template import LaunchTemplateRef
from simulator.world.ec2.launches import Launches, PreparedLaunch
from simulator.world.ec2.placement import HostBooking, Placement
from simulator.world.events import (
    InstancePlacementChanged,
    InstancesLaunched,
    InstancesStateChanged,
)
from simulator.world.launch import LaunchCandidate, LaunchRequest

PENDING = InstanceState.PENDING
RUNNING = InstanceState.RUNNING
STOPPING = InstanceState.STOPPING
STOPPED = InstanceState.STOPPED
SHUTTING_DOWN = InstanceState.SHUTTING_DOWN
TERMINATED = InstanceState.TERMINATED



#: One instance's state before and after a start, stop or terminate call:
#: ``(instance, previous, current)`` (plain tuples: every call makes one per instance).
StateChange = tuple[Instance, InstanceState, InstanceState]


def _start_candidate(instance: Instance, host: DedicatedHost | None) -> LaunchCandidate:
    """A stopped instance about to start, on ``host`` (fields in LaunchCandidate's order: a
    start makes one per instance)."""
    return LaunchCandidate(instance.instance_type, instance.image, instance.usage_operation, instance.core_count,
                           instance.threads_per_core, instance.tenancy,
                           instance.availability_zone if host is None else host.availability_zone, host,
                           instance.license_configuration_arns, instance)


def _incorrect_state(instance: Instance, action: str) -> ServiceError:
    return incorrect_instance_state(f"The instance '{instance.instance_id}' is in state '{instance.state}', from "
                                    f"which it cannot be {action}.")


class InstanceService(InstanceIndex):
    """The EC2 instances of one region: their lookups (``InstanceIndex``) and lifecycle.

    Args:
        ctx: The region's shared plumbing.
        hosts: The region's Dedicated Hosts.
        launches: Prepares launches and gives instances their network and volumes.
    """

    def __init__(self, ctx: RegionContext, hosts: HostService, launches: Launches) -> None:
        self.ctx = ctx
        self.hosts = hosts
        self.launches = launches
        super().__init__(ctx.clock.env)
        self.placement = Placement(hosts)
        self._publish = ctx.bus.publish

    # -- launching ------------------------------------------------------------------------

    def run(
        self, account_id: str, params: LaunchParameters, *, min_count: int = 1, max_count: int = 1,
        launch_template: LaunchTemplateRef | None = None, principal: str = "", client_token: str = "",
        fingerprint: str = "", service_tags: tuple[tuple[str, str], ...] = (),
    ) -> list[Instance]:
        """RunInstances: launch between ``min_count`` and ``max_count`` instances, as many as
        host capacity and the launch authorizers allow.

        The call's parameters win over the launch template's (see ``LaunchParameters.over``).
        With ``client_token``, a repeat of an earlier call (same ``fingerprint``) answers
        with the instances that call launched and launches nothing. ``service_tags`` are
        the tags a launching service adds (``aws:`` keys, which a caller cannot give).

        Returns:
            The launched instances (one reservation), in ``pending`` state.

        Raises:
            ServiceError: a parameter error, InvalidAMIID.*, InsufficientHostCapacity, an
                authorizer's refusal, IdempotentParameterMismatch. Nothing launches then.
        """
        launches = self.launches
        if client_token:
            earlier = launches.repeated(account_id, client_token, fingerprint)
            if earlier is not None:
                return earlier
        prepared = launches.prepare(account_id, params, launch_template, min_count, max_count, client_token)
        params, spec, image, tenancy = prepared.params, prepared.spec, prepared.image, prepared.tenancy
        placement = prepared.placement
        zone = placement.availability_zone
        if zone is None:  # the zone of the subnet chosen (on Dedicated Hosts: each host's)
            zone = prepared.subnet.availability_zone if prepared.subnet is not None else self.ctx.availability_zones[0]
        shared = LaunchCandidate(
            instance_type=spec, image=image, usage_operation=image.usage_operation, core_count=prepared.cores,
            threads_per_core=prepared.threads, tenancy=tenancy,
            availability_zone=zone, host=None,
            license_configuration_arns=params.license_configuration_arns,
        )
        booking = HostBooking()
        if tenancy == "host":
            hosts = self.placement.place_launch(account_id, spec, image, params.license_configuration_arns,
                                                placement, booking, min_count, max_count)
            # the shared candidate on each host (fields in order: a host launch makes one per instance)
            candidates = tuple([LaunchCandidate(*shared[:6], h.availability_zone, h, shared[8]) for h in hosts])
        else:
            max_count = self.ctx.quotas.check_launch(account_id, spec, min_count, max_count)
            candidates = (shared,) * max_count  # identical instances share one candidate
        count = self.authorize("RunInstances", account_id, principal, candidates, min_count)
        launches.check_addresses(account_id, prepared, candidates[:count])
        delay = self._pending_delay(booking, [c.host for c in candidates[:count]])
        launched = self._launch(account_id, candidates[:count], prepared, principal, delay, service_tags)
        if client_token:
            launches.remember(account_id, client_token, fingerprint, launched)
        return launched

    def _pending_delay(self, booking: HostBooking, hosts: list[DedicatedHost | None]) -> float:
        """Allocate the hosts planned for a call that goes ahead; how long its instances
        stay pending (longer on hosts still being allocated)."""
        self.placement.allocate_planned(booking, hosts)
        ready = max((h.ready_at for h in hosts if h is not None and h.ready_at is not None), default=None)
        wait = 0.0 if ready is None else max(0.0, ready - self._env.now)
        return wait + self.ctx.timings.pending

    def _launch(
        self, account_id: str, candidates: tuple[LaunchCandidate, ...], prepared: PreparedLaunch, principal: str,
        delay: float, service_tags: tuple[tuple[str, str], ...] = (),
    ) -> list[Instance]:
        params, affinity, settings = prepared.params, prepared.affinity, prepared.settings
        now = self.ctx.clock.now()
        reservation_id = self.ctx.ids.resource_id("r")
        given = params.instance_tags + service_tags if service_tags else params.instance_tags
        tags = MappingProxyType(dict(given)) if given else NO_TAGS  # read-only: one mapping per launch
        group_arn = params.placement.host_resource_group_arn if params.placement else None
        account_instances = self.account_instances(account_id)
        launched = []
        new_id = self.ctx.ids.resource_id
        region = self.ctx.region
        kms_server = initial_kms_server(candidates[0].usage_operation) if candidates else None
        for index, candidate in enumerate(candidates):
            host = candidate.host
            instance = Instance(
                instance_id=new_id("i"), account_id=account_id, region=region, reservation_id=reservation_id,
                ami_launch_index=index, instance_type=candidate.instance_type, image=candidate.image,
                usage_operation=candidate.usage_operation, usage_operation_update_time=now,
                core_count=candidate.core_count, threads_per_core=candidate.threads_per_core,
                tenancy=candidate.tenancy, availability_zone=candidate.availability_zone, launch_time=now,
                affinity=affinity, host=host, host_resource_group_arn=group_arn,
                license_configuration_arns=candidate.license_configuration_arns, tags=tags,
                principal=principal, kms_server=kms_server, settings=settings,
            )
            account_instances[instance.instance_id] = instance
            if host is not None:
                self.hosts.occupy(host, instance)
            launched.append(instance)
        if candidates and candidates[0].host is None:
            self.ctx.quotas.add(account_id, candidates[0].instance_type, len(candidates))
        self.launches.attach(prepared, launched)
        self._publish(InstancesLaunched(tuple(launched)))
        self._schedule(delay, launched, RUNNING)
        return launched

    def authorize(
        self, operation: str, account_id: str, principal: str, candidates: tuple[LaunchCandidate, ...],
        min_count: int,
    ) -> int:
        """How many leading candidates every authorizer lets go ahead.

        Raises:
            ServiceError: an authorizer's refusal.
        """
        count = len(candidates)
        if not self.ctx.authorizers or not candidates:
            return count
        for authorizer in self.ctx.authorizers:
            request = LaunchRequest(operation, account_id, self.ctx.region, principal, candidates[:count], min_count)
            count = min(count, authorizer.authorize_launch(request))
        return count

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, account_id: str, instance_ids: list[str], principal: str = "") -> list[StateChange]:
        """StartInstances: stopped instances go to ``pending``; pending or running ones are
        left as they are.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState,
                InsufficientHostCapacity, an authorizer's refusal. Nothing starts then.
        """
        instances = self.get_many(account_id, instance_ids)
        to_start = []
        for instance in instances:
            if instance.state is STOPPED:
                to_start.append(instance)
            elif instance.state is not PENDING and instance.state is not RUNNING:
                raise _incorrect_state(instance, "started")
        booking = HostBooking()
        candidates = []
        for instance in to_start:
            if instance.tenancy not in PERMITTED_TENANCIES[instance.usage_operation]:
                check_billing_tenancy(instance.usage_operation, instance.tenancy, f"instance {instance.instance_id}")
            host = self.placement.place_start(instance, booking) if instance.tenancy == "host" else None
            candidates.append(_start_candidate(instance, host))
        on_demand = [c.instance_type for c in candidates if c.host is None]
        quotas = self.ctx.quotas
        quotas.check_start(account_id, on_demand)
        self.authorize("StartInstances", account_id, principal, tuple(candidates), len(candidates))
        delay = self._pending_delay(booking, [c.host for c in candidates])

        now = self.ctx.clock.now()
        for instance, candidate in zip(to_start, candidates, strict=True):
            host = candidate.host
            if host is not None:
                instance.host = host
                instance.availability_zone = host.availability_zone
                self.hosts.occupy(host, instance)
            instance.launch_time = now
            instance.user_shutdown_at = None
            instance.state_reason = None
            instance.principal = principal
        quotas.add_all(account_id, on_demand)
        return self._move(instances, to_start, PENDING, delay, RUNNING)

    def stop(self, account_id: str, instance_ids: list[str], principal: str = "") -> list[StateChange]:
        """StopInstances: running instances go to ``stopping``, then ``stopped``.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState (pending, shutting
                down or terminated instances). Nothing stops then.
        """
        instances = self.get_many(account_id, instance_ids)
        for instance in instances:
            if instance.state is not RUNNING and instance.state is not STOPPING and instance.state is not STOPPED:
                raise _incorrect_state(instance, "stopped")
        to_stop = [i for i in instances if i.state is RUNNING]
        self._user_initiated(to_stop)
        return self._move(instances, to_stop, STOPPING, self.ctx.timings.stopping, STOPPED)

    def terminate(self, account_id: str, instance_ids: list[str], principal: str = "") -> list[StateChange]:
        """TerminateInstances: instances go to ``shutting-down``, then ``terminated``, and
        stay visible for ``terminated_visible`` seconds after that.

        Raises:
            ServiceError: InvalidInstanceID.*. Nothing is terminated then.
        """
        instances = self.get_many(account_id, instance_ids)
        to_terminate = [i for i in instances if i.state is not SHUTTING_DOWN and i.state is not TERMINATED]
        self._user_initiated(to_terminate)
        return self._move(instances, to_terminate, SHUTTING_DOWN, self.ctx.timings.shutting_down, TERMINATED)

    def stop_for(self, instances: list[Instance], reason: str) -> None:
        """Stop the pending or running ones of ``instances`` for ``reason``, a server-side
        StateReason code (``Server.InternalError`` for a failed host, ``Server.ScheduledStop``
        for an eviction), not at their user's request."""
        moving = [i for i in instances if i.state is RUNNING or i.state is PENDING]
        for instance in moving:
            instance.user_shutdown_at = None
            instance.state_reason = reason
        self._move(moving, moving, STOPPING, self.ctx.timings.stopping, STOPPED)

    def _user_initiated(self, instances: list[Instance]) -> None:
        now = self._env.now
        for instance in instances:
            instance.user_shutdown_at = now
            instance.state_reason = None

    def _move(
        self, asked: list[Instance], moving: list[Instance], state: InstanceState, delay: float,
        then: InstanceState,
    ) -> list[StateChange]:
        """Put ``moving`` into ``state`` now and into ``then`` after ``delay``; report the
        change of every instance ``asked`` about (unchanged ones included)."""
        before = [i.state for i in asked]
        if len(moving) == len(asked):
            after = [state] * len(asked)
        else:
            moved = {id(i) for i in moving}
            after = [state if id(i) in moved else i.state for i in asked]
        changes = list(zip(asked, before, after, strict=True))
        self._enter(moving, state)
        self._schedule(delay, moving, then)
        return changes

    def _enter(self, instances: list[Instance], state: InstanceState) -> None:
        if not instances:
            return
        previous = tuple([i.state for i in instances])
        for instance in instances:
            instance.state = state
            instance.generation += 1
        if state is STOPPING or state is SHUTTING_DOWN:
            leaving: dict[str, list[InstanceTypeSpec]] = {}  # On-Demand vCPUs freed, by account
            for instance, before in zip(instances, previous, strict=True):
                if (before is PENDING or before is RUNNING) and instance.tenancy != "host":
                    leaving.setdefault(instance.account_id, []).append(instance.instance_type)
            for account_id, specs in leaving.items():
                self.ctx.quotas.add_all(account_id, specs, -1)
        if state is STOPPED or state is TERMINATED:
            expiry = self._env.now + self.ctx.timings.terminated_visible
            for instance in instances:
                if instance.host is not None:
                    self.hosts.vacate(instance.host, instance)
                if state is TERMINATED:
                    self.forget_when_gone(instance, expiry)
            if state is TERMINATED:
                self.launches.release(instances)
        self._publish(InstancesStateChanged(tuple(instances), previous, state), state)

    def _schedule(self, delay: float, instances: list[Instance], state: InstanceState) -> None:
        if instances:
            tokens = [(i, i.generation) for i in instances]
            self.ctx.clock.call_later(delay, self._complete, tokens, state)

    def _complete(self, tokens: list[tuple[Instance, int]], state: InstanceState) -> None:
        self._enter([i for i, generation in tokens if i.generation == generation], state)

    # -- placement ------------------------------------------------------------------------

    def modify_placement(
        self, account_id: str, instance_id: str, placement: PlacementRequest, group_name: str | None = None,
    ) -> Instance:
        """ModifyInstancePlacement of a stopped instance (tenancy conversion); see
        ``Placement.modify``.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless stopped,
                InvalidPlacementGroup.Unknown, and the errors of ``Placement.modify``.
        """
        instance = self.get(account_id, instance_id)
        if instance.state is not STOPPED:
            raise incorrect_instance_state(f"The instance '{instance_id}' is in state '{instance.state}'; its "
                                           "placement can be modified only when it is stopped.")
        if group_name:
            raise invalid_placement_group_unknown(f"The Placement Group '{group_name}' is unknown.")
        self.placement.modify(instance, placement)
        self._publish(InstancePlacementChanged(instance))
        return instance

    # -- changes other services make --------------------------------------------------------

    def set_license_configurations(self, instance: Instance, arns: tuple[str, ...]) -> None:
        """Record the license configurations attached to ``instance`` (its Licenses)."""
        instance.license_configuration_arns = tuple(arns)
