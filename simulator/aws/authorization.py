"""Who may make a call: the gateway asks ``authorize`` before every handler.

- An unsigned client reaches only the operations that need no credentials.
- An account's root user has full access to its own account: nothing is evaluated.
- Any other principal (an IAM user, by ``principal=`` or its access key; a role or an
  assumed-role session) is evaluated against its identity-based policies by
  ``simulator.access``: the call's action (``<service>:<Operation>``), the resources it
  acts on, and its condition keys (``aws:PrincipalAccount``, ``aws:PrincipalArn``,
  ``aws:RequestedRegion``, ``aws:CurrentTime``, ``aws:RequestTag/<key>``, ``aws:TagKeys``,
  and per resource ``aws:ResourceTag/<key>`` and ``<service>:ResourceTag/<key>``). Every
  decision is an ``access`` record; a denied call gets the operation's access-denied code
  and changes nothing.

Resources and condition keys are worked out only when a statement about the action needs
them: a principal whose statements about an action name no resource and no condition is
decided by a dictionary lookup.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from simulator.access import AccessRequest, Decision, PolicySet
from simulator.aws.models import operation_model
from simulator.aws.resources import request_context, resource_context, resources_of
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
#: The IAM action of operations whose action is not named after them (Service
#: Authorization Reference, Amazon S3: ListObjectsV2 and HeadBucket need s3:ListBucket,
#: HeadObject s3:GetObject, ListBuckets s3:ListAllMyBuckets).
IAM_ACTIONS = {
    ("s3", "ListObjectsV2"): "s3:ListBucket", ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject", ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
}
#: Service name -> the decision of the resource's own policy (an S3 bucket's, an SNS
#: topic's) on a call the caller's identity-based policies do not allow: inside the
#: resource's account either kind of policy may allow it. Asked only on the way to a denial.
RESOURCE_POLICIES: dict[str, Callable[[Call, Mapping[str, Any], PolicySet, str, str], Decision | None]] = {}
_DENIED_CODES: dict[tuple[str, str], str] = {}
#: (service, operation) -> (IAM action, CloudTrail event source), made once.
_NAMES: dict[tuple[str, str], tuple[str, str]] = {}


def event_source(service: str) -> str:
    """The CloudTrail event source of a service (``license-manager.amazonaws.com``)."""
    return f"{service}.amazonaws.com"


def access_denied_code(service: str, operation: str, protocol: str) -> str:
    """The code ``service``'s ``operation`` refuses an unauthorized request with: EC2's
    UnauthorizedOperation, IAM's and STS's AccessDenied, otherwise the access-denied error
    the operation's model declares (AccessDeniedException, or License Manager's
    AuthorizationException where the operation declares only that)."""
    key = (service, operation)
    code = _DENIED_CODES.get(key)
    if code is None:
        if protocol == "ec2":
            code = "UnauthorizedOperation"
        elif service == "sns":
            code = "AuthorizationError"
        elif service == "s3" and operation.startswith("Head"):
            code = "403"  # a HEAD response has no body: botocore reports the bare status
        elif service in ("iam", "sts", "s3") or protocol == "query":
            code = "AccessDenied"
        else:
            declared = {shape.metadata.get("error", {}).get("code", shape.name)
                        for shape in operation_model(service, operation).error_shapes}
            code = next((c for c in ("AccessDeniedException", "AuthorizationException") if c in declared),
                        "AccessDeniedException")
        _DENIED_CODES[key] = code
    return code


def authorize(call: Call, protocol: str, params: Mapping[str, Any], record: Callable[[tuple], None]) -> None:
    """Refuse the call if its caller may not make it; ``record`` gets each evaluated call's
    ``access`` row.

    Raises:
        ServiceError: MissingAuthenticationToken for an unsigned call to an operation that
            needs credentials; ExpiredTokenException once a session's credentials expired;
            InvalidClientTokenId for a principal IAM no longer has; the operation's
            access-denied code for a call the caller's policies do not allow.
    """
    if not call.account_id:
        if (call.service, call.operation) not in UNSIGNED_OPERATIONS:
            raise ServiceError("MissingAuthenticationToken",
                               f"{call.service}:{call.operation} needs credentials; the request has none", status=403)
        return
    session = call.session
    if session is not None and session.expired(call.clock.seconds):
        raise ServiceError("ExpiredTokenException", "The security token included in the request is expired",
                           status=403)
    principal = call.principal
    if principal.endswith(":root") and session is None:
        return
    policy_set = call.world.global_services.iam.policy_set(session.role.arn if session is not None else principal)
    if policy_set is None:
        raise ServiceError("InvalidClientTokenId", f"The security token included in the request is invalid: "
                                                   f"{principal} does not exist", status=403)
    if (call.service, call.operation) in ALWAYS_ALLOWED:
        return
    key = (call.service, call.operation)
    names = _NAMES.get(key)
    if names is None:
        action = IAM_ACTIONS.get(key) or f"{call.service}:{call.operation}"
        names = _NAMES[key] = (action, event_source(call.service))
    action, source = names
    decision = policy_set.fixed_decision(action)
    request = None
    if decision is None:
        request = access_request(call, params, action)
        decision = policy_set.evaluate(request)
    if not decision.allowed and not decision.explicit and call.service in RESOURCE_POLICIES:
        request = request or access_request(call, params, action)
        owned = RESOURCE_POLICIES[call.service](call, params, policy_set, action, request.resources[0])
        decision = owned if owned is not None else decision
    record((call.clock.seconds, call.account_id, principal, source, call.operation, decision.decision,
            decision.statement))
    if not decision.allowed:
        raise denied(call, protocol, action, decision, request or access_request(call, params, action))


def evaluate(call: Call, policy_set: PolicySet, params: Mapping[str, Any]) -> Decision:
    """The decision on the call under ``policy_set`` (for tests and the policy simulator)."""
    return policy_set.evaluate(access_request(call, params, f"{call.service}:{call.operation}"))


def denied(call: Call, protocol: str, action: str, decision: Decision, request: AccessRequest | None) -> ServiceError:
    """The access-denied error of a refused call, worded as AWS words it."""
    resources = request.resources if request is not None else ("*",)
    why = ("with an explicit deny in an identity-based policy" if decision.explicit
           else f"because no identity-based policy allows the {action} action")
    message = f"User: {call.principal} is not authorized to perform: {action} on resource: {resources[0]} {why}"
    code = access_denied_code(call.service, call.operation, protocol)
    if code == "UnauthorizedOperation":
        detail = {"allowed": False, "explicitDeny": decision.explicit,
                  "matchedStatements": {"items": [{"statementId": decision.statement}] if decision.statement else []},
                  "context": {"principal": {"arn": call.principal}, "action": action, "resource": resources[0]}}
        encoded = base64.b64encode(json.dumps(detail, sort_keys=True).encode()).decode()
        message = ("You are not authorized to perform this operation. User: "
                   f"{call.principal} is not authorized to perform: {action} on resource: {resources[0]} {why}. "
                   f"Encoded authorization failure message: {encoded}")
    return ServiceError(code, message, status=403)


# -- the request's resources and condition keys ---------------------------------------------

def access_request(call: Call, params: Mapping[str, Any], action: str) -> AccessRequest:
    """What the call asks, as policy evaluation sees it."""
    return AccessRequest(action=action, resources=resources_of(call, params), context=request_context(call, params),
                         resource_context=lambda arn: resource_context(call, arn))
