"""Delegated administrators (RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator,
ListDelegatedAdministrators, ListDelegatedServicesForAccount).

A member account (never the management account) of an organization with trusted access for
the service may be registered; License Manager allows one per organization (License Manager
User Guide, "Register a delegated administrator"). A deregistered account may be registered
again at any time.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.world.organizations.account import Account
from simulator.world.organizations.errors import (
    access_denied_exception,
    account_already_registered_exception,
    account_not_registered_exception,
    constraint_violation_exception,
)
from simulator.world.organizations.events import DelegatedAdministratorChanged
from simulator.world.organizations.organization import Organization

if TYPE_CHECKING:
    from simulator.world.organizations.service import Organizations

#: Services that accept a single delegated administrator per organization.
SINGLE_ADMINISTRATOR = frozenset({"license-manager.amazonaws.com"})


class Delegation:
    """The delegated administrators of every organization.

    Args:
        organizations: The accounts and organizations.
        clock: The simulation clock.
        bus: Where registrations and deregistrations are published.
    """

    def __init__(self, organizations: Organizations, clock: Clock, bus: EventBus) -> None:
        self._organizations = organizations
        self._clock = clock
        self._bus = bus

    def register(self, caller: str, account_id: str, service_principal: str) -> None:
        """RegisterDelegatedAdministrator.

        Raises:
            ServiceError: InvalidInputException (malformed account, unknown service),
                AccessDeniedException for a member caller, AccountNotFoundException,
                ConstraintViolationException (CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR,
                SERVICE_ACCESS_NOT_ENABLED, MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED),
                AccountAlreadyRegisteredException.
        """
        org, _ = self._organizations.member(caller, account_id)
        self._organizations.check_service_principal(service_principal)
        if account_id == org.management_account_id:
            raise constraint_violation_exception("The management account cannot be a delegated administrator",
                                                 "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR")
        if service_principal not in org.enabled_services:
            raise constraint_violation_exception(
                f"{service_principal} has no trusted access to organization {org.organization_id}; enable it "
                "first (EnableAWSServiceAccess)", "SERVICE_ACCESS_NOT_ENABLED")
        registered = org.delegated_administrators.setdefault(service_principal, {})
        if account_id in registered:
            raise account_already_registered_exception(
                f"Account {account_id} is already a delegated administrator of {service_principal}")
        if registered and service_principal in SINGLE_ADMINISTRATOR:
            raise constraint_violation_exception(
                f"{service_principal} allows one delegated administrator per organization; "
                f"{next(iter(registered))} is registered", "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED")
        registered[account_id] = self._clock.now()
        self._bus.publish(DelegatedAdministratorChanged(org.organization_id, account_id, service_principal, True))

    def deregister(self, caller: str, account_id: str, service_principal: str) -> None:
        """DeregisterDelegatedAdministrator.

        Raises:
            ServiceError: InvalidInputException, AccessDeniedException,
                AccountNotFoundException, AccountNotRegisteredException.
        """
        org, _ = self._organizations.member(caller, account_id)
        self._organizations.check_service_principal(service_principal)
        registered = org.delegated_administrators.get(service_principal, {})
        if account_id not in registered:
            raise account_not_registered_exception(
                f"Account {account_id} is not a delegated administrator of {service_principal}")
        del registered[account_id]
        self._bus.publish(DelegatedAdministratorChanged(org.organization_id, account_id, service_principal, False))

    def administrators(self, caller: str, service_principal: str | None = None) -> list[tuple[Account, datetime]]:
        """ListDelegatedAdministrators: the delegated administrators (of one service, or all).

        Raises:
            ServiceError: AWSOrganizationsNotInUseException, AccessDeniedException for a
                caller that is neither the management account nor a delegated administrator,
                InvalidInputException for an unknown service.
        """
        org = self._administering(caller)
        if service_principal is not None:
            self._organizations.check_service_principal(service_principal)
        found: dict[str, datetime] = {}
        for principal, accounts in org.delegated_administrators.items():
            if service_principal in (None, principal):
                for account_id, when in accounts.items():
                    found.setdefault(account_id, when)
        return [(self._organizations.accounts[a], when) for a, when in found.items()]

    def services(self, caller: str, account_id: str) -> list[tuple[str, datetime]]:
        """ListDelegatedServicesForAccount: the services ``account_id`` administers.

        Raises:
            ServiceError: InvalidInputException, AccessDeniedException,
                AccountNotFoundException, AccountNotRegisteredException.
        """
        org = self._administering(caller)
        self._organizations.check_account_in(org, account_id)
        found = [(p, accounts[account_id]) for p, accounts in org.delegated_administrators.items()
                 if account_id in accounts]
        if not found:
            raise account_not_registered_exception(f"Account {account_id} is not a delegated administrator")
        return found

    def is_administrator(self, account_id: str, service_principal: str) -> bool:
        """Whether ``account_id`` is a delegated administrator of ``service_principal`` now."""
        org = self._organizations.organization_of(account_id)
        return org is not None and account_id in org.delegated_administrators.get(service_principal, {})

    def _administering(self, caller: str) -> Organization:
        org = self._organizations.describe_organization(caller)
        if caller != org.management_account_id and not any(
                caller in accounts for accounts in org.delegated_administrators.values()):
            raise access_denied_exception(f"Account {caller} is neither the management account of "
                                          f"{org.organization_id} nor a delegated administrator")
        return org

