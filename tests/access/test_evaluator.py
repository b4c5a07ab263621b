"""IAM policy evaluation ("Identity and access management for AWS License Manager", Policy
structure: "By default, IAM users don't have permission to use resources and API operations,
so all requests are denied. An explicit allow overrides the default. An explicit deny
overrides any allows"), with the example policies' wildcards ("license-manager:List*")."""

from __future__ import annotations

import fnmatch
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.access import (
    RESOURCE,
    AccessRequest,
    Caller,
    Policy,
    PolicyError,
    PolicySet,
    authorize,
    evaluate,
    resource_policy_verdict,
)

CONFIG = "arn:aws:license-manager:us-east-1:111111111111:license-configuration:lic-0123456789abcdef0123456789abcdef"


def policy(*statements: dict, name: str = "p", kind: str = "identity") -> Policy:
    return Policy.parse(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), name, kind)


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(statements, action, resources=("*",), context=None, tags=None):
    request = AccessRequest(action, tuple(resources), {k.lower(): v for k, v in (context or {}).items()},
                            (lambda arn: {f"aws:resourcetag/{k}": v for k, v in (tags or {}).items()}))
    return evaluate([policy(*statements)], request)


def test_implicit_deny_explicit_allow_explicit_deny():
    """Nothing is allowed by default; an allow overrides that; a deny overrides any allow."""
    assert not decide([allow("ec2:DescribeInstances")], "license-manager:ListLicenseConfigurations").allowed
    found = decide([allow("license-manager:ListLicenseConfigurations")], "license-manager:ListLicenseConfigurations")
    assert found.allowed and found.statement == "p#0"
    found = decide([allow("*"), {**deny("license-manager:Delete*"), "Sid": "NoDelete"}],
                   "license-manager:DeleteLicenseConfiguration")
    assert (found.allowed, found.explicit, found.statement) == (False, True, "p#NoDelete")


def test_action_wildcards_ignore_case():
    """"license-manager:List*" covers every List operation; "license-manager:*" all of them;
    action names ignore case; ? is one character."""
    statements = [allow("license-manager:List*")]
    assert decide(statements, "license-manager:ListUsageForLicenseConfiguration").allowed
    assert decide(statements, "LICENSE-MANAGER:listLicenses").allowed
    assert not decide(statements, "license-manager:GetLicense").allowed
    assert decide([allow("license-manager:*")], "license-manager:DeleteLicense").allowed
    assert decide([allow("license-manager:GetLicens?")], "license-manager:GetLicense").allowed
    assert not decide([allow("license-manager:GetLicens?")], "license-manager:GetLicenses").allowed


