"""License configurations: create, read, list, update, delete, and the lookups every other
part of the engine uses (the owner's view for the License Manager API, the launch's view
for EC2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator.core.arn import format_arn, parse_arn
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
    access_denied_exception,
    invalid_parameter_value,
    resource_limit_exceeded_exception,
)
from simulator.licensing.filters import filter_configurations
from simulator.licensing.products import (
    ProductInformation,
    check_products,
    validate_product_information,
)
from simulator.licensing.rules import RuleSet, parse_rules
from simulator.licensing.sharing import Sharing
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Image

CROSS_ACCOUNT = "cross-account"


def check_license_tags(tags: dict[str, str]) -> dict[str, str]:
    """``check_tags`` with License Manager's error code."""
    return check_tags(tags, "Tags", code="ValidationException")


class Configurations:
    """The license configurations of every account and region.

    Args:
        state: The engine's shared state.
    """

    def __init__(self, state: LicenseState) -> None:
        self.state = state
        self.sharing = Sharing(state)
        # (account, region, image id, named ARNs) -> (governing revision, configurations), for
        # launches whose configurations are all the account's own or associated across accounts
        self._governing: dict[tuple, tuple[int, tuple[LicenseConfiguration, ...]]] = {}

    # -- lookups --------------------------------------------------------------------------

    def find(self, region: str, arn: str) -> LicenseConfiguration | None:
        """The configuration ``arn`` names in ``region``, or None (malformed, unknown, or
        of another region). Only ARNs the engine made are keys of ``state.configurations``:
        a lookup there needs no parsing."""
        cfg = self.state.configurations.get(arn) if isinstance(arn, str) else None
        return cfg if cfg is not None and cfg.region == region else None

    def owned(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration the caller owns, for the License Manager API.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed or unknown ARN,
                AccessDeniedException for another account's configuration.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(_unknown(arn, account_id, region))
        if cfg.owner_id != account_id:
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def visible(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration the caller owns or has shared with it.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed or unknown ARN,
                AccessDeniedException for another account's configuration not shared with it.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(_unknown(arn, account_id, region))
        if not self.sharing.usable_by(cfg, account_id):
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def readable(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration whose associations and usage the caller may list: its own, or
        one of its organization's when it is the management account or the delegated
        administrator ("visibility into EC2 instances owned by accounts in your organization").

        Raises:
            ServiceError: InvalidParameterValueException, AccessDeniedException.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(_unknown(arn, account_id, region))
        if cfg.owner_id != account_id and not self.sharing.administers(account_id, cfg.owner_id):
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def for_launch(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration a launch (EC2 LicenseSpecifications, a launch template) names.

        Raises:
            ServiceError: EC2's InvalidParameterValue for a malformed or unknown ARN, or
                another account's configuration not shared with the account.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid_parameter_value(_unknown(arn, account_id, region))
        if not self.sharing.usable_by(cfg, account_id):
            raise invalid_parameter_value(_foreign(cfg, account_id))
        return cfg

    def governing_launch(
        self, account_id: str, region: str, image: Image, explicit: tuple[str, ...],
    ) -> tuple[LicenseConfiguration, ...]:
        """The configurations a launch from ``image`` is tracked by: those the call and its
        launch template name, then those the AMI is associated with for this account
        (remembered until an AMI association or a configuration changes, unless another
        account shares one of them: a RAM share can change at any time).

        Raises:
            ServiceError: EC2's InvalidParameterValue for a named configuration that does
                not exist or is another account's, or past 10 configurations per resource.
        """
        key = (account_id, region, image.image_id, explicit)
        known = self._governing.get(key)
        if known is not None and known[0] == self.state.governing_revision:
            return known[1]
        found, cacheable = self._resolve_launch(account_id, region, image, explicit)
        if cacheable:
            self._governing[key] = (self.state.governing_revision, found)
        return found

    def _resolve_launch(self, account_id: str, region: str, image: Image,
                        explicit: tuple[str, ...]) -> tuple[tuple[LicenseConfiguration, ...], bool]:
        """The launch's configurations, and whether they hold until the governing revision
        changes (no configuration of another account was judged by its RAM shares)."""
        found = {arn: self.for_launch(account_id, region, arn) for arn in explicit}
        cacheable = all(cfg.owner_id == account_id for cfg in found.values())
        for cfg, association in self.state.ami_index.get((region, image.image_id), ()):
            if association.ami_scope == CROSS_ACCOUNT:
                found.setdefault(cfg.arn, cfg)
            elif association.associating_account == account_id:
                if cfg.owner_id != account_id:
                    cacheable = False
                if self.sharing.usable_by(cfg, account_id):
                    found.setdefault(cfg.arn, cfg)
        limit = self.state.quotas.configurations_per_resource
        if len(found) > limit:
            raise invalid_parameter_value(f"The launch would associate {len(found)} license configurations with each "
                                          f"instance; a resource can have at most {limit}")
        return tuple(found.values()), cacheable

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


def _unknown(arn: str, account_id: str, region: str) -> str:
    if parse_arn(arn) is None or "license-configuration:lic-" not in arn:
        return (f"License configuration ARN {arn!r} is malformed; expected "
                f"arn:aws:license-manager:{region}:{account_id}:license-configuration:lic-<32 hex>")
    return f"License configuration {arn} does not exist in {region}"


def _foreign(cfg: LicenseConfiguration, account_id: str) -> str:
    return f"License configuration {cfg.arn} belongs to account {cfg.owner_id}, not to {account_id}"


def _check_count(license_count: int | None) -> None:
    if license_count is not None:
        check_count("LicenseCount", license_count, code="InvalidParameterValueException")


def _fixed_rules(rules: RuleSet) -> frozenset[str]:
    """The rules other than licenseAffinityToHost (they cannot change after creation)."""
    return frozenset(t for t in rules.texts if not t.startswith("#licenseAffinityToHost="))
