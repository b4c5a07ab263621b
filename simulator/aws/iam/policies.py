"""IAM operations on managed policies."""

from __future__ import annotations

from urllib.parse import quote

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.iam.common import iam_of, policy_out, tags_in
from simulator.world.iam.errors import no_such_entity


@operation("iam", "CreatePolicy")
def create_policy(call: Call, params: Params) -> Response:
    policies = iam_of(call).policies
    policy = policies.create(call.account_id, params["PolicyName"], params["PolicyDocument"],
                             path=params.get("Path", "/"), description=params.get("Description", ""),
                             tags=tags_in(params))
    call.resource_id = policy.arn
    return {"Policy": policy_out(policy, policies.attachment_count(policy))}


@operation("iam", "GetPolicy")
def get_policy(call: Call, params: Params) -> Response:
    policies = iam_of(call).policies
    policy = policies.get(params["PolicyArn"], call.account_id)
    return {"Policy": policy_out(policy, policies.attachment_count(policy))}


@operation("iam", "GetPolicyVersion")
def get_policy_version(call: Call, params: Params) -> Response:
    policy = iam_of(call).policies.get(params["PolicyArn"], call.account_id)
    version = policy.version(params["VersionId"])
    if version is None:
        raise no_such_entity(f"Policy {policy.arn} version {params['VersionId']} does not exist or is not "
                             "attachable.", status=404)
    return {"PolicyVersion": {"Document": quote(version.document.text), "VersionId": version.version_id,
                              "IsDefaultVersion": version.version_id == policy.default_version_id,
                              "CreateDate": version.created_at}}