def test_not_action_and_not_resource():
    """NotAction covers every other action; NotResource every other resource."""
    assert decide([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "ec2:RunInstances").allowed
    assert not decide([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "iam:CreateUser").allowed
    other = CONFIG.replace("0123456789abcdef0123456789abcdef", "f" * 32)
    statements = [allow("*"), {"Effect": "Deny", "Action": "*", "NotResource": CONFIG}]
    assert decide(statements, "license-manager:DeleteLicenseConfiguration", [CONFIG]).allowed
    assert not decide(statements, "license-manager:DeleteLicenseConfiguration", [other]).allowed


def test_resource_wildcards_and_every_resource_must_be_allowed():
    """Resource ARNs with wildcards; a request about several resources needs each allowed."""
    statements = [allow("ec2:RunInstances", ["arn:aws:ec2:*:111111111111:instance/*", "arn:aws:ec2:*::image/ami-*"])]
    instance, image = "arn:aws:ec2:us-east-1:111111111111:instance/*", "arn:aws:ec2:us-east-1::image/ami-0abc"
    assert decide(statements, "ec2:RunInstances", [instance, image]).allowed
    assert not decide(statements, "ec2:RunInstances", [instance, image, CONFIG]).allowed
    assert not decide([allow("ec2:RunInstances", CONFIG)], "ec2:RunInstances", ["*"]).allowed


@pytest.mark.parametrize("operator,key,expected,context,allowed", [
    ("StringEquals", "aws:PrincipalAccount", "111111111111", {"aws:PrincipalAccount": "111111111111"}, True),
    ("StringEquals", "aws:PrincipalAccount", "111111111111", {"aws:PrincipalAccount": "222222222222"}, False),
    ("StringNotEquals", "aws:RequestedRegion", "eu-west-1", {"aws:RequestedRegion": "us-east-1"}, True),
    ("StringNotEquals", "aws:RequestedRegion", "eu-west-1", {}, True),  # absent: a negated operator holds
    ("StringEquals", "aws:RequestedRegion", "us-east-1", {}, False),  # absent: the condition is false
    ("StringLike", "aws:PrincipalArn", "arn:aws:iam::*:user/ops-*", {"aws:PrincipalArn":
                                                                     "arn:aws:iam::111111111111:user/ops-kim"}, True),
    ("StringLike", "aws:PrincipalArn", "arn:aws:iam::*:user/ops-*", {"aws:PrincipalArn":
                                                                     "arn:aws:iam::111111111111:user/dev-kim"}, False),
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Deploy*", {"aws:PrincipalArn":
                                                                    "arn:aws:iam::111111111111:role/Deployer"}, True),
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/*", {"aws:PrincipalArn": "arn:aws:iam::1:user/x"}, False),
    ("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::1:user/x", {"aws:PrincipalArn": "arn:aws:iam::1:user/x"}, True),
    ("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": True}, True),
    ("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": True}, False),
    ("NumericLessThan", "aws:EpochTime", "1800000000", {"aws:EpochTime": 1700000000}, True),
    ("NumericLessThan", "aws:EpochTime", "1600000000", {"aws:EpochTime": 1700000000}, False),
    ("DateLessThan", "aws:CurrentTime", "2026-06-01T00:00:00Z",
     {"aws:CurrentTime": datetime(2026, 1, 1, tzinfo=UTC)}, True),
    ("DateLessThan", "aws:CurrentTime", "2026-06-01T00:00:00Z",
     {"aws:CurrentTime": datetime(2026, 7, 1, tzinfo=UTC)}, False),
    ("StringEqualsIfExists", "aws:RequestTag/team", "blue", {}, True),
    ("StringEqualsIfExists", "aws:RequestTag/team", "blue", {"aws:RequestTag/team": "red"}, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["team", "cost-center"], {"aws:TagKeys": ["team"]}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": ["team", "owner"]}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], {"aws:TagKeys": ["team", "owner"]}, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], {}, False),
    ("Null", "aws:RequestTag/team", "true", {}, True),
    ("Null", "aws:RequestTag/team", "false", {}, False),
])
def test_condition_operators(operator, key, expected, context, allowed):
    """The condition operators, their IfExists and ForAnyValue/ForAllValues forms, and absent keys."""
    statements = [allow("license-manager:CreateLicenseConfiguration", Condition={operator: {key: expected}})]
    assert decide(statements, "license-manager:CreateLicenseConfiguration", context=context).allowed is allowed


def test_resource_tag_conditions_are_read_per_resource():
    """aws:ResourceTag/<key> is the tag of the resource the action is about, asked only when
    a condition needs it; keys ignore case."""
    asked = []

    def tags(arn):
        asked.append(arn)
        return {"aws:resourcetag/team": "blue"}

    statements = [allow("license-manager:*", Condition={"StringEquals": {"aws:ResourceTag/Team": "blue"}})]
    request = AccessRequest("license-manager:DeleteLicenseConfiguration", (CONFIG,), {}, tags)
    assert evaluate([policy(*statements)], request).allowed and asked == [CONFIG]
    assert not decide(statements, "license-manager:DeleteLicenseConfiguration", [CONFIG], tags={"team": "red"}).allowed


def test_a_policy_set_caches_decisions_that_depend_on_the_action_alone():
    """Statements with Resource "*" and no condition decide by action alone: the set answers
    without building the request's resources; a statement with a condition is evaluated."""
    fixed = PolicySet([policy(allow("license-manager:List*"), deny("license-manager:Delete*"))])
    assert fixed.fixed_decision("license-manager:ListLicenses").allowed
    assert fixed.fixed_decision("license-manager:DeleteLicense").explicit
    assert fixed.fixed_decision("ec2:RunInstances").allowed is False
    conditional = PolicySet([policy(allow("ec2:*", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))])
    assert conditional.fixed_decision("ec2:RunInstances") is None


@pytest.mark.parametrize("document,complaint", [
    ({"Statement": [{"Effect": "Allow", "Action": "ec2:*"}]}, "resources"),
    ({"Statement": [{"Effect": "Permit", "Action": "ec2:*", "Resource": "*"}]}, "Effect"),
    ({"Statement": [{"Effect": "Allow", "Action": "RunInstances", "Resource": "*"}]}, "prefixed"),
    ({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Principal": "*"}]}, "principal"),
    ({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "NotAction": "iam:*", "Resource": "*"}]}, "exactly one"),
    ({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                     "Condition": {"StringSounds": {"aws:username": "x"}}}]}, "not supported"),
    ({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                     "Condition": {"DateLessThan": {"aws:CurrentTime": "soon"}}}]}, "date"),
    ({"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}, "Version"),
])
def test_malformed_policies_name_their_fault(document, complaint):
    """A document IAM would refuse as malformed raises PolicyError naming what is wrong."""
    with pytest.raises(PolicyError, match=complaint):
        Policy.parse(json.dumps(document))


# -- resource-based policies -----------------------------------------------------------------

BUCKET = "arn:aws:s3:::audit-logs"
ALICE = Caller("arn:aws:iam::222222222222:user/alice", "222222222222")


def bucket_policy(*statements: dict) -> Policy:
    return policy(*statements, name="bucket", kind=RESOURCE)


def test_resource_policies_name_their_principals():
    """Principal by account id, root ARN, IAM ARN, role (for its sessions), service; NotPrincipal."""
    request = AccessRequest("s3:PutObject", (f"{BUCKET}/x",))
    for principal in ({"AWS": "222222222222"}, {"AWS": "arn:aws:iam::222222222222:root"},
                      {"AWS": ALICE.arn}, "*"):
        found = resource_policy_verdict(bucket_policy(allow("s3:PutObject", f"{BUCKET}/*", Principal=principal)),
                                        ALICE, request)
        assert found is not None and found.allowed, principal
    role = bucket_policy(allow("s3:PutObject", f"{BUCKET}/*", Principal={"AWS": "arn:aws:iam::222222222222:role/ci"}))
    session = Caller("arn:aws:sts::222222222222:assumed-role/ci/run-1", "222222222222")
    assert resource_policy_verdict(role, session, request).allowed
    assert resource_policy_verdict(role, ALICE, request) is None
    service = bucket_policy(allow("s3:PutObject", f"{BUCKET}/*", Principal={"Service": "cloudtrail.amazonaws.com"}))
    assert resource_policy_verdict(service, Caller("", "", "cloudtrail.amazonaws.com"), request).allowed
    everyone_but = bucket_policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                                  "NotPrincipal": {"AWS": "111111111111"}})
    assert resource_policy_verdict(everyone_but, ALICE, request).explicit
    with pytest.raises(PolicyError, match="Principal"):
        bucket_policy(allow("s3:PutObject", BUCKET))


def test_identity_and_resource_policies_combine_as_aws_does():
    """Inside an account either policy may allow; across accounts both must; an explicit
    deny in either wins; a service principal needs the resource policy; a root user's
    identity allows everything in its own account."""
    request = AccessRequest("s3:PutObject", (f"{BUCKET}/x",))
    opens = bucket_policy(allow("s3:PutObject", f"{BUCKET}/*", Principal={"AWS": "222222222222"}))
    closes = bucket_policy(deny("s3:*", "*", Principal="*"))
    none = PolicySet([])
    allows = PolicySet([policy(allow("s3:*"))])
    assert authorize(none, ALICE, request, resource_policy=opens, resource_account="222222222222").allowed
    assert authorize(allows, ALICE, request, resource_account="222222222222").allowed
    assert not authorize(none, ALICE, request, resource_policy=opens, resource_account="999999999999").allowed
    assert authorize(allows, ALICE, request, resource_policy=opens, resource_account="999999999999").allowed
    assert not authorize(allows, ALICE, request, resource_account="999999999999").allowed
    assert authorize(allows, ALICE, request, resource_policy=closes, resource_account="222222222222").explicit
    root = Caller("arn:aws:iam::222222222222:root", "222222222222")
    assert authorize(None, root, request, resource_account="222222222222").allowed
    service = Caller("", "", "cloudtrail.amazonaws.com")
    assert not authorize(None, service, request, resource_policy=opens).allowed


# -- the evaluator against an obviously correct reference ------------------------------------

ACTIONS = ("svc:GetThing", "svc:GetOther", "svc:PutThing", "other:GetThing")
ACTION_PATTERNS = ("svc:Get*", "svc:*", "svc:GetThing", "*", "SVC:put?hing", "other:*")
RESOURCES = ("arn:x:1", "arn:x:2", "arn:y:1")
RESOURCE_PATTERNS = ("arn:x:*", "arn:x:1", "*", "arn:?:1")


@st.composite
def statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2, unique=True))
    statement["NotResource" if draw(st.integers(0, 3)) == 0 else "Resource"] = draw(
        st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2, unique=True))
    if draw(st.booleans()):
        operator = draw(st.sampled_from(["StringEquals", "StringNotEquals", "StringEqualsIfExists"]))
        statement["Condition"] = {operator: {"team": draw(st.sampled_from(["a", "b", ["a", "b"]]))}}
    return statement


def reference(policies: list[list[dict]], action: str, resources: tuple[str, ...], team: str | None) -> str:
    """The rules as the guide states them, naively: explicit deny, else allowed only if every
    resource has an allowing statement, else implicit deny."""
    def listed(value):
        return value if isinstance(value, list) else [value]

    def applies(statement, resource):
        if "Action" in statement:
            about = any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in listed(statement["Action"]))
        else:
            about = not any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in listed(statement["NotAction"]))
        if "Resource" in statement:
            covered = any(fnmatch.fnmatchcase(resource, p) for p in listed(statement["Resource"]))
        else:
            covered = not any(fnmatch.fnmatchcase(resource, p) for p in listed(statement["NotResource"]))
        holds = True
        for operator, tests in statement.get("Condition", {}).items():
            wanted = listed(tests["team"])
            if operator == "StringEquals":
                holds = team is not None and team in wanted
            elif operator == "StringNotEquals":
                holds = team is None or team not in wanted
            else:
                holds = team is None or team in wanted
        return about and covered and holds

    every = [s for p in policies for s in p]
    if any(s["Effect"] == "Deny" and applies(s, r) for s in every for r in resources):
        return "explicit"
    if all(any(s["Effect"] == "Allow" and applies(s, r) for s in every) for r in resources):
        return "allowed"
    return "implicit"


@settings(max_examples=150, deadline=None)
@given(policies=st.lists(st.lists(statements(), min_size=1, max_size=4), min_size=0, max_size=3),
       action=st.sampled_from(ACTIONS), resources=st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2,
                                                           unique=True),
       team=st.sampled_from([None, "a", "b"]))
def test_the_evaluator_agrees_with_a_naive_reference(policies, action, resources, team):
    """Over random policies and requests, the compiled evaluator (cached per action, with
    fixed decisions) decides as the naive reading of the rules does."""
    compiled = PolicySet([Policy.parse(json.dumps({"Statement": p}), f"p{n}") for n, p in enumerate(policies)])
    request = AccessRequest(action, tuple(resources), {} if team is None else {"team": team})
    found = compiled.evaluate(request)
    expected = reference(policies, action, tuple(resources), team)
    assert ("explicit" if found.explicit else "allowed" if found.allowed else "implicit") == expected
    again = compiled.evaluate(request)  # the cached plan answers the same
    assert again == found
