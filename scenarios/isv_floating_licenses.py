"""An ISV's floating license through a working week.

The ISV issues a floating license of ``seats`` seats (overage allowed, check-in allowed,
provisional checkouts of an hour, borrowing for two days), signed by its KMS key, and grants
it with distribution rights to a customer's management account, which distributes it to its
whole organization; each member activates its own grant. On working days each member's
``nodes`` application nodes arrive between 08:00 and 10:00, check a seat out, extend it every
50 minutes and check it in between 16:00 and 19:00: the peak is above the seat count
(overage). On Friday evening ``laptops`` laptops of the first member borrow a seat for the
weekend, offline. A second customer without an AWS account runs on-premises nodes with a
refresh token: each morning it exchanges the token for an access token, assumes the ISV's
AWSLicenseManagerConsumptionRole and checks ``onprem_seats`` seats out, and assumes it again
in the evening, once the morning's credentials have expired, to check them in.

Parameters:
    seats: Seats of the floating license.
    members: Member accounts of the customer's organization.
    nodes: Application nodes per member.
    laptops: Laptops that borrow a seat for the weekend.
    onprem_seats: Seats the customer without an AWS account checks out each day.
"""

from __future__ import annotations

import heapq
import json

ISV = "100000000001"
MANAGEMENT = "200000000000"
REGION = "us-east-1"
START = "2026-01-05T00:00:00Z"  # a Monday
DURATION = "7d"
PROVIDER = "openid-license-manager.amazonaws.com"
CONSUMPTION_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLicenseManagerConsumptionPolicy"
HOUR = 3600.0
_tokens = iter(range(1_000_000))


def _token() -> str:
    return f"isv-{next(_tokens)}"


