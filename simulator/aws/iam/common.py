"""Shapes and lookups the IAM operations share."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from simulator.aws.dispatch import Call
from simulator.world.iam import IamService, ManagedPolicy, Role, User


def iam_of(call: Call) -> IamService:
    """The world's IAM."""
    return call.world.global_services.iam


def tags_out(tags: dict[str, str]) -> list[dict[str, str]] | None:
    """IAM's Tags list (None when empty, as IAM leaves it out)."""
    return [{"Key": k, "Value": v} for k, v in tags.items()] or None


def tags_in(params: dict[str, Any]) -> dict[str, str]:
    """A request's Tags as a dict."""
    return {t["Key"]: t["Value"] for t in params.get("Tags") or ()}


def role_out(role: Role) -> dict[str, Any]:
    """The Role shape. IAM returns policy documents URL-encoded (botocore decodes them)."""
    return {
        "Path": role.path, "RoleName": role.role_name, "RoleId": role.role_id, "Arn": role.arn,
        "CreateDate": role.created_at, "AssumeRolePolicyDocument": quote(role.trust_policy.text),
        "Description": role.description or None, "MaxSessionDuration": role.max_session_duration,
        "Tags": tags_out(role.tags),
    }


def user_out(user: User) -> dict[str, Any]:
    """The User shape."""
    return {"Path": user.path, "UserName": user.user_name, "UserId": user.user_id, "Arn": user.arn,
            "CreateDate": user.created_at, "Tags": tags_out(user.tags)}


def policy_out(policy: ManagedPolicy, attachments: int) -> dict[str, Any]:
    """The Policy shape."""
    return {
        "PolicyName": policy.name, "PolicyId": policy.policy_id, "Arn": policy.arn, "Path": policy.path,
        "DefaultVersionId": policy.default_version_id, "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": not policy.service_role_policy,
        "Description": policy.description or None, "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at, "Tags": tags_out(policy.tags),
    }
