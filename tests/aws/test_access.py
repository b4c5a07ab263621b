"""IAM policy evaluation on every call made as a principal ("Identity and access management
for AWS License Manager": IAM users have no permissions until a policy grants them; an
explicit deny overrides any allow), its access-denied errors, the ``access`` timeline, and
the negative-access matrix of License Manager's operations."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from simulator.aws import implemented
from simulator.aws.models import operation_model
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    LINUX,
    assert_refused,
    configuration,
    create_configuration,
    error_code,
    iam_user,
    launch,
    license_specs,
    public_ami,
    world_events,
)


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def denied_code(call) -> str:
    with pytest.raises(ClientError) as excinfo:
        call()
    return error_code(excinfo)


def test_the_root_user_has_full_access_and_is_not_evaluated(sim, lm):
    """The account's root user may do anything in its account; its calls are not evaluated."""
    create_configuration(lm)
    assert sim.timelines.access.empty


def test_a_user_without_policies_is_denied_everywhere(sim):
    """An IAM user with no policy is denied: License Manager with AccessDeniedException, EC2
    with UnauthorizedOperation and an encoded message, IAM with AccessDenied; STS's
    GetCallerIdentity needs no permission. Each denial is an access row and a CloudTrail
    event with its error code, and changes nothing."""
    user = iam_user(sim, ACCOUNT_A, "nobody", managed=())
    lm = sim.client("license-manager", ACCOUNT_A, principal=user)
    ec2 = sim.client("ec2", ACCOUNT_A, principal=user)
    iam = sim.client("iam", ACCOUNT_A, principal=user)
    assert_refused(sim, "AccessDeniedException", lambda: create_configuration(lm),
                   lambda: sim.client("license-manager", ACCOUNT_A).list_license_configurations()[
                       "LicenseConfigurations"])
    image = public_ami(sim.client("ec2", ACCOUNT_A), LINUX)
    with pytest.raises(ClientError) as excinfo:
        ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=1, MaxCount=1)
    assert error_code(excinfo) == "UnauthorizedOperation"
    encoded = excinfo.value.response["Error"]["Message"].rsplit("Encoded authorization failure message: ", 1)[1]
    detail = json.loads(base64.b64decode(encoded))
    assert detail["context"]["action"] == "ec2:RunInstances" and detail["explicitDeny"] is False
    assert denied_code(lambda: iam.create_user(UserName="x")) == "AccessDenied"
    assert sim.client("sts", ACCOUNT_A, principal=user).get_caller_identity()["Arn"] == user
    access = sim.timelines.access
    assert list(access.event_name) == ["CreateLicenseConfiguration", "RunInstances", "CreateUser"]
    assert set(access.decision) == {"denied"} and set(access.principal) == {user}
    events = [json.loads(e["CloudTrailEvent"]) for e in sim.client("cloudtrail", ACCOUNT_A).lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "nobody"}])["Events"]]
    assert [(e["eventName"], e.get("errorCode")) for e in events] == [
        ("GetCallerIdentity", None), ("CreateUser", "AccessDenied"), ("RunInstances", "Client.UnauthorizedOperation"),
        ("CreateLicenseConfiguration", "AccessDeniedException")]
    assert {e["userIdentity"]["type"] for e in events} == {"IAMUser"}


def test_explicit_deny_wins_over_administrator_access(sim, lm):
    """A Deny statement beats AdministratorAccess; the access row names it."""
    arn = create_configuration(lm)
    user = iam_user(sim, ACCOUNT_A, "admin", document({"Sid": "KeepConfigurations", "Effect": "Deny",
                                                       "Action": "license-manager:Delete*", "Resource": "*"}))
    admin = sim.client("license-manager", ACCOUNT_A, principal=user)
    admin.list_license_configurations()
    assert_refused(sim, "AccessDeniedException",
                   lambda: admin.delete_license_configuration(LicenseConfigurationArn=arn),
                   lambda: configuration(lm, arn))
    access = sim.timelines.access
    assert list(zip(access.decision, access.matched_statement, strict=True)) == [
        ("allowed", "arn:aws:iam::aws:policy/AdministratorAccess#0"),
        ("denied", "user/admin/inline-0#KeepConfigurations")]


