"""The AWS model's input limits, checked at the adapter boundary (``simulator/aws/limits.py``):
every member with a ``min`` or ``max`` in botocore's model (numbers' ranges; strings', blobs',
lists' and maps' lengths) is refused, in the service's own error, before anything changes; a
refused call changes nothing and leaves every later call working."""

from __future__ import annotations

import pytest

from simulator.aws import implemented
from simulator.aws.limits import compile_operation
from simulator.aws.models import operation_model
from tests.helpers import ACCOUNT_A, assert_refused, error_code


def test_criticality_past_the_model_range_creates_no_group(sim):
    """resource-groups CreateGroup: Criticality is 1 to 10 in the model; 11 is refused with
    BadRequestException, no group is made, and ListGroups keeps answering."""
    rg = sim.client("resource-groups", ACCOUNT_A)
    groups = lambda: rg.list_groups()["GroupIdentifiers"]  # noqa: E731
    assert_refused(sim, "BadRequestException", lambda: rg.create_group(Name="critical", Criticality=11), groups)
    with pytest.raises(rg.exceptions.BadRequestException) as excinfo:
        rg.create_group(Name="critical", Criticality=11)
    assert excinfo.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '11' at 'criticality' failed to satisfy constraint: Member must have "
        "value less than or equal to 10")
    rg.create_group(Name="critical", Criticality=10)
    assert [g["GroupName"] for g in groups()] == ["critical"]


def test_lengths_of_strings_lists_and_blobs(sim):
    """Length limits of every kind: a group Name past 300 characters, a TokenProperties list past
    3 items (License Manager's ValidationException), an empty KMS Message (blob min 1)."""
    rg = sim.client("resource-groups", ACCOUNT_A)
    assert_refused(sim, "BadRequestException", lambda: rg.create_group(Name="g" * 301),
                   lambda: rg.list_groups()["GroupIdentifiers"])
    lm = sim.client("license-manager", ACCOUNT_A)
    with pytest.raises(lm.exceptions.ValidationException) as excinfo:
        lm.create_token(LicenseArn=f"arn:aws:license-manager::{ACCOUNT_A}:license:l-0", ClientToken="t",
                        TokenProperties=["a", "b", "c", "d"])
    assert "'tokenProperties' failed to satisfy constraint: Member must have length less than or equal to 3" in (
        excinfo.value.response["Error"]["Message"])
    kms = sim.client("kms", ACCOUNT_A)
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.sign(KeyId=key, Message=b"", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_code(excinfo) == "ValidationException"
    assert "Value at 'message'" in excinfo.value.response["Error"]["Message"]  # a secret is never echoed


def test_organizations_names_the_reason(sim):
    """AWS Organizations answers a limit with InvalidInputException and its Reason
    (MAX_VALUE_EXCEEDED for ListAccounts' MaxResults past 20)."""
    sim.create_organization(ACCOUNT_A)
    orgs = sim.client("organizations", ACCOUNT_A)
    with pytest.raises(orgs.exceptions.InvalidInputException) as excinfo:
        orgs.list_accounts(MaxResults=21)
    assert excinfo.value.response["Reason"] == "MAX_VALUE_EXCEEDED"


def _has_limit(shape, seen: set) -> bool:
    if shape.name in seen:
        return False
    seen.add(shape.name)
    if "min" in shape.metadata or "max" in shape.metadata:
        return shape.type_name in ("string", "blob", "list", "map", "integer", "long", "float", "double")
    members = (shape.members.values() if shape.type_name == "structure"
               else [shape.member] if shape.type_name == "list"
               else [shape.key, shape.value] if shape.type_name == "map" else [])
    return any(_has_limit(m, seen) for m in members)


@pytest.mark.parametrize("service, name", implemented(), ids=[f"{s}:{n}" for s, n in implemented()])
def test_only_operations_with_limits_pay_for_them(service, name):
    """The check of an operation exists exactly when its input shape carries a limit somewhere:
    the others cost a dictionary lookup."""
    shape = operation_model(service, name).input_shape
    expected = shape is not None and _has_limit(shape, set())
    assert (compile_operation(service, name) is not None) == expected


def _ranges(shape, path: str, found: dict, seen: frozenset, limited: bool) -> None:
    """Number members by name -> their (min, max), every one (``limited=False``) or only those
    with a range."""
    if shape.name in seen:
        return
    seen = seen | {shape.name}
    metadata = shape.metadata
    if shape.type_name in ("integer", "long", "double", "float") and (
            not limited or "min" in metadata or "max" in metadata):
        found.setdefault(path, []).append((metadata.get("min"), metadata.get("max")))
    members = (shape.members.items() if shape.type_name == "structure"
               else [("", shape.member)] if shape.type_name == "list"
               else [("", shape.value)] if shape.type_name == "map" else [])
    for name, member in members:
        _ranges(member, name or path, found, seen, limited)


@pytest.mark.parametrize("service, name", implemented(), ids=[f"{s}:{n}" for s, n in implemented()])
def test_a_response_cannot_echo_a_number_its_request_was_allowed_past_its_range(service, name):
    """Why a response no longer fails its strict check after the change is made (as CreateGroup's
    Criticality did): every number a response can echo from its request (a member of the same
    name) is held to a range at least as tight on input, which the adapter checks before the
    handler runs."""
    model = operation_model(service, name)
    if model.output_shape is None or model.input_shape is None:
        return
    echoed: dict = {}
    _ranges(model.output_shape, "", echoed, frozenset(), limited=True)
    given: dict = {}
    _ranges(model.input_shape, "", given, frozenset(), limited=False)
    for member, ranges in echoed.items():
        for low, high in ranges:
            for given_low, given_high in given.get(member, ()):
                assert low is None or (given_low is not None and given_low >= low), (member, low, given_low)
                assert high is None or (given_high is not None and given_high <= high), (member, high, given_high)
