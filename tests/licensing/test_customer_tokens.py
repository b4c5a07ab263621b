"""Customers without an AWS account ("Getting temporary credentials for customers without an
AWS account", "Requirements", "AWS managed policy: AWSLicenseManagerConsumptionPolicy"):
CreateToken, GetAccessToken, AssumeRoleWithWebIdentity into the consumption role, and
License Manager calls with the temporary credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.helpers import (
    ACCOUNT_A,
    CONSUMPTION_POLICY,
    checkout,
    client_token,
    create_license,
    entitlement_consumed,
    error_code,
    fingerprint,
)

PROVIDER = "openid-license-manager.amazonaws.com"


def _role(sim, subject: str = "*", name: str = "AWSLicenseManagerConsumptionRole") -> str:
    """The consumption role of the user guide (trust policy and managed policy); its ARN."""
    trust = {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {f"{PROVIDER}:sub": subject}}}}
    iam = sim.client("iam", ACCOUNT_A)
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=3600,
                          Description="Role used to consume licenses using AWS License Manager")["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=CONSUMPTION_POLICY)
    return arn


@pytest.fixture
def customer(sim, lm):
    """A license of A with a refresh token, A's consumption role trusting that token, and the
    customer's unsigned clients."""
    arn = create_license(lm, beneficiary="offline-customer")
    role_arn = f"arn:aws:iam::{ACCOUNT_A}:role/AWSLicenseManagerConsumptionRole"
    token = lm.create_token(LicenseArn=arn, RoleArns=[role_arn], TokenProperties=["site-7"], ClientToken=client_token())
    role = _role(sim, token["TokenId"])
    return arn, token, role, sim.client("license-manager"), sim.client("sts")


def _credentials(customer, duration: int = 3600) -> dict:
    _, token, role, lm_anonymous, sts = customer
    access = lm_anonymous.get_access_token(Token=token["Token"])["AccessToken"]
    return sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="customer-7", WebIdentityToken=access,
                                             DurationSeconds=duration)


def test_token_to_credentials_to_checkout(sim, lm, customer):
    """"Getting temporary credentials": CreateToken gives a refresh token (a JWT),
    GetAccessToken an access token, AssumeRoleWithWebIdentity temporary credentials of the
    consumption role, with which the customer's software checks the license out."""
    arn, token, role, _, _ = customer
    assert token["TokenType"] == "REFRESH_TOKEN" and token["Token"].count(".") == 2
    out = _credentials(customer)
    assumed = f"arn:aws:sts::{ACCOUNT_A}:assumed-role/AWSLicenseManagerConsumptionRole/customer-7"
    assert out["AssumedRoleUser"]["Arn"] == assumed
    assert (out["Provider"], out["Audience"], out["SubjectFromWebIdentityToken"]) == (PROVIDER, arn, token["TokenId"])
    app = sim.client("license-manager", credentials=out["Credentials"])
    result = checkout(app, "sku-app", fingerprint(lm, arn))
    assert result["LicenseArn"] == arn and entitlement_consumed(lm, arn) == 1
    app.check_in_license(LicenseConsumptionToken=result["LicenseConsumptionToken"])
    identity = sim.client("sts", credentials=out["Credentials"]).get_caller_identity()
    assert identity["Arn"] == out["AssumedRoleUser"]["Arn"] and identity["Account"] == ACCOUNT_A


def test_credentials_are_refused_once_expired(sim, lm, customer):
    """AssumeRoleWithWebIdentity's DurationSeconds: the temporary credentials expire; calls
    with them are refused with ExpiredTokenException."""
    arn = customer[0]
    app = sim.client("license-manager", credentials=_credentials(customer, duration=900)["Credentials"])
    checkout(app, "sku-app", fingerprint(lm, arn))
    sim.advance("15m")
    with pytest.raises(app.exceptions.ClientError) as excinfo:
        app.get_license(LicenseArn=arn)
    assert error_code(excinfo) == "ExpiredTokenException"


def test_consumption_policy_allows_consumption_only(sim, lm, customer):
    """AWSLicenseManagerConsumptionPolicy grants the actions needed to consume licenses
    (CheckoutLicense, CheckInLicense, ExtendLicenseConsumption, GetLicense), nothing else."""
    arn = customer[0]
    app = sim.client("license-manager", credentials=_credentials(customer)["Credentials"])
    assert app.get_license(LicenseArn=arn)["License"]["LicenseArn"] == arn
    with pytest.raises(app.exceptions.ClientError) as excinfo:
        app.list_licenses()
    assert error_code(excinfo) == "AccessDeniedException"
    ec2 = sim.client("ec2", credentials=_credentials(customer)["Credentials"])
    with pytest.raises(ec2.exceptions.ClientError) as excinfo:
        ec2.describe_instances()
    assert error_code(excinfo) == "UnauthorizedOperation"


