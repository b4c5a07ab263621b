"""AWS STS operations: who is calling, and web identity federation."""

from __future__ import annotations

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.core.arn import parse_arn
from simulator.world.iam import Role, User


def _user_id(call: Call) -> str:
    """GetCallerIdentity's UserId: the account id for the root user, ``<role id>:<session>``
    for an assumed role, the IAM unique id otherwise."""
    if call.session is not None:
        return call.session.assumed_role_id
    parts = parse_arn(call.principal)
    if parts is None or parts.resource_id == "" or call.principal.endswith(":root"):
        return call.account_id
    found = call.world.global_services.iam.principal(call.principal)
    if isinstance(found, User):
        return found.user_id
    if isinstance(found, Role) and parts.resource_type == "role":
        return found.role_id
    prefix = "AIDA" if parts.resource_type == "user" else "AROA"
    unique = call.backends.ids.token(f"iam-unique-id:{call.principal}", 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    suffix = f":{parts.resource_id.rsplit('/', 1)[-1]}" if parts.resource_type == "assumed-role" else ""
    return prefix + unique + suffix


@operation("sts", "GetCallerIdentity")
def get_caller_identity(call: Call, params: Params) -> Response:
    return {"UserId": _user_id(call), "Account": call.account_id, "Arn": call.principal}


@operation("sts", "AssumeRoleWithWebIdentity")
def assume_role_with_web_identity(call: Call, params: Params) -> Response:
    sts = call.world.global_services.sts
    session = sts.assume_role_with_web_identity(
        params["RoleArn"], params["RoleSessionName"], params["WebIdentityToken"], params.get("DurationSeconds"),
    )
    call.resource_id = session.arn
    return {
        "Credentials": {
            "AccessKeyId": session.access_key_id, "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token, "Expiration": call.clock.to_datetime(session.expires_at),
        },
        "SubjectFromWebIdentityToken": str(session.claims.get("sub", "")),
        "AssumedRoleUser": {"AssumedRoleId": session.assumed_role_id, "Arn": session.arn},
        "Provider": session.provider,
        "Audience": session.audience,
    }
