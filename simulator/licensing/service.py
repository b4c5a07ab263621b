"""The License Manager engine: license configurations, associations, launch-time
enforcement and consumption tracking, for every account and region of the world.

It plugs into the world from above: it is a launch authorizer (EC2 asks it before every
launch and start) and it subscribes to instance and host events to keep each
configuration's consumption, so every event costs O(1) in the size of the fleet.

Enforcement (user guide, "License rules" and "License configuration parameters and
rules"): the configurations of a launch come from the AMI's associations, the launch
template and the call's LicenseSpecifications. A launch or start that would take a
hard-limited configuration past its license count is refused; past a soft limit it goes
ahead and an alert is published. A broken rule (tenancy, minimum, maximum) refuses the
launch under either limit. A disabled configuration refuses launches that name it (in the
call or the launch template); launches from an AMI associated with it, and starts of
instances it tracked, go ahead untracked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.core.records import Records
from simulator.licensing.configuration import (
    DAY,
    EC2_AMI,
    EC2_HOST,
    EC2_INSTANCE,
    Association,
    Failure,
    LicenseConfiguration,
)
from simulator.licensing.products import ProductInformation, check_products, validate_product_information
from simulator.licensing.records import ComplianceRecord, NotificationRecord, ViolationRecord
from simulator.licensing.rules import (
    COUNTING_TYPES,
    Measures,
    RuleSet,
    instance_sockets,
    parse_rules,
    rule_violations,
)
from simulator.world import World
from simulator.world.ec2 import DedicatedHost, Image, Instance, InstanceState
from simulator.world.ec2.instances import ACTIVE_STATES
from simulator.world.events import HostReleased, InstancesStateChanged
from simulator.world.launch import LaunchCandidate, LaunchRequest

MAX_CONFIGURATIONS = 25
MAX_CONFIGURATIONS_PER_RESOURCE = 10
CROSS_ACCOUNT = "cross-account"
DEREGISTERED_AMI_SWEEP = 8 * 3600.0
UNITS = {"vCPU": "vCPU", "Instance": "instance", "Core": "core", "Socket": "socket"}

_CONFIG_ARN = re.compile(
    r"^arn:aws:license-manager:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"license-configuration:(?P<id>lic-[0-9a-f]{32})$"
)
_EC2_ARN = re.compile(
    r"^arn:aws:ec2:(?P<region>[a-z0-9-]+):(?P<account>\d{12})?:"
    r"(?P<kind>instance|image|dedicated-host|launch-template)/(?P<id>[A-Za-z0-9-]+)$"
)
_PENDING, _RUNNING, _STOPPED = InstanceState.PENDING, InstanceState.RUNNING, InstanceState.STOPPED
_STOPPING, _SHUTTING_DOWN, _TERMINATED = (
    InstanceState.STOPPING, InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED,
)
_NAN = float("nan")


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message)


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


@dataclass(frozen=True)
class UsageEntry:
    """One resource of ListUsageForLicenseConfiguration."""

    resource_arn: str
    resource_type: str
    resource_status: str
    owner_id: str
    associated_at: object
    consumed: int


@dataclass(frozen=True)
class DashboardRow:
    """One license configuration as the dashboard shows it."""

    license_configuration_arn: str
    name: str
    counting_type: str
    status: str
    license_count: int | None
    consumed: int
    remaining: int | None
    enforced: bool
    rules: tuple[str, ...]
    shared_instances: int
    dedicated_instances: int
    dedicated_host_instances: int
    dedicated_hosts: int


@dataclass
class ServiceSettings:
    """License Manager settings of one account and region (defaults until configured)."""

    s3_bucket_arn: str | None = None
    sns_topic_arn: str | None = None
    organization_integration: bool = False
    cross_account_discovery: bool = False
    resource_share_arn: str | None = None


class LicenseManager:
    """License Manager for every account and region of ``world``.

    Args:
        world: The simulated world; the engine registers itself as a launch authorizer.
        clock: The simulation clock.
        ids: The id factory.
        records: Where compliance, violation and notification records go.
        bus: The world's event bus.
    """

    def __init__(self, world: World, clock: Clock, ids: IdFactory, records: Records, bus: EventBus) -> None:
        self.world = world
        self.clock = clock
        self.ids = ids
        self._configs: dict[str, LicenseConfiguration] = {}
        self._owned: dict[tuple[str, str], dict[str, LicenseConfiguration]] = {}
        self._ami_index: dict[tuple[str, str], list[tuple[LicenseConfiguration, Association]]] = {}
        # instance id -> the configurations tracking it. The instances of one launch share
        # one tuple; a change for one instance replaces its tuple.
        self._instance_configs: dict[str, tuple[LicenseConfiguration, ...]] = {}
        self._host_configs: dict[str, list[LicenseConfiguration]] = {}
        self._settings: dict[tuple[str, str], ServiceSettings] = {}
        self._env = clock.env
        self._compliance = records.register("compliance", ComplianceRecord)
        self._violations = records.register("violations", ViolationRecord)
        self._notifications = records.register("notifications", NotificationRecord)
        world.add_launch_authorizer(self)
        bus.subscribe(InstancesStateChanged, self._on_instances_state)
        bus.subscribe(HostReleased, self._on_host_released)
        clock.env.process(self._every(DEREGISTERED_AMI_SWEEP, self._disassociate_deregistered_amis))
        clock.env.process(self._every(DAY, self._release_expired_bindings))

    # -- license configurations -------------------------------------------------------------

    def create_configuration(
        self, account_id: str, region: str, *, name: str, counting_type: str,
        description: str = "", license_count: int | None = None, hard_limit: bool = False,
        rules: Iterable[str] = (), product_information: tuple[ProductInformation, ...] = (),
        disassociate_when_not_found: bool | None = None, license_expiry: int | None = None,
        tags: dict[str, str] | None = None,
    ) -> LicenseConfiguration:
        """CreateLicenseConfiguration.

        Raises:
            ServiceError: InvalidParameterValueException naming the field (counting type,
                count, rule, product information, tag), ResourceLimitExceededException past
                25 configurations in the account and region.
        """
        if counting_type not in COUNTING_TYPES:
            raise _invalid(f"LicenseCountingType {counting_type!r} is invalid; allowed values: "
                           f"{', '.join(COUNTING_TYPES)}")
        if not name or not name.strip():
            raise _invalid("Name must not be empty")
        self._check_count(license_count)
        rule_set = parse_rules(tuple(rules), counting_type)
        validate_product_information(product_information)
        check_products(product_information, counting_type=counting_type, has_rules=bool(rule_set.texts),
                       hard_limit=bool(hard_limit), may_exclude=self._may_exclude(account_id))
        _check_tags(tags or {})
        owned = self._owned.setdefault((account_id, region), {})
        if len(owned) >= MAX_CONFIGURATIONS:
            raise ServiceError(
                "ResourceLimitExceededException",
                f"Account {account_id} already has {MAX_CONFIGURATIONS} license configurations in "
                f"{region}, the most it may have",
            )
        configuration_id = "lic-" + self.ids.token("lic", 32)
        cfg = LicenseConfiguration(
            configuration_id=configuration_id,
            arn=f"arn:aws:license-manager:{region}:{account_id}:license-configuration:{configuration_id}",
            region=region,
            owner_id=account_id,
            name=name,
            description=description,
            counting_type=counting_type,
            license_count=license_count,
            hard_limit=bool(hard_limit),
            rules=rule_set,
            created_at=self.clock.now(),
            product_information=tuple(product_information),
            disassociate_when_not_found=disassociate_when_not_found,
            license_expiry=license_expiry,
            tags=dict(tags or {}),
        )
        self._configs[cfg.arn] = cfg
        owned[cfg.arn] = cfg
        self._record(cfg)
        return cfg

    def configuration(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration the caller owns.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed or unknown ARN,
                AccessDeniedException for another account's configuration.
        """
        return self._usable(account_id, region, arn, "InvalidParameterValueException")

    def configurations(
        self, account_id: str, region: str, arns: Iterable[str] = (),
        filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[LicenseConfiguration]:
        """ListLicenseConfigurations: the caller's configurations, by ARN and filters.

        Filters: licenseCountingType, enforceLicenseCount, usagelimitExceeded.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown ARN or filter.
        """
        arns = list(arns)
        selected = (
            [self.configuration(account_id, region, arn) for arn in arns]
            if arns else list(self._owned.get((account_id, region), {}).values())
        )
        tests = []
        for name, values in filters:
            wanted = {v.lower() for v in values}
            if name == "licenseCountingType":
                tests.append(lambda c, w={v for v in values}: c.counting_type in w)
            elif name == "enforceLicenseCount":
                tests.append(lambda c, w=wanted: str(c.hard_limit).lower() in w)
            elif name == "usagelimitExceeded":
                tests.append(lambda c, w=wanted: str(c.available is not None and c.available < 0).lower() in w)
            else:
                raise _invalid(f"Filter {name!r} is invalid; allowed filters: licenseCountingType, "
                               "enforceLicenseCount, usagelimitExceeded")
        return [c for c in selected if all(test(c) for test in tests)]

    def update_configuration(
        self, account_id: str, region: str, arn: str, *, status: str | None = None,
        rules: list[str] | None = None, license_count: int | None = None,
        hard_limit: bool | None = None, name: str | None = None, description: str | None = None,
        product_information: tuple[ProductInformation, ...] | None = None,
        disassociate_when_not_found: bool | None = None, license_expiry: int | None = None,
    ) -> LicenseConfiguration:
        """UpdateLicenseConfiguration: name, description, license count, hard limit, status
        (AVAILABLE or DISABLED), product information, and adding licenseAffinityToHost, the
        only rule that can change after creation. None leaves a field as it is.

        Raises:
            ServiceError: InvalidParameterValueException naming the field, before anything
                changes.
        """
        cfg = self.configuration(account_id, region, arn)
        if status is not None and status not in ("AVAILABLE", "DISABLED"):
            raise _invalid(f"LicenseConfigurationStatus {status!r} is invalid; allowed values: "
                           "AVAILABLE, DISABLED")
        if name is not None and not name.strip():
            raise _invalid("Name must not be empty")
        self._check_count(license_count)
        new_rules = cfg.rules
        if rules is not None:
            new_rules = parse_rules(tuple(rules), cfg.counting_type)
            if _fixed_rules(new_rules) != _fixed_rules(cfg.rules):
                raise _invalid("After a license configuration is created, the only rule that can be "
                               f"added or changed is licenseAffinityToHost; current rules: "
                               f"{list(cfg.rules.texts) or 'none'}")
        products = cfg.product_information if product_information is None else product_information
        validate_product_information(products)
        check_products(products, counting_type=cfg.counting_type, has_rules=bool(new_rules.texts),
                       hard_limit=cfg.hard_limit if hard_limit is None else bool(hard_limit),
                       may_exclude=self._may_exclude(account_id))

        now = self.clock.seconds
        level = (cfg.name, cfg.license_count, cfg.hard_limit, cfg.status, cfg.consumed)
        if name is not None:
            cfg.name = name
        if description is not None:
            cfg.description = description
        if license_count is not None:
            cfg.license_count = license_count
        if hard_limit is not None:
            cfg.hard_limit = bool(hard_limit)
        cfg.product_information = tuple(products)
        if disassociate_when_not_found is not None:
            cfg.disassociate_when_not_found = disassociate_when_not_found
        if license_expiry is not None:
            cfg.license_expiry = license_expiry
        if new_rules is not cfg.rules:
            cfg.rules = new_rules
            cfg.set_affinity(now)
        if status is not None and status != cfg.status:
            cfg.status = status
            if status == "DISABLED":
                cfg.stop_tracking()
            else:
                self._start_tracking(cfg, now)
        if (cfg.name, cfg.license_count, cfg.hard_limit, cfg.status, cfg.consumed) != level:
            self._record(cfg)
        return cfg

    def delete_configuration(self, account_id: str, region: str, arn: str) -> None:
        """DeleteLicenseConfiguration of a configuration with no associated resources.

        Raises:
            ServiceError: InvalidParameterValueException while resources are associated.
        """
        cfg = self.configuration(account_id, region, arn)
        counts = {EC2_INSTANCE: len(cfg.instances), EC2_HOST: len(cfg.hosts), EC2_AMI: len(cfg.amis)}
        if any(counts.values()):
            in_use = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
            raise _invalid(f"License configuration {cfg.arn} is in use ({in_use}); disassociate its "
                           "resources before deleting it")
        del self._configs[arn]
        del self._owned[(account_id, region)][arn]
        cfg.status = "DELETED"
        self._record(cfg)

    # -- associations -------------------------------------------------------------------------

    def update_license_specifications(
        self, account_id: str, region: str, resource_arn: str,
        add: Iterable[tuple[str, str | None]] = (), remove: Iterable[tuple[str, str | None]] = (),
        principal: str = "",
    ) -> None:
        """UpdateLicenseSpecificationsForResource of an AMI, an instance or a Dedicated Host.

        Everything is checked first: the resource, the configurations, the AMI scopes, the
        limit of 10 configurations per resource and, for an instance that runs or a host,
        the configurations' rules and limits. Then removals and additions take effect.

        Raises:
            ServiceError: InvalidParameterValueException, InvalidResourceStateException,
                ResourceLimitExceededException, LicenseUsageException.
        """
        code = "InvalidParameterValueException"
        kind, resource = self._resource(account_id, region, resource_arn)
        adds = [(self._usable(account_id, region, arn, code), scope) for arn, scope in add]
        removes = [(self._usable(account_id, region, arn, code), scope) for arn, scope in remove]
        for _, scope in adds + removes:
            if kind != "image" and scope is not None:
                raise _invalid("AmiAssociationScope applies to AMIs only")
            if kind == "image" and scope not in (None, CROSS_ACCOUNT):
                raise _invalid(f"AmiAssociationScope {scope!r} is invalid; the possible value is {CROSS_ACCOUNT}")
        if kind == "image":
            image: Image = resource
            if image.state == "deregistered":
                raise _invalid(f"AMI {image.image_id} is deregistered: it cannot be associated or "
                               "disassociated; License Manager disassociates it within 8 hours")
            if any(scope == CROSS_ACCOUNT for _, scope in adds) and image.owner_id != account_id:
                raise _invalid(f"AMI {image.image_id} was shared with account {account_id}: it can be "
                               "associated for this account only, not with AmiAssociationScope cross-account")
            current = {c.arn for c, a in self._ami_index.get((region, image.image_id), ()) if a.associating_account == account_id}
        elif kind == "instance":
            instance: Instance = resource
            if instance.state in (_SHUTTING_DOWN, _TERMINATED):
                raise ServiceError(
                    "InvalidResourceStateException",
                    f"Instance {instance.instance_id} is {instance.state}; license configurations "
                    "cannot change on it",
                )
            current = {c.arn for c in self._instance_configs.get(instance.instance_id, ())}
        else:
            current = {c.arn for c in self._host_configs.get(resource.host_id, ())}
        adding_arns = {cfg.arn for cfg, _ in adds}
        to_remove = list({cfg.arn: cfg for cfg, _ in removes if cfg.arn in current and cfg.arn not in adding_arns}.values())
        to_add = {cfg.arn: (cfg, scope) for cfg, scope in adds if cfg.arn not in current}
        after = (current - {cfg.arn for cfg in to_remove}) | set(to_add)
        if len(after) > MAX_CONFIGURATIONS_PER_RESOURCE:
            raise ServiceError(
                "ResourceLimitExceededException",
                f"{resource_arn} would have {len(after)} license configurations; a resource can have "
                f"at most {MAX_CONFIGURATIONS_PER_RESOURCE}",
            )
        new_configs = [cfg for cfg, _ in to_add.values()]
        if kind == "instance":
            self._check_new_instance_configs(resource, new_configs, principal)
        elif kind == "host":
            self._check_new_host_configs(resource, new_configs, principal)

        now = self.clock.seconds
        when = self.clock.now()
        for cfg in to_remove:
            self._disassociate(kind, resource, cfg, account_id, now)
        for cfg, scope in to_add.values():
            self._associate(kind, resource, cfg, account_id, scope, when, now)
        if kind == "image":
            for cfg, scope in adds:
                if cfg.arn in current:
                    cfg.amis[(resource.image_id, account_id)].ami_scope = scope
        if kind == "instance":
            self._publish_licenses(resource)

    def license_specifications(self, account_id: str, region: str, resource_arn: str) -> list[tuple[str, str | None]]:
        """ListLicenseSpecificationsForResource: ``(configuration ARN, AMI scope)`` pairs.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown resource.
        """
        kind, resource = self._resource(account_id, region, resource_arn)
        if kind == "instance":
            return [(c.arn, None) for c in self._instance_configs.get(resource.instance_id, ())]
        if kind == "host":
            return [(c.arn, None) for c in self._host_configs.get(resource.host_id, ())]
        return [
            (c.arn, a.ami_scope)
            for c, a in self._ami_index.get((region, resource.image_id), ())
            if a.associating_account == account_id or a.ami_scope == CROSS_ACCOUNT
        ]

    def associations(self, account_id: str, region: str, arn: str) -> list[Association]:
        """ListAssociationsForLicenseConfiguration: AMIs, instances and hosts, oldest first."""
        cfg = self.configuration(account_id, region, arn)
        to_datetime = self.clock.to_datetime
        instances = [
            Association(i.arn, EC2_INSTANCE, i.instance_id, i.account_id, to_datetime(since), resource=i)
            for i, since in cfg.instances.values()
        ]
        found = list(cfg.amis.values()) + instances + list(cfg.hosts.values())
        return sorted(found, key=lambda a: a.associated_at)

    def usage(
        self, account_id: str, region: str, arn: str, filters: Iterable[tuple[str, list[str]]] = ()
    ) -> list[UsageEntry]:
        """ListUsageForLicenseConfiguration: every associated instance and host with the
        licenses it consumes now (hosts for Core and Socket counting).

        Filters: resourceArn, resourceType, resourceAccount.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter.
        """
        cfg = self.configuration(account_id, region, arn)
        getters = {
            "resourceArn": lambda e: e.resource_arn,
            "resourceType": lambda e: e.resource_type,
            "resourceAccount": lambda e: e.owner_id,
        }
        tests = []
        for name, values in filters:
            if name not in getters:
                raise _invalid(f"Filter {name!r} is invalid; allowed filters: {', '.join(getters)}")
            tests.append(lambda e, g=getters[name], v=set(values): g(e) in v)
        entries = []
        for instance, since in cfg.instances.values():
            entries.append(UsageEntry(instance.arn, EC2_INSTANCE, instance.state.value, instance.account_id,
                                      self.clock.to_datetime(since),
                                      cfg.instance_usage.get(instance.instance_id, 0)))
        for host_id, usage in cfg.host_usage.items():
            direct = cfg.hosts.get(host_id)
            since = direct.associated_at if direct else self.clock.to_datetime(usage.since)
            entries.append(UsageEntry(usage.host.arn, EC2_HOST, usage.host.state, usage.host.account_id,
                                      since, cfg.host_amount(usage.host) if usage.consuming else 0))
        for host_id, association in cfg.hosts.items():
            if host_id not in cfg.host_usage:
                host: DedicatedHost = association.resource
                entries.append(UsageEntry(association.resource_arn, EC2_HOST, host.state,
                                          association.owner_id, association.associated_at, 0))
        return [e for e in entries if all(test(e) for test in tests)]

    def failures(self, account_id: str, region: str, arn: str) -> list[Failure]:
        """ListFailuresForLicenseConfigurationOperations, oldest first."""
        return list(self.configuration(account_id, region, arn).failures)

    # -- tags and settings ----------------------------------------------------------------------

    def tag_resource(self, account_id: str, region: str, arn: str, tags: dict[str, str]) -> None:
        """TagResource on a license configuration.

        Raises:
            ServiceError: InvalidParameterValueException, ValidationException for bad tags.
        """
        cfg = self.configuration(account_id, region, arn)
        _check_tags({**cfg.tags, **tags})
        cfg.tags.update(tags)

    def untag_resource(self, account_id: str, region: str, arn: str, keys: Iterable[str]) -> None:
        """UntagResource on a license configuration."""
        cfg = self.configuration(account_id, region, arn)
        for key in keys:
            cfg.tags.pop(key, None)

    def tags(self, account_id: str, region: str, arn: str) -> dict[str, str]:
        """ListTagsForResource of a license configuration."""
        return dict(self.configuration(account_id, region, arn).tags)

    def service_settings(self, account_id: str, region: str) -> ServiceSettings:
        """GetServiceSettings: the account's settings in the region."""
        return self._settings.setdefault((account_id, region), ServiceSettings())

    def dashboard(self, account_id: str, region: str) -> list[DashboardRow]:
        """The dashboard: each configuration's consumption, remaining licenses, enforcement,
        rules, and the resources it tracks by tenancy."""
        rows = []
        for cfg in self._owned.get((account_id, region), {}).values():
            by_tenancy = {"default": 0, "dedicated": 0, "host": 0}
            for instance, _ in cfg.instances.values():
                if instance.state in ACTIVE_STATES:
                    by_tenancy[instance.tenancy] += 1
            rows.append(DashboardRow(
                license_configuration_arn=cfg.arn, name=cfg.name, counting_type=cfg.counting_type,
                status=cfg.status, license_count=cfg.license_count, consumed=cfg.consumed,
                remaining=cfg.available, enforced=cfg.hard_limit, rules=cfg.rules.texts,
                shared_instances=by_tenancy["default"], dedicated_instances=by_tenancy["dedicated"],
                dedicated_host_instances=by_tenancy["host"],
                dedicated_hosts=sum(1 for u in cfg.host_usage.values() if u.consuming),
            ))
        return rows

    def recount(self, arn: str) -> int:
        """A configuration's consumption computed from scratch (for audits)."""
        cfg = self._configs[arn]
        instances = {i: instance for i, (instance, _) in cfg.instances.items()}
        hosts = {h: u.host for h, u in cfg.host_usage.items()}
        hosts.update({h: a.resource for h, a in cfg.hosts.items()})
        for instance in instances.values():
            if instance.host_id and instance.host_id not in hosts:
                owner_hosts = self.world.ec2(instance.region).hosts.account_hosts(instance.account_id)
                hosts[instance.host_id] = owner_hosts[instance.host_id]
        return cfg.recount(instances, hosts)

    # -- enforcement ------------------------------------------------------------------------

    def authorize_launch(self, request: LaunchRequest) -> None:
        """Refuse a launch or start that breaks a configuration's rules, status or hard
        limit; record soft-limit alerts of the ones that go ahead.

        Raises:
            ServiceError: InvalidParameterValue for a license configuration that does not
                exist, ResourceLimitExceededException past 10 configurations per instance,
                LicenseUsageException naming the configuration otherwise.
        """
        candidates = request.candidates
        if not self._configs and not any(c.license_configuration_arns for c in candidates):
            return
        plans = []
        launch_plans: dict[tuple, list[LicenseConfiguration]] = {}  # the candidates of a launch share them
        for candidate in candidates:
            if candidate.instance is None:
                key = (candidate.image.image_id, candidate.license_configuration_arns)
                plan = launch_plans.get(key)
                if plan is None:
                    plan = launch_plans[key] = self._launch_configs(
                        request.account_id, request.region, candidate.image,
                        candidate.license_configuration_arns, "InvalidParameterValue")
                plans.append(plan)
            else:
                plans.append(self._instance_configs.get(candidate.instance.instance_id, ()))
        if not any(plans):
            return
        violations = self._evaluate(candidates, plans, request.account_id)
        self._settle(violations, request.operation, request.principal)

    def _evaluate(
        self, candidates: tuple[LaunchCandidate, ...], plans: list[Sequence[LicenseConfiguration]],
        account_id: str,
    ) -> list[Violation]:
        violations: list[Violation] = []
        demand: dict[str, int] = {}
        first: dict[str, LaunchCandidate] = {}
        new_hosts: dict[str, set[str]] = {}
        # Identical instances of one launch share their candidate and plan: judge them once.
        runs: list[list] = []
        for candidate, configs in zip(candidates, plans):
            if runs and runs[-1][0] is candidate and runs[-1][1] is configs:
                runs[-1][2] += 1
            else:
                runs.append([candidate, configs, 1])
        for candidate, configs, times in runs:
            for cfg in configs:
                if cfg.status != "AVAILABLE":
                    # "Deactivate a license configuration": launches cannot be performed with it,
                    # yet AMIs using it can still be launched and existing resources are
                    # unaffected, untracked. So only a launch that names it is refused.
                    if candidate.instance is None and cfg.arn in candidate.license_configuration_arns:
                        violations.append(_violation(cfg, "disabled", "the configuration is disabled; "
                                                     "launches that name it are refused", candidate,
                                                     account_id))
                    continue
                if cfg.rules.constrains_instances or (cfg.counts_hosts and candidate.tenancy != "host"):
                    for rule, why in rule_violations(cfg.rules, cfg.counting_type, self._measures(candidate, cfg)):
                        violations.append(_violation(cfg, f"rule:{rule}", f"rule {rule}: {why}", candidate,
                                                     account_id))
                if cfg.license_count is not None:
                    if cfg.counts_hosts:
                        amount = self._host_demand(cfg, candidate, new_hosts)  # once per host
                    else:
                        amount = times * cfg.instance_amount(candidate.instance_type.default_vcpus, candidate.vcpus)
                    if amount:
                        demand[cfg.arn] = demand.get(cfg.arn, 0) + amount
                        first.setdefault(cfg.arn, candidate)
        for arn, amount in demand.items():
            cfg = self._configs[arn]
            if cfg.consumed + amount <= cfg.license_count:  # type: ignore[operator]
                continue
            detail = (f"{cfg.license_count - cfg.consumed} of {cfg.license_count} {UNITS[cfg.counting_type]} "
                      f"licenses are available and the request needs {amount}")
            kind = "hard_limit" if cfg.hard_limit else "soft_limit"
            violations.append(_violation(cfg, kind, detail, first[arn], account_id))
        return violations

    @staticmethod
    def _host_demand(cfg: LicenseConfiguration, candidate: LaunchCandidate, new_hosts: dict[str, set[str]]) -> int:
        """Licenses a candidate adds through its host: the host's, unless already counted."""
        host = candidate.host
        if host is None:
            return 0
        seen = new_hosts.setdefault(cfg.arn, set())
        usage = cfg.host_usage.get(host.host_id)
        if host.host_id in seen or (usage is not None and usage.consuming):
            return 0
        seen.add(host.host_id)
        return cfg.host_amount(host)

    def _measures(self, candidate: LaunchCandidate, cfg: LicenseConfiguration) -> Measures:
        if candidate.host is not None:
            cores_per_socket = candidate.host.host_type.cores_per_socket
        else:
            host_type = self.world.catalog.host_type(candidate.instance_type.family)
            cores_per_socket = host_type.cores_per_socket if host_type else None
        spec = candidate.instance_type
        vcpus = (spec.default_vcpus if cfg.counting_type == "vCPU" and not cfg.rules.honor_vcpu_optimization
                 else candidate.vcpus)
        return Measures(candidate.tenancy, vcpus, candidate.core_count,
                        instance_sockets(candidate.core_count, cores_per_socket))

    def _settle(self, violations: list[Violation], operation: str, principal: str) -> None:
        """Record the violations; refuse the request if one of them blocks it."""
        now = self.clock.seconds
        blocking = [v for v in violations if v.blocks]
        if blocking:
            when = self.clock.now()
            for v in blocking:
                self._violations.append((now, v.config.arn, v.resource_arn, v.owner_id, v.kind, "blocked",
                                         operation, v.detail))
                v.config.failures.append(Failure(v.resource_arn, v.resource_type, v.message(), when, operation,
                                                 v.owner_id, principal, v.metadata))
            raise ServiceError("LicenseUsageException", blocking[0].message())
        for v in violations:
            self._violations.append((now, v.config.arn, v.resource_arn, v.owner_id, v.kind, "alerted",
                                     operation, v.detail))
            self._notifications.append((now, v.config.owner_id, v.config.region, v.config.arn,
                                        f"License Manager alert: {v.config.name} is over its license count",
                                        v.message()))

    def _check_new_instance_configs(self, instance: Instance, configs: list[LicenseConfiguration], principal: str) -> None:
        if instance.state not in ACTIVE_STATES:
            return
        configs = [c for c in configs if c.tracking]
        if not configs:
            return
        host = self._host_of(instance)
        candidate = LaunchCandidate(
            instance_type=instance.instance_type, image=instance.image, usage_operation=instance.usage_operation,
            core_count=instance.core_count, threads_per_core=instance.threads_per_core, tenancy=instance.tenancy,
            availability_zone=instance.availability_zone, host=host,
            license_configuration_arns=(), instance=instance,
        )
        violations = self._evaluate((candidate,), [configs], instance.account_id)
        self._settle(violations, "UpdateLicenseSpecificationsForResource", principal)

    def _check_new_host_configs(self, host: DedicatedHost, configs: list[LicenseConfiguration], principal: str) -> None:
        violations = []
        for cfg in configs:
            usage = cfg.host_usage.get(host.host_id)
            if not cfg.tracking or cfg.license_count is None or (usage is not None and usage.consuming):
                continue
            amount = cfg.host_amount(host)
            if cfg.consumed + amount > cfg.license_count:
                detail = (f"{cfg.license_count - cfg.consumed} of {cfg.license_count} "
                          f"{UNITS[cfg.counting_type]} licenses are available and host {host.host_id} "
                          f"needs {amount}")
                violations.append(Violation(cfg, "hard_limit" if cfg.hard_limit else "soft_limit", detail,
                                            host.arn, EC2_HOST, host.account_id))
        self._settle(violations, "UpdateLicenseSpecificationsForResource", principal)

    # -- tracking ---------------------------------------------------------------------------

    def _on_instances_state(self, event: InstancesStateChanged) -> None:
        current = event.current
        if current is _RUNNING or current is _STOPPED:
            return  # the end of a transition: consumption changed when it began
        instances = event.instances
        if event.previous[0] is None:  # the instances of one RunInstances call
            if not self._configs:
                return
            plans: Iterable = repeat(self._track_launch(instances), len(instances))
        else:
            tracked = self._instance_configs
            plans = [tracked.get(i.instance_id) for i in instances]
        changed: dict[LicenseConfiguration, None] = {}
        now = self._env.now
        for instance, previous, configs in zip(instances, event.previous, plans):
            if not configs:
                continue
            if current is _PENDING:
                host = self._host_of(instance) if instance.host_id is not None else None
                for cfg in configs:
                    before = cfg.consumed
                    cfg.activate(instance, host, now)
                    if cfg.consumed != before:
                        changed[cfg] = None
            elif current is _TERMINATED:
                for cfg in configs:
                    cfg.instances.pop(instance.instance_id, None)
                del self._instance_configs[instance.instance_id]
            elif previous is _PENDING or previous is _RUNNING:  # to stopping or shutting-down
                for cfg in configs:
                    before = cfg.consumed
                    cfg.deactivate(instance, instance.host_id, now)
                    if cfg.consumed != before:
                        changed[cfg] = None
        for cfg in changed:  # one compliance row per configuration for the whole group
            self._record(cfg)

    def _track_launch(self, instances: tuple[Instance, ...]) -> tuple[LicenseConfiguration, ...]:
        """Associate the instances of one launch (one AMI, one set of license specifications)
        with their configurations: the call's, the launch template's and the AMI's."""
        first = instances[0]
        configs = tuple(self._launch_configs(first.account_id, first.region, first.image,
                                             first.license_configuration_arns, None))
        if configs:
            now = self._env.now
            arns = tuple(c.arn for c in configs)
            set_licenses = self.world.ec2(first.region).instances.set_license_configurations
            for instance in instances:
                link = (instance, now)
                for cfg in configs:
                    cfg.instances[instance.instance_id] = link
                self._instance_configs[instance.instance_id] = configs
                if arns != instance.license_configuration_arns:  # the AMI added some
                    set_licenses(instance, arns)
        return configs

    def _on_host_released(self, event: HostReleased) -> None:
        host_id = event.host.host_id
        now = self.clock.seconds
        for cfg in self._host_configs.pop(host_id, ()):
            cfg.hosts.pop(host_id, None)
            before = cfg.consumed
            cfg.detach_host(host_id, now)
            if cfg.consumed != before:
                self._record(cfg)

    def _associate(self, kind: str, resource, cfg: LicenseConfiguration, account_id: str, scope: str | None,
                   when, now: float) -> None:
        before = cfg.consumed
        if kind == "instance":
            cfg.instances[resource.instance_id] = (resource, now)
            self._instance_configs[resource.instance_id] = (*self._instance_configs.get(resource.instance_id, ()), cfg)
            if resource.state in ACTIVE_STATES:
                cfg.activate(resource, self._host_of(resource), now)
        elif kind == "host":
            cfg.hosts[resource.host_id] = Association(
                resource.arn, EC2_HOST, resource.host_id, resource.account_id, when, resource=resource)
            self._host_configs.setdefault(resource.host_id, []).append(cfg)
            cfg.attach_host(resource, now)
        else:
            association = Association(resource.arn, EC2_AMI, resource.image_id, resource.owner_id, when,
                                      ami_scope=scope, associating_account=account_id, resource=resource)
            cfg.amis[(resource.image_id, account_id)] = association
            self._ami_index.setdefault((resource.region, resource.image_id), []).append((cfg, association))
        if cfg.consumed != before:
            self._record(cfg)

    def _disassociate(self, kind: str, resource, cfg: LicenseConfiguration, account_id: str, now: float) -> None:
        before = cfg.consumed
        if kind == "instance":
            cfg.instances.pop(resource.instance_id)
            remaining = tuple(c for c in self._instance_configs[resource.instance_id] if c is not cfg)
            if remaining:
                self._instance_configs[resource.instance_id] = remaining
            else:
                del self._instance_configs[resource.instance_id]
            if resource.state in ACTIVE_STATES:
                cfg.deactivate(resource, resource.host_id, now)
        elif kind == "host":
            cfg.hosts.pop(resource.host_id)
            self._host_configs[resource.host_id].remove(cfg)
            cfg.detach_host(resource.host_id, now)
        else:
            self._drop_ami_association(cfg, resource.region, resource.image_id, account_id)
        if cfg.consumed != before:
            self._record(cfg)

    def _drop_ami_association(self, cfg: LicenseConfiguration, region: str, image_id: str, account_id: str) -> None:
        cfg.amis.pop((image_id, account_id), None)
        key = (region, image_id)
        entries = [(c, a) for c, a in self._ami_index.get(key, ()) if not (c is cfg and a.associating_account == account_id)]
        if entries:
            self._ami_index[key] = entries
        else:
            self._ami_index.pop(key, None)

    def _start_tracking(self, cfg: LicenseConfiguration, now: float) -> None:
        for instance, _ in cfg.instances.values():
            if instance.state in ACTIVE_STATES:
                cfg.activate(instance, self._host_of(instance), now)
        for association in cfg.hosts.values():
            cfg.attach_host(association.resource, now)

    def _publish_licenses(self, instance: Instance) -> None:
        arns = tuple(c.arn for c in self._instance_configs.get(instance.instance_id, ()))
        if arns != instance.license_configuration_arns:
            self.world.ec2(instance.region).instances.set_license_configurations(instance, arns)

    def _every(self, period: float, action):
        while True:
            yield self.clock.env.timeout(period)
            action()

    def _disassociate_deregistered_amis(self) -> None:
        """License Manager checks for deregistered AMIs every 8 hours and disassociates them."""
        for (region, image_id), entries in list(self._ami_index.items()):
            if entries[0][1].resource.state == "deregistered":
                for cfg, association in entries:
                    cfg.amis.pop((image_id, association.associating_account), None)
                del self._ami_index[(region, image_id)]

    def _release_expired_bindings(self) -> None:
        now = self.clock.seconds
        for cfg in self._configs.values():
            if cfg.rules.affinity_days and cfg.host_usage:
                before = cfg.consumed
                cfg.release_expired_bindings(now)
                if cfg.consumed != before:
                    self._record(cfg)

    # -- helpers ----------------------------------------------------------------------------

    def _record(self, cfg: LicenseConfiguration) -> None:
        count = cfg.license_count
        if count is None:
            count = available = _NAN
        else:
            available = count - cfg.consumed
        self._compliance.append((self._env.now, cfg.arn, cfg.name, cfg.counting_type, count,
                                 cfg.hard_limit, cfg.consumed, available, cfg.status, cfg.owner_id, cfg.region))

    def _host_of(self, instance: Instance) -> DedicatedHost | None:
        if instance.host_id is None:
            return None
        return self.world.ec2(instance.region).hosts.account_hosts(instance.account_id).get(instance.host_id)

    def _launch_configs(self, account_id: str, region: str, image: Image, explicit: tuple[str, ...],
                        code: str | None) -> list[LicenseConfiguration]:
        found: dict[str, LicenseConfiguration] = {}
        for arn in explicit:
            if code is None:
                cfg = self._configs.get(arn)
                if cfg is not None:
                    found[arn] = cfg
            else:
                found[arn] = self._usable(account_id, region, arn, code)
        for cfg, association in self._ami_index.get((region, image.image_id), ()):
            if association.ami_scope == CROSS_ACCOUNT or association.associating_account == account_id:
                found.setdefault(cfg.arn, cfg)
        if len(found) > MAX_CONFIGURATIONS_PER_RESOURCE:
            raise ServiceError(
                "ResourceLimitExceededException",
                f"The launch would associate {len(found)} license configurations with each instance; a "
                f"resource can have at most {MAX_CONFIGURATIONS_PER_RESOURCE}",
            )
        return list(found.values())

    def _usable(self, account_id: str, region: str, arn: str, code: str) -> LicenseConfiguration:
        if not _CONFIG_ARN.match(arn):
            raise ServiceError(code, f"License configuration ARN {arn!r} is malformed; expected "
                                     f"arn:aws:license-manager:{region}:{account_id}:license-configuration:lic-<32 hex>")
        cfg = self._configs.get(arn)
        if cfg is None or cfg.region != region:
            raise ServiceError(code, f"License configuration {arn} does not exist in {region}")
        if cfg.owner_id != account_id:
            raise ServiceError("AccessDeniedException" if code.endswith("Exception") else code,
                               f"License configuration {arn} belongs to account {cfg.owner_id}, not to {account_id}")
        return cfg

    def _resource(self, account_id: str, region: str, arn: str) -> tuple[str, object]:
        """``(kind, resource)`` of an instance, AMI (deregistered too) or Dedicated Host ARN."""
        match = _EC2_ARN.match(arn)
        if match is None:
            raise _invalid(f"ResourceArn {arn!r} is not the ARN of an AMI, an instance or a Dedicated Host")
        if match["region"] != region:
            raise _invalid(f"ResourceArn {arn} is in {match['region']}, not in {region}")
        kind, resource_id = match["kind"], match["id"]
        if kind == "launch-template":
            raise _invalid("License specifications of launch templates cannot be updated: a launch "
                           "template passes its license configurations to the instances it launches")
        if kind != "image" and match["account"] != account_id:
            raise _invalid(f"ResourceArn {arn} belongs to account {match['account']}, not to {account_id}")
        ec2 = self.world.ec2(region)
        try:
            if kind == "instance":
                return "instance", ec2.instances.get(account_id, resource_id)
            if kind == "dedicated-host":
                return "host", ec2.hosts.get(account_id, resource_id)
            image = ec2.images.images.get(resource_id)
            if image is None or not image.launchable_by(account_id):
                raise _invalid(f"AMI {resource_id} does not exist")
            return "image", image
        except ServiceError as error:
            raise _invalid(f"Resource {arn} does not exist: {error.message}") from None

    @staticmethod
    def _check_count(license_count: int | None) -> None:
        if license_count is not None and license_count < 0:
            raise _invalid(f"LicenseCount must be 0 or more, got {license_count}")

    def _may_exclude(self, account_id: str) -> bool:
        return self.world.organizations.is_management_account(account_id)


def _violation(cfg: LicenseConfiguration, kind: str, detail: str, candidate: LaunchCandidate,
               account_id: str) -> Violation:
    """A violation by a launch or start candidate (the instance, or the AMI of a new launch)."""
    if candidate.instance is not None:
        resource_arn, resource_type = candidate.instance.arn, EC2_INSTANCE
    else:
        resource_arn, resource_type = candidate.image.arn, EC2_AMI
    metadata = (("InstanceType", candidate.instance_type.name), ("ImageId", candidate.image.image_id),
                ("Tenancy", candidate.tenancy))
    return Violation(cfg, kind, detail, resource_arn, resource_type, account_id, metadata)


def _fixed_rules(rules: RuleSet) -> frozenset[str]:
    """The rules other than licenseAffinityToHost (they cannot change after creation)."""
    return frozenset(t for t in rules.texts if not t.startswith("#licenseAffinityToHost="))


def _check_tags(tags: dict[str, str]) -> None:
    if len(tags) > 50:
        raise ServiceError("ValidationException", "A resource can have at most 50 tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            raise ServiceError("ValidationException", f"Tag key {key!r} is invalid: 1 to 128 characters, "
                                                      "not starting with aws:")
        if len(value) > 256:
            raise ServiceError("ValidationException", f"The value of tag {key!r} exceeds 256 characters")
