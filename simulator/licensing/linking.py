"""Linking AWS Organizations accounts (Settings in License Manager) and the service-linked
roles License Manager acts through ("Using service-linked roles for AWS License Manager").

- The core role (AWSServiceRoleForAWSLicenseManagerRole) is made on an account's first use
  of License Manager (or by CreateServiceLinkedRole); it cannot be deleted while the account
  has license configurations, or its management or member account role.
- Linking (the management account of an all-features organization with trusted access)
  makes the management account's role (...MasterAccountRole) and every member's core and
  member account roles (...MemberAccountRole), and a RAM resource share in the management
  account shared with the organization: the settings' resource share ARN. Accounts that
  join later get their roles too. The management role cannot be deleted while the link is on.
- The link breaks ("Linking AWS Organizations accounts fails") when the management account
  turns off License Manager's trusted access, and for an account that leaves the
  organization; License Manager says so in a notification.
- License Manager acts in a member account through its member role: with it deleted, the
  management account cannot disassociate that member's resources ("Master account cannot
  disassociate resources"), which keep consuming its configurations until it is restored.

What License Manager does through these roles is recorded as CloudTrail events of the
account (``userIdentity.type`` AWSService).
"""

from __future__ import annotations

from typing import Any

from simulator.core.bus import EventBus
from simulator.licensing.alerts import LINK_FAILED
from simulator.licensing.errors import access_denied_exception
from simulator.licensing.state import LICENSE_MANAGER_PRINCIPAL, LicenseState
from simulator.world.iam import Role
from simulator.world.organizations import AccountJoinedOrganization, AccountLeftOrganization, ServiceAccessDisabled
from simulator.world.ram import ShareStatus

CORE = LICENSE_MANAGER_PRINCIPAL
MASTER = "license-manager.master-account.amazonaws.com"
MEMBER = "license-manager.member-account.amazonaws.com"
#: IAM's events are recorded in this region.
IAM_REGION = "us-east-1"
LINK_SHARE_NAME = "LicenseManagerResourceShare"
FAILED = "Linking AWS Organizations accounts fails"