def test_access_tokens_last_an_hour(sim, customer):
    """GetAccessToken: access tokens are valid for one hour; STS refuses an expired one."""
    _, token, role, lm_anonymous, sts = customer
    access = lm_anonymous.get_access_token(Token=token["Token"])["AccessToken"]
    sim.advance("61m")
    with pytest.raises(sts.exceptions.ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="late", WebIdentityToken=access)
    assert error_code(excinfo) == "ExpiredTokenException"


def test_deleted_or_expired_refresh_tokens_are_refused(sim, lm):
    """DeleteToken revokes a refresh token; CreateToken's ExpirationInDays ends it; either is
    refused by GetAccessToken."""
    arn = create_license(lm)
    revoked = lm.create_token(LicenseArn=arn, ClientToken=client_token())
    short = lm.create_token(LicenseArn=arn, ExpirationInDays=1, ClientToken=client_token())
    lm.delete_token(TokenId=revoked["TokenId"])
    anonymous = sim.client("license-manager")
    with pytest.raises(anonymous.exceptions.ClientError) as excinfo:
        anonymous.get_access_token(Token=revoked["Token"])
    assert error_code(excinfo) == "AuthorizationException"
    assert anonymous.get_access_token(Token=short["Token"])["AccessToken"]
    sim.advance("1d1s")
    with pytest.raises(anonymous.exceptions.ClientError) as excinfo:
        anonymous.get_access_token(Token=short["Token"])
    assert error_code(excinfo) == "AuthorizationException"
    statuses = {t["TokenId"]: t["Status"] for t in lm.list_tokens()["Tokens"]}
    assert statuses == {revoked["TokenId"]: "DELETED", short["TokenId"]: "AVAILABLE"}
    assert len(lm.list_tokens(Filters=[{"Name": "LicenseArns", "Values": [arn]}])["Tokens"]) == 2
    assert lm.list_tokens(Filters=[{"Name": "LicenseArns", "Values": ["arn:aws:license-manager::1:license:l-x"]}])[
        "Tokens"] == []
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        lm.delete_token(TokenId=revoked["TokenId"])
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_token_expiry_stays_a_date(sim, lm):
    """CreateToken: the API reference gives ExpirationInDays no range, only the 365-day default;
    an expiry no timestamp can hold (2**31-1 days) is a ValidationException, the longest that
    fits is accepted, and ListTokens keeps answering with every expiry as a date."""
    arn = create_license(lm)
    start = sim.clock.now()
    longest = (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - start).days
    for days in (2**31 - 1, longest + 1, 0):
        with pytest.raises(lm.exceptions.ValidationException):
            lm.create_token(LicenseArn=arn, ExpirationInDays=days, ClientToken=client_token())
    lm.create_token(LicenseArn=arn, ExpirationInDays=longest, ClientToken=client_token())
    (token,) = lm.list_tokens()["Tokens"]
    assert token["ExpirationTime"].startswith("9999-")


def test_tokens_are_made_in_the_home_region(sim, lm):
    """"Getting temporary credentials": the API calls must be made in the home Region."""
    arn = create_license(lm)
    abroad = sim.client("license-manager", ACCOUNT_A, region="eu-west-1")
    with pytest.raises(abroad.exceptions.ClientError) as excinfo:
        abroad.create_token(LicenseArn=arn, ClientToken=client_token())
    assert error_code(excinfo) == "RedirectException"


def test_trust_policy_decides_who_assumes_the_role(sim, lm, customer):
    """The consumption role's trust policy: only License Manager tokens whose subject it names
    may assume the role; a forged or foreign token is not a valid identity token."""
    arn, _, _, lm_anonymous, sts = customer
    other = lm.create_token(LicenseArn=arn, ClientToken=client_token())
    access = lm_anonymous.get_access_token(Token=other["Token"])["AccessToken"]
    role = f"arn:aws:iam::{ACCOUNT_A}:role/AWSLicenseManagerConsumptionRole"
    with pytest.raises(sts.exceptions.ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="xy", WebIdentityToken=access)
    assert error_code(excinfo) == "AccessDenied"
    header, payload, signature = access.split(".")
    with pytest.raises(sts.exceptions.ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="xy",
                                          WebIdentityToken=f"{header}.{payload}.{signature[::-1]}")
    assert error_code(excinfo) == "InvalidIdentityToken"
    refresh = lm.create_token(LicenseArn=arn, ClientToken=client_token())["Token"]
    with pytest.raises(sts.exceptions.ClientError) as excinfo:
        sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="xy", WebIdentityToken=refresh)
    assert error_code(excinfo) == "InvalidIdentityToken"


def test_unsigned_clients_reach_only_credential_free_operations(sim):
    """An unsigned client (no credentials) can exchange tokens but nothing else."""
    anonymous = sim.client("license-manager")
    with pytest.raises(anonymous.exceptions.ClientError) as excinfo:
        anonymous.list_licenses()
    assert error_code(excinfo) == "MissingAuthenticationToken"
    with pytest.raises(ValueError):
        sim.client("license-manager", credentials={"AccessKeyId": "ASIAFORGED", "SecretAccessKey": "x",
                                                   "SessionToken": "y"})
