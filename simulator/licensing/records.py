"""Records the License Manager engine writes: compliance levels, violations, notifications,
and the true consumption it did not yet know (exposure)."""

from __future__ import annotations

from typing import NamedTuple


class ComplianceRecord(NamedTuple):
    """A license configuration's level after a change of consumption, count, limit type,
    name or status. ``license_count`` and ``available`` are NaN without a license count;
    ``bound`` is the part of ``consumed`` held on hosts by license affinity alone."""

    time: float
    license_configuration_arn: str
    name: str
    counting_type: str
    license_count: float
    hard_limit: bool
    consumed: int
    available: float
    status: str
    owner_account_id: str
    region: str
    bound: int = 0


class ViolationRecord(NamedTuple):
    """A launch, start or association that broke a configuration's limit or rules.

    ``kind`` is hard_limit, soft_limit, rule:<ruleName>, disabled, or
    discovered_over_limit (automated discovery found, after the fact, a resource that takes
    the configuration past its count; ``detail`` gives the lag); ``action`` is blocked or
    alerted.
    """

    time: float
    license_configuration_arn: str
    resource_arn: str
    account_id: str
    kind: str
    action: str
    operation: str
    detail: str


class NotificationRecord(NamedTuple):
    """An alert or notice License Manager sends ``account_id`` (the configuration's owner),
    published to the SNS topic of its settings: ``topic_arn`` is where it went, empty when
    the settings name no topic or the topic refused it. ``kind`` is one of
    ``licensing.alerts.ALERT_KINDS``; ``resource_arn`` the resource that caused it, if any."""

    time: float
    account_id: str
    region: str
    license_configuration_arn: str
    subject: str
    message: str
    kind: str = ""
    resource_arn: str = ""
    topic_arn: str = ""


class ReportRecord(NamedTuple):
    """One run of a report generator for one report type: ``status`` SUCCESS with the
    object written (``bucket``, ``key``), or FAILED with its ``failure_reason``."""

    time: float
    account_id: str
    region: str
    report_generator_arn: str
    report_generator_name: str
    report_type: str
    status: str
    bucket: str
    key: str
    failure_reason: str


class ExposureRecord(NamedTuple):
    """What a configuration with discovery rules would consume if License Manager saw the
    machines as they are: every running resource of its reach whose installed software,
    platform and included licenses match the rules and that no exclusion applies to."""

    time: float
    license_configuration_arn: str
    true_consumed: int


class ConversionRecord(NamedTuple):
    """A license type conversion task after a change of status: created (IN_PROGRESS), and
    SUCCEEDED or FAILED with its status message."""

    time: float
    task_id: str
    account_id: str
    region: str
    instance_id: str
    source: str
    destination: str
    status: str
    status_message: str
