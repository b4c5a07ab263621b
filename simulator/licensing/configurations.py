"""License configurations: create, read, list, update, delete (their lookups are in
``lookups``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator.core.arn import format_arn
from simulator.core.billing import COUNTING_TYPES
from simulator.core.validation import check_count, check_tags, invalid
from simulator.licensing.alerts import HARD_LIMIT
from simulator.licensing.configuration import (
    DELETED,
    EC2_AMI,
    EC2_HOST,
    EC2_INSTANCE,
    RDS,
    SYSTEMS_MANAGER_MANAGED_INSTANCE,
    ConfigurationStatus,
    LicenseConfiguration,
)
from simulator.licensing.errors import (
    resource_limit_exceeded_exception,
)
from simulator.licensing.filters import filter_configurations
from simulator.licensing.lookups import ConfigurationLookups
from simulator.licensing.products import (
    ProductInformation,
    check_products,
    validate_product_information,
)
from simulator.licensing.rules import RuleSet, parse_rules


def check_license_tags(tags: dict[str, str]) -> dict[str, str]:
    """``check_tags`` with License Manager's error code."""
    return check_tags(tags, "Tags", code="ValidationException")


class Configurations(ConfigurationLookups):
    """The license configurations of every account and region: their lookups (see
    ``lookups``) and the License Manager operations on them.

    Args:
        state: The engine's shared state.
    """

    # -- the operations -------------------------------------------------------------------

    def create(
        self, account_id: str, region: str, *, name: str, counting_type: str, description: str = "",
        license_count: int | None = None, hard_limit: bool = False, rules: Iterable[str] = (),
        product_information: tuple[ProductInformation, ...] = (),
        disassociate_when_not_found: bool | None = None, license_expiry: int | None = None,
        tags: dict[str, str] | None = None,
    ) -> LicenseConfiguration:
        """CreateLicenseConfiguration.

        Raises:
            ServiceError: InvalidParameterValueException naming the field (counting type,
                count, rule, product information), ValidationException for a bad tag,
                ResourceLimitExceededException past 25 configurations in the account and region.
        """
        state = self.state
        if counting_type not in COUNTING_TYPES:
            raise invalid(f"LicenseCountingType {counting_type!r} is invalid; allowed values: "
                          f"{', '.join(COUNTING_TYPES)}")
        if not name or not name.strip():
            raise invalid("Name must not be empty")
        _check_count(license_count)
        rule_set = parse_rules(tuple(rules), counting_type)
        validate_product_information(product_information)
        check_products(product_information, counting_type=counting_type, has_rules=bool(rule_set.texts),
                       hard_limit=bool(hard_limit), may_exclude=state.may_exclude(account_id, region))
        check_license_tags(tags or {})
        owned = state.owned.setdefault((account_id, region), {})
        most = state.quotas.configurations_per_account
        if len(owned) >= most:
            raise resource_limit_exceeded_exception(
                f"Account {account_id} already has {most} license configurations in {region}, the "
                "most it may have",
            )
        configuration_id = "lic-" + state.ids.token("lic", 32)
        cfg = LicenseConfiguration(
            configuration_id=configuration_id,
            arn=format_arn("license-manager", region, account_id, "license-configuration", configuration_id, ":"),
            region=region,
            owner_id=account_id,
            name=name,
            description=description,
            counting_type=counting_type,
            license_count=license_count,
            hard_limit=bool(hard_limit),
            rules=rule_set,
            created_at=state.clock.now(),
            product_information=tuple(product_information),
            disassociate_when_not_found=disassociate_when_not_found,
            license_expiry=license_expiry,
            tags=dict(tags or {}),
        )
        state.configurations[cfg.arn] = cfg
        owned[cfg.arn] = cfg
        state.record(cfg)
        if cfg.product_information:
            state.products_changed(cfg)
        return cfg

    def list(
        self, account_id: str, region: str, arns: Iterable[str] = (), filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[LicenseConfiguration]:
        """ListLicenseConfigurations: the caller's configurations and those shared with it,
        by ARN and filters (licenseCountingType, enforceLicenseCount, usagelimitExceeded),
        each once.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown ARN or filter,
                AccessDeniedException for a configuration neither owned nor shared.
        """
        arns = list(dict.fromkeys(arns))
        selected = (
            [self.visible(account_id, region, arn) for arn in arns]
            if arns else [*self.state.owned.get((account_id, region), {}).values(),
                          *self.sharing.shared_configurations(account_id, region)]
        )
        return filter_configurations(selected, filters)

    def update(
        self, account_id: str, region: str, arn: str, *, status: str | None = None,
        rules: Sequence[str] | None = None, license_count: int | None = None, hard_limit: bool | None = None,
        name: str | None = None, description: str | None = None,
        product_information: tuple[ProductInformation, ...] | None = None,
        disassociate_when_not_found: bool | None = None, license_expiry: int | None = None,
    ) -> LicenseConfiguration:
        """UpdateLicenseConfiguration: name, description, license count, hard limit, status
        (AVAILABLE or DISABLED), product information, and adding licenseAffinityToHost, the
        only rule that can change after creation. None leaves a field as it is.

        Disabling stops tracking; enabling again counts from the resources' current state.

        Raises:
            ServiceError: InvalidParameterValueException naming the field, before anything
                changes.
        """
        cfg = self.owned(account_id, region, arn)
        new_rules, products = self._checked_update(cfg, account_id, region, status=status, rules=rules,
                                                   license_count=license_count, hard_limit=hard_limit, name=name,
                                                   product_information=product_information)
        now = self.state.clock.seconds
        level = (cfg.name, cfg.license_count, cfg.hard_limit, cfg.status, cfg.level)
        rules_changed = tuple(products) != cfg.product_information
        if name is not None:
            cfg.name = name
        if description is not None:
            cfg.description = description
        if license_count is not None:
            cfg.license_count = license_count
        if hard_limit is not None:
            cfg.hard_limit = bool(hard_limit)
        cfg.set_product_information(tuple(products), now)
        if disassociate_when_not_found is not None:
            cfg.disassociate_when_not_found = disassociate_when_not_found
        if license_expiry is not None:
            cfg.license_expiry = license_expiry
        if new_rules is not cfg.rules:
            cfg.rules = new_rules
            cfg.set_affinity(now)
        if status is not None and status != cfg.status:
            self._set_status(cfg, ConfigurationStatus(status), now)
        if (cfg.name, cfg.license_count, cfg.hard_limit, cfg.status, cfg.level) != level:
            self.state.record(cfg)
        if rules_changed:
            self.state.products_changed(cfg)
        return cfg

    def _checked_update(
        self, cfg: LicenseConfiguration, account_id: str, region: str, *, status: str | None,
        rules: Sequence[str] | None, license_count: int | None, hard_limit: bool | None, name: str | None,
        product_information: tuple[ProductInformation, ...] | None,
    ) -> tuple[RuleSet, tuple[ProductInformation, ...]]:
        """Check an update of ``cfg`` before anything changes; the rules and the product
        information it leaves the configuration with.

        Raises:
            ServiceError: InvalidParameterValueException naming the field.
        """
        if status is not None and status not in tuple(ConfigurationStatus):
            raise invalid(f"LicenseConfigurationStatus {status!r} is invalid; allowed values: "
                          f"{', '.join(ConfigurationStatus)}")
        if name is not None and not name.strip():
            raise invalid("Name must not be empty")
        _check_count(license_count)
        new_rules = cfg.rules
        if rules is not None:
            new_rules = parse_rules(tuple(rules), cfg.counting_type)
            if _fixed_rules(new_rules) != _fixed_rules(cfg.rules):
                raise invalid("After a license configuration is created, the only rule that can be added or "
                              f"changed is licenseAffinityToHost; current rules: {list(cfg.rules.texts) or 'none'}")
        products = cfg.product_information if product_information is None else product_information
        validate_product_information(products)
        check_products(products, counting_type=cfg.counting_type, has_rules=bool(new_rules.texts),
                       hard_limit=cfg.hard_limit if hard_limit is None else bool(hard_limit),
                       may_exclude=self.state.may_exclude(account_id, region))
        return new_rules, tuple(products)

    def _set_status(self, cfg: LicenseConfiguration, status: ConfigurationStatus, now: float) -> None:
        """Disable (tracking stops) or enable again (counting from the resources' current
        state, alerting if that is over a hard limit)."""
        cfg.status = status
        if status is ConfigurationStatus.DISABLED:
            cfg.stop_tracking()
        else:
            cfg.start_tracking(now, self.state.inactive_nodes)
            self._alert_if_over_hard_limit(cfg)

    def _alert_if_over_hard_limit(self, cfg: LicenseConfiguration) -> None:
        """Counting again from the resources' current state can find a hard limit exceeded
        (launches went ahead untracked while the configuration was disabled): that is never
        left silent."""
        if not cfg.hard_limit or cfg.license_count is None or cfg.consumed <= cfg.license_count:
            return
        state = self.state
        detail = (f"{cfg.consumed} licenses are in use on re-activation, over the hard limit of "
                  f"{cfg.license_count}")
        state.violation(cfg, resource_arn=cfg.arn, account_id=cfg.owner_id, kind="hard_limit", action="alerted",
                        operation="UpdateLicenseConfiguration", detail=detail)
        state.notify(cfg, HARD_LIMIT, f"License Manager alert: {cfg.name} is over its hard limit",
                     f"License configuration {cfg.name} ({cfg.arn}): {detail}", resource_arn=cfg.arn)

    def delete(self, account_id: str, region: str, arn: str) -> None:
        """DeleteLicenseConfiguration of a configuration with no associated resources and
        no report generator reporting on it (User Guide, "Deleting a report generator").

        Raises:
            ServiceError: InvalidParameterValueException while resources are associated or
                a report generator names it.
        """
        cfg = self.owned(account_id, region, arn)
        for check in self.state.delete_checks:
            reason = check(cfg)
            if reason:
                raise invalid(reason)
        counts = {EC2_INSTANCE: len(cfg.instances), EC2_HOST: len(cfg.hosts), EC2_AMI: len(cfg.amis),
                  SYSTEMS_MANAGER_MANAGED_INSTANCE: len(cfg.managed), RDS: len(cfg.databases)}
        if any(counts.values()):
            in_use = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
            raise invalid(f"License configuration {cfg.arn} is in use ({in_use}); disassociate its resources "
                          "before deleting it")
        del self.state.configurations[arn]
        del self.state.owned[(account_id, region)][arn]
        self.state.world.region(region).ram.resource_deleted(arn)
        self.state.governing_changed()
        cfg.status = DELETED
        self.state.record(cfg)
        if cfg.product_information:
            self.state.products_changed(cfg)

    # -- tags -----------------------------------------------------------------------------

    def tag(self, account_id: str, region: str, arn: str, tags: dict[str, str]) -> None:
        """TagResource on a license configuration.

        Raises:
            ServiceError: InvalidParameterValueException, ValidationException for bad tags.
        """
        cfg = self.owned(account_id, region, arn)
        check_license_tags({**cfg.tags, **tags})
        cfg.tags.update(tags)

    def untag(self, account_id: str, region: str, arn: str, keys: Iterable[str]) -> None:
        """UntagResource on a license configuration."""
        cfg = self.owned(account_id, region, arn)
        for key in keys:
            cfg.tags.pop(key, None)


def _check_count(license_count: int | None) -> None:
    if license_count is not None:
        check_count("LicenseCount", license_count, code="InvalidParameterValueException")


def _fixed_rules(rules: RuleSet) -> frozenset[str]:
    """The rules other than licenseAffinityToHost (they cannot change after creation)."""
    return frozenset(t for t in rules.texts if not t.startswith("#licenseAffinityToHost="))
