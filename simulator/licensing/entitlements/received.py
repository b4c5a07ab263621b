"""What accounts and organizations see of grants: licenses and grants received, grants
distributed, and the organization-wide views of a management account."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.licensing.entitlements.grant import Grant
from simulator.licensing.entitlements.grants import OverGrants
from simulator.licensing.entitlements.license import License
from simulator.licensing.errors import access_denied_exception
from simulator.licensing.filters import filter_by
from simulator.world.organizations import Organization

Filters = Iterable[tuple[str, list[str]]]

_GRANT_FIELDS = {
    "LicenseArn": lambda g: g.license.arn, "GrantStatus": lambda g: g.status,
    "ProductSKU": lambda g: g.license.current.product_sku, "LicenseIssuerName": lambda g: g.license.current.issuer.name,
}


class Received(OverGrants):
    """Listings of received licenses and grants."""

    def licenses_of(self, account_id: str, arns: Iterable[str] = (), filters: Filters = ()) -> list[Grant]:
        """ListReceivedLicenses: the grant through which the caller holds each license it
        received, by license ARN and by the filters ProductSKU, Status, Fingerprint,
        IssuerName and Beneficiary.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter.
        """
        held = list(self.state.received.get(account_id, {}).values())
        wanted = set(arns)
        held = [g for g in held if not wanted or g.license.arn in wanted]
        return filter_by(held, filters, {
            "ProductSKU": lambda g: g.license.current.product_sku, "Status": lambda g: g.license.status,
            "Fingerprint": lambda g: g.license.current.issuer.key_fingerprint,
            "IssuerName": lambda g: g.license.current.issuer.name,
            "Beneficiary": lambda g: g.license.current.beneficiary,
        })

    def licenses_of_organization(self, account_id: str, filters: Filters = ()) -> list[License]:
        """ListReceivedLicensesForOrganization: the licenses any account of the caller's
        organization received, each once, by the filters Beneficiary and ProductSKU.

        Raises:
            ServiceError: AccessDeniedException unless the caller is a management account,
                InvalidParameterValueException for an unknown filter.
        """
        org = self._management(account_id)
        found: dict[str, License] = {}
        for member in org.member_account_ids:
            for grant in self.state.received.get(member, {}).values():
                found.setdefault(grant.license.arn, grant.license)
        return filter_by(list(found.values()), filters, {
            "Beneficiary": lambda lic: lic.current.beneficiary, "ProductSKU": lambda lic: lic.current.product_sku,
        })

    def grants_of(self, account_id: str, arns: Iterable[str] = (), filters: Filters = ()) -> list[Grant]:
        """ListReceivedGrants: the caller's grants, by ARN and by the filters ProductSKU,
        LicenseIssuerName, LicenseArn, GrantStatus and GranterAccountId.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter.
        """
        wanted = set(arns)
        held = [g for g in self.state.received.get(account_id, {}).values() if not wanted or g.arn in wanted]
        return filter_by(held, filters, {**_GRANT_FIELDS, "GranterAccountId": lambda g: g.grantor_id})

    def grants_of_organization(self, account_id: str, license_arn: str, filters: Filters = ()) -> list[Grant]:
        """ListReceivedGrantsForOrganization: the grants of a license that accounts of the
        caller's organization received, by the filters ParentArn and GranteePrincipalArn.

        Raises:
            ServiceError: AccessDeniedException unless the caller is a management account,
                InvalidParameterValueException for an unknown license or filter.
        """
        org = self._management(account_id)
        lic = self.licenses.find(license_arn)
        members = set(org.member_account_ids)
        grants = [g for g in lic.grants if g.grantee_account in members and g.status != "DELETED"]
        return filter_by(grants, filters, {
            "ParentArn": lambda g: g.parent_arn, "GranteePrincipalArn": lambda g: g.grantee,
        })

    def distributed_by(self, account_id: str, arns: Iterable[str] = (), filters: Filters = ()) -> list[Grant]:
        """ListDistributedGrants: the grants the caller created, by ARN and by the filters
        LicenseArn, GrantStatus, GranteePrincipalARN, ProductSKU and LicenseIssuerName.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter.
        """
        wanted = set(arns)
        made = [g for g in self.state.distributed.get(account_id, ()) if g.arn in self.state.grants
                and (not wanted or g.arn in wanted)]
        return filter_by(made, filters, {**_GRANT_FIELDS, "GranteePrincipalARN": lambda g: g.grantee})

    def _management(self, account_id: str) -> Organization:
        org = self.state.world.organizations.organization_of(account_id)
        if org is None or org.management_account_id != account_id:
            raise access_denied_exception(f"Account {account_id} is not the management account of an organization")
        return org
