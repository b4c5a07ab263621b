"""IAM operations on roles and service-linked roles."""

from __future__ import annotations

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.iam.common import iam_of, role_out, tags_in


@operation("iam", "CreateRole")
def create_role(call: Call, params: Params) -> Response:
    role = iam_of(call).create_role(
        call.account_id, params["RoleName"], params["AssumeRolePolicyDocument"], path=params.get("Path", "/"),
        description=params.get("Description", ""), max_session_duration=params.get("MaxSessionDuration", 3600),
        tags=tags_in(params),
    )
    call.resource_id = role.arn
    return {"Role": role_out(role)}


@operation("iam", "GetRole")
def get_role(call: Call, params: Params) -> Response:
    return {"Role": role_out(iam_of(call).role(call.account_id, params["RoleName"]))}


@operation("iam", "ListRoles")
def list_roles(call: Call, params: Params) -> Response:
    roles = iam_of(call).roles(call.account_id, params.get("PathPrefix", "/"))
    page, token = call.page(params, roles)
    return {"Roles": [role_out(r) for r in page], "IsTruncated": bool(token), **token}


@operation("iam", "AttachRolePolicy")
def attach_role_policy(call: Call, params: Params) -> Response:
    iam_of(call).attach_role_policy(call.account_id, params["RoleName"], params["PolicyArn"])
    return {}


@operation("iam", "DetachRolePolicy")
def detach_role_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.detach(iam.role(call.account_id, params["RoleName"]), call.account_id, params["PolicyArn"])
    return {}


@operation("iam", "ListAttachedRolePolicies")
def list_attached_role_policies(call: Call, params: Params) -> Response:
    role = iam_of(call).role(call.account_id, params["RoleName"])
    prefix = params.get("PathPrefix", "/")
    policies = [p for p in role.attached if p.path.startswith(prefix)]
    page, token = call.page(params, policies)
    return {"AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in page],
            "IsTruncated": bool(token), **token}


@operation("iam", "PutRolePolicy")
def put_role_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.put_inline(iam.role(call.account_id, params["RoleName"]), params["PolicyName"],
                            params["PolicyDocument"])
    return {}


@operation("iam", "DeleteRolePolicy")
def delete_role_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.delete_inline(iam.role(call.account_id, params["RoleName"]), params["PolicyName"])
    return {}


@operation("iam", "CreateServiceLinkedRole")
def create_service_linked_role(call: Call, params: Params) -> Response:
    role = iam_of(call).service_linked.create(call.account_id, params["AWSServiceName"],
                                              params.get("Description", ""), params.get("CustomSuffix"))
    call.resource_id = role.arn
    return {"Role": role_out(role)}


@operation("iam", "DeleteServiceLinkedRole")
def delete_service_linked_role(call: Call, params: Params) -> Response:
    task = iam_of(call).service_linked.delete(call.account_id, params["RoleName"])
    call.resource_id = task.role.arn
    return {"DeletionTaskId": task.task_id}


@operation("iam", "GetServiceLinkedRoleDeletionStatus")
def get_service_linked_role_deletion_status(call: Call, params: Params) -> Response:
    task = iam_of(call).service_linked.status(params["DeletionTaskId"])
    out: Response = {"Status": task.status}
    if task.status == "FAILED":
        out["Reason"] = {"Reason": task.reason,
                         "RoleUsageList": [{"Region": region, "Resources": arns} for region, arns in task.usage]}
    return out
