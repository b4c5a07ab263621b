"""IAM operations on users, groups, their policies and access keys."""

from __future__ import annotations

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.iam.common import iam_of, tags_in, user_out


@operation("iam", "CreateUser")
def create_user(call: Call, params: Params) -> Response:
    user = iam_of(call).create_user(call.account_id, params["UserName"], path=params.get("Path", "/"),
                                    tags=tags_in(params))
    call.resource_id = user.arn
    return {"User": user_out(user)}


@operation("iam", "GetUser")
def get_user(call: Call, params: Params) -> Response:
    name = params.get("UserName")
    iam = iam_of(call)
    if name is None:  # the calling user
        found = iam.principal(call.principal)
        name = getattr(found, "user_name", "") or call.principal.rsplit("/", 1)[-1]
    return {"User": user_out(iam.user(call.account_id, name))}


@operation("iam", "ListUsers")
def list_users(call: Call, params: Params) -> Response:
    users = iam_of(call).users(call.account_id, params.get("PathPrefix", "/"))
    page, token = call.page(params, users)
    return {"Users": [user_out(u) for u in page], "IsTruncated": bool(token), **token}


@operation("iam", "DeleteUser")
def delete_user(call: Call, params: Params) -> Response:
    iam_of(call).delete_user(call.account_id, params["UserName"])
    return {}


@operation("iam", "CreateGroup")
def create_group(call: Call, params: Params) -> Response:
    group = iam_of(call).create_group(call.account_id, params["GroupName"], path=params.get("Path", "/"))
    call.resource_id = group.arn
    return {"Group": {"Path": group.path, "GroupName": group.group_name, "GroupId": group.group_id,
                      "Arn": group.arn, "CreateDate": group.created_at}}


@operation("iam", "AddUserToGroup")
def add_user_to_group(call: Call, params: Params) -> Response:
    iam_of(call).add_user_to_group(call.account_id, params["GroupName"], params["UserName"])
    return {}


@operation("iam", "PutUserPolicy")
def put_user_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.put_inline(iam.user(call.account_id, params["UserName"]), params["PolicyName"],
                            params["PolicyDocument"])
    return {}


@operation("iam", "DeleteUserPolicy")
def delete_user_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.delete_inline(iam.user(call.account_id, params["UserName"]), params["PolicyName"])
    return {}


@operation("iam", "PutGroupPolicy")
def put_group_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.put_inline(iam.group(call.account_id, params["GroupName"]), params["PolicyName"],
                            params["PolicyDocument"])
    return {}


@operation("iam", "AttachUserPolicy")
def attach_user_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.attach(iam.user(call.account_id, params["UserName"]), call.account_id, params["PolicyArn"])
    return {}


@operation("iam", "DetachUserPolicy")
def detach_user_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.detach(iam.user(call.account_id, params["UserName"]), call.account_id, params["PolicyArn"])
    return {}


@operation("iam", "AttachGroupPolicy")
def attach_group_policy(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    iam.policies.attach(iam.group(call.account_id, params["GroupName"]), call.account_id, params["PolicyArn"])
    return {}


@operation("iam", "CreateAccessKey")
def create_access_key(call: Call, params: Params) -> Response:
    iam = iam_of(call)
    name = params.get("UserName")
    if name is None:
        found = iam.principal(call.principal)
        name = getattr(found, "user_name", "") or call.principal.rsplit("/", 1)[-1]
    key = iam.create_access_key(call.account_id, name)
    call.resource_id = key.access_key_id
    return {"AccessKey": {"UserName": key.user.user_name, "AccessKeyId": key.access_key_id, "Status": key.status,
                          "SecretAccessKey": key.secret_access_key, "CreateDate": key.created_at}}