class OrganizationLink:
    """Links organizations and keeps License Manager's service-linked roles.

    Args:
        state: The engine's shared state.
        bus: The world's event bus (accounts leaving or joining, trusted access turned off).
    """

    def __init__(self, state: LicenseState, bus: EventBus) -> None:
        self.state = state
        self._used: set[str] = set()
        self._roles = state.world.global_services.iam.service_linked
        self._roles.register_usage(CORE, self._core_usage)
        self._roles.register_usage(MASTER, self._master_usage)
        bus.subscribe(ServiceAccessDisabled, self.on_access_disabled)
        bus.subscribe(AccountLeftOrganization, self.on_account_left)
        bus.subscribe(AccountJoinedOrganization, self.on_account_joined)

    # -- roles --------------------------------------------------------------------------------

    def first_use(self, account_id: str) -> None:
        """The account uses License Manager for the first time: its core role is made."""
        if account_id not in self._used:
            self._used.add(account_id)
            self._ensure_role(account_id, CORE)

    def _ensure_role(self, account_id: str, service: str) -> Role | None:
        role = self._roles.ensure(account_id, service)
        if role is not None:
            self._record(account_id, IAM_REGION, "iam", "CreateServiceLinkedRole", {"AWSServiceName": service},
                         {"Role": {"RoleName": role.role_name, "Arn": role.arn, "RoleId": role.role_id}}, role.arn)
        return role

    def _record(self, account_id: str, region: str, service: str, operation: str, params: dict[str, Any],
                response: dict[str, Any] | None, resource: str = "") -> None:
        self.state.world.global_services.cloudtrail.record_service_event(
            account_id, region, service, operation, CORE, params, response, resource)

    def _core_usage(self, account_id: str) -> list[tuple[str, list[str]]]:
        usage: dict[str, list[str]] = {}
        for (owner, region), configurations in self.state.owned.items():
            if owner == account_id and configurations:
                usage.setdefault(region, []).extend(configurations)
        linked = [role.arn for service in (MASTER, MEMBER) if (role := self._roles.role(account_id, service))]
        if linked:
            usage.setdefault(IAM_REGION, []).extend(linked)
        return list(usage.items())

    def _master_usage(self, account_id: str) -> list[tuple[str, list[str]]]:
        return [(region, [settings.resource_share_arn or ""])
                for (owner, region), settings in self.state.settings.items()
                if owner == account_id and settings.organization_integration]

    # -- the link -----------------------------------------------------------------------------

    def link(self, account_id: str, region: str) -> str:
        """Link the organization ``account_id`` manages in ``region`` (checked by Settings):
        the service-linked roles of every account, and the resource share (reused if the
        region had one); its ARN."""
        org = self.state.world.organizations.organization_of(account_id)
        assert org is not None
        self._used.add(account_id)
        self._ensure_role(account_id, CORE)
        self._ensure_role(account_id, MASTER)
        for member in org.member_account_ids:
            if member != account_id:
                self._used.add(member)
                self._ensure_role(member, CORE)
                self._ensure_role(member, MEMBER)
        settings = self.state.account_settings(account_id, region)
        ram = self.state.world.region(region).ram
        known = settings.resource_share_arn
        if known is not None:
            share = next((s for s in ram.all_shares() if s.arn == known), None)
            if share is not None and share.status is ShareStatus.ACTIVE:
                return known
        share = ram.create(account_id, LINK_SHARE_NAME, principals=[org.arn], service_managed=True)
        self._record(account_id, region, "ram", "CreateResourceShare",
                     {"name": LINK_SHARE_NAME, "principals": [org.arn]},
                     {"resourceShare": {"resourceShareArn": share.arn, "name": share.name,
                                        "owningAccountId": account_id, "status": share.status.value}}, share.arn)
        return share.arn

    def check_member_role(self, owner_id: str, member_id: str, region: str) -> None:
        """Refuse acting in ``member_id`` for ``owner_id`` when the accounts are linked and
        the member deleted its member account role.

        Raises:
            ServiceError: AccessDeniedException naming the missing role.
        """
        if owner_id == member_id or not self.state.linked(owner_id, region):
            return
        if self._roles.role(member_id, MEMBER) is None:
            raise access_denied_exception(
                f"License Manager cannot act in account {member_id}: its service-linked role "
                "AWSServiceRoleForAWSLicenseManagerMemberAccountRole was deleted; the account must restore it "
                "(CreateServiceLinkedRole for license-manager.member-account.amazonaws.com) before its resources "
                "can be disassociated")

    def acted_in(self, member_id: str, region: str, operation: str, params: dict[str, Any], resource: str) -> None:
        """Record what License Manager did in ``member_id`` through its member role."""
        self._record(member_id, region, "license-manager", operation, params, None, resource)

    # -- the link breaking --------------------------------------------------------------------

    def on_access_disabled(self, event: ServiceAccessDisabled) -> None:
        """Trusted access for License Manager turned off: the link of every region breaks."""
        if event.service_principal != LICENSE_MANAGER_PRINCIPAL:
            return
        for (owner, region), settings in self.state.settings.items():
            if owner == event.management_account_id and settings.organization_integration:
                settings.organization_integration = False
                self.state.notify_account(owner, region, LINK_FAILED, f"License Manager: {FAILED}",
                                          f"{FAILED}: trusted access for {LICENSE_MANAGER_PRINCIPAL} was turned off "
                                          f"in organization {event.organization_id}; enable it and link again")

    def on_account_left(self, event: AccountLeftOrganization) -> None:
        """An account left a linked organization: the link fails for it."""
        how = "was removed from" if event.removed else "left"
        for (owner, region), settings in self.state.settings.items():
            if owner == event.management_account_id and settings.organization_integration:
                self.state.notify_account(owner, region, LINK_FAILED, f"License Manager: {FAILED}",
                                          f"{FAILED}: account {event.account_id} {how} organization "
                                          f"{event.organization_id}; it is no longer linked")

    def on_account_joined(self, event: AccountJoinedOrganization) -> None:
        """An account joined a linked organization: it gets its roles."""
        org = self.state.world.organizations.organizations.get(event.organization_id)
        if org is None:
            return
        if any(owner == org.management_account_id and s.organization_integration
               for (owner, _), s in self.state.settings.items()):
            self._used.add(event.account_id)
            self._ensure_role(event.account_id, CORE)
            self._ensure_role(event.account_id, MEMBER)
