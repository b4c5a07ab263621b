"""AWS accounts and AWS Organizations: management and member accounts, trusted access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.core.arn import format_arn
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import LOWER_ALNUM, IdFactory
from simulator.core.validation import check_account_id, invalid, is_account_id

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


@dataclass(slots=True, eq=False)
class Account:
    """An AWS account."""

    account_id: str
    name: str
    email: str
    created_at: datetime
    organization_id: str | None = None
    joined_method: str | None = None
    joined_at: datetime | None = None
    status: str = "ACTIVE"


@dataclass(slots=True, eq=False)
class Organization:
    """An AWS organization: one management account and its members (in joining order)."""

    organization_id: str
    feature_set: str
    management_account_id: str
    member_account_ids: list[str]
    enabled_services: dict[str, datetime] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The organization's ARN."""
        return format_arn("organizations", "", self.management_account_id, "organization", self.organization_id)

    def account_arn(self, account_id: str) -> str:
        """The ARN of a member account inside this organization."""
        return format_arn(
            "organizations", "", self.management_account_id, "account", f"{self.organization_id}/{account_id}"
        )


class Organizations:
    """The accounts of the simulated estate and the AWS Organizations service over them.

    Args:
        clock: The simulation clock (joining and enabling times).
        ids: The id factory (organization and root ids).
    """

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self._clock = clock
        self._ids = ids
        self.accounts: dict[str, Account] = {}
        self.organizations: dict[str, Organization] = {}

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
            raise invalid(
                f"FeatureSet {feature_set!r} is not valid; allowed values: {', '.join(FEATURE_SETS)}",
                "InvalidInputException", Reason="INVALID_ENUM",
            )
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

    def join(self, organization_id: str, account_id: str, method: str = "INVITED") -> None:
        """Make the standalone account ``account_id`` a member of the organization.

        Raises:
            ServiceError: AlreadyInOrganizationException if it already belongs to one.
        """
        self._join(self.organizations[organization_id], self._standalone(account_id), method)

    def _standalone(self, account_id: str) -> Account:
        account = self.account(account_id)
        if account.organization_id is not None:
            raise ServiceError(
                "AlreadyInOrganizationException",
                f"The account {account_id} is already a member of organization "
                f"{account.organization_id}.",
                status=409,
            )
        return account

    def _join(self, org: Organization, account: Account, method: str) -> None:
        account.organization_id = org.organization_id
        account.joined_method = method
        account.joined_at = self._clock.now()
        org.member_account_ids.append(account.account_id)

    def _caller_organization(self, caller: str) -> Organization:
        org = self.organization_of(caller)
        if org is None:
            raise ServiceError(
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        return org

    def _management_organization(self, caller: str) -> Organization:
        org = self._caller_organization(caller)
        if org.management_account_id != caller:
            raise ServiceError(
                "AccessDeniedException",
                f"You don't have permissions to access this resource: account {caller} is "
                f"not the management account of {org.organization_id}.",
            )
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
        org = self._management_organization(caller)
        return [self.accounts[a] for a in org.member_account_ids]

    def describe_account(self, caller: str, account_id: str) -> Account:
        """One account of the caller's organization.

        Raises:
            ServiceError: InvalidInputException for a malformed id, AccountNotFoundException
                if it is not in the organization, AccessDeniedException for a member caller.
        """
        return self._member(caller, account_id)[1]

    def remove_account(self, caller: str, account_id: str) -> Account:
        """Remove a member account; it becomes a standalone account.

        Raises:
            ServiceError: InvalidInputException, AccountNotFoundException,
                MasterCannotLeaveOrganizationException for the management account,
                AccessDeniedException for a member caller.
        """
        org, account = self._member(caller, account_id)
        if account_id == org.management_account_id:
            raise ServiceError(
                "MasterCannotLeaveOrganizationException",
                "You can't remove the management account from an organization.",
            )
        org.member_account_ids.remove(account_id)
        account.organization_id = None
        account.joined_method = None
        account.joined_at = None
        return account

    def enable_service_access(self, caller: str, service_principal: str) -> None:
        """Give a service trusted access to the caller's organization.

        Raises:
            ServiceError: InvalidInputException (UNRECOGNIZED_SERVICE_PRINCIPAL),
                ConstraintViolationException (ORGANIZATION_NOT_IN_ALL_FEATURES_MODE),
                AccessDeniedException for a member caller.
        """
        org = self._management_organization(caller)
        if service_principal not in SERVICE_PRINCIPALS:
            raise invalid(
                f"ServicePrincipal {service_principal!r} is not a recognized service principal.",
                "InvalidInputException", Reason="UNRECOGNIZED_SERVICE_PRINCIPAL",
            )
        if org.feature_set != "ALL":
            raise ServiceError(
                "ConstraintViolationException",
                "Trusted access requires an organization with all features enabled; "
                f"{org.organization_id} has FeatureSet {org.feature_set}.",
                fields={"Reason": "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"},
            )
        org.enabled_services.setdefault(service_principal, self._clock.now())

    def list_service_access(self, caller: str) -> dict[str, datetime]:
        """Service principals with trusted access, and when each was enabled.

        Raises:
            ServiceError: AWSOrganizationsNotInUseException, AccessDeniedException.
        """
        return dict(self._management_organization(caller).enabled_services)

    def _member(self, caller: str, account_id: str) -> tuple[Organization, Account]:
        """The caller's organization and its member ``account_id`` (management callers only)."""
        self._check_account_id_input(account_id)
        org = self._management_organization(caller)
        if account_id not in org.member_account_ids:
            raise ServiceError(
                "AccountNotFoundException",
                f"Account {account_id} is not a member of organization {org.organization_id}.",
            )
        return org, self.accounts[account_id]

    @staticmethod
    def _check_account_id_input(account_id: str) -> None:
        if not is_account_id(account_id):
            raise invalid(
                f"AccountId {account_id!r} is not valid; it must be a string of 12 digits.",
                "InvalidInputException", Reason="INVALID_PATTERN",
            )
