"""An AWS organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.core.arn import format_arn


@dataclass(slots=True, eq=False)
class Organization:
    """An AWS organization: one management account and its members (in joining order).

    Attributes:
        enabled_services: Service principals with trusted access, and when each got it.
        delegated_administrators: Service principal -> the member accounts registered as its
            delegated administrators, and when each was registered.
    """

    organization_id: str
    feature_set: str
    management_account_id: str
    member_account_ids: list[str]
    enabled_services: dict[str, datetime] = field(default_factory=dict)
    delegated_administrators: dict[str, dict[str, datetime]] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The organization's ARN."""
        return format_arn("organizations", "", self.management_account_id, "organization", self.organization_id)

    def account_arn(self, account_id: str) -> str:
        """The ARN of a member account inside this organization."""
        return format_arn(
            "organizations", "", self.management_account_id, "account", f"{self.organization_id}/{account_id}"
        )

    def delegated_administrator(self, service_principal: str) -> str | None:
        """The first account registered as ``service_principal``'s delegated administrator."""
        return next(iter(self.delegated_administrators.get(service_principal, {})), None)
