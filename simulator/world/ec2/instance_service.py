"""The instance service of one region: launch, start, stop, terminate, placement.

Every call checks everything first and changes nothing when it fails. Before instances
launch or start, the registered launch authorizers see the fully placed request and may
refuse it. Each state change is published, as an ``InstancesStateChanged`` event for the
instances that change together, at the simulated instant it happens; transitions that take
time are scheduled on the clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from simulator.core.errors import ServiceError
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.context import RegionContext, check_enum, check_id
from simulator.world.ec2.hosts import DedicatedHost, HostService
from simulator.world.ec2.images import USAGE_OPERATIONS, Image, ImageService
from simulator.world.ec2.instances import (
    AFFINITIES,
    TENANCIES,
    CpuOptionsRequest,
    Instance,
    InstanceState,
    PlacementRequest,
)
from simulator.world.ec2.launch_templates import (
    LaunchParameters,
    LaunchTemplateService,
    check_instance_type,
    check_launch_parameters,
)
from simulator.world.events import InstancePlacementChanged, InstancesStateChanged
from simulator.world.filters import compile_filters
from simulator.world.launch import LaunchCandidate, LaunchRequest

PENDING = InstanceState.PENDING
RUNNING = InstanceState.RUNNING
STOPPING = InstanceState.STOPPING
STOPPED = InstanceState.STOPPED
SHUTTING_DOWN = InstanceState.SHUTTING_DOWN
TERMINATED = InstanceState.TERMINATED

#: Billing codes that may run on Dedicated Hosts: Linux/UNIX, Windows Server (license
#: included or BYOL) and Red Hat BYOL ("Tenancy conversion limits": license-included
#: billing codes other than Windows Server are not permitted on Dedicated Hosts).
HOST_BILLING_CODES = frozenset(
    {"RunInstances", "RunInstances:0002", "RunInstances:0800", "RunInstances:00g0"}
)
#: Billing codes not permitted on shared tenancy (Windows BYOL).
NOT_ON_SHARED = frozenset({"RunInstances:0800"})

_INSTANCE_FILTERS = {
    "affinity": lambda i: i.affinity,
    "architecture": lambda i: i.image.architecture,
    "availability-zone": lambda i: i.availability_zone,
    "host-id": lambda i: i.host_id,
    "hypervisor": lambda i: i.instance_type.hypervisor,
    "image-id": lambda i: i.image.image_id,
    "instance-id": lambda i: i.instance_id,
    "instance-state-code": lambda i: i.state.code,
    "instance-state-name": lambda i: i.state.value,
    "instance-type": lambda i: i.instance_type.name,
    "owner-id": lambda i: i.account_id,
    "placement-host-resource-group-arn": lambda i: i.host_resource_group_arn,
    "platform": lambda i: i.platform,
    "platform-details": lambda i: i.platform_details,
    "reservation-id": lambda i: i.reservation_id,
    "tenancy": lambda i: i.tenancy,
    "usage-operation": lambda i: i.usage_operation,
}


@dataclass(frozen=True, slots=True)
class LaunchTemplateRef:
    """The LaunchTemplate of a RunInstances call."""

    template_id: str | None = None
    name: str | None = None
    version: str | None = None


#: One instance's state before and after a start, stop or terminate call:
#: ``(instance, previous, current)`` (plain tuples: every call makes one per instance).
StateChange = tuple[Instance, InstanceState, InstanceState]


def check_billing_tenancy(usage_operation: str, tenancy: str, subject: object) -> None:
    """Refuse billing codes on tenancies they are not permitted on.

    Args:
        usage_operation: The billing code.
        tenancy: default, dedicated or host.
        subject: What is being placed (an Image or an Instance), named in the error.

    Raises:
        ServiceError: Unsupported, naming the billing code and the tenancy.
    """
    if tenancy == "host":
        if usage_operation not in HOST_BILLING_CODES:
            raise ServiceError(
                "Unsupported",
                f"{_subject(subject)}: billing code {usage_operation} "
                f"({USAGE_OPERATIONS[usage_operation]}) is not permitted on Dedicated Hosts; allowed "
                f"there: {', '.join(sorted(HOST_BILLING_CODES))}",
            )
    elif tenancy == "default" and usage_operation in NOT_ON_SHARED:
        raise ServiceError(
            "Unsupported",
            f"{_subject(subject)}: billing code {usage_operation} (Windows BYOL) is not permitted "
            "on shared tenancy; use tenancy dedicated or host",
        )


def _subject(subject: object) -> str:
    if isinstance(subject, Image):
        return f"AMI {subject.image_id}"
    return f"instance {subject.instance_id}"  # type: ignore[attr-defined]


def _resolve_cpu(spec: InstanceTypeSpec, cpu: CpuOptionsRequest | None) -> tuple[int, int]:
    if cpu is None or (cpu.core_count is None and cpu.threads_per_core is None):
        return spec.default_cores, spec.default_threads_per_core
    if spec.bare_metal:
        raise ServiceError(
            "InvalidParameterValue",
            f"CpuOptions are not supported for the bare metal instance type {spec.name}",
        )
    cores = spec.default_cores if cpu.core_count is None else cpu.core_count
    threads = spec.default_threads_per_core if cpu.threads_per_core is None else cpu.threads_per_core
    if cores not in spec.valid_cores:
        raise ServiceError(
            "InvalidParameterValue",
            f"CpuOptions.CoreCount {cores} is not valid for {spec.name}; valid values: "
            f"{', '.join(map(str, spec.valid_cores))}",
        )
    if threads not in spec.valid_threads_per_core:
        raise ServiceError(
            "InvalidParameterValue",
            f"CpuOptions.ThreadsPerCore {threads} is not valid for {spec.name}; valid values: "
            f"{', '.join(map(str, spec.valid_threads_per_core))}",
        )
    return cores, threads


def _check_architecture(spec: InstanceTypeSpec, image: Image) -> None:
    image_arch = "x86_64" if image.architecture == "i386" else image.architecture
    if image_arch != spec.architecture:
        raise ServiceError(
            "InvalidParameterValue",
            f"The architecture '{spec.architecture}' of the specified instance type "
            f"{spec.name} does not match the architecture '{image.architecture}' of the "
            f"specified AMI {image.image_id}",
        )


def _incorrect_state(instance: Instance, action: str) -> ServiceError:
    return ServiceError(
        "IncorrectInstanceState",
        f"The instance '{instance.instance_id}' is in state '{instance.state}', from which it "
        f"cannot be {action}.",
    )


class _HostBooking:
    """Tentative use of hosts while one call places several instances."""

    def __init__(self) -> None:
        self.of_size: dict[tuple[str, str], int] = {}
        self.vcpus: dict[str, int] = {}

    def fits(self, host: DedicatedHost, spec: InstanceTypeSpec) -> bool:
        booked = self.of_size.get((host.host_id, spec.size), 0)
        return host.free_slots(spec, booked, self.vcpus.get(host.host_id, 0)) > 0

    def book(self, host: DedicatedHost, spec: InstanceTypeSpec) -> DedicatedHost:
        key = (host.host_id, spec.size)
        self.of_size[key] = self.of_size.get(key, 0) + 1
        self.vcpus[host.host_id] = self.vcpus.get(host.host_id, 0) + spec.default_vcpus
        return host


class InstanceService:
    """The EC2 instances of one region.

    Args:
        ctx: The region's shared plumbing.
        images: The region's AMIs.
        hosts: The region's Dedicated Hosts.
        templates: The region's launch templates.
    """

    def __init__(
        self, ctx: RegionContext, images: ImageService, hosts: HostService,
        templates: LaunchTemplateService,
    ) -> None:
        self.ctx = ctx
        self.images = images
        self.hosts = hosts
        self.templates = templates
        self._by_account: dict[str, dict[str, Instance]] = {}
        self._terminated: deque[tuple[float, Instance]] = deque()
        self._publish = ctx.bus.publish
        self._env = ctx.clock.env

    # -- lookups --------------------------------------------------------------------------

    def account_instances(self, account_id: str) -> dict[str, Instance]:
        """The instances of ``account_id`` by id, in launch order (recently terminated too)."""
        self._forget_old_terminated()
        return self._by_account.setdefault(account_id, {})

    def get(self, account_id: str, instance_id: str) -> Instance:
        """One instance of ``account_id``.

        Raises:
            ServiceError: InvalidInstanceID.Malformed or InvalidInstanceID.NotFound.
        """
        return self.get_many(account_id, [instance_id])[0]

    def get_many(self, account_id: str, instance_ids: list[str]) -> list[Instance]:
        """Instances of ``account_id``, in the order asked (duplicates dropped).

        Raises:
            ServiceError: InvalidInstanceID.Malformed for the first malformed id, then
                InvalidInstanceID.NotFound naming every unknown id.
        """
        instances = self.account_instances(account_id)
        found = [instances.get(i) for i in instance_ids]
        if None in found:
            missing = list(dict.fromkeys(i for i, f in zip(instance_ids, found) if f is None))
            for instance_id in missing:
                check_id(instance_id, "i", "InvalidInstanceID")
            noun, verb = ("ID", "does") if len(missing) == 1 else ("IDs", "do")
            raise ServiceError(
                "InvalidInstanceID.NotFound",
                f"The instance {noun} '{', '.join(missing)}' {verb} not exist",
            )
        if len(found) > 1:
            unique = list(dict.fromkeys(found))  # instances hash by identity
            if len(unique) != len(found):
                return unique
        return found  # type: ignore[return-value]

    def describe(
        self, account_id: str, instance_ids: list[str] | None = None,
        filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[Instance]:
        """DescribeInstances: the account's instances, optionally by id and filtered.

        Raises:
            ServiceError: InvalidInstanceID.*, InvalidParameterValue for an unknown filter.
        """
        matches = compile_filters(filters or (), _INSTANCE_FILTERS, "DescribeInstances")
        if instance_ids:
            selected = self.get_many(account_id, instance_ids)
        else:
            selected = list(self.account_instances(account_id).values())
        return [i for i in selected if matches(i)]

    def _forget_old_terminated(self) -> None:
        queue = self._terminated
        if not queue:
            return
        now = self._env.now
        while queue and queue[0][0] <= now:
            _, instance = queue.popleft()
            if instance.state is TERMINATED:
                self._by_account[instance.account_id].pop(instance.instance_id, None)

    # -- launching ------------------------------------------------------------------------

    def run(
        self, account_id: str, params: LaunchParameters, *, min_count: int = 1,
        max_count: int = 1, launch_template: LaunchTemplateRef | None = None,
        principal: str = "",
    ) -> list[Instance]:
        """RunInstances: launch between ``min_count`` and ``max_count`` instances.

        The call's parameters win over the launch template's; placement and CPU options
        merge field by field, license configurations and tags add up.

        Returns:
            The launched instances (one reservation), in ``pending`` state.

        Raises:
            ServiceError: a parameter error, InvalidAMIID.*, InsufficientHostCapacity, an
                authorizer's refusal. Nothing launches then.
        """
        check_launch_parameters(self.ctx.catalog, params)
        if launch_template is not None:
            template = self.templates.get(account_id, launch_template.template_id, launch_template.name)
            version = self.templates.version(template, launch_template.version)
            params = params.over(version.parameters)
        if not isinstance(min_count, int) or not isinstance(max_count, int) or min_count < 1:
            raise ServiceError(
                "InvalidParameterValue", f"MinCount must be a positive integer, got {min_count}"
            )
        if max_count < min_count:
            raise ServiceError(
                "InvalidParameterValue",
                f"MaxCount ({max_count}) must be greater than or equal to MinCount ({min_count})",
            )
        if params.image_id is None:
            raise ServiceError("MissingParameter", "The request must contain the parameter ImageId")
        if params.instance_type is None:
            raise ServiceError(
                "MissingParameter", "The request must contain the parameter InstanceType"
            )
        image = self.images.launchable(account_id, params.image_id)
        spec = check_instance_type(self.ctx.catalog, params.instance_type)
        _check_architecture(spec, image)
        cores, threads = _resolve_cpu(spec, params.cpu_options)
        placement = params.placement or PlacementRequest()
        tenancy, affinity = self._tenancy(placement)
        if placement.availability_zone is not None:
            self.ctx.check_availability_zone(placement.availability_zone, "Placement.AvailabilityZone")
        check_billing_tenancy(image.usage_operation, tenancy, image)
        if tenancy == "host":
            booking = _HostBooking()
            hosts: list[DedicatedHost] = []
            for _ in range(max_count):
                host = self._find_host(account_id, spec, placement.availability_zone,
                                       placement.host_id, None, booking)
                if host is None:
                    break
                hosts.append(booking.book(host, spec))
            if len(hosts) < min_count:
                raise ServiceError(
                    "InsufficientHostCapacity",
                    f"Insufficient capacity on Dedicated Hosts for {min_count} x {spec.name}"
                    + (f" on host {placement.host_id}" if placement.host_id else
                       " on hosts with auto-placement on"),
                )
        licenses = params.license_configuration_arns
        shared = LaunchCandidate(
            instance_type=spec, image=image, usage_operation=image.usage_operation, core_count=cores,
            threads_per_core=threads, tenancy=tenancy,
            availability_zone=placement.availability_zone or self.ctx.availability_zones[0],
            host=None, license_configuration_arns=licenses,
        )
        if tenancy == "host":
            candidates = tuple(shared._replace(host=h, availability_zone=h.availability_zone) for h in hosts)
        else:
            candidates = (shared,) * max_count  # identical instances share one candidate
        self._authorize("RunInstances", account_id, principal, candidates)

        now = self.ctx.clock.now()
        reservation_id = self.ctx.ids.resource_id("r")
        tags = dict(params.instance_tags)
        account_instances = self.account_instances(account_id)
        launched = []
        new_id = self.ctx.ids.resource_id
        region = self.ctx.region
        for index, candidate in enumerate(candidates):
            host = candidate.host
            # Positional: three times cheaper than keywords on the launch path. The order is
            # Instance's field order, named on the right.
            instance = Instance(
                new_id("i"), account_id, region, reservation_id, index,  # ids, ami_launch_index
                spec, image, image.usage_operation, now,  # type, AMI, billing code and its time
                cores, threads, tenancy, candidate.availability_zone, now,  # CPU, placement, launch
                affinity, host.host_id if host else None, placement.host_resource_group_arn,
                licenses, dict(tags),  # license_configuration_arns, tags
            )
            instance.principal = principal
            account_instances[instance.instance_id] = instance
            if host is not None:
                self.hosts.occupy(host, instance)
            launched.append(instance)
        self._publish(InstancesStateChanged(tuple(launched), (None,) * len(launched), PENDING))
        self._schedule(self.ctx.timings.pending, launched, RUNNING)
        return launched

    def _tenancy(self, placement: PlacementRequest) -> tuple[str, str | None]:
        wants_host = placement.host_id is not None or placement.host_resource_group_arn is not None
        tenancy = placement.tenancy or ("host" if wants_host else "default")
        if tenancy != "host" and (wants_host or placement.affinity is not None):
            raise ServiceError(
                "InvalidParameterCombination",
                f"Placement.Tenancy {tenancy} cannot be combined with HostId, "
                "HostResourceGroupArn or Affinity; those need Tenancy host",
            )
        if placement.host_id is not None and placement.host_resource_group_arn is not None:
            raise ServiceError(
                "InvalidParameterCombination",
                "Placement.HostId and Placement.HostResourceGroupArn cannot both be given",
            )
        affinity = (placement.affinity or "default") if tenancy == "host" else None
        return tenancy, affinity

    def _find_host(
        self, account_id: str, spec: InstanceTypeSpec, zone: str | None,
        host_id: str | None, preferred: str | None, booking: _HostBooking,
    ) -> DedicatedHost | None:
        """A host with room for one more ``spec``: ``host_id`` if given, else ``preferred``
        if it still fits, else the first auto-placement host that does."""
        if host_id is not None:
            host = self.hosts.get(account_id, host_id)
            if not host.supports(spec):
                kinds = host.instance_type.name if host.instance_type else f"the {host.family} family"
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Instance type {spec.name} is not supported by host {host_id}, which runs {kinds}",
                )
            if zone is not None and zone != host.availability_zone:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Host {host_id} is in {host.availability_zone}, not in {zone}",
                )
            return host if booking.fits(host, spec) else None
        if preferred is not None:
            host = self.hosts.account_hosts(account_id).get(preferred)
            if host is not None and booking.fits(host, spec):
                return host
        for host in self.hosts.auto_placement_hosts(account_id):
            if (zone is None or host.availability_zone == zone) and booking.fits(host, spec):
                return host
        return None

    def _authorize(
        self, operation: str, account_id: str, principal: str,
        candidates: tuple[LaunchCandidate, ...],
    ) -> None:
        if not self.ctx.authorizers or not candidates:
            return
        request = LaunchRequest(operation, account_id, self.ctx.region, principal, candidates)
        for authorizer in self.ctx.authorizers:
            authorizer.authorize_launch(request)

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
            elif instance.state not in (PENDING, RUNNING):
                raise _incorrect_state(instance, "started")
        booking = _HostBooking()
        candidates = []
        for instance in to_start:
            spec = instance.instance_type
            check_billing_tenancy(instance.usage_operation, instance.tenancy, instance)
            host = None
            if instance.tenancy == "host":
                pinned = instance.host_id if instance.affinity == "host" else None
                host = self._find_host(account_id, spec, None, pinned, instance.host_id, booking)
                if host is None:
                    where = f"host {pinned}" if pinned else "hosts with auto-placement on"
                    raise ServiceError(
                        "InsufficientHostCapacity",
                        f"Insufficient capacity on {where} to start {instance.instance_id} ({spec.name})",
                    )
                booking.book(host, spec)
            candidates.append(LaunchCandidate(
                instance_type=spec, image=instance.image, usage_operation=instance.usage_operation,
                core_count=instance.core_count, threads_per_core=instance.threads_per_core,
                tenancy=instance.tenancy,
                availability_zone=host.availability_zone if host else instance.availability_zone,
                host=host, license_configuration_arns=instance.license_configuration_arns,
                instance=instance,
            ))
        self._authorize("StartInstances", account_id, principal, tuple(candidates))

        now = self.ctx.clock.now()
        for candidate in candidates:
            instance = candidate.instance
            if candidate.host is not None:
                instance.host_id = candidate.host.host_id
                instance.availability_zone = candidate.host.availability_zone
                self.hosts.occupy(candidate.host, instance)
            instance.launch_time = now
            instance.user_shutdown_at = None
            instance.principal = principal
        return self._move(instances, to_start, PENDING, self.ctx.timings.pending, RUNNING)

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

    def _user_initiated(self, instances: list[Instance]) -> None:
        now = self._env.now
        for instance in instances:
            instance.user_shutdown_at = now

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
        changes = list(zip(asked, before, after))
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
        if state is STOPPED or state is TERMINATED:
            expiry = self._env.now + self.ctx.timings.terminated_visible
            for instance in instances:
                if instance.host_id is not None:
                    host = self.hosts.account_hosts(instance.account_id).get(instance.host_id)
                    if host is not None:
                        self.hosts.vacate(host, instance)
                if state is TERMINATED:
                    self._terminated.append((expiry, instance))
        self._publish(InstancesStateChanged(tuple(instances), previous, state))

    def _schedule(self, delay: float, instances: list[Instance], state: InstanceState) -> None:
        if instances:
            tokens = [(i, i.generation) for i in instances]
            self.ctx.clock.call_later(delay, self._complete, tokens, state)

    def _complete(self, tokens: list[tuple[Instance, int]], state: InstanceState) -> None:
        self._enter([i for i, generation in tokens if i.generation == generation], state)

    # -- placement ------------------------------------------------------------------------

    def modify_placement(
        self, account_id: str, instance_id: str, placement: PlacementRequest,
        group_name: str | None = None,
    ) -> Instance:
        """ModifyInstancePlacement of a stopped instance (tenancy conversion).

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless stopped,
                InvalidParameterValue/Combination, InvalidHostID.*, InsufficientHostCapacity
                when no Dedicated Host could start it, Unsupported for a billing code the new
                tenancy does not permit, InvalidPlacementGroup.Unknown.
        """
        instance = self.get(account_id, instance_id)
        if instance.state is not STOPPED:
            raise ServiceError(
                "IncorrectInstanceState",
                f"The instance '{instance_id}' is in state '{instance.state}'; its placement "
                "can be modified only when it is stopped.",
            )
        if group_name:
            raise ServiceError(
                "InvalidPlacementGroup.Unknown", f"The Placement Group '{group_name}' is unknown."
            )
        if placement.tenancy is not None:
            check_enum("Tenancy", placement.tenancy, TENANCIES)
        if placement.affinity is not None:
            check_enum("Affinity", placement.affinity, AFFINITIES)
        if placement.host_id is not None:
            check_id(placement.host_id, "h", "InvalidHostID")
        wants_host = placement.host_id is not None or placement.host_resource_group_arn is not None
        tenancy = placement.tenancy or ("host" if wants_host else instance.tenancy)
        if tenancy != "host" and (wants_host or placement.affinity is not None):
            raise ServiceError(
                "InvalidParameterCombination",
                f"Tenancy {tenancy} cannot be combined with HostId, HostResourceGroupArn or "
                "Affinity; those need Tenancy host",
            )
        if tenancy == "host":
            if placement.host_resource_group_arn is not None:
                host_id, group = None, placement.host_resource_group_arn
            elif placement.host_id is not None:
                host_id, group = placement.host_id, None
            else:
                host_id, group = instance.host_id, instance.host_resource_group_arn
            affinity = placement.affinity or instance.affinity or "default"
            if affinity == "host" and host_id is None:
                raise ServiceError(
                    "InvalidParameterCombination", "Affinity host needs a HostId for the instance"
                )
            if group is None:
                spec = instance.instance_type
                target = host_id if (placement.host_id or affinity == "host") else None
                if self._find_host(account_id, spec, None, target, host_id, _HostBooking()) is None:
                    raise ServiceError(
                        "InsufficientHostCapacity",
                        f"No Dedicated Host of account {account_id} has capacity to start "
                        f"{instance_id} ({spec.name})",
                    )
        else:
            host_id, group, affinity = None, None, None
        check_billing_tenancy(instance.usage_operation, tenancy, instance)
        instance.tenancy = tenancy
        instance.host_id = host_id
        instance.host_resource_group_arn = group
        instance.affinity = affinity
        self.ctx.bus.publish(InstancePlacementChanged(instance))
        return instance

    # -- changes other services make --------------------------------------------------------

    def set_license_configurations(self, instance: Instance, arns: tuple[str, ...]) -> None:
        """Record the license configurations attached to ``instance`` (its Licenses)."""
        instance.license_configuration_arns = tuple(arns)
