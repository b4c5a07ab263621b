"""License configurations shared across accounts ("Share a license configuration"): through
AWS RAM (with accounts, or the organization), as resources of type
``license-manager:LicenseConfiguration``; and what the management account and the delegated
administrator see of the organization's configurations.

A configuration shared with an account is visible to it (ListLicenseConfigurations shows it
with its ``OwnerAccountId``) and can be attached to its launches, launch templates and AMIs;
what its resources consume counts against the owner's pool. Only the owner changes or
deletes it. An account that leaves the organization, or is taken out of the share, or whose
share loses the configuration, cannot attach it any more ("Child account user cannot
associate shared license configuration with an instance").
"""

from __future__ import annotations

from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.errors import access_denied_exception
from simulator.licensing.state import LicenseState
from simulator.world.ram import ShareableType

#: RAM's name of the resource type.
TYPE_CODE = "license-manager:LicenseConfiguration"
LICENSE_MANAGER_PRINCIPAL = "license-manager.amazonaws.com"


class Sharing:
    """Who may see and use which configuration.

    Args:
        state: The engine's shared state.
    """

    def __init__(self, state: LicenseState) -> None:
        self.state = state
        state.world.register_shareable(ShareableType(
            code=TYPE_CODE, service="license-manager", resource_type="license-configuration",
            owner_of=self._owner_of))

    def _owner_of(self, arn: str) -> str | None:
        cfg = self.state.configurations.get(arn)
        return cfg.owner_id if cfg is not None else None

    def shared_with(self, cfg: LicenseConfiguration, account_id: str) -> bool:
        """Whether a RAM share gives ``account_id`` (not its owner) the configuration now."""
        return self.state.world.region(cfg.region).ram.shared_with(cfg.arn, account_id)

    def usable_by(self, cfg: LicenseConfiguration, account_id: str) -> bool:
        """Whether ``account_id`` owns the configuration or has it shared."""
        return cfg.owner_id == account_id or self.shared_with(cfg, account_id)

    def shared_configurations(self, account_id: str, region: str) -> list[LicenseConfiguration]:
        """The configurations other accounts share with ``account_id`` in ``region``."""
        queries = self.state.world.region(region).ram.queries
        found = (self.state.configurations.get(arn) for arn in queries.shared_resources(account_id, TYPE_CODE))
        return [cfg for cfg in found if cfg is not None and cfg.owner_id != account_id]

    def administers(self, account_id: str, owner_id: str) -> bool:
        """Whether ``account_id`` acts for the organization ``owner_id`` belongs to: its
        management account, or License Manager's delegated administrator."""
        orgs = self.state.world.organizations
        org = orgs.organization_of(owner_id)
        if org is None or orgs.organization_of(account_id) is not org:
            return False
        return account_id == org.management_account_id or account_id in org.delegated_administrators.get(
            LICENSE_MANAGER_PRINCIPAL, {})

    def organization_configurations(self, account_id: str, region: str) -> list[LicenseConfiguration]:
        """ListLicenseConfigurationsForOrganization: the configurations of every account of
        the caller's organization in ``region``.

        Raises:
            ServiceError: AccessDeniedException unless the caller is the organization's
                management account or its delegated administrator.
        """
        orgs = self.state.world.organizations
        org = orgs.organization_of(account_id)
        if org is None or not self.administers(account_id, account_id):
            raise access_denied_exception(f"Account {account_id} is neither the management account of an organization "
                                          "nor License Manager's delegated administrator")
        owned = self.state.owned
        return [cfg for member in org.member_account_ids for cfg in owned.get((member, region), {}).values()]
