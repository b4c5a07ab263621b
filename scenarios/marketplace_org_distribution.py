"""An AWS Marketplace subscription distributed to an organization.

The management account of an all-features organization, linked to License Manager and with
subscription sharing on, buys a subscription of ``seats`` seats of a product on AWS
Marketplace (accepted and activated at once) and grants it to the whole organization: each
member's grant is accepted automatically and the member activates it on its own day (member
``n`` on day ``n``). The last member had bought its own subscription of the product before:
its activation is refused while that one is active, so it deactivates its own the next day
and activates the shared one. A second subscription of the product by the management account
is refused while the first is active. Members' users check seats out each working hour.

Parameters:
    seats: Seats of the subscription.
    members: Member accounts.
    users: Users per member checking a seat out each working hour once the member is active.
"""

from __future__ import annotations

from simulator.core.errors import ServiceError

MANAGEMENT = "500000000000"
REGION = "us-east-1"
START = "2026-01-05T00:00:00Z"  # a Monday
DURATION = "7d"
PRODUCT = "prod-observability"
HOUR = 3600.0
_tokens = iter(range(1_000_000))


def _token() -> str:
    return f"mp-{next(_tokens)}"


def build(sim, seats: int = 20, members: int = 4, users: int = 4) -> None:
    """Set up the organization and the subscription; start the members' days."""
    member_ids = [f"{500000000001 + n:012d}" for n in range(members)]
    sim.create_organization(MANAGEMENT, member_ids)
    orgs = sim.client("organizations", MANAGEMENT)
    for principal in ("license-manager.amazonaws.com", "license-management.marketplace.amazonaws.com"):
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    # Linking the organization's accounts lets it grant to the organization, auto-accepted.
    sim.client("license-manager", MANAGEMENT).update_service_settings(
        OrganizationConfiguration={"EnableIntegration": True})
    own = sim.marketplace.subscribe(member_ids[-1], PRODUCT, product_name="Observability Suite",
                                    entitlements={"Seats": 5})
    shared = sim.marketplace.subscribe(MANAGEMENT, PRODUCT, product_name="Observability Suite",
                                       entitlements={"Seats": seats})
    management = sim.client("license-manager", MANAGEMENT)
    organization = orgs.describe_organization()["Organization"]["Arn"]
    org_grant = management.create_grant(ClientToken=_token(), GrantName="Observability for everyone",
                                        LicenseArn=shared, Principals=[organization], HomeRegion=REGION,
                                        AllowedOperations=["CheckoutLicense", "CheckInLicense"])["GrantArn"]
    grants = {g["GranteePrincipalArn"].split(":")[4]: g["GrantArn"] for g in
              management.list_received_grants_for_organization(
                  LicenseArn=shared, Filters=[{"Name": "ParentArn", "Values": [org_grant]}])["Grants"]}
    fingerprint = management.get_license(LicenseArn=shared)["License"]["Issuer"]["KeyFingerprint"]
    for day, account in enumerate(member_ids, start=1):
        sim.process(_member(sim, account, grants[account], own if account == member_ids[-1] else None,
                            day, fingerprint, users))
    sim.process(_second_subscription(sim, seats))


def _member(sim, account: str, grant_arn: str, own_license: str | None, day: int, fingerprint: str, users: int):
    """A member activates the shared grant on its day (replacing its own subscription if it
    has one), then its users check seats out for an hour at a time on working hours."""
    lm = sim.client("license-manager", account)
    yield sim.env.timeout((day - 1) * 86400.0 + 9 * HOUR)
    try:
        lm.create_grant_version(ClientToken=_token(), GrantArn=grant_arn, Status="ACTIVE")
    except lm.exceptions.ValidationException:
        yield sim.env.timeout(86400.0)
        own_grant = next(g["GrantArn"] for g in lm.list_received_grants()["Grants"] if g["LicenseArn"] == own_license)
        lm.create_grant_version(ClientToken=_token(), GrantArn=own_grant, Status="DISABLED")
        lm.create_grant_version(ClientToken=_token(), GrantArn=grant_arn, Status="ACTIVE")
    while sim.env.now < 5 * 86400.0:
        hour = sim.clock.now().hour
        if 9 <= hour < 17:
            tokens = [lm.checkout_license(ProductSKU=PRODUCT, CheckoutType="PROVISIONAL", KeyFingerprint=fingerprint,
                                          ClientToken=_token(), Entitlements=[{"Name": "Seats", "Unit": "Count",
                                                                               "Value": "1"}])[
                          "LicenseConsumptionToken"] for _ in range(users)]
            yield sim.env.timeout(HOUR / 2)
            for token in tokens:
                lm.check_in_license(LicenseConsumptionToken=token)
            yield sim.env.timeout(HOUR / 2)
        else:
            yield sim.env.timeout(HOUR)


def _second_subscription(sim, seats: int):
    """On Wednesday the management account tries to buy the product again."""
    yield sim.env.timeout(2 * 86400.0 + 10 * HOUR)
    try:
        sim.marketplace.subscribe(MANAGEMENT, PRODUCT, product_name="Observability Suite",
                                  entitlements={"Seats": seats})
    except ServiceError:
        pass  # refused while the first subscription is active: the action row records it
