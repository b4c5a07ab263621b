"""Grants: how a license's entitlements reach other accounts. Creating, accepting,
rejecting, activating, deactivating and deleting grants, distribution to a whole
organization, and who may consume a license."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from simulator.core.arn import format_arn, parse_arn
from simulator.core.validation import check_tags, invalid
from simulator.licensing.entitlements.grant import (
    ACTIVATION_OVERRIDES,
    OPERATIONS,
    Grant,
    GrantStatus,
    GrantVersion,
    account_of,
    account_root,
)
from simulator.licensing.entitlements.license import License, LicenseStatus
from simulator.licensing.entitlements.licenses import Licenses
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.errors import access_denied_exception, resource_limit_exceeded_exception, validation_exception

#: "You can create up to 2,000 grants per license" ("Distribute an entitlement").
#: Trusted access a management account gives License Manager when it links its organization.
LICENSE_MANAGER_PRINCIPAL = "license-manager.amazonaws.com"
#: Trusted access for AWS Marketplace license management ("enable subscription sharing").
MARKETPLACE_SHARING_PRINCIPAL = "license-management.marketplace.amazonaws.com"
_ENDED = (GrantStatus.REJECTED, GrantStatus.DELETED)


class Grants:
    """The grants of every license.

    Args:
        state: The managed-entitlement state.
        licenses: The licenses part.
    """

    def __init__(self, state: EntitlementState, licenses: Licenses) -> None:
        self.state = state
        self.licenses = licenses

    # -- lookups --------------------------------------------------------------------------

    def find(self, arn: str) -> Grant:
        """The grant ``arn`` names.

        Raises:
            ServiceError: InvalidParameterValueException if there is none.
        """
        grant = self.state.grants.get(arn)
        if grant is None:
            raise invalid(f"Grant {arn!r} does not exist")
        return grant

    def visible(self, account_id: str, arn: str, version: str | None = None) -> GrantVersion:
        """GetGrant: a version of a grant the caller created or received.

        Raises:
            ServiceError: InvalidParameterValueException for an unknown grant or version,
                AccessDeniedException for anyone else.
        """
        grant = self.find(arn)
        if account_id not in (grant.grantor_id, grant.grantee_account):
            raise access_denied_exception(f"Account {account_id} neither created nor received {arn}")
        if version is None:
            return grant.current
        for candidate in grant.versions:
            if str(candidate.version) == version:
                return candidate
        raise invalid(f"Grant {arn} has no version {version!r}; versions: 1 to {grant.version}")

    def consumer_grant(self, account_id: str, lic: License, operation: str) -> Grant:
        """The ACTIVE grant through which ``account_id`` may make ``operation`` on ``lic``.

        Raises:
            ServiceError: AccessDeniedException without an active grant allowing it.
        """
        grant = self.state.received.get(account_id, {}).get(lic.arn)
        current = None if grant is None else grant.current
        if grant is None or current is None or current.status is not GrantStatus.ACTIVE:
            status = "no grant" if grant is None else f"its grant {grant.arn} is {grant.status}"
            raise access_denied_exception(f"Account {account_id} cannot use license {lic.arn}: {status}; only ACTIVE "
                                          "grants allow consumption")
        if operation not in current.operations:
            raise access_denied_exception(f"Grant {grant.arn} does not allow {operation} (it allows "
                                          f"{', '.join(grant.operations)})")
        return grant

    # -- creating ---------------------------------------------------------------------------

    def create(
        self, account_id: str, region: str, *, name: str, license_arn: str, principal: str, home_region: str,
        operations: Iterable[str], tags: dict[str, str] | None = None, client_token: str | None = None,
    ) -> Grant:
        """CreateGrant: a grant of the license to an account, or to the caller's whole
        organization (a WORKFLOW_COMPLETED grant with an auto-accepted grant per member).

        The issuer may grant any operation; a grantee may grant onward only with an ACTIVE
        grant that allows CreateGrant, and only operations its own grant allows.

        Raises:
            ServiceError: InvalidParameterValueException naming what is wrong (license,
                principal, operations, home region, rights, subscription sharing, a grantee
                that already holds a grant), ResourceLimitExceededException past the grants
                per license, ValidationException for bad tags.
        """
        operations = tuple(dict.fromkeys(operations))
        request = (name, license_arn, principal, home_region, operations)
        earlier = self.state.replay(account_id, "CreateGrant", client_token, request, "InvalidParameterValueException")
        if earlier is not None:
            return earlier
        lic = self.licenses.find(license_arn)
        if home_region != lic.current.home_region or region != home_region:
            raise invalid(f"HomeRegion {home_region} and the request's Region {region} must both be the license's "
                          f"home Region {lic.current.home_region}")
        if lic.status in (LicenseStatus.EXPIRED, LicenseStatus.PENDING_DELETE, LicenseStatus.DELETED):
            raise invalid(f"License {lic.arn} is {lic.status} and cannot be granted")
        unknown = [op for op in operations if op not in OPERATIONS]
        if unknown:
            raise invalid(f"AllowedOperations {unknown[0]!r} is invalid; allowed values: {', '.join(OPERATIONS)}")
        parent = self._grantor_parent(account_id, lic, operations)
        check_tags(tags or {}, "Tags", code="ValidationException")
        if lic.marketplace and account_id != lic.owner_id:
            self._check_subscription_sharing(account_id)
        members = self._grantees(account_id, lic, principal)
        organization = account_of(principal) == ""
        live = sum(1 for g in lic.grants if g.status not in _ENDED)
        wanted = len(members) + (1 if organization else 0)  # an organization grant is one more
        most = self.state.base.quotas.grants_per_license
        if live + wanted > most:
            raise resource_limit_exceeded_exception(f"License {lic.arn} has {live} grants; a license can have at most "
                                                    f"{most}")
        base = GrantVersion(version=1, name=name, status=GrantStatus.WORKFLOW_COMPLETED, status_reason="",
                            operations=operations, activation_override=None)
        if organization:
            grant = self._add(lic, parent, principal, "", account_id, base, tags)
            for member in members:
                child = self._add(lic, grant.arn, account_root(member), member, account_id,
                                  replace(base, status=GrantStatus.DISABLED), {}, auto_accepted=True)
                grant.children.append(child)
        else:
            member = members[0]
            status, auto = self._initial_status(account_id, member, lic)
            grant = self._add(lic, parent, principal, member, account_id, replace(base, status=status), tags,
                              auto_accepted=auto)
        self.state.remember(account_id, "CreateGrant", client_token, request, grant)
        return grant

    def _grantor_parent(self, account_id: str, lic: License, operations: tuple[str, ...]) -> str:
        if account_id == lic.owner_id:
            return lic.arn
        own = self.state.received.get(account_id, {}).get(lic.arn)
        if own is None or own.status is not GrantStatus.ACTIVE or "CreateGrant" not in own.operations:
            raise invalid(f"Account {account_id} may not grant license {lic.arn}: only its issuer, or a grantee whose "
                          "ACTIVE grant allows CreateGrant (distribution rights), can")
        extra = [op for op in operations if op not in own.operations]
        if extra:
            raise invalid(f"AllowedOperations {extra[0]} is not allowed by the grantor's own grant {own.arn} "
                          f"({', '.join(own.operations)})")
        return own.arn

    def _grantees(self, account_id: str, lic: License, principal: str) -> list[str]:
        """The accounts a grant to ``principal`` reaches (checked before anything changes)."""
        account = account_of(principal)
        orgs = self.state.world.organizations
        if account:
            if account in (account_id, lic.owner_id):
                raise invalid(f"Principals {principal}: a license cannot be granted to its issuer or to the grantor")
            held = self.state.received.get(account, {}).get(lic.arn)
            if held is not None and held.status not in _ENDED:
                raise invalid(f"Account {account} already holds grant {held.arn} of {lic.arn} ({held.status})")
            return [account]
        parts = parse_arn(principal)
        org = orgs.organization_of(account_id)
        if parts is None or parts.service != "organizations" or parts.resource_type != "organization":
            raise invalid(f"Principals {principal!r} must be an account (arn:aws:iam::<account>:root) or an "
                          "organization (arn:aws:organizations::<management account>:organization/o-...) ARN; "
                          "organizational units are not simulated")
        base = self.state.base
        if org is None or org.arn != principal or not base.acts_for_organization(account_id):
            raise invalid(f"Only the management account of organization {principal}, or License Manager's delegated "
                          "administrator, can grant to it")
        if org.feature_set != "ALL" or not base.linked(account_id, lic.current.home_region):
            raise invalid(f"Granting to organization {org.organization_id} needs all features and linked accounts "
                          f"(trusted access for {LICENSE_MANAGER_PRINCIPAL}, and the management account's "
                          "OrganizationConfiguration.EnableIntegration)")
        received = self.state.received
        return [m for m in org.member_account_ids if m not in (account_id, lic.owner_id)
                and not (lic.arn in received.get(m, {}) and received[m][lic.arn].status not in _ENDED)]

    def _check_subscription_sharing(self, account_id: str) -> None:
        org = self.state.world.organizations.organization_of(account_id)
        if org is None or not (org.organization_id in self.state.subscription_sharing
                               or MARKETPLACE_SHARING_PRINCIPAL in org.enabled_services):
            raise invalid("Distributing AWS Marketplace licenses needs subscription sharing enabled by the "
                          "management account of the grantor's organization (AWS Marketplace, or trusted access "
                          f"for {MARKETPLACE_SHARING_PRINCIPAL} in an organization with all features)")

    def _initial_status(self, grantor: str, grantee: str, lic: License) -> tuple[GrantStatus, bool]:
        """ACTIVE for an AWS Marketplace subscription; DISABLED (auto-accepted) from the
        management account (or License Manager's delegated administrator) of a linked
        all-features organization to its member ("The distributed grants for managed
        entitlements are auto-accepted by all of your member accounts"); otherwise
        PENDING_ACCEPT ("Manage your granted licenses")."""
        if lic.marketplace and grantor == lic.owner_id:
            return GrantStatus.ACTIVE, False
        org = self.state.world.organizations.organization_of(grantor)
        base = self.state.base
        if (org is not None and base.acts_for_organization(grantor) and grantee in org.member_account_ids
                and org.feature_set == "ALL" and base.linked(grantor, lic.current.home_region)):
            return GrantStatus.DISABLED, True
        return GrantStatus.PENDING_ACCEPT, False

    def _add(self, lic: License, parent: str, principal: str, account: str, grantor: str, version: GrantVersion,
             tags: dict[str, str] | None, auto_accepted: bool = False) -> Grant:
        state = self.state
        grant_id = "g-" + state.ids.token("grant", 32)
        grant = Grant(arn=format_arn("license-manager", "", grantor, "grant", grant_id, ":"), license=lic,
                      parent_arn=parent, grantee=principal, grantee_account=account, grantor_id=grantor,
                      home_region=lic.current.home_region, created_at=state.clock.now(), versions=[version],
                      auto_accepted=auto_accepted, tags=dict(tags or {}))
        state.grants[grant.arn] = grant
        lic.grants.append(grant)
        state.distributed.setdefault(grantor, []).append(grant)
        if account:
            state.received.setdefault(account, {})[lic.arn] = grant
        state.record_grant(grant)
        return grant

    # -- changing ---------------------------------------------------------------------------

    def accept(self, account_id: str, arn: str) -> Grant:
        """AcceptGrant: a grant pending acceptance becomes DISABLED (accepted, not active).

        Raises:
            ServiceError: InvalidParameterValueException (unknown, or not pending
                acceptance), AccessDeniedException (not the grantee).
        """
        grant = self._as_grantee(account_id, arn)
        self._require(grant, GrantStatus.PENDING_ACCEPT, "accepted")
        return self._change(grant, status=GrantStatus.DISABLED)

    def reject(self, account_id: str, arn: str) -> Grant:
        """RejectGrant: REJECTED, for good (a rejected grant can never be activated).

        Raises:
            ServiceError: as ``accept``.
        """
        grant = self._as_grantee(account_id, arn)
        self._require(grant, GrantStatus.PENDING_ACCEPT, "rejected")
        grant = self._change(grant, status=GrantStatus.REJECTED)
        self.state.received[account_id].pop(grant.license.arn, None)
        return grant

    def create_version(
        self, account_id: str, arn: str, *, name: str | None = None, operations: Iterable[str] | None = None,
        status: str | None = None, status_reason: str | None = None, source_version: str | None = None,
        activation_override: str | None = None, client_token: str | None = None,
    ) -> Grant:
        """CreateGrantVersion: the grantor renames a grant or changes its operations; the
        grantee (or, for a grant auto-accepted through the organization, also the grantor)
        activates (ACTIVE) or deactivates (DISABLED) it.

        Two AWS Marketplace licenses of one product cannot be active at once in one account:
        activation is refused while another is active, unless ``activation_override`` is
        ALL_GRANTS_PERMITTED_BY_ISSUER, which deactivates the other.

        Raises:
            ServiceError: InvalidParameterValueException (unknown grant, stale
                SourceVersion, a status other than ACTIVE or DISABLED, a transition the
                grant's status does not allow, bad operations or override),
                AccessDeniedException (a change the caller may not make), ValidationException
                (another Marketplace license of the product is active).
        """
        request = (arn, name, None if operations is None else tuple(operations), status, status_reason,
                   source_version, activation_override)
        earlier = self.state.replay(account_id, "CreateGrantVersion", client_token, request,
                                    "InvalidParameterValueException")
        if earlier is not None:
            return earlier
        grant = self.find(arn)
        if account_id not in (grant.grantor_id, grant.grantee_account):
            raise access_denied_exception(f"Account {account_id} neither created nor received {arn}")
        if source_version is not None and source_version != str(grant.version):
            raise invalid(f"SourceVersion {source_version} is not the current version {grant.version} of {arn}")
        changes: dict = {}
        if name is not None or operations is not None:
            if account_id != grant.grantor_id:
                raise access_denied_exception("Only the grantor can rename a grant or change its operations")
            if operations is not None:
                ops = tuple(dict.fromkeys(operations))
                if any(op not in OPERATIONS for op in ops):
                    raise invalid(f"AllowedOperations must be among {', '.join(OPERATIONS)}")
                self._grantor_parent(account_id, grant.license, ops)
                changes["operations"] = ops
            if name is not None:
                changes["name"] = name
        if status is not None:
            changes.update(self._status_change(account_id, grant, status, activation_override))
        elif activation_override is not None:
            raise invalid("Options.ActivationOverrideBehavior needs Status ACTIVE")
        if status_reason is not None:
            changes["status_reason"] = status_reason
        result = self._change(grant, **changes)
        self.state.remember(account_id, "CreateGrantVersion", client_token, request, result)
        return result

    def _status_change(self, account_id: str, grant: Grant, status: str, override: str | None) -> dict:
        if status not in (GrantStatus.ACTIVE, GrantStatus.DISABLED):
            raise invalid(f"Status {status!r} cannot be set; allowed values: ACTIVE (activate), DISABLED (deactivate)")
        if account_id != grant.grantee_account and not grant.auto_accepted:
            raise access_denied_exception(f"Only the grantee {grant.grantee} can activate or deactivate {grant.arn}")
        current = grant.status
        if current in (GrantStatus.PENDING_ACCEPT, GrantStatus.REJECTED, GrantStatus.DELETED,
                       GrantStatus.WORKFLOW_COMPLETED):
            hint = {GrantStatus.PENDING_ACCEPT: "accept it first", GrantStatus.REJECTED: "a rejected grant can never "
                    "be activated", GrantStatus.WORKFLOW_COMPLETED: "activate the grant of each member account"}
            raise invalid(f"Grant {grant.arn} is {current}: {hint.get(current, 'it was deleted')}")
        if override is not None and (override not in ACTIVATION_OVERRIDES or status != GrantStatus.ACTIVE
                                     or not grant.license.marketplace):
            raise invalid(f"Options.ActivationOverrideBehavior must be one of {', '.join(ACTIVATION_OVERRIDES)}, "
                          "with Status ACTIVE, for an AWS Marketplace license")
        if status == GrantStatus.ACTIVE and current is not GrantStatus.ACTIVE and grant.license.marketplace:
            rivals = self.active_marketplace(grant.grantee_account, grant.license.current.product_sku)
            if rivals and override != "ALL_GRANTS_PERMITTED_BY_ISSUER":
                raise validation_exception(f"Account {grant.grantee_account} already has an active AWS Marketplace "
                                           f"license of {grant.license.current.product_sku} "
                                           f"({rivals[0].license.arn}); deactivate it first")
            for rival in rivals:
                self._change(rival, status=GrantStatus.DISABLED, status_reason=f"Replaced by {grant.arn}")
        return {"status": GrantStatus(status), "activation_override": override}

    def active_marketplace(self, account_id: str, product_sku: str) -> list[Grant]:
        """The account's ACTIVE grants of AWS Marketplace licenses of ``product_sku``."""
        return [g for g in self.state.received.get(account_id, {}).values()
                if g.status is GrantStatus.ACTIVE and g.license.marketplace
                and g.license.current.product_sku == product_sku]

    def delete(self, account_id: str, arn: str, version: str, reason: str | None = None) -> Grant:
        """DeleteGrant: the grantor recalls a grant (an organization grant with its member
        grants); grantees can no longer use it.

        Raises:
            ServiceError: InvalidParameterValueException (unknown, already deleted, or
                ``version`` not current), AccessDeniedException (not the grantor).
        """
        grant = self.find(arn)
        if account_id != grant.grantor_id:
            raise access_denied_exception(f"Only the grantor {grant.grantor_id} can delete {arn}")
        if version != str(grant.version):
            raise invalid(f"Version {version} is not the current version {grant.version} of {arn}")
        if grant.status is GrantStatus.DELETED:
            raise invalid(f"Grant {arn} is already deleted")
        for child in grant.children:
            if child.status is not GrantStatus.DELETED:
                self._end(child, reason)
        return self._end(grant, reason)

    def _end(self, grant: Grant, reason: str | None) -> Grant:
        grant = self._change(grant, status=GrantStatus.DELETED, status_reason=reason or "")
        received = self.state.received.get(grant.grantee_account, {})
        if received.get(grant.license.arn) is grant:
            del received[grant.license.arn]
        return grant

    def _as_grantee(self, account_id: str, arn: str) -> Grant:
        grant = self.find(arn)
        if account_id != grant.grantee_account:
            raise access_denied_exception(f"Only the grantee {grant.grantee} can accept or reject {arn}")
        return grant

    @staticmethod
    def _require(grant: Grant, status: GrantStatus, verb: str) -> None:
        if grant.status is not status:
            raise invalid(f"Grant {grant.arn} is {grant.status}; only {status} grants can be {verb}")

    def _change(self, grant: Grant, **changes) -> Grant:
        current = grant.current
        grant.versions.append(replace(current, version=current.version + 1, **changes))
        self.state.record_grant(grant)
        return grant


class OverGrants:
    """Base of the parts that work over licenses and their grants (checkouts, tokens,
    listings, AWS Marketplace).

    Args:
        state: The managed-entitlement state.
        licenses: The licenses part.
        grants: The grants part.
    """

    def __init__(self, state: EntitlementState, licenses: Licenses, grants: Grants) -> None:
        self.state = state
        self.licenses = licenses
        self.grants = grants
