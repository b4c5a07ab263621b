"""AWS accounts and AWS Organizations: management and member accounts, trusted access,
accounts removed or leaving (invitations are in ``handshakes``, delegated administrators in
``delegation``)."""

from __future__ import annotations

from datetime import datetime

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import LOWER_ALNUM, IdFactory
from simulator.core.validation import check_account_id, is_account_id
from simulator.world.organizations.account import Account
from simulator.world.organizations.delegation import Delegation
from simulator.world.organizations.errors import (
    access_denied_exception,
    account_not_found_exception,
    already_in_organization_exception,
    constraint_violation_exception,
    invalid_input_exception,
    master_cannot_leave_organization_exception,
    organizations_not_in_use_exception,
)
from simulator.world.organizations.events import (
    AccountJoinedOrganization,
    AccountLeftOrganization,
    ServiceAccessDisabled,
)
from simulator.world.organizations.handshakes import Handshakes
from simulator.world.organizations.organization import Organization

FEATURE_SETS = ("ALL", "CONSOLIDATED_BILLING")

#: Service principals that can be given trusted access to an organization.
SERVICE_PRINCIPALS = frozenset(
    {
        "license-manager.amazonaws.com",
        "license-manager.member-account.amazonaws.com",
        "license-management.marketplace.amazonaws.com",
        "ram.amazonaws.com",
        "ssm.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "config.amazonaws.com",
        "config-multiaccountsetup.amazonaws.com",
        "member.org.stacksets.cloudformation.amazonaws.com",
        "servicecatalog.amazonaws.com",
        "sso.amazonaws.com",
        "account.amazonaws.com",
        "guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
        "access-analyzer.amazonaws.com",
        "backup.amazonaws.com",
        "compute-optimizer.amazonaws.com",
        "resource-explorer-2.amazonaws.com",
        "tagpolicies.tag.amazonaws.com",
    }
)


