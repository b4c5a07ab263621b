"""IAM roles and STS identity ("Seller issued licenses", Requirements: the
AWSLicenseManagerConsumptionRole with its trust policy and the AWS managed policy attached)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ACCOUNT_A, CONSUMPTION_POLICY, error_code, iam_user

TRUST = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Principal": {"Federated": "openid-license-manager.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity"}})


@pytest.fixture
def iam(sim):
    """An IAM client of account A."""
    return sim.client("iam", ACCOUNT_A)


def test_role_holds_its_trust_policy_and_attached_policies(iam):
    """"Requirements": create-role with the trust policy document, then attach-role-policy of
    AWSLicenseManagerConsumptionPolicy."""
    role = iam.create_role(RoleName="AWSLicenseManagerConsumptionRole", AssumeRolePolicyDocument=TRUST,
                           MaxSessionDuration=3600)["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:role/AWSLicenseManagerConsumptionRole"
    assert role["RoleId"].startswith("AROA") and role["AssumeRolePolicyDocument"] == json.loads(TRUST)
    iam.attach_role_policy(RoleName="AWSLicenseManagerConsumptionRole", PolicyArn=CONSUMPTION_POLICY)
    attached = iam.list_attached_role_policies(RoleName="AWSLicenseManagerConsumptionRole")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AWSLicenseManagerConsumptionPolicy", "PolicyArn": CONSUMPTION_POLICY}]
    assert iam.get_role(RoleName="awslicensemanagerconsumptionrole")["Role"]["RoleId"] == role["RoleId"]


def test_bad_roles_are_refused(iam):
    """CreateRole refuses duplicate names (ignoring case), malformed trust policies and session
    durations outside 1 to 12 hours (past the model's maximum 43200: IAM's ValidationError);
    AttachRolePolicy refuses unknown roles and policies."""
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    for params, code in (({"RoleName": "APP", "AssumeRolePolicyDocument": TRUST}, "EntityAlreadyExists"),
                         ({"RoleName": "b", "AssumeRolePolicyDocument": "{not json"}, "MalformedPolicyDocument"),
                         ({"RoleName": "c", "AssumeRolePolicyDocument": TRUST, "MaxSessionDuration": 50000},
                          "ValidationError")):
        with pytest.raises(iam.exceptions.ClientError) as excinfo:
            iam.create_role(**params)
        assert error_code(excinfo) == code
    for name in ("b", "c"):
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_role(RoleName=name)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.attach_role_policy(RoleName="missing", PolicyArn=CONSUMPTION_POLICY)
    with pytest.raises(iam.exceptions.ClientError) as excinfo:
        iam.attach_role_policy(RoleName="app", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")
    assert error_code(excinfo) == "NoSuchEntity"


def test_get_caller_identity(sim):
    """GetCallerIdentity: the account and ARN of the caller (the root user's UserId is the
    account id); an IAM user's principal is its own."""
    sts = sim.client("sts", ACCOUNT_A)
    assert sts.get_caller_identity()["UserId"] == ACCOUNT_A
    user = iam_user(sim, ACCOUNT_A, "alice")
    identity = sim.client("sts", ACCOUNT_A, principal=user).get_caller_identity()
    assert identity["Arn"] == user and identity["UserId"].startswith("AIDA")


def test_assume_role_checks_the_token_and_role(sim):
    """AssumeRoleWithWebIdentity: a token that is not a JWT of a trusted provider is an
    InvalidIdentityToken."""
    sts = sim.client("sts")
    with pytest.raises(sts.exceptions.InvalidIdentityTokenException):
        sts.assume_role_with_web_identity(RoleArn=f"arn:aws:iam::{ACCOUNT_A}:role/none", RoleSessionName="s1",
                                          WebIdentityToken="not-a-token")
