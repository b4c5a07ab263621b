"""IAM users, groups, managed and inline policies, access keys, the policy simulator and
service-linked roles ("Identity and access management for AWS License Manager", "Using
service-linked roles for AWS License Manager", "AWS managed policies for AWS License
Manager")."""

from __future__ import annotations

import json

import pytest

from simulator.world.iam import ISV_POLICY
from tests.helpers import ACCOUNT_A, ACCOUNT_B, CONSUMPTION_POLICY, error_code

LIST_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Lists", "Effect": "Allow", "Action": "license-manager:List*", "Resource": "*"}]})
NO_DELETE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "license-manager:Delete*", "Resource": "*"}]})
SERVICE_ROLE_POLICY = "arn:aws:iam::aws:policy/aws-service-role/AWSLicenseManagerServiceRolePolicy"
MEMBER_SERVICE = "license-manager.member-account.amazonaws.com"


@pytest.fixture
def iam(sim):
    """IAM as account A's root user."""
    return sim.client("iam", ACCOUNT_A)


def users(iam) -> list[str]:
    return [u["UserName"] for u in iam.list_users()["Users"]]


def test_users_are_created_listed_and_deleted(iam):
    """CreateUser gives an AIDA id and the user's ARN; names are unique ignoring case; a user
    with policies, keys or groups cannot be deleted (DeleteConflict) until they are gone."""
    user = iam.create_user(UserName="alice", Path="/ops/")["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/ops/alice" and user["UserId"].startswith("AIDA")
    assert iam.get_user(UserName="alice")["User"]["UserId"] == user["UserId"]
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName="ALICE")
    iam.put_user_policy(UserName="alice", PolicyName="lists", PolicyDocument=LIST_ONLY)
    with pytest.raises(iam.exceptions.DeleteConflictException):
        iam.delete_user(UserName="alice")
    assert users(iam) == ["alice"]
    iam.delete_user_policy(UserName="alice", PolicyName="lists")
    iam.delete_user(UserName="alice")
    assert users(iam) == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="alice")


def test_users_are_per_account(sim, iam):
    """Another account has its own users."""
    iam.create_user(UserName="alice")
    assert users(sim.client("iam", ACCOUNT_B)) == []


def test_group_policies_apply_to_their_users(sim, iam):
    """A user gets the inline and attached policies of its groups."""
    iam.create_user(UserName="bob")
    lm = sim.client("license-manager", ACCOUNT_A, principal=f"arn:aws:iam::{ACCOUNT_A}:user/bob")
    with pytest.raises(lm.exceptions.AccessDeniedException):
        lm.list_license_configurations()
    iam.create_group(GroupName="auditors")
    iam.put_group_policy(GroupName="auditors", PolicyName="lists", PolicyDocument=LIST_ONLY)
    iam.add_user_to_group(GroupName="auditors", UserName="bob")
    assert lm.list_license_configurations()["LicenseConfigurations"] == []


