"""One HTTP request in, one AWS answer out: the wire side of the gateway.

A request is routed to its service and operation (``routing``), its caller found from the
access key (``identity``), its parameters parsed from the model (``protocols``), and the
call served by the same ``Gateway`` as every boto3 client of ``Simulation.client``, so it
leaves the same records, events and traces. Whatever is wrong with a request is answered
with the AWS error for it in the service's own protocol, never with a stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers, MultiDict

from simulator.aws.errors import internal_code
from simulator.aws.gateway import Gateway
from simulator.aws.http.identity import AccessKeys, UnknownAccessKey
from simulator.aws.http.protocols import MalformedRequest, parse_params, serialize_error, serialize_response
from simulator.aws.http.routing import (
    RoutingError,
    bucket_host_path,
    credential_of,
    find_operation,
    find_service,
)
from simulator.aws.models import service_model
from simulator.core.ids import IdFactory
from simulator.world import AWS_REGIONS
from simulator.world.iam.user import AccessKey
from simulator.world.sts import Session

_log = logging.getLogger(__name__)

#: The largest request body served (AWS's query APIs take at most a few MiB; larger bodies
#: are refused before they are read).
MAX_BODY_BYTES = 8 * 1024 * 1024


@dataclass
class WireRequest:
    """An HTTP request as the server read it."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class WireResponse:
    """An HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes


#: Per protocol: the code of a request whose credentials are unknown, of a body that cannot
#: be read, of a missing required parameter and of another invalid parameter.
_CODES: dict[str, tuple[str, str, str, str]] = {
    "ec2": ("AuthFailure", "InvalidParameterValue", "MissingParameter", "InvalidParameterValue"),
    "query": ("InvalidClientTokenId", "MalformedQueryString", "ValidationError", "ValidationError"),
    "json": ("UnrecognizedClientException", "SerializationException", "ValidationException", "ValidationException"),
    "rest-json": ("UnrecognizedClientException", "SerializationException", "ValidationException",
                  "ValidationException"),
    "rest-xml": ("InvalidAccessKeyId", "MalformedXML", "InvalidArgument", "InvalidArgument"),
}


class WireEndpoint:
    """Serves AWS API requests against one simulation's gateway.

    Args:
        gateway: The simulation's gateway (the one its boto3 clients use).
        sessions: The STS sessions by access key id (``world.global_services.sts.sessions``).
        ids: The simulation's id factory (request ids of refused requests).
        default_region: The region of requests that carry no credential scope.
        ensure_account: Called with the account id of a 12-digit access key before its call
            is served (the simulation adds an account it does not know).
        access_keys: Further access keys and the principals they act as.
        iam_key: Finds an IAM user's active access key (``world.global_services.iam.access_key``).
    """

    def __init__(
        self, gateway: Gateway, sessions: dict[str, Session], ids: IdFactory, default_region: str,
        ensure_account: Callable[[str], None], access_keys: AccessKeys | None = None,
        iam_key: Callable[[str], AccessKey | None] | None = None,
    ) -> None:
        self.gateway = gateway
        self.sessions = sessions
        self.ids = ids
        self.default_region = default_region
        self.ensure_account = ensure_account
        self.access_keys = access_keys or AccessKeys()
        self.iam_key = iam_key
        #: Requests answered, whatever their outcome.
        self.requests = 0

    def handle(self, request: WireRequest) -> WireResponse:
        """The answer to ``request`` (never raises for anything the request does)."""
        self.requests += 1
        headers = Headers(list(request.headers.items()))
        query = MultiDict(parse_qsl(request.query, keep_blank_values=True))
        service: str | None = None
        operation: str | None = None
        try:
            form = _form(headers, request.body)
            credential = credential_of(headers, query)
            host = headers.get("Host", "")
            service = find_service(credential, headers, query, form, host)
            path = bucket_host_path(host, request.path) if service == "s3" else request.path
            route = find_operation(service, request.method, path, headers, query, form)
            operation = route.operation
            region = credential.region or self.default_region
            if region not in AWS_REGIONS:
                raise RoutingError(_codes(service)[0], f"the credential scope's region {region!r} is not an AWS "
                                   "Region", service)
            token = headers.get("X-Amz-Security-Token") or query.get("X-Amz-Security-Token", "")
            identity = self.access_keys.resolve(credential.access_key_id, token, self.sessions, self.iam_key)
            params = parse_params(service, operation, request.method, path, query, headers, request.body,
                                  route.uri_params)
        except RoutingError as error:
            return self._refuse(error.service or service, operation, error.code, error.message, 400)
        except UnknownAccessKey as error:
            assert service is not None
            return self._refuse(service, operation, _codes(service)[0], str(error), 403)
        except MalformedRequest as error:
            assert service is not None
            codes = _codes(service)
            code = codes[1] if error.body else codes[2] if error.missing else codes[3]
            return self._refuse(service, operation, code, str(error), 400)
        if identity.account_id and not identity.key_id:
            self.ensure_account(identity.account_id)
        try:
            status, body = self.gateway.answer(service, operation, params, identity.account_id, region,
                                               identity.principal, identity.session, identity.key_id)
            request_id = body.get("ResponseMetadata", {}).get("RequestId", "")
            answered = body.get("Error")
            if answered is None:
                return WireResponse(*serialize_response(service, operation, body, request_id))
            fields = {k: v for k, v in body.items() if k not in ("Error", "ResponseMetadata")}
            return WireResponse(*serialize_error(service, operation, answered["Code"], answered["Message"], status,
                                                 request_id, fields))
        except Exception as error:  # strict mode's failures, or an answer the protocol cannot write
            _log.exception("%s:%s failed", service, operation)
            return self._refuse(service, operation, internal_code(service),
                                f"Internal error: {type(error).__name__}: {error}", 500)

    def refuse_unread(self, request: WireRequest, length: int | None) -> WireResponse:
        """The answer to a request whose body is not read (``request`` carries its headers
        only): one of ``length`` bytes is over ``MAX_BODY_BYTES``; None: the client sent fewer
        bytes than its Content-Length and then nothing until the read timed out (S3's
        ``RequestTimeout``)."""
        headers = Headers(list(request.headers.items()))
        query = MultiDict(parse_qsl(request.query, keep_blank_values=True))
        try:
            service = find_service(credential_of(headers, query), headers, query, {}, headers.get("Host", ""))
        except RoutingError:
            service = None
        if length is None:
            return self._refuse(service, None, "RequestTimeout", "Your socket connection to the server was not read "
                                "from or written to within the timeout period. Idle connections will be closed.", 400)
        message = f"Request body of {length} bytes is over the limit of {MAX_BODY_BYTES} bytes"
        return self._refuse(service, None, "RequestEntityTooLarge", message, 413)

    def _refuse(self, service: str | None, operation: str | None, code: str, message: str,
                status: int) -> WireResponse:
        request_id = self.ids.uuid("wire-request")
        if service is None:
            body = json.dumps({"__type": code, "message": message}).encode()
            return WireResponse(status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code,
                                         "x-amzn-RequestId": request_id}, body)
        return WireResponse(*serialize_error(service, operation, code, message, status, request_id))


def _codes(service: str) -> tuple[str, str, str, str]:
    return _CODES.get(service_model(service).protocol, _CODES["json"])


def _form(headers: Headers, body: bytes) -> Mapping[str, Any]:
    if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return {}
