"""The engine's shared state: every license configuration and the indexes that keep each
launch and state change O(1), with the records they write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.records import Records
from simulator.licensing.association import Association
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.quotas import LicenseManagerQuotas
from simulator.licensing.records import (
    ComplianceRecord,
    NotificationRecord,
    ViolationRecord,
)
from simulator.world import World

_NAN = float("nan")
LICENSE_MANAGER_PRINCIPAL = "license-manager.amazonaws.com"


class Notice(NamedTuple):
    """What an alert says, as the publisher turns it into an SNS message: its kind, the
    recipient (``owner_id`` in ``region``), the configuration, and the account and resource
    that caused it."""

    kind: str
    owner_id: str
    region: str
    license_configuration_arn: str
    license_configuration_name: str
    account_id: str
    resource_arn: str
    subject: str
    message: str


@dataclass
class ServiceSettings:
    """License Manager settings of one account and region (defaults until configured)."""

    s3_bucket_arn: str | None = None
    sns_topic_arn: str | None = None
    organization_integration: bool = False
    cross_account_discovery: bool = False
    resource_share_arn: str | None = None


@dataclass(eq=False)
class LicenseState:
    """What every part of the engine reads and changes.

    Attributes:
        configurations: Every license configuration by ARN.
        owned: ``(account, region)`` -> that account's configurations by ARN, in creation order.
        ami_index: ``(region, image id)`` -> the configurations associated with the AMI, each
            with its association (one per associating account).
        instance_configs: Instance id -> the configurations tracking it. The instances of one
            launch share one tuple; a change for one instance replaces its tuple.
        host_configs: Host id -> the configurations the host itself is associated with.
        settings: ``(account, region)`` -> the service settings.
        resource_configs: On-premises node id or DB instance ARN -> the configurations
            tracking it.
        inactive_nodes: The managed nodes License Manager marked inactive (Systems Manager
            purged their inventory).
        product_listeners: Called with a configuration whose product information (its
            discovery rules) was set, changed or deleted.
        quotas: The quotas License Manager enforces.
        publisher: Publishes a notice to the recipient's SNS topic; the topic's ARN, or ""
            when it was not published (``licensing.alerts`` sets it).
        delete_checks: Asked before a configuration is deleted: why it cannot be, or None.
        governing_revision: Changes whenever what decides a launch's configurations changes
            (an AMI association, its scope, a configuration deleted): lookups made before
            are stale then.
    """

    world: World
    clock: Clock
    ids: IdFactory
    records: Records
    configurations: dict[str, LicenseConfiguration] = field(default_factory=dict)
    owned: dict[tuple[str, str], dict[str, LicenseConfiguration]] = field(default_factory=dict)
    ami_index: dict[tuple[str, str], list[tuple[LicenseConfiguration, Association]]] = field(default_factory=dict)
    instance_configs: dict[str, tuple[LicenseConfiguration, ...]] = field(default_factory=dict)
    host_configs: dict[str, list[LicenseConfiguration]] = field(default_factory=dict)
    settings: dict[tuple[str, str], ServiceSettings] = field(default_factory=dict)
    resource_configs: dict[str, tuple[LicenseConfiguration, ...]] = field(default_factory=dict)
    inactive_nodes: set[str] = field(default_factory=set)
    product_listeners: list[Callable[[LicenseConfiguration], None]] = field(default_factory=list)
    quotas: LicenseManagerQuotas = field(default_factory=LicenseManagerQuotas)
    publisher: Callable[[Notice], str] | None = None
    delete_checks: list[Callable[[LicenseConfiguration], str | None]] = field(default_factory=list)
    governing_revision: int = 0

    def __post_init__(self) -> None:
        self.compliance = self.records.register("compliance", ComplianceRecord)
        self.violations = self.records.register("violations", ViolationRecord)
        self.notifications = self.records.register("notifications", NotificationRecord)
        self._env = self.clock.env

    def governing_changed(self) -> None:
        """Note that an AMI association or a configuration that launches may name changed."""
        self.governing_revision += 1

    def record(self, cfg: LicenseConfiguration) -> None:
        """Append the configuration's level now to the compliance timeline."""
        count: float | int
        if cfg.license_count is None:
            count = available = _NAN
        else:
            count = cfg.license_count
            available = count - cfg.consumed
        self.compliance.append((self._env.now, cfg.arn, cfg.name, cfg.counting_type, count, cfg.hard_limit,
                                cfg.consumed, available, cfg.status, cfg.owner_id, cfg.region, cfg.bound))

    def violation(self, cfg: LicenseConfiguration, *, resource_arn: str, account_id: str, kind: str, action: str,
                  operation: str, detail: str) -> None:
        """Record a violation of ``cfg`` (the violations timeline and the dashboard's alerts)."""
        self.violations.append((self._env.now, cfg.arn, resource_arn, account_id, kind, action, operation, detail))
        cfg.alerts += 1
        cfg.last_alert = f"{kind} {action}: {detail}"

    def notify(self, cfg: LicenseConfiguration, kind: str, subject: str, message: str, *, resource_arn: str = "",
               account_id: str = "") -> None:
        """Send an alert of ``kind`` about ``cfg`` to its owner: published to the SNS topic
        of the owner's settings (``publisher``) and recorded in the notifications timeline.
        ``account_id`` is the account of ``resource_arn`` (default: the owner)."""
        topic = self.publisher(Notice(kind, cfg.owner_id, cfg.region, cfg.arn, cfg.name, account_id or cfg.owner_id,
                                      resource_arn, subject, message)) if self.publisher is not None else ""
        self.notifications.append((self._env.now, cfg.owner_id, cfg.region, cfg.arn, subject, message, kind,
                                   resource_arn, topic))

    def notify_account(self, account_id: str, region: str, kind: str, subject: str, message: str,
                       resource_arn: str = "") -> None:
        """Send ``account_id`` a notice of ``kind`` that concerns no one license
        configuration (published and recorded as ``notify`` does)."""
        topic = self.publisher(Notice(kind, account_id, region, "", "", account_id, resource_arn, subject, message)
                               ) if self.publisher is not None else ""
        self.notifications.append((self._env.now, account_id, region, "", subject, message, kind, resource_arn,
                                   topic))

    def account_settings(self, account_id: str, region: str) -> ServiceSettings:
        """The service settings of ``account_id`` in ``region``."""
        return self.settings.setdefault((account_id, region), ServiceSettings())

    def linked(self, account_id: str, region: str) -> bool:
        """Whether ``account_id`` belongs to an organization whose management account linked
        it in ``region`` (Settings, "Link AWS Organizations accounts"), and the link holds:
        License Manager still has trusted access."""
        org = self.world.organizations.organization_of(account_id)
        if org is None or LICENSE_MANAGER_PRINCIPAL not in org.enabled_services:
            return False
        settings = self.settings.get((org.management_account_id, region))
        return settings is not None and settings.organization_integration

    def acts_for_organization(self, account_id: str) -> bool:
        """Whether ``account_id`` is its organization's management account or License
        Manager's delegated administrator."""
        org = self.world.organizations.organization_of(account_id)
        return org is not None and (account_id == org.management_account_id or account_id in
                                    org.delegated_administrators.get(LICENSE_MANAGER_PRINCIPAL, {}))

    def may_exclude(self, account_id: str, region: str) -> bool:
        """Whether the account may use exclusion rules: the management account of an
        organization, with cross-account discovery on in ``region``."""
        settings = self.settings.get((account_id, region))
        return (self.world.organizations.is_management_account(account_id) and settings is not None
                and settings.cross_account_discovery)

    def products_changed(self, cfg: LicenseConfiguration) -> None:
        """Tell the product listeners that ``cfg``'s discovery rules changed."""
        for listener in self.product_listeners:
            listener(cfg)
