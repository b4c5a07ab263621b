"""AWS IAM operations over the world's roles (IAM is global: the call's region does not matter)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.world.iam import IamService, Role


def role_out(role: Role) -> dict[str, Any]:
    """The Role shape. IAM returns policy documents URL-encoded (botocore decodes them)."""
    return {
        "Path": role.path, "RoleName": role.role_name, "RoleId": role.role_id, "Arn": role.arn,
        "CreateDate": role.created_at, "AssumeRolePolicyDocument": quote(role.trust_policy.text),
        "Description": role.description or None, "MaxSessionDuration": role.max_session_duration,
        "Tags": [{"Key": k, "Value": v} for k, v in role.tags.items()] or None,
    }


def _iam(call: Call) -> IamService:
    return call.world.global_services.iam


@operation("iam", "CreateRole")
def create_role(call: Call, params: Params) -> Response:
    role = _iam(call).create_role(
        call.account_id, params["RoleName"], params["AssumeRolePolicyDocument"], path=params.get("Path", "/"),
        description=params.get("Description", ""), max_session_duration=params.get("MaxSessionDuration", 3600),
        tags={t["Key"]: t["Value"] for t in params.get("Tags") or ()},
    )
    call.resource_id = role.arn
    return {"Role": role_out(role)}


@operation("iam", "GetRole")
def get_role(call: Call, params: Params) -> Response:
    return {"Role": role_out(_iam(call).role(call.account_id, params["RoleName"]))}


@operation("iam", "AttachRolePolicy")
def attach_role_policy(call: Call, params: Params) -> Response:
    _iam(call).attach_role_policy(call.account_id, params["RoleName"], params["PolicyArn"])
    return {}


@operation("iam", "ListAttachedRolePolicies")
def list_attached_role_policies(call: Call, params: Params) -> Response:
    role = _iam(call).role(call.account_id, params["RoleName"])
    prefix = params.get("PathPrefix", "/")
    policies = [p for p in role.attached if p.path.startswith(prefix)]
    page, token = call.page(params, policies)
    return {"AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in page],
            "IsTruncated": bool(token), **token}
