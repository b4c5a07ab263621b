"""The in-process boto3 endpoint: genuine boto3 clients whose calls the simulation serves.

botocore builds and validates every request against its model as usual; a ``before-call``
hook then answers it from the simulation instead of sending it, so no request leaves the
process and botocore raises errors through its own exception classes. Every response is
serialized through the operation's output shape, and every call is recorded, whatever its
outcome.

Strict mode (on when the environment variable ``LMSIM_STRICT`` is ``1``, as in the test
suite) turns what would be a silent fidelity bug into a failure: a response that does not
fit its output shape, an error code the operation cannot answer with, or an unexpected
exception inside a handler.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.config import Config
from botocore.handlers import BUILTIN_HANDLERS
from botocore.model import OperationModel

from simulator.access import AccessRecord
from simulator.aws.audit import identity_of, web_identity_account
from simulator.aws.authorization import authorize
from simulator.aws.dispatch import AFTER, OPERATIONS, Backends, Call
from simulator.aws.errors import allowed_codes, internal_code
from simulator.aws.limits import check_limits
from simulator.aws.models import boto3_session, operation_model, service_model
from simulator.aws.shapes import ResponseSerializer
from simulator.core.errors import ServiceError
from simulator.core.params import encode_params
from simulator.core.records import EventRecord, Records
from simulator.world.cloudtrail import Identity
from simulator.world.iam import AccessKey
from simulator.world.sts import Session

_PARAMS_KEY = "simulator.api_params"
_ID_KEYS = (
    "InstanceId", "InstanceIds", "ImageId", "SourceImageId", "HostIds", "LaunchTemplateId",
    "LaunchTemplateName", "ImportTaskIds", "LicenseConfigurationArn", "ResourceArn",
    "AccountId", "ServicePrincipal", "LicenseArn", "GrantArn", "LicenseConsumptionToken", "TokenId", "KeyId",
    "TargetKeyId", "RoleName", "RoleArn",
)
_SERIALIZERS = {strict: ResponseSerializer(strict) for strict in (False, True)}
_READ_ONLY = ("Describe", "Get", "List", "Lookup", "Search")
#: botocore's handlers that presign a cross-Region source URL (RDS read replicas, EC2 snapshot
#: copies) before a call: they need a real endpoint, and the simulation answers in-process.
_PRESIGNERS = [(entry[0], entry[1]) for entry in BUILTIN_HANDLERS
               if getattr(entry[1], "__name__", "").startswith("inject_presigned_url")]


class StrictModeViolation(AssertionError):
    """Raised in strict mode where the simulator would answer in a way AWS cannot."""


class CallSession(NamedTuple):
    """The events row ``row`` is a call made with the credentials whose access key is
    ``access_key_id`` (an assumed-role session's, or an IAM user's access key): a replay
    makes it with them again."""

    row: int
    access_key_id: str


def strict_mode() -> bool:
    """Whether strict mode is on (``LMSIM_STRICT=1``)."""
    return os.environ.get("LMSIM_STRICT") == "1"


def _guess_resource(params: dict[str, Any]) -> str:
    for key in _ID_KEYS:
        value = params.get(key)
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return " ".join(value)
    return ""


def _unknown_operation(protocol: str, service: str, operation: str) -> ServiceError:
    code = "InvalidAction" if protocol in ("ec2", "query") else "UnknownOperationException"
    return ServiceError(code, f"The operation {service}:{operation} is not implemented by the simulator")


class Gateway:
    """Makes boto3 clients bound to an account, a region and a principal.

    Args:
        backends: What the operation handlers call into.
        records: Where every call is recorded (the ``events`` buffer).
        strict: Strict mode (default: ``strict_mode()``).
    """

    def __init__(self, backends: Backends, records: Records, strict: bool | None = None) -> None:
        self.backends = backends
        self.strict = strict_mode() if strict is None else strict
        self._rows = records.register("events", EventRecord)
        self._sessions = records.register("call_sessions", CallSession)
        self._access = records.register("access", AccessRecord).append
        self._trail = backends.world.global_services.cloudtrail.events.append
        self._serializer = _SERIALIZERS[self.strict]
        self._next_failure: ServiceError | None = None
        self._clients: dict[tuple[str, str, str, str], BaseClient] = {}

    def fail_next_call(self, error: ServiceError | None) -> None:
        """Answer the next call with ``error`` instead of serving it (None: serve it): how a
        replay of a real history repeats a call that failed there. AWS gave that answer, so
        strict mode does not check its code."""
        self._next_failure = error

    def client(
        self, service_name: str, account_id: str, region: str, principal: str, session: Session | None = None,
        access_key: AccessKey | None = None,
    ) -> BaseClient:
        """A boto3 client whose calls run in the simulation as ``principal`` of
        ``account_id`` in ``region``; with ``session``, as that assumed-role session (its
        credentials, refused once they expire); with ``access_key``, signed with that IAM
        user's key; with an empty ``account_id``, unsigned (only operations that need no
        credentials succeed).

        The client of an account's root user (or an unsigned one) is made once per service
        and region and handed out again: it holds nothing of its own but its caller, and
        botocore takes milliseconds to make a client (one method per operation; EC2 has
        hundreds)."""
        shared = session is None and access_key is None and (not account_id or principal.endswith(":root"))
        if shared:
            made = self._clients.get((service_name, account_id, region, principal))
            if made is not None:
                return made
        key_id = ""
        if session is not None:
            keys: tuple[str, str, str | None] = (session.access_key_id, session.secret_access_key,
                                                 session.session_token)
            key_id = session.access_key_id
        elif access_key is not None:
            keys = (access_key.access_key_id, access_key.secret_access_key, None)
            key_id = access_key.access_key_id
        else:
            keys = (f"ASIA{account_id}SIM", "simulated", "simulated")
        client = boto3_session().client(
            service_name,
            region_name=region,
            aws_access_key_id=keys[0],
            aws_secret_access_key=keys[1],
            aws_session_token=keys[2],
            config=Config(signature_version=UNSIGNED) if not account_id else None,
        )
        service_id = client.meta.service_model.service_id.hyphenize()
        service = client.meta.service_model.service_name
        protocol = client.meta.service_model.protocol
        identity = identity_of(self.backends.world, account_id, principal, session, key_id or keys[0])

        def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            # A copy of what the caller passed, before botocore fills in idempotency tokens
            # with random UUIDs (the simulation must not see those: they break replays).
            context[_PARAMS_KEY] = dict(params)

        def serve(model: OperationModel, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict]:
            call = Call(service, model.name, account_id, region, principal, self.backends, session=session)
            return self._serve(call, protocol, context.get(_PARAMS_KEY, {}), identity, key_id)

        client.meta.events.register(f"provide-client-params.{service_id}", keep_params)
        client.meta.events.register(f"before-call.{service_id}", serve)
        for event, handler in _PRESIGNERS:
            client.meta.events.unregister(event, handler)
        if shared:
            self._clients[(service_name, account_id, region, principal)] = client
        return client

    def answer(
        self, service: str, operation: str, params: dict[str, Any], account_id: str, region: str, principal: str,
        session: Session | None = None, key_id: str = "",
    ) -> tuple[int, dict[str, Any]]:
        """Serve one call that arrived without a client of ``client`` (over HTTP), exactly as
        a client's call is served: the same checks, records and events. Returns the HTTP
        status and the answer in botocore's parsed form (``Error`` members for an error).
        ``key_id`` is the access key of an IAM user or an STS session the call was signed with.

        Raises:
            Exception: in strict mode, what would be a fidelity bug (see the module docstring).
        """
        call = Call(service, operation, account_id, region, principal, self.backends, session=session)
        # an account's root signs as its clients do in-process, so both paths audit the same identity
        identity = identity_of(self.backends.world, account_id, principal, session, key_id or f"ASIA{account_id}SIM")
        response, body = self._serve(call, service_model(service).protocol, params, identity, key_id)
        return response.status_code, body

    def _serve(self, call: Call, protocol: str, params: dict[str, Any], identity: Identity | None = None,
               key_id: str = "") -> tuple[AWSResponse, dict]:
        slot = self._rows.reserve()  # keeps the call's row ahead of the world events it causes
        request_id = self.backends.ids.uuid("request")
        failure: Exception | None = None
        injected, self._next_failure = self._next_failure, None
        try:
            if injected is not None:
                raise injected
            body = self._answer(call, protocol, params)
            status, outcome, code = 200, "success", ""
        except ServiceError as error:
            body = {"Error": {"Code": error.code, "Message": error.message}, **error.fields}
            status, outcome, code = error.status, "error", error.code
            if self.strict and injected is None and code not in allowed_codes(call.service, call.operation):
                failure = StrictModeViolation(
                    f"{call.service}:{call.operation} answered with {code}, which the operation cannot "
                    f"return (see simulator/aws/errors.py): {error.message}")
        except Exception as error:
            code = internal_code(call.service)
            body = {"Error": {"Code": code, "Message": f"Internal error: {type(error).__name__}: {error}"}}
            status, outcome = 500, "error"
            failure = error
        resource = call.resource_id or _guess_resource(params)
        now = self.backends.clock.seconds
        self._rows.fill(slot, (now, call.account_id, call.region, call.service, call.operation, resource, outcome,
                               code, call.principal, "api", encode_params(params)))
        if key_id:
            self._sessions.append((slot, key_id))
        if identity is not None or call.operation == "AssumeRoleWithWebIdentity":
            self._audit(call, identity, params, body, status, code, request_id, resource, now)
        if failure is not None and self.strict:
            raise failure
        body["ResponseMetadata"] = {
            "RequestId": request_id, "HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0,
        }
        return AWSResponse("https://simulator.invalid/", status, {}, None), body

    def _audit(self, call: Call, identity: Identity | None, params: dict[str, Any], body: dict[str, Any],
               status: int, code: str, request_id: str, resource: str, now: float) -> None:
        """The call's CloudTrail event (its response kept only for a call that changed something)."""
        account_id = call.account_id
        if identity is None:
            account_id = web_identity_account(params)
            identity = Identity(kind="WebIdentityUser", account_id=account_id, principal_id="web-identity",
                                user_name=str(params.get("RoleSessionName", "")))
        response = None if code or call.operation.startswith(_READ_ONLY) else body
        self._trail((now, account_id, call.region, call.service, call.operation, identity, params, response,
                     code, body["Error"]["Message"] if code else "", request_id, status, resource))

    def _answer(self, call: Call, protocol: str, params: dict[str, Any]) -> dict[str, Any]:
        """The operation's response, serialized through its output shape."""
        if protocol == "ec2" and params.get("DryRun"):
            raise ServiceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", status=412)
        handler = OPERATIONS.get((call.service, call.operation))
        if handler is None:
            raise _unknown_operation(protocol, call.service, call.operation)
        authorize(call, protocol, params, self._access)
        check_limits(call.service, call.operation, params)
        response = handler(call, params)
        after = AFTER.get(call.service)
        if after is not None:
            after(call)
        shape = operation_model(call.service, call.operation).output_shape
        return self._serializer.serialize(shape, response, f"{call.service}:{call.operation}")
