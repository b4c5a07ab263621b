"""Who may make a call: unsigned requests reach only the operations that need no
credentials, and assumed-role sessions act within their role's policies until their
credentials expire."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.core.errors import ServiceError

if TYPE_CHECKING:
    from simulator.aws.dispatch import Call

#: Operations AWS serves without credentials: STS's web identity federation ("Calling
#: AssumeRoleWithWebIdentity does not require the use of AWS security credentials", STS API
#: reference), and License Manager's exchange of a refresh token for an access token, which a
#: customer without an AWS account makes before it has any credentials.
UNSIGNED_OPERATIONS = frozenset({("sts", "AssumeRoleWithWebIdentity"), ("license-manager", "GetAccessToken")})
#: Operations every principal may call whatever its policies (STS API reference,
#: GetCallerIdentity: "No permissions are required to perform this operation").
ALWAYS_ALLOWED = frozenset({("sts", "GetCallerIdentity")})


def access_denied_code(protocol: str) -> str:
    """The error code a service of ``protocol`` refuses an unauthorized request with."""
    return {"ec2": "UnauthorizedOperation", "query": "AccessDenied"}.get(protocol, "AccessDeniedException")


def check_caller(call: Call, protocol: str) -> None:
    """Refuse the call if its caller may not make it.

    Raises:
        ServiceError: MissingAuthenticationToken for an unsigned call to an operation that
            needs credentials; ExpiredTokenException once a session's credentials expired;
            the service's access-denied code for an action the session's role does not allow.
    """
    key = (call.service, call.operation)
    if not call.account_id:
        if key not in UNSIGNED_OPERATIONS:
            raise ServiceError("MissingAuthenticationToken",
                               f"{call.service}:{call.operation} needs credentials; the request has none", status=403)
        return
    session = call.session
    if session is None:
        return
    if session.expired(call.clock.seconds):
        raise ServiceError("ExpiredTokenException", "The security token included in the request is expired",
                           status=403)
    action = f"{call.service}:{call.operation}"
    if key not in ALWAYS_ALLOWED and not call.world.global_services.iam.role_allows(session.role, action):
        raise ServiceError(access_denied_code(protocol),
                           f"User: {session.arn} is not authorized to perform: {action} because no "
                           f"identity-based policy of role {session.role.role_name} allows it", status=403)
