"""Launch-time enforcement: the limits and rules a launch, start or association must meet.

User guide, "License rules" and "License configuration parameters and rules": the
configurations of a launch come from the AMI's associations, the launch template and the
call's LicenseSpecifications. A launch or start that would take a hard-limited
configuration past its license count is refused, or cut down to as many instances as fit
when RunInstances' MinCount allows fewer; past a soft limit it goes ahead and an alert is
published. A broken rule (tenancy, minimum, maximum) refuses the launch under either limit.
A disabled configuration refuses launches that name it (in the call or the launch
template); launches from an AMI associated with it, and starts of instances it tracked, go
ahead untracked ("Deactivate a license configuration"). A configuration judges only the
license types it applies to (``LicenseConfiguration.applies_to``), and a license type
conversion that would make it count a stopped instance is judged as a start of it would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.core.errors import ServiceError
from simulator.licensing.alerts import SOFT_LIMIT, blocked_kind
from simulator.licensing.association import Failure
from simulator.licensing.configuration import (
    EC2_AMI,
    EC2_HOST,
    EC2_INSTANCE,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
    LicenseConfiguration,
)
from simulator.licensing.configurations import Configurations
from simulator.licensing.rules import Measures, instance_sockets, rule_violations
from simulator.licensing.state import LicenseState
from simulator.world.catalog import Catalog
from simulator.world.ec2 import ACTIVE_STATES, DedicatedHost, Instance
from simulator.world.launch import LaunchCandidate, LaunchRequest
from simulator.world.ssm import ManagedNode

UNITS = {"vCPU": "vCPU", "Instance": "instance", "Core": "core", "Socket": "socket"}


@dataclass(frozen=True)
class Violation:
    """A limit or rule a request breaks for one configuration."""

    config: LicenseConfiguration
    kind: str
    detail: str
    resource_arn: str
    resource_type: str
    owner_id: str
    metadata: tuple[tuple[str, str], ...] = ()

    @property
    def blocks(self) -> bool:
        """Everything but a soft limit refuses the request."""
        return self.kind != "soft_limit"

    def message(self) -> str:
        """The error message, naming the configuration."""
        cfg = self.config
        return f"License configuration {cfg.name} ({cfg.arn}): {self.detail}"


def _violation(cfg: LicenseConfiguration, kind: str, detail: str, candidate: LaunchCandidate,
               account_id: str) -> Violation:
    """A violation by a launch or start candidate (the instance, or the AMI of a new launch)."""
    if candidate.instance is not None:
        resource_arn, resource_type = candidate.instance.arn, EC2_INSTANCE
    else:
        resource_arn, resource_type = candidate.image.arn, EC2_AMI
    metadata = (("InstanceType", candidate.instance_type.name), ("ImageId", candidate.image.image_id),
                ("Tenancy", candidate.tenancy))
    return Violation(config=cfg, kind=kind, detail=detail, resource_arn=resource_arn, resource_type=resource_type,
                     owner_id=account_id, metadata=metadata)


def _shortfall(cfg: LicenseConfiguration, needed: int, what: str = "the request") -> str:
    count = cfg.license_count or 0  # only configurations with a count fall short
    return (f"{count - cfg.consumed} of {count} {UNITS[cfg.counting_type]} licenses "
            f"are available and {what} needs {needed}")


class Enforcement:
    """Decides launches, starts and associations against the configurations' limits and rules.

    Args:
        state: The engine's shared state.
        configurations: Configuration lookups.
    """

    def __init__(self, state: LicenseState, configurations: Configurations) -> None:
        self.state = state
        self.configurations = configurations
        self._largest: dict[str, int] | None = None  # from the catalog, at the first launch

    def authorize_launch(self, request: LaunchRequest) -> int:
        """How many of the request's leading candidates may launch or start: all of them,
        or fewer (never below MinCount) where a hard limit leaves room for fewer. Records
        the soft-limit alerts of what goes ahead.

        Raises:
            ServiceError: InvalidParameterValue for a license configuration that does not
                exist, InvalidParameterValue past 10 configurations per instance,
                LicenseUsageException naming the configuration otherwise.
        """
        candidates = request.candidates
        state = self.state
        if not state.configurations and not any(c.license_configuration_arns for c in candidates):
            return len(candidates)
        plans: list[Sequence[LicenseConfiguration]] = []
        launch_plans: dict[tuple, Sequence[LicenseConfiguration]] = {}  # the candidates of a launch share them
        instance_configs = state.instance_configs
        for candidate in candidates:
            if candidate.instance is None:
                key = (candidate.image.image_id, candidate.license_configuration_arns)
                plan = launch_plans.get(key)
                if plan is None:
                    plan = launch_plans[key] = _applying(self.configurations.governing_launch(
                        request.account_id, request.region, candidate.image, candidate.license_configuration_arns),
                        candidate.usage_operation)
                plans.append(plan)
            else:
                plans.append(_applying(instance_configs.get(candidate.instance.instance_id, ()),
                                       candidate.usage_operation))
        if not any(plans):
            return len(candidates)
        violations, allowed = self._evaluate(candidates, plans, request.account_id, request.min_count)
        self.settle(violations, request.operation, request.principal)
        return allowed

    def _evaluate(
        self, candidates: tuple[LaunchCandidate, ...], plans: list[Sequence[LicenseConfiguration]],
        account_id: str, min_count: int,
    ) -> tuple[list[Violation], int]:
        """The violations of the candidates, and how many of them fit the hard limits."""
        violations: list[Violation] = []
        # Identical instances of one launch share their candidate and plan: judge them once.
        runs: list[list] = []
        for candidate, configs in zip(candidates, plans, strict=True):
            if runs and runs[-1][0] is candidate and runs[-1][1] is configs:
                runs[-1][2] += 1
            else:
                runs.append([candidate, configs, 1])
        for candidate, configs, _ in runs:
            for cfg in configs:
                if not cfg.tracking:
                    # Only a launch that names a disabled configuration is refused.
                    if candidate.instance is None and cfg.arn in candidate.license_configuration_arns:
                        violations.append(_violation(cfg, "disabled", "the configuration is disabled; launches "
                                                     "that name it are refused", candidate, account_id))
                    continue
                if cfg.rules.constrains_instances or (cfg.counts_hosts and candidate.tenancy != "host"):
                    for rule, why in rule_violations(cfg.rules, cfg.counting_type, self._measures(candidate, cfg)):
                        violations.append(_violation(cfg, f"rule:{rule}", f"rule {rule}: {why}", candidate,
                                                     account_id))
        total = sum(r[2] for r in runs)
        if self._room_to_spare(runs, total):
            return violations, total
        allowed, demand, first = _fit(runs, total, hard_limits=True)
        if allowed < min_count:
            needed, first_needing = _fit(runs, min_count, hard_limits=False)[1:]
            for cfg, amount in needed.items():
                if cfg.hard_limit and cfg.consumed + amount > cfg.license_count:  # type: ignore[operator]
                    violations.append(_violation(cfg, "hard_limit", _shortfall(cfg, amount), first_needing[cfg],
                                                 account_id))
            return violations, allowed
        for cfg, amount in demand.items():
            if not cfg.hard_limit and cfg.consumed + amount > cfg.license_count:  # type: ignore[operator]
                violations.append(_violation(cfg, "soft_limit", _shortfall(cfg, amount), first[cfg], account_id))
        return violations, allowed

    def _room_to_spare(self, runs: list[list], total: int) -> bool:
        """Whether every counted configuration of the runs has room for ``total`` instances
        of the largest kind there is: then no hard limit cuts the request and no soft limit
        is passed, and working out the exact demand can be skipped."""
        largest = self._largest
        if largest is None:
            largest = self._largest = _largest_amounts(self.state.world.catalog)
        seen: set[int] = set()
        for _, configs, _ in runs:
            if id(configs) in seen:
                continue
            seen.add(id(configs))
            for cfg in configs:
                count = cfg.license_count
                if count is not None and cfg.tracking and cfg.consumed + total * largest[cfg.counting_type] > count:
                    return False
        return True

    def _measures(self, candidate: LaunchCandidate, cfg: LicenseConfiguration) -> Measures:
        cores_per_socket: int | None
        if candidate.host is not None:
            cores_per_socket = candidate.host.host_type.cores_per_socket
        else:
            host_type = self.state.world.catalog.host_type(candidate.instance_type.family)
            cores_per_socket = host_type.cores_per_socket if host_type else None
        spec = candidate.instance_type
        vcpus = (spec.default_vcpus if cfg.counting_type == "vCPU" and not cfg.rules.honor_vcpu_optimization
                 else candidate.vcpus)
        return Measures(tenancy=candidate.tenancy, vcpus=vcpus, cores=candidate.core_count,
                        sockets=instance_sockets(candidate.core_count, cores_per_socket))

    def settle(self, violations: list[Violation], operation: str, principal: str,
               code: str = "LicenseUsageException") -> None:
        """Record the violations; refuse the request if one of them blocks it.

        Raises:
            ServiceError: ``code`` (LicenseUsageException unless the operation answers with
                another) with the first blocking violation's message.
        """
        state = self.state
        blocking = [v for v in violations if v.blocks]
        if blocking:
            when = state.clock.now()
            for v in blocking:
                state.violation(v.config, resource_arn=v.resource_arn, account_id=v.owner_id, kind=v.kind,
                                action="blocked", operation=operation, detail=v.detail)
                v.config.failures.append(Failure(
                    resource_arn=v.resource_arn, resource_type=v.resource_type, error_message=v.message(),
                    failure_time=when, operation_name=operation, resource_owner_id=v.owner_id,
                    requested_by=principal, metadata=v.metadata))
                state.notify(v.config, blocked_kind(operation, v.kind),
                             f"License Manager alert: {v.config.name} refused {operation}", v.message(),
                             resource_arn=v.resource_arn, account_id=v.owner_id)
            raise ServiceError(code, blocking[0].message())
        for v in violations:
            state.violation(v.config, resource_arn=v.resource_arn, account_id=v.owner_id, kind=v.kind,
                            action="alerted", operation=operation, detail=v.detail)
            state.notify(v.config, SOFT_LIMIT, f"License Manager alert: {v.config.name} is over its license count",
                         v.message(), resource_arn=v.resource_arn, account_id=v.owner_id)

    def check_instance_association(self, instance: Instance, configs: list[LicenseConfiguration],
                                   principal: str) -> None:
        """Refuse attaching ``configs`` to a running instance that breaks their limits or
        rules, or that are disabled ("Deactivate a license configuration": a deactivated
        configuration must not be attached to any running instance)."""
        if instance.state not in ACTIVE_STATES or not configs:
            return
        candidate = LaunchCandidate(
            instance_type=instance.instance_type, image=instance.image, usage_operation=instance.usage_operation,
            core_count=instance.core_count, threads_per_core=instance.threads_per_core, tenancy=instance.tenancy,
            availability_zone=instance.availability_zone, host=instance.host, license_configuration_arns=(),
            instance=instance,
        )
        violations = [
            _violation(cfg, "disabled", "the configuration is disabled; it cannot be attached to a running "
                       "instance", candidate, instance.account_id)
            for cfg in configs if not cfg.tracking
        ]
        tracking = [c for c in configs if c.tracking and c.applies_to(instance.usage_operation)]
        if tracking:
            violations += self._evaluate((candidate,), [tracking], instance.account_id, 1)[0]
        self.settle(violations, "UpdateLicenseSpecificationsForResource", principal)

    def check_conversion(self, instance: Instance, destination: str, operation: str, principal: str,
                         code: str) -> None:
        """Refuse a license type conversion of ``instance`` to the billing code ``destination``
        that would break the limits or rules of the configurations tracking it that apply to
        the new license type but not to the current one, judged as a start (or, for a running
        instance, its consumption from now on) would be.

        Raises:
            ServiceError: ``code`` with the first blocking violation's message.
        """
        configs = [c for c in self.state.instance_configs.get(instance.instance_id, ())
                   if c.tracking and c.applies_to(destination) and not c.applies_to(instance.usage_operation)]
        if not configs:
            return
        candidate = LaunchCandidate(
            instance_type=instance.instance_type, image=instance.image, usage_operation=destination,
            core_count=instance.core_count, threads_per_core=instance.threads_per_core, tenancy=instance.tenancy,
            availability_zone=instance.availability_zone, host=instance.host if instance.tenancy == "host" else None,
            license_configuration_arns=(), instance=instance,
        )
        self.settle(self._evaluate((candidate,), [configs], instance.account_id, 1)[0], operation, principal, code)

    def check_host_association(self, host: DedicatedHost, configs: list[LicenseConfiguration],
                               principal: str) -> None:
        """Refuse associating ``configs`` with a host past their hard limits."""
        amounts = []
        for cfg in configs:
            usage = cfg.host_usage.get(host.host_id)
            if usage is None or not usage.consuming:
                amounts.append((cfg, cfg.host_amount(host)))
        self._check_amounts(amounts, f"host {host.host_id}", host.arn, EC2_HOST, host.account_id, principal)

    def check_server_association(self, node: ManagedNode, configs: list[LicenseConfiguration],
                                 principal: str) -> None:
        """Refuse associating ``configs`` with an on-premises server past their hard limits
        (a server License Manager marked inactive counts nothing)."""
        if node.node_id in self.state.inactive_nodes:
            return
        amounts = [(cfg, cfg.resource_amount(node)) for cfg in configs]
        self._check_amounts(amounts, f"server {node.node_id}", node.arn, SYSTEMS_MANAGER_MANAGED_INSTANCE,
                            node.account_id, principal)

    def _check_amounts(self, amounts: list[tuple[LicenseConfiguration, int]], what: str, resource_arn: str,
                       resource_type: str, owner_id: str, principal: str) -> None:
        violations = []
        for cfg, amount in amounts:
            if cfg.tracking and cfg.license_count is not None and cfg.consumed + amount > cfg.license_count:
                violations.append(Violation(
                    config=cfg, kind="hard_limit" if cfg.hard_limit else "soft_limit",
                    detail=_shortfall(cfg, amount, what), resource_arn=resource_arn, resource_type=resource_type,
                    owner_id=owner_id))
        self.settle(violations, "UpdateLicenseSpecificationsForResource", principal)


def _largest_amounts(catalog: Catalog) -> dict[str, int]:
    """The most licenses one instance can add, by counting type: its vCPUs, 1, or the
    cores or sockets of the Dedicated Host it is the first to use."""
    vcpus = max(max(s.default_vcpus, max(s.valid_cores, default=0) * max(s.valid_threads_per_core, default=1))
                for s in catalog.instance_types.values())
    hosts = catalog.host_types.values()
    return {"vCPU": vcpus, "Instance": 1, "Core": max((h.physical_cores for h in hosts), default=0),
            "Socket": max((h.sockets for h in hosts), default=0)}


def _applying(configs: Sequence[LicenseConfiguration], usage_operation: str) -> Sequence[LicenseConfiguration]:
    """The configurations that judge a candidate billed with ``usage_operation``: those that
    apply to its license type, and the disabled ones (a launch naming one is refused)."""
    for cfg in configs:  # a plain loop: this runs for every launch and start
        if usage_operation in cfg.excluded_usage_operations:
            return [c for c in configs if not c.tracking or c.applies_to(usage_operation)]
    return configs


def _fit(runs: list[list], count: int, *, hard_limits: bool) -> tuple[
        int, dict[LicenseConfiguration, int], dict[LicenseConfiguration, LaunchCandidate]]:
    """How many of the first ``count`` candidates launch (all of them, or with
    ``hard_limits`` as many as fit every hard limit), the licenses they add to each counted
    configuration, and the first candidate counting against each."""
    demand: dict[LicenseConfiguration, int] = {}
    first: dict[LicenseConfiguration, LaunchCandidate] = {}
    new_hosts: dict[LicenseConfiguration, set[str]] = {}
    allowed = 0
    for candidate, configs, times in runs:
        amounts = []
        for cfg in configs:
            if not cfg.tracking or cfg.license_count is None:
                continue
            if cfg.counts_hosts:
                amount = _host_demand(cfg, candidate.host, new_hosts, candidate.vacating)
            else:
                amount = cfg.instance_amount(candidate.instance_type.default_vcpus, candidate.vcpus)
            if amount:
                amounts.append((cfg, amount))
        fit = min(times, count - allowed)
        if hard_limits:
            for cfg, amount in amounts:
                if cfg.hard_limit:
                    room = cfg.license_count - cfg.consumed - demand.get(cfg, 0)
                    fit = min(fit, max(0, room) // amount)
        if fit:
            for cfg, amount in amounts:
                demand[cfg] = demand.get(cfg, 0) + amount * fit
                first.setdefault(cfg, candidate)
                if cfg.counts_hosts:
                    new_hosts.setdefault(cfg, set()).add(candidate.host.host_id)
        allowed += fit
        if allowed == count or fit < times:
            break
    return allowed, demand, first


def _host_demand(cfg: LicenseConfiguration, host: DedicatedHost | None, new_hosts: dict,
                 vacating: DedicatedHost | None = None) -> int:
    """Licenses a candidate adds through its host: the host's, unless already counted, less
    what the host it leaves (host recovery) stops counting once its instances are gone: the
    licenses its instances hold, unless the host itself is associated."""
    if host is None:
        return 0
    usage = cfg.host_usage.get(host.host_id)
    if host.host_id in new_hosts.get(cfg, ()) or (usage is not None and usage.consuming):
        return 0
    amount = cfg.host_amount(host)
    if vacating is not None:
        left = cfg.host_usage.get(vacating.host_id)
        if left is not None and left.consuming and not left.direct:
            amount = max(0, amount - cfg.host_amount(vacating))
    return amount