def test_customer_managed_policies_attach_and_detach(sim, iam):
    """CreatePolicy (v1), GetPolicy with its attachment count, GetPolicyVersion with the
    document; AttachUserPolicy grants, DetachUserPolicy takes it back."""
    arn = iam.create_policy(PolicyName="lister", PolicyDocument=LIST_ONLY, Description="lists")["Policy"]["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_A}:policy/lister"
    iam.create_user(UserName="carol")
    iam.attach_user_policy(UserName="carol", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["IsDefaultVersion"] and version["Document"]["Statement"][0]["Sid"] == "Lists"
    lm = sim.client("license-manager", ACCOUNT_A, principal=f"arn:aws:iam::{ACCOUNT_A}:user/carol")
    lm.list_license_configurations()
    iam.detach_user_policy(UserName="carol", PolicyArn=arn)
    with pytest.raises(lm.exceptions.AccessDeniedException):
        lm.list_license_configurations()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.detach_user_policy(UserName="carol", PolicyArn=arn)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        sim.client("iam", ACCOUNT_B).get_policy(PolicyArn=arn)


def test_bad_policies_are_refused(iam):
    """MalformedPolicyDocument for a bad document; a service-linked role's policy is
    PolicyNotAttachable; an unknown policy is NoSuchEntity."""
    iam.create_user(UserName="dan")
    for document in ("{not json", json.dumps({"Statement": [{"Effect": "Allow", "Action": "ec2:*"}]})):
        with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
            iam.put_user_policy(UserName="dan", PolicyName="bad", PolicyDocument=document)
        with pytest.raises(iam.exceptions.MalformedPolicyDocumentException):
            iam.create_policy(PolicyName="bad", PolicyDocument=document)
    with pytest.raises(iam.exceptions.PolicyNotAttachableException):
        iam.attach_user_policy(UserName="dan", PolicyArn=SERVICE_ROLE_POLICY)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.attach_user_policy(UserName="dan", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")


def test_the_guides_managed_policies_exist(iam):
    """The three service-linked-role policies hold the actions the guide lists;
    AWSLicenseManagerConsumptionPolicy the consumption actions; the ISV policy can be made."""
    def actions(arn):
        document = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
        return {a for s in document["Statement"] for a in s["Action"]}

    assert {"license-manager:List*", "license-manager:GetLicense*", "ec2:DescribeInstances",
            "organizations:ListDelegatedAdministrators"} <= actions(SERVICE_ROLE_POLICY)
    assert {"ram:CreateResourceShare", "organizations:ListAccounts", "athena:StartQueryExecution"} <= actions(
        "arn:aws:iam::aws:policy/aws-service-role/AWSLicenseManagerMasterAccountRolePolicy")
    assert {"license-manager:UpdateLicenseSpecificationsForResource", "ram:AcceptResourceShareInvitation"} <= actions(
        "arn:aws:iam::aws:policy/aws-service-role/AWSLicenseManagerMemberAccountRolePolicy")
    assert actions(CONSUMPTION_POLICY) == {"license-manager:CheckoutLicense", "license-manager:CheckInLicense",
                                           "license-manager:ExtendLicenseConsumption", "license-manager:GetLicense"}
    isv = iam.create_policy(PolicyName="isv", PolicyDocument=ISV_POLICY)["Policy"]["Arn"]
    assert "kms:GetPublicKey" in actions(isv)


def test_access_keys_sign_as_their_user(sim, iam):
    """CreateAccessKey gives an AKIA key and its secret; a client made from it acts as the
    user (GetCallerIdentity); a user has at most two keys."""
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and key["Status"] == "Active" and len(key["SecretAccessKey"]) == 40
    identity = sim.client("sts", credentials=key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:user/erin" and identity["UserId"].startswith("AIDA")
    iam.create_access_key(UserName="erin")
    with pytest.raises(iam.exceptions.LimitExceededException):
        iam.create_access_key(UserName="erin")
    with pytest.raises(ValueError, match="credentials"):
        sim.client("sts", credentials={**key, "SecretAccessKey": "wrong"})


def test_simulate_principal_policy_answers_from_the_evaluator(iam):
    """SimulatePrincipalPolicy: allowed, explicitDeny and implicitDeny per action and
    resource, naming the matching statement's policy; context entries feed conditions."""
    iam.create_user(UserName="frank")
    iam.put_user_policy(UserName="frank", PolicyName="lists", PolicyDocument=LIST_ONLY)
    managed = iam.create_policy(PolicyName="no-delete", PolicyDocument=NO_DELETE)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="frank", PolicyArn=managed)
    results = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_A}:user/frank",
        ActionNames=["license-manager:ListLicenses", "license-manager:DeleteLicense", "ec2:RunInstances"],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: (r["EvalDecision"], [(m["SourcePolicyId"], m["SourcePolicyType"])
                                                            for m in r["MatchedStatements"]]) for r in results}
    assert decisions == {"license-manager:ListLicenses": ("allowed", [("lists", "user")]),
                         "license-manager:DeleteLicense": ("explicitDeny", [("no-delete", "user-managed")]),
                         "ec2:RunInstances": ("implicitDeny", [])}
    regional = json.dumps({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                                          "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]})
    out = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT_A}:user/frank", ActionNames=["ec2:RunInstances"],
        PolicyInputList=[regional], ContextEntries=[{"ContextKeyName": "aws:RequestedRegion",
                                                     "ContextKeyValues": ["eu-west-1"], "ContextKeyType": "string"}],
    )["EvaluationResults"]
    assert out[0]["EvalDecision"] == "allowed"
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT_A}:user/nobody",
                                      ActionNames=["ec2:RunInstances"])


