"""The domain events AWS Organizations publishes: accounts joining and leaving, trusted
access turned off, delegated administrators registered and deregistered."""

from __future__ import annotations

from typing import NamedTuple

_GROUP = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]


class AccountJoinedOrganization(NamedTuple):
    """An account accepted an invitation and joined an organization."""

    account_id: str
    organization_id: str

    def record_group(self) -> _GROUP:
        return (self.account_id, "", "organizations", "AccountJoined", (self.account_id,), (self.organization_id,))


class AccountLeftOrganization(NamedTuple):
    """An account left its organization (``removed``: the management account removed it)."""

    account_id: str
    organization_id: str
    management_account_id: str
    removed: bool

    def record_group(self) -> _GROUP:
        how = "removed" if self.removed else "left"
        return (self.account_id, "", "organizations", "AccountLeft", (self.account_id,),
                (f"{how} {self.organization_id}",))


class ServiceAccessDisabled(NamedTuple):
    """The management account turned off a service's trusted access."""

    organization_id: str
    management_account_id: str
    service_principal: str

    def record_group(self) -> _GROUP:
        return (self.management_account_id, "", "organizations", "ServiceAccessDisabled",
                (self.organization_id,), (self.service_principal,))


class DelegatedAdministratorChanged(NamedTuple):
    """A member account was registered (or deregistered) as a service's delegated administrator."""

    organization_id: str
    account_id: str
    service_principal: str
    registered: bool

    def record_group(self) -> _GROUP:
        how = "registered" if self.registered else "deregistered"
        return (self.account_id, "", "organizations", "DelegatedAdministrator", (self.account_id,),
                (f"{how} {self.service_principal}",))