def build(sim, seats: int = 50, members: int = 3, nodes: int = 20, laptops: int = 3, onprem_seats: int = 4) -> None:
    """Set up the ISV, the customer organization and the licenses; start the workloads."""
    member_ids = [f"{200000000001 + n:012d}" for n in range(members)]
    sim.add_account(ISV, name="isv")
    sim.create_organization(MANAGEMENT, member_ids)
    sim.client("organizations", MANAGEMENT).enable_aws_service_access(ServicePrincipal="license-manager.amazonaws.com")
    # Linking the organization's accounts makes its members accept its grants automatically.
    sim.client("license-manager", MANAGEMENT).update_service_settings(
        OrganizationConfiguration={"EnableIntegration": True})
    key = sim.client("kms", ISV).create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY",
                                            Description="license signing")["KeyMetadata"]["Arn"]
    isv = sim.client("license-manager", ISV)
    consumption = {"RenewType": "None", "ProvisionalConfiguration": {"MaxTimeToLiveInMinutes": 60},
                   "BorrowConfiguration": {"MaxTimeToLiveInMinutes": 2880, "AllowEarlyCheckIn": True}}
    common = dict(ProductName="Render Studio", ProductSKU="render-studio", HomeRegion=REGION,
                  Issuer={"Name": "Example Render Inc", "SignKey": key},
                  Validity={"Begin": "2026-01-01T00:00:00Z", "End": "2027-01-01T00:00:00Z"},
                  ConsumptionConfiguration=consumption)
    floating = isv.create_license(
        LicenseName="Render Studio floating", Beneficiary=MANAGEMENT, ClientToken=_token(),
        Entitlements=[{"Name": "Seats", "Unit": "Count", "MaxCount": seats, "Overage": True, "AllowCheckIn": True}],
        **common)["LicenseArn"]
    fingerprint = isv.get_license(LicenseArn=floating)["License"]["Issuer"]["KeyFingerprint"]
    operations = ["CreateGrant", "CheckoutLicense", "CheckoutBorrowLicense", "CheckInLicense",
                  "ExtendConsumptionLicense"]
    to_customer = isv.create_grant(ClientToken=_token(), GrantName="Customer organization", LicenseArn=floating,
                                   Principals=[f"arn:aws:iam::{MANAGEMENT}:root"], HomeRegion=REGION,
                                   AllowedOperations=operations)["GrantArn"]
    management = sim.client("license-manager", MANAGEMENT)
    management.accept_grant(GrantArn=to_customer)
    management.create_grant_version(ClientToken=_token(), GrantArn=to_customer, Status="ACTIVE")
    organization = sim.client("organizations", MANAGEMENT).describe_organization()["Organization"]["Arn"]
    org_grant = management.create_grant(ClientToken=_token(), GrantName="All members", LicenseArn=floating,
                                        Principals=[organization], HomeRegion=REGION,
                                        AllowedOperations=operations[1:])["GrantArn"]
    member_grants = management.list_received_grants_for_organization(
        LicenseArn=floating, Filters=[{"Name": "ParentArn", "Values": [org_grant]}])["Grants"]
    for grant in member_grants:
        account = grant["GranteePrincipalArn"].split(":")[4]
        sim.client("license-manager", account).create_grant_version(ClientToken=_token(), GrantArn=grant["GrantArn"],
                                                                    Status="ACTIVE")
    for index, account in enumerate(member_ids):
        client = sim.client("license-manager", account)
        sim.process(_office(sim, client, fingerprint, nodes, f"{account}-node"))
        if index == 0:
            sim.process(_laptops(sim, client, floating, laptops))
    onprem = isv.create_license(
        LicenseName="Render Studio on-premises", Beneficiary="acme-render-farm", ClientToken=_token(),
        Entitlements=[{"Name": "Seats", "Unit": "Count", "MaxCount": 2 * onprem_seats, "AllowCheckIn": True}],
        **common)["LicenseArn"]
    refresh = isv.create_token(LicenseArn=onprem, ClientToken=_token(), TokenProperties=["acme"])
    trust = {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{PROVIDER}:sub": refresh["TokenId"]}}}}
    iam = sim.client("iam", ISV)
    role = iam.create_role(RoleName="AWSLicenseManagerConsumptionRole", AssumeRolePolicyDocument=json.dumps(trust),
                           MaxSessionDuration=3600)["Role"]["Arn"]
    iam.attach_role_policy(RoleName="AWSLicenseManagerConsumptionRole", PolicyArn=CONSUMPTION_POLICY)
    sim.process(_onprem(sim, refresh["Token"], role, fingerprint, onprem_seats))


def _working_days(sim):
    """The start of each weekday (seconds), Monday first."""
    return [day * 86400.0 for day in range(7) if (sim.clock.to_datetime(day * 86400.0).weekday() < 5)]


def _office(sim, lm, fingerprint: str, nodes: int, prefix: str):
    """One member's nodes through the working days, as one process with a schedule."""
    rng = sim.random.stream(f"isv-office-{prefix}")
    schedule: list[tuple[float, int, str]] = []
    for day in _working_days(sim):
        arrive = day + 8 * HOUR + rng.uniform(0, 2 * HOUR, nodes)
        leave = day + 16 * HOUR + rng.uniform(0, 3 * HOUR, nodes)
        for node in range(nodes):
            heapq.heappush(schedule, (float(arrive[node]), node, "arrive"))
            heapq.heappush(schedule, (float(leave[node]), node, "leave"))
    held: dict[int, str] = {}
    while schedule:
        when, node, action = heapq.heappop(schedule)
        yield sim.env.timeout(max(0.0, when - sim.env.now))
        if action == "arrive":
            out = lm.checkout_license(ProductSKU="render-studio", CheckoutType="PROVISIONAL",
                                      KeyFingerprint=fingerprint, NodeId=f"{prefix}-{node}", ClientToken=_token(),
                                      Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": "1"}])
            held[node] = out["LicenseConsumptionToken"]
            heapq.heappush(schedule, (sim.env.now + 50 * 60, node, "extend"))
        elif action == "extend" and node in held:
            lm.extend_license_consumption(LicenseConsumptionToken=held[node])
            heapq.heappush(schedule, (sim.env.now + 50 * 60, node, "extend"))
        elif action == "leave" and node in held:
            lm.check_in_license(LicenseConsumptionToken=held.pop(node))


def _laptops(sim, lm, license_arn: str, laptops: int):
    """Laptops borrow a seat on Friday evening for the weekend, offline."""
    yield sim.env.timeout(4 * 86400.0 + 18 * HOUR)
    for laptop in range(laptops):
        lm.checkout_borrow_license(LicenseArn=license_arn, DigitalSignatureMethod="JWT_PS384",
                                   NodeId=f"laptop-{laptop}", ClientToken=_token(),
                                   Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": "1"}],
                                   CheckoutMetadata=[{"Name": "Owner", "Value": f"artist-{laptop}"}])


def _credentials(sim, token: str, role: str, session: str) -> dict:
    """A fresh access token and the consumption role's temporary credentials."""
    access = sim.client("license-manager").get_access_token(Token=token)["AccessToken"]
    return sim.client("sts").assume_role_with_web_identity(RoleArn=role, RoleSessionName=session,
                                                           WebIdentityToken=access)["Credentials"]


def _onprem(sim, token: str, role: str, fingerprint: str, seats: int):
    """The customer without an AWS account: seats in the morning, back in the evening."""
    for day in _working_days(sim):
        yield sim.env.timeout(day + 9 * HOUR - sim.env.now)
        app = sim.client("license-manager", credentials=_credentials(sim, token, role, "acme-morning"))
        out = app.checkout_license(ProductSKU="render-studio", CheckoutType="PERPETUAL", KeyFingerprint=fingerprint,
                                   ClientToken=_token(), NodeId="acme-farm",
                                   Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": str(seats)}])
        yield sim.env.timeout(8 * HOUR)
        app = sim.client("license-manager", credentials=_credentials(sim, token, role, "acme-evening"))
        app.check_in_license(LicenseConsumptionToken=out["LicenseConsumptionToken"])