def test_service_linked_roles_are_created_protected_and_deleted(sim, iam):
    """CreateServiceLinkedRole makes the role under /aws-service-role/<service>/ with its
    policy; a second one is InvalidInput; it cannot be changed (UnmodifiableEntity); its
    deletion task runs a minute later and, the role unused, SUCCEEDS."""
    role = iam.create_service_linked_role(AWSServiceName=MEMBER_SERVICE)["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAWSLicenseManagerMemberAccountRole"
    assert role["Path"] == f"/aws-service-role/{MEMBER_SERVICE}/"
    attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSLicenseManagerMemberAccountRolePolicy"]
    with pytest.raises(iam.exceptions.InvalidInputException):
        iam.create_service_linked_role(AWSServiceName=MEMBER_SERVICE)
    with pytest.raises(iam.exceptions.UnmodifiableEntityException):
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="x", PolicyDocument=LIST_ONLY)
    with pytest.raises(iam.exceptions.InvalidInputException):
        iam.create_service_linked_role(AWSServiceName="example.amazonaws.com")
    task = iam.delete_service_linked_role(RoleName=role["RoleName"])["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "IN_PROGRESS"
    sim.advance("2m")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    assert role["RoleName"] not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.delete_service_linked_role(RoleName=role["RoleName"])
    with pytest.raises(iam.exceptions.InvalidInputException):
        iam.get_service_linked_role_deletion_status(DeletionTaskId="not-a-task")


def test_the_core_role_cannot_be_deleted_while_license_manager_uses_it(sim, iam):
    """The core role appears on the account's first use of License Manager; with a license
    configuration left its deletion task FAILS with the configuration as the reason; once
    the configuration is deleted it succeeds ("Clean up a service-linked role")."""
    assert iam.list_roles()["Roles"] == []
    lm = sim.client("license-manager", ACCOUNT_A)
    arn = lm.create_license_configuration(Name="c", LicenseCountingType="vCPU")["LicenseConfigurationArn"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["AWSServiceRoleForAWSLicenseManagerRole"]
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAWSLicenseManagerRole")["DeletionTaskId"]
    sim.advance("2m")
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert status["Status"] == "FAILED"
    assert status["Reason"]["RoleUsageList"] == [{"Region": "us-east-1", "Resources": [arn]}]
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAWSLicenseManagerRole")["DeletionTaskId"]
    sim.advance("2m")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    assert iam.list_roles()["Roles"] == []


def test_roles_take_inline_policies(sim, iam):
    """PutRolePolicy and DeleteRolePolicy on a role its sessions act within; DetachRolePolicy."""
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=json.dumps({"Statement": {
        "Effect": "Allow", "Principal": {"AWS": ACCOUNT_A}, "Action": "sts:AssumeRole"}}))
    lm = sim.client("license-manager", ACCOUNT_A, principal=f"arn:aws:iam::{ACCOUNT_A}:role/ops")
    iam.put_role_policy(RoleName="ops", PolicyName="lists", PolicyDocument=LIST_ONLY)
    lm.list_license_configurations()
    iam.delete_role_policy(RoleName="ops", PolicyName="lists")
    with pytest.raises(lm.exceptions.AccessDeniedException):
        lm.list_license_configurations()
    iam.attach_role_policy(RoleName="ops", PolicyArn=CONSUMPTION_POLICY)
    iam.detach_role_policy(RoleName="ops", PolicyArn=CONSUMPTION_POLICY)
    with pytest.raises(iam.exceptions.ClientError) as excinfo:
        iam.delete_role_policy(RoleName="ops", PolicyName="lists")
    assert error_code(excinfo) == "NoSuchEntity"
