"""Records the License Manager engine writes: compliance levels, violations, notifications."""

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

    ``kind`` is hard_limit, soft_limit, rule:<ruleName> or disabled; ``action`` is blocked
    or alerted.
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
    """An alert License Manager publishes (to the SNS topic of the settings)."""

    time: float
    account_id: str
    region: str
    license_configuration_arn: str
    subject: str
    message: str
