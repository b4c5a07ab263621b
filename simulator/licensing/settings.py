"""License Manager settings (UpdateServiceSettings): the S3 bucket and SNS topic, the link
with AWS Organizations, and cross-account discovery (User Guide, "Settings in License
Manager").

Linking AWS Organizations accounts (OrganizationConfiguration.EnableIntegration) needs the
management account of an organization with all features and trusted access for License
Manager; it creates the service-linked roles and the resource share of the settings
(``linking``). Turning on cross-account discovery links the organization; License Manager's
delegated administrator may turn it on for itself once the organization is linked. Once on,
it cannot be turned off ("Cross-account discovery cannot be disabled"), nor can the link it
rests on. Turning the link off ends the auto-acceptance of the management account's grants
and grants to the organization. Turning on cross-account discovery also makes License
Manager's bucket (unless the settings name one) and its resource data sync
(``resource_sync``). An SNS topic ARN set here receives the alerts (``alerts``), published
as the account's core service-linked role, which the setting makes if need be.
"""

from __future__ import annotations

import re

from simulator.core.arn import parse_arn
from simulator.core.validation import invalid
from simulator.licensing.errors import access_denied_exception
from simulator.licensing.exposure import Exposure
from simulator.licensing.inventory import ResourceInventory
from simulator.licensing.linking import OrganizationLink
from simulator.licensing.resource_sync import LicenseManagerResourceSync
from simulator.licensing.state import LicenseState, ServiceSettings

LICENSE_MANAGER_PRINCIPAL = "license-manager.amazonaws.com"
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class Settings:
    """Changes the service settings of each account and region.

    Args:
        state: The engine's shared state.
        inventory: Starts the cross-account copies.
        exposure: Widens the reach of the management account's configurations.
        link: Links the organization.
        resource_sync: Makes the resource data sync of cross-account discovery.
    """

    def __init__(self, state: LicenseState, inventory: ResourceInventory, exposure: Exposure,
                 link: OrganizationLink, resource_sync: LicenseManagerResourceSync) -> None:
        self.state = state
        self.inventory = inventory
        self.exposure = exposure
        self.link = link
        self.resource_sync = resource_sync

    def update(
        self, account_id: str, region: str, *, s3_bucket_arn: str | None = None, sns_topic_arn: str | None = None,
        organization_integration: bool | None = None, cross_account_discovery: bool | None = None,
        source_regions: list[str] | None = None,
    ) -> ServiceSettings:
        """UpdateServiceSettings; None leaves a setting as it is.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed ARN, cross-Region
                discovery (not simulated), an organization without all features or trusted
                access, cross-account discovery without the organization link, or turning
                either off once cross-account discovery is on; AccessDeniedException for an
                account that is not an organization's management account. Nothing changes then.
        """
        settings = self.state.account_settings(account_id, region)
        if s3_bucket_arn is not None:
            parts = parse_arn(s3_bucket_arn)
            bucket = parts is not None and parts.service == "s3" and not (parts.region or parts.account
                                                                          or parts.resource_type)
            if not bucket or _BUCKET.fullmatch(parts.resource_id) is None:  # type: ignore[union-attr]
                raise invalid(f"S3BucketArn {s3_bucket_arn!r} is not the ARN of an S3 bucket (arn:aws:s3:::<bucket>)")
        if sns_topic_arn is not None:
            parts = parse_arn(sns_topic_arn)
            topic = parts is not None and (parts.service, parts.region, parts.account) == ("sns", region, account_id)
            if not topic or not parts.resource_id.startswith("aws-license-manager-service-"):  # type: ignore[union-attr]
                raise invalid(f"SnsTopicArn {sns_topic_arn!r} must be arn:aws:sns:{region}:{account_id}:"
                              "aws-license-manager-service-*")
        if source_regions:
            raise invalid("EnabledDiscoverySourceRegions: cross-Region discovery is not simulated")
        integration = settings.organization_integration if organization_integration is None else (
            organization_integration)
        cross_account = settings.cross_account_discovery if cross_account_discovery is None else (
            cross_account_discovery)
        if settings.cross_account_discovery and False in (organization_integration, cross_account_discovery):
            raise invalid("Cross-account discovery cannot be disabled once turned on, nor the organization link "
                          "it needs")
        delegated = self._delegated_administrator(account_id)
        if cross_account and not settings.cross_account_discovery:
            if delegated:
                if not self.state.linked(account_id, region):
                    raise invalid("EnableCrossAccountsDiscovery: the delegated administrator needs the organization "
                                  "linked by its management account (OrganizationConfiguration.EnableIntegration)")
            elif organization_integration is False:
                raise invalid("EnableCrossAccountsDiscovery needs the organization link "
                              "(OrganizationConfiguration.EnableIntegration)")
            else:
                integration = True  # turning on cross-account discovery links the organization
        if integration and not settings.organization_integration:
            self._check_organization(account_id)

        if s3_bucket_arn is not None:
            settings.s3_bucket_arn = s3_bucket_arn
        if sns_topic_arn is not None:
            settings.sns_topic_arn = sns_topic_arn
            self.link.first_use(account_id)
        if integration and not settings.organization_integration:
            settings.resource_share_arn = self.link.link(account_id, region)
        settings.organization_integration = integration
        if cross_account and not settings.cross_account_discovery:
            settings.cross_account_discovery = True
            self.inventory.start_cross_account(account_id, region)
            self.resource_sync.start(account_id, region)
            for cfg in list(self.state.owned.get((account_id, region), {}).values()):
                self.exposure.rules_changed(cfg)
        return settings

    def _delegated_administrator(self, account_id: str) -> bool:
        org = self.state.world.organizations.organization_of(account_id)
        return org is not None and account_id != org.management_account_id and self.state.acts_for_organization(
            account_id)

    def _check_organization(self, account_id: str) -> None:
        org = self.state.world.organizations.organization_of(account_id)
        if org is None or org.management_account_id != account_id:
            raise access_denied_exception(f"Account {account_id} is not the management account of an organization: "
                                          "only it can link AWS Organizations accounts")
        if org.feature_set != "ALL":
            raise invalid(f"Organization {org.organization_id} has FeatureSet {org.feature_set}; linking accounts "
                          "needs all features enabled")
        if LICENSE_MANAGER_PRINCIPAL not in org.enabled_services:
            raise invalid(f"Organization {org.organization_id} has not given License Manager trusted access; enable "
                          f"it for {LICENSE_MANAGER_PRINCIPAL} (EnableAWSServiceAccess)")