class Organizations:
    """The accounts of the simulated estate and the AWS Organizations service over them.

    Args:
        clock: The simulation clock (joining and enabling times).
        ids: The id factory (organization and root ids).
        bus: Where accounts leaving and trusted access turned off are published.
    """

    def __init__(self, clock: Clock, ids: IdFactory, bus: EventBus | None = None) -> None:
        self._clock = clock
        self._ids = ids
        self._bus = bus or EventBus()
        self.accounts: dict[str, Account] = {}
        self.organizations: dict[str, Organization] = {}
        self._memberships: dict[str, list[tuple[float, str | None]]] = {}
        self.handshakes = Handshakes(self, clock, ids)
        self.delegation = Delegation(self, clock, self._bus)

    # -- accounts -------------------------------------------------------------------------

    def add_account(self, account_id: str, name: str | None = None) -> Account:
        """Add a standalone account.

        Raises:
            ValueError: if ``account_id`` is not 12 digits or the account already exists.
        """
        check_account_id(account_id)
        if account_id in self.accounts:
            raise ValueError(f"account_id {account_id} already exists")
        if name is not None and not (isinstance(name, str) and name.strip()):
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        account = Account(
            account_id=account_id,
            name=name or f"account-{account_id}",
            email=f"aws+{account_id}@example.com",
            created_at=self._clock.now(),
        )
        self.accounts[account_id] = account
        return account

    def account(self, account_id: str) -> Account:
        """The known account ``account_id``.

        Raises:
            ValueError: if no such account was added.
        """
        account = self.accounts.get(account_id)
        if account is None:
            check_account_id(account_id)
            raise ValueError(
                f"account_id {account_id} is not part of the simulation; add it with "
                "sim.add_account() or sim.create_organization()"
            )
        return account

    def organization_of(self, account_id: str) -> Organization | None:
        """The organization ``account_id`` belongs to, if any."""
        account = self.accounts.get(account_id)
        if account is None or account.organization_id is None:
            return None
        return self.organizations[account.organization_id]

    def is_management_account(self, account_id: str) -> bool:
        """Whether ``account_id`` is the management account of an organization."""
        org = self.organization_of(account_id)
        return org is not None and org.management_account_id == account_id

    # -- the Organizations service ------------------------------------------------------

    def create_organization(self, account_id: str, feature_set: str = "ALL") -> Organization:
        """Create an organization whose management account is ``account_id``.

        Raises:
            ServiceError: InvalidInputException for an unknown feature set,
                AlreadyInOrganizationException if the account already belongs to one.
        """
        if feature_set not in FEATURE_SETS:
            raise invalid_input_exception(
                f"FeatureSet {feature_set!r} is not valid; allowed values: {', '.join(FEATURE_SETS)}", "INVALID_ENUM")
        account = self._standalone(account_id)
        org = Organization(
            organization_id="o-" + self._ids.token("organization", 10, LOWER_ALNUM),
            feature_set=feature_set,
            management_account_id=account_id,
            member_account_ids=[],
        )
        self.organizations[org.organization_id] = org
        self._join(org, account, "CREATED")
        return org

    def join(self, organization_id: str, account_id: str, method: str = "INVITED", *, announce: bool = False) -> None:
        """Make the standalone account ``account_id`` a member of the organization (with
        ``announce``, publish AccountJoinedOrganization: it joined while the clock ran).

        Raises:
            ServiceError: AlreadyInOrganizationException if it already belongs to one.
        """
        self._join(self.organizations[organization_id], self._standalone(account_id), method,
                   self._clock.seconds if announce else float("-inf"))
        if announce:
            self._bus.publish(AccountJoinedOrganization(account_id, organization_id))

    def _standalone(self, account_id: str) -> Account:
        account = self.account(account_id)
        if account.organization_id is not None:
            raise already_in_organization_exception(
                f"The account {account_id} is already a member of organization {account.organization_id}.")
        return account

    def organization_at(self, account_id: str, seconds: float) -> str | None:
        """The organization ``account_id`` belonged to at ``seconds`` since the start (a call
        made at the instant it joins or leaves counts from before the change)."""
        found = None
        for since, organization_id in self._memberships.get(account_id, ()):
            if since >= seconds:
                break
            found = organization_id
        return found

    def _join(self, org: Organization, account: Account, method: str, since: float = float("-inf")) -> None:
        # Accounts set up with the organization, or joining it by the facade, are members from the start.
        self._memberships.setdefault(account.account_id, []).append((since, org.organization_id))
        account.organization_id = org.organization_id
        account.joined_method = method
        account.joined_at = self._clock.now()
        org.member_account_ids.append(account.account_id)

    def _caller_organization(self, caller: str) -> Organization:
        org = self.organization_of(caller)
        if org is None:
            raise organizations_not_in_use_exception("Your account is not a member of an organization.")
        return org

    def management_organization(self, caller: str) -> Organization:
        """The organization ``caller`` manages.

        Raises:
            ServiceError: AWSOrganizationsNotInUseException for a standalone account,
                AccessDeniedException for a member account.
        """
        org = self._caller_organization(caller)
        if org.management_account_id != caller:
            raise access_denied_exception(
                f"You don't have permissions to access this resource: account {caller} is "
                f"not the management account of {org.organization_id}.")
        return org

    def describe_organization(self, caller: str) -> Organization:
        """The caller's organization (any member may ask).

        Raises:
            ServiceError: AWSOrganizationsNotInUseException for a standalone account.
        """
        return self._caller_organization(caller)

    def list_accounts(self, caller: str) -> list[Account]:
        """The accounts of the caller's organization, management account first.

        Raises:
            ServiceError: AWSOrganizationsNotInUseException, or AccessDeniedException for
                a member account.
        """
        org = self.management_organization(caller)
        return [self.accounts[a] for a in org.member_account_ids]

    def describe_account(self, caller: str, account_id: str) -> Account:
        """One account of the caller's organization.

        Raises:
            ServiceError: InvalidInputException for a malformed id, AccountNotFoundException
                if it is not in the organization, AccessDeniedException for a member caller.
        """
        return self.member(caller, account_id)[1]

    def remove_account(self, caller: str, account_id: str) -> Account:
        """RemoveAccountFromOrganization: a member becomes a standalone account.

        Raises:
            ServiceError: InvalidInputException, AccountNotFoundException,
                MasterCannotLeaveOrganizationException for the management account,
                ConstraintViolationException for a delegated administrator,
                AccessDeniedException for a member caller.
        """
        org, account = self.member(caller, account_id)
        self._check_may_leave(org, account_id)
        self._leave(org, account, removed=True)
        return account

    def leave_organization(self, caller: str) -> Account:
        """LeaveOrganization: the calling member account becomes a standalone account.

        Raises:
            ServiceError: AWSOrganizationsNotInUseException for a standalone account,
                MasterCannotLeaveOrganizationException for the management account,
                ConstraintViolationException for a delegated administrator.
        """
        org = self._caller_organization(caller)
        self._check_may_leave(org, caller)
        account = self.accounts[caller]
        self._leave(org, account, removed=False)
        return account

    def _check_may_leave(self, org: Organization, account_id: str) -> None:
        if account_id == org.management_account_id:
            raise master_cannot_leave_organization_exception(
                "You can't remove the management account from an organization.")
        delegated = [p for p, accounts in org.delegated_administrators.items() if account_id in accounts]
        if delegated:
            raise constraint_violation_exception(
                f"Account {account_id} is a delegated administrator of {delegated[0]}; deregister it first",
                "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG")

    def _leave(self, org: Organization, account: Account, removed: bool) -> None:
        self._memberships.setdefault(account.account_id, []).append((self._clock.seconds, None))
        org.member_account_ids.remove(account.account_id)
        account.organization_id = None
        account.joined_method = None
        account.joined_at = None
        self._bus.publish(AccountLeftOrganization(account.account_id, org.organization_id,
                                                  org.management_account_id, removed))

    def enable_service_access(self, caller: str, service_principal: str) -> None:
        """Give a service trusted access to the caller's organization.

        Raises:
            ServiceError: InvalidInputException (UNRECOGNIZED_SERVICE_PRINCIPAL),
                ConstraintViolationException (ORGANIZATION_NOT_IN_ALL_FEATURES_MODE),
                AccessDeniedException for a member caller.
        """
        org = self.management_organization(caller)
        self.check_service_principal(service_principal)
        if org.feature_set != "ALL":
            raise constraint_violation_exception(
                "Trusted access requires an organization with all features enabled; "
                f"{org.organization_id} has FeatureSet {org.feature_set}.", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE")
        org.enabled_services.setdefault(service_principal, self._clock.now())

    def disable_service_access(self, caller: str, service_principal: str) -> None:
        """DisableAWSServiceAccess: the service loses trusted access to the caller's
        organization (nothing happens if it had none).

        Raises:
            ServiceError: InvalidInputException (UNRECOGNIZED_SERVICE_PRINCIPAL),
                AccessDeniedException for a member caller.
        """
        org = self.management_organization(caller)
        self.check_service_principal(service_principal)
        if org.enabled_services.pop(service_principal, None) is not None:
            self._bus.publish(ServiceAccessDisabled(org.organization_id, org.management_account_id,
                                                    service_principal))

    def list_service_access(self, caller: str) -> dict[str, datetime]:
        """Service principals with trusted access, and when each was enabled.

        Raises:
            ServiceError: AWSOrganizationsNotInUseException, AccessDeniedException.
        """
        return dict(self.management_organization(caller).enabled_services)

    def member(self, caller: str, account_id: str) -> tuple[Organization, Account]:
        """The caller's organization and its member ``account_id`` (management callers only).

        Raises:
            ServiceError: InvalidInputException for a malformed id, AccessDeniedException for
                a member caller, AccountNotFoundException for an account not in it.
        """
        check_account_id_input(account_id)
        org = self.management_organization(caller)
        self.check_account_in(org, account_id)
        return org, self.accounts[account_id]

    @staticmethod
    def check_account_in(org: Organization, account_id: str) -> None:
        """Refuse an account that is not in ``org``.

        Raises:
            ServiceError: InvalidInputException for a malformed id, AccountNotFoundException.
        """
        check_account_id_input(account_id)
        if account_id not in org.member_account_ids:
            raise account_not_found_exception(
                f"Account {account_id} is not a member of organization {org.organization_id}.")

    @staticmethod
    def check_service_principal(service_principal: str) -> None:
        """Refuse a service principal that cannot have trusted access.

        Raises:
            ServiceError: InvalidInputException (UNRECOGNIZED_SERVICE_PRINCIPAL).
        """
        if service_principal not in SERVICE_PRINCIPALS:
            raise _unrecognized(service_principal)


def check_account_id_input(account_id: str) -> None:
    """Refuse an AccountId that is not 12 digits.

    Raises:
        ServiceError: InvalidInputException (INVALID_PATTERN).
    """
    if not is_account_id(account_id):
        raise invalid_input_exception(f"AccountId {account_id!r} is not valid; it must be a string of 12 digits.",
                                      "INVALID_PATTERN")


def _unrecognized(service_principal: str) -> ServiceError:
    return invalid_input_exception(f"ServicePrincipal {service_principal!r} is not a recognized service principal.",
                                   "UNRECOGNIZED_SERVICE_PRINCIPAL")
