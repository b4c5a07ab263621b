"""SimulatePrincipalPolicy: the policy simulator, answered by the evaluator the gateway uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.access import AccessRequest, Decision, Policy, PolicyError, PolicySet
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.iam.common import iam_of
from simulator.world.iam import AWS_MANAGED_POLICIES, Group, Role, User
from simulator.world.iam.errors import invalid_input, no_such_entity

_LIST_TYPES = frozenset({"stringList", "numericList", "booleanList", "ipList", "binaryList", "dateList"})


def _context_value(entry: dict[str, Any]) -> Any:
    kind = entry.get("ContextKeyType", "string")
    values: list[Any] = list(entry.get("ContextKeyValues") or ())
    converted: list[Any] = []
    for value in values:
        if kind.startswith("boolean"):
            converted.append(str(value).lower() == "true")
        elif kind.startswith("date"):
            try:
                converted.append(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
            except ValueError:
                raise invalid_input(f"ContextKeyValues {value!r} of {entry.get('ContextKeyName')} is not a date") \
                    from None
        else:
            converted.append(value)
    if kind in _LIST_TYPES:
        return converted
    return converted[0] if converted else None


def _source(policy_name: str, call: Call) -> tuple[str, str]:
    """(SourcePolicyId, SourcePolicyType) of a statement's policy."""
    if policy_name in AWS_MANAGED_POLICIES:
        return policy_name.rsplit("/", 1)[-1], "aws-managed"
    if policy_name.startswith("arn:aws:iam::"):
        return policy_name.rsplit("/", 1)[-1], "user-managed"
    kind, _, rest = policy_name.partition("/")
    if kind in ("user", "group", "role"):
        return rest.rsplit("/", 1)[-1], kind
    return policy_name, "none"


def _policy_set(call: Call, source_arn: str, extra: list[Policy]) -> PolicySet:
    iam = iam_of(call)
    found = iam.principal(source_arn)
    policies: list[Policy] = []
    if isinstance(found, User):
        policies = [*found.inline.values(), *(p.document for p in found.attached)]
        for member_of in found.groups:
            policies += [*member_of.inline.values(), *(p.document for p in member_of.attached)]
    elif isinstance(found, Role):
        policies = [*found.inline.values(), *(p.document for p in found.attached)]
    elif ":group/" in source_arn:
        group: Group = iam.group(source_arn.split(":")[4], source_arn.rsplit("/", 1)[-1])
        policies = [*group.inline.values(), *(p.document for p in group.attached)]
    else:
        raise no_such_entity(f"PolicySourceArn {source_arn} names no user, group or role", status=404)
    return PolicySet([*policies, *extra])


@operation("iam", "SimulatePrincipalPolicy")
def simulate_principal_policy(call: Call, params: Params) -> Response:
    extra = []
    for index, text in enumerate(params.get("PolicyInputList") or ()):
        try:
            extra.append(Policy.parse(text, f"PolicyInputList.{index + 1}"))
        except PolicyError as error:
            raise invalid_input(f"PolicyInputList.{index + 1}: {error}") from None
    policy_set = _policy_set(call, params["PolicySourceArn"], extra)
    source = params["PolicySourceArn"]
    context: dict[str, Any] = {"aws:principalarn": source, "aws:principalaccount": source.split(":")[4],
                               "aws:currenttime": call.clock.now(), "aws:requestedregion": call.region}
    for entry in params.get("ContextEntries") or ():
        context[str(entry.get("ContextKeyName", "")).lower()] = _context_value(entry)
    results = []
    for action in params["ActionNames"]:
        for resource in params.get("ResourceArns") or ["*"]:
            decision = policy_set.evaluate(AccessRequest(action, (resource,), context))
            results.append(_result(call, action, resource, decision))
    page, token = call.page(params, results)
    return {"EvaluationResults": page, "IsTruncated": bool(token), **token}


def _result(call: Call, action: str, resource: str, decision: Decision) -> dict[str, Any]:
    verdict = "allowed" if decision.allowed else "explicitDeny" if decision.explicit else "implicitDeny"
    matched = []
    if decision.statement:
        policy_id, policy_type = _source(decision.statement.rsplit("#", 1)[0], call)
        matched.append({"SourcePolicyId": policy_id, "SourcePolicyType": policy_type})
    return {"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": verdict,
            "MatchedStatements": matched, "MissingContextValues": []}