def test_resource_arns_and_resource_tags_decide(sim, lm):
    """A statement about one configuration's ARN, or about configurations tagged team=blue
    (license-manager:ResourceTag/team), allows only those."""
    blue = create_configuration(lm, name="blue", Tags=[{"Key": "team", "Value": "blue"}])
    red = create_configuration(lm, name="red", Tags=[{"Key": "team", "Value": "red"}])
    user = iam_user(sim, ACCOUNT_A, "blue-admin", document(
        allow("license-manager:UpdateLicenseConfiguration", "*",
              Condition={"StringEquals": {"license-manager:ResourceTag/team": "blue"}}),
        allow("license-manager:GetLicenseConfiguration", blue)), managed=())
    client = sim.client("license-manager", ACCOUNT_A, principal=user)
    client.update_license_configuration(LicenseConfigurationArn=blue, Description="ok")
    client.get_license_configuration(LicenseConfigurationArn=blue)
    assert_refused(sim, "AccessDeniedException",
                   lambda: client.update_license_configuration(LicenseConfigurationArn=red, Description="no"),
                   lambda: configuration(lm, red))
    assert denied_code(lambda: client.get_license_configuration(LicenseConfigurationArn=red)) == "AccessDeniedException"


def test_request_conditions(sim):
    """aws:RequestedRegion, aws:RequestTag/<key> with aws:TagKeys, and aws:CurrentTime."""
    user = iam_user(sim, ACCOUNT_A, "tagger", document(
        allow("license-manager:CreateLicenseConfiguration", Condition={
            "StringEquals": {"aws:RequestTag/team": "blue", "aws:RequestedRegion": "us-east-1"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
            "DateLessThan": {"aws:CurrentTime": "2026-01-02T00:00:00Z"}})), managed=())
    east = sim.client("license-manager", ACCOUNT_A, principal=user)
    create_configuration(east, name="tagged", Tags=[{"Key": "team", "Value": "blue"}])
    for tags in ([{"Key": "team", "Value": "red"}], [{"Key": "team", "Value": "blue"}, {"Key": "x", "Value": "y"}], []):
        assert denied_code(lambda t=tags: create_configuration(east, name="x", Tags=t)) == "AccessDeniedException"
    west = sim.client("license-manager", ACCOUNT_A, "us-west-2", principal=user)
    assert denied_code(lambda: create_configuration(west, Tags=[{"Key": "team", "Value": "blue"}])) == \
        "AccessDeniedException"
    sim.advance("2d")
    assert denied_code(lambda: create_configuration(east, Tags=[{"Key": "team", "Value": "blue"}])) == \
        "AccessDeniedException"


def test_launches_need_permission_on_their_license_configurations(sim, lm):
    """RunInstances and StartInstances of an instance with a license configuration also need
    permission on that configuration's ARN."""
    allowed_arn = create_configuration(lm, name="allowed", count=10)
    other = create_configuration(lm, name="other", count=10)
    user = iam_user(sim, ACCOUNT_A, "launcher", document(
        allow(["ec2:Describe*", "ec2:StopInstances"]),
        allow(["ec2:RunInstances", "ec2:StartInstances"], ["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*::image/*",
                                                           allowed_arn])), managed=())
    ec2 = sim.client("ec2", ACCOUNT_A, principal=user)
    [instance] = launch(ec2, licenses=[allowed_arn])
    assert_refused(sim, "UnauthorizedOperation", lambda: launch(ec2, licenses=[other]),
                   lambda: ec2.describe_instances()["Reservations"])
    sim.advance("5m")
    root = sim.client("ec2", ACCOUNT_A)
    [tracked] = launch(root, licenses=[other])
    sim.advance("5m")
    root.stop_instances(InstanceIds=[instance, tracked])
    sim.advance("5m")
    ec2.start_instances(InstanceIds=[instance])
    assert denied_code(lambda: ec2.start_instances(InstanceIds=[tracked])) == "UnauthorizedOperation"


def test_policy_changes_take_effect_at_once_and_deleted_users_are_refused(sim):
    """Compiled policies are rebuilt when a policy changes; a deleted user's client is
    refused (InvalidClientTokenId); a client needs a principal IAM knows."""
    user = iam_user(sim, ACCOUNT_A, "temp", managed=())
    iam = sim.client("iam", ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A, principal=user)
    assert denied_code(lm.list_license_configurations) == "AccessDeniedException"
    iam.put_user_policy(UserName="temp", PolicyName="l", PolicyDocument=document(allow("license-manager:List*")))
    lm.list_license_configurations()
    iam.delete_user_policy(UserName="temp", PolicyName="l")
    assert denied_code(lm.list_license_configurations) == "AccessDeniedException"
    iam.delete_user(UserName="temp")
    assert denied_code(lm.list_license_configurations) == "InvalidClientTokenId"
    with pytest.raises(ValueError, match="not an IAM user or role"):
        sim.client("ec2", ACCOUNT_A, principal=f"arn:aws:iam::{ACCOUNT_A}:user/ghost")


# -- the negative-access matrix of License Manager's operations -------------------------------

def _value(shape, name: str, arn: str):
    kind = shape.type_name
    if kind == "structure":
        return {m: _value(shape.members[m], m, arn) for m in shape.required_members}
    if kind == "list":
        return [_value(shape.member, name, arn)]
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime(2026, 1, 1)
    if kind == "blob":
        return b"x"
    if "Arn" in name or name == "ResourceArn":
        return arn
    return "x" * max(shape.metadata.get("min", 1), 12)


def minimal_request(operation: str, arn: str) -> dict:
    """The operation's required members, with ``arn`` wherever an ARN goes."""
    shape = operation_model("license-manager", operation).input_shape
    return {} if shape is None else {m: _value(shape.members[m], m, arn) for m in shape.required_members}


LICENSE_MANAGER = [name for _, name in implemented("license-manager")]
ON_A_CONFIGURATION = ["GetLicenseConfiguration", "UpdateLicenseConfiguration", "DeleteLicenseConfiguration",
                      "ListAssociationsForLicenseConfiguration", "ListUsageForLicenseConfiguration",
                      "ListFailuresForLicenseConfigurationOperations", "TagResource", "UntagResource",
                      "ListTagsForResource"]


@pytest.fixture(scope="module")
def matrix():
    """Account A's configuration, and principals of A: one without policies, one allowed
    license-manager:List* only."""
    from simulator import Simulation

    sim = Simulation(seed=0)
    sim.add_account(ACCOUNT_A)
    sim.add_account(ACCOUNT_B)
    owner = sim.client("license-manager", ACCOUNT_A)
    arn = create_configuration(owner, count=4)
    nobody = iam_user(sim, ACCOUNT_A, "nobody", managed=())
    lister = iam_user(sim, ACCOUNT_A, "lister", document(allow("license-manager:List*")), managed=())
    clients = {"owner": owner, "other": sim.client("license-manager", ACCOUNT_B),
               "nobody": sim.client("license-manager", ACCOUNT_A, principal=nobody),
               "lister": sim.client("license-manager", ACCOUNT_A, principal=lister)}
    return sim, arn, clients, lister


def _state(sim, arn, owner):
    return (configuration(owner, arn), owner.list_tags_for_resource(ResourceArn=arn)["Tags"], world_events(sim),
            len(owner.list_license_configurations()["LicenseConfigurations"]))


@pytest.mark.parametrize("operation", ON_A_CONFIGURATION)
def test_another_account_without_a_share_gets_the_access_error(matrix, operation):
    """A principal of another account, with no share, calling about A's configuration gets
    AccessDeniedException and nothing changes."""
    sim, arn, clients, _ = matrix
    before = _state(sim, arn, clients["owner"])
    client = clients["other"]
    request = minimal_request(operation, arn)
    if operation == "UpdateLicenseConfiguration":
        request["LicenseCount"] = 1
    if operation == "TagResource":
        request["Tags"] = [{"Key": "team", "Value": "red"}]
    assert denied_code(lambda: getattr(client, _method(client, operation))(**request)) == "AccessDeniedException"
    assert _state(sim, arn, clients["owner"]) == before


def test_another_account_cannot_attach_an_unshared_configuration(matrix):
    """Nor can it attach A's configuration to its own resources or launches."""
    sim, arn, clients, _ = matrix
    ec2_b = sim.client("ec2", ACCOUNT_B)
    image = public_ami(ec2_b, LINUX)
    before = _state(sim, arn, clients["owner"])
    lm_b = clients["other"]
    assert denied_code(lambda: lm_b.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:us-east-1::image/{image}", AddLicenseSpecifications=license_specs(arn))) == \
        "AccessDeniedException"
    assert denied_code(lambda: launch(ec2_b, image=image, licenses=[arn])) == "InvalidParameterValue"
    assert _state(sim, arn, clients["owner"]) == before


def _method(client, operation: str) -> str:
    return next(m for m, o in client.meta.method_to_api_mapping.items() if o == operation)


@pytest.mark.parametrize("operation", LICENSE_MANAGER)
def test_a_user_without_a_policy_is_denied_every_operation(matrix, operation):
    """Every License Manager operation refuses a user without a policy with its access error,
    before anything changes; one allowed license-manager:List* may call exactly the List
    operations."""
    sim, arn, clients, lister = matrix
    before = _state(sim, arn, clients["owner"])
    request = minimal_request(operation, arn)
    client = clients["nobody"]
    assert denied_code(lambda: getattr(client, _method(client, operation))(**request)) in (
        "AccessDeniedException", "AuthorizationException")
    assert sim.timelines.access.decision.iloc[-1] == "denied"
    listing = clients["lister"]
    with contextlib.suppress(ClientError):  # the request may be refused for what it asks, once allowed
        getattr(listing, _method(listing, operation))(**request)
    decision = sim.timelines.access.iloc[-1]
    assert (decision.principal, decision.event_name) == (lister, operation)
    assert decision.decision == ("allowed" if operation.startswith("List") else "denied")
    after = _state(sim, arn, clients["owner"])
    assert (after[:2], after[3]) == (before[:2], before[3])
