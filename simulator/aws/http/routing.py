"""Which service and operation a request is for, found as AWS's own front ends find them:
the SigV4 credential scope's signing name, the ``X-Amz-Target`` header of the JSON
protocols, the ``Action`` and ``Version`` of the query protocols, and the method and path of
the REST protocols (with the bucket of a virtual-hosted-style S3 host). Every table is built
from botocore's model metadata, so a service the simulator learns to serve needs no entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from botocore.exceptions import UnknownServiceError
from botocore.model import ServiceModel
from werkzeug.datastructures import Headers

from simulator.aws.dispatch import implemented
from simulator.aws.models import service_model

#: Request headers: werkzeug's case-insensitive ones, or a plain mapping.
HeaderLike = Headers | Mapping[str, str]
_SCOPE = re.compile(r"Credential=([^/,\s]*)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")


class RoutingError(Exception):
    """The request names no service or operation this endpoint knows.

    Attributes:
        service: The service the request is for, when that much is known (its protocol
            then shapes the error answer).
        code: The AWS error code.
    """

    def __init__(self, code: str, message: str, service: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.service = service


@dataclass(frozen=True)
class Credential:
    """What a request's SigV4 credential scope says (empty strings for an unsigned request)."""

    access_key_id: str = ""
    region: str = ""
    signing_name: str = ""


@dataclass(frozen=True)
class Route:
    """A request's service, operation and the values its URI template captured."""

    service: str
    operation: str
    uri_params: Mapping[str, str]


def credential_of(headers: HeaderLike, query: Mapping[str, str]) -> Credential:
    """The credential scope of the ``Authorization`` header or of a presigned URL's
    ``X-Amz-Credential``."""
    text = headers.get("Authorization", "")
    if not text and query.get("X-Amz-Credential"):
        text = "Credential=" + query["X-Amz-Credential"]
    match = _SCOPE.search(text)
    if match is None:
        return Credential()
    return Credential(match[1], match[3], match[4])


@cache
def served_services() -> tuple[str, ...]:
    """The botocore names of the services the simulator implements operations of."""
    return tuple(sorted({service for service, _ in implemented()}))


@cache
def _signing_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in served_services():
        metadata = service_model(name).metadata
        table.setdefault(metadata.get("signingName") or metadata["endpointPrefix"], name)
    return table


@cache
def _target_prefixes() -> dict[str, str]:
    table = {}
    for name in served_services():
        prefix = service_model(name).metadata.get("targetPrefix")
        if prefix:
            table[prefix] = name
    return table


@cache
def _query_versions() -> dict[str, str]:
    table = {}
    for name in served_services():
        model = service_model(name)
        if model.protocol in ("query", "ec2"):
            table[model.api_version] = name
    return table


def find_service(credential: Credential, headers: HeaderLike, query: Mapping[str, str],
                 form: Mapping[str, str], host: str) -> str:
    """The botocore name of the service a request is for.

    Raises:
        RoutingError: UnknownServiceException when nothing in the request names a service
            botocore knows.
    """
    target = headers.get("X-Amz-Target", "")
    if credential.signing_name:
        name = _signing_names().get(credential.signing_name) or _known(credential.signing_name)
        if name is not None:
            return name
        raise RoutingError("UnknownServiceException",
                           f"the credential scope names service {credential.signing_name!r}, which this endpoint "
                           f"does not serve (it serves {', '.join(served_services())})")
    if target:
        name = _target_prefixes().get(target.rpartition(".")[0])
        if name is not None:
            return name
    version = form.get("Version") or query.get("Version")
    if version and version in _query_versions():
        return _query_versions()[version]
    if ".s3." in host or host.startswith("s3."):
        return "s3"
    raise RoutingError("UnknownServiceException",
                       "the request names no service: sign it (SigV4), or give the X-Amz-Target header of a "
                       f"JSON service or the Version of a query service (served: {', '.join(served_services())})")


def _known(name: str) -> str | None:
    try:
        service_model(name)
    except UnknownServiceError:
        return None
    return name


def find_operation(service: str, method: str, path: str, headers: HeaderLike, query: Mapping[str, str],
                   form: Mapping[str, str]) -> Route:
    """The operation of a request to ``service``.

    Raises:
        RoutingError: the protocol's code for a request that names no operation, or one of
            another protocol (MissingAction, UnknownOperationException), or InvalidAction
            for an action the service does not have.
    """
    model = service_model(service)
    protocol = model.protocol
    if protocol in ("query", "ec2"):
        action = form.get("Action") or query.get("Action")
        if not action:
            raise RoutingError("MissingAction", f"a {service} request ({protocol} protocol) needs an Action "
                               "parameter in its form-encoded body or query string", service)
        if action not in model.operation_names:
            raise RoutingError("InvalidAction", f"The action {action} is not valid for this web service "
                               f"({service}).", service)
        return Route(service, action, {})
    if protocol == "json":
        target = headers.get("X-Amz-Target", "")
        prefix, _, action = target.rpartition(".")
        if not target or prefix != model.metadata.get("targetPrefix"):
            raise RoutingError("UnknownOperationException",
                               f"a {service} request (json protocol) needs the X-Amz-Target header "
                               f"'{model.metadata.get('targetPrefix')}.<Operation>', got {target!r}", service)
        if action not in model.operation_names:
            raise RoutingError("UnknownOperationException", f"{service} has no operation {action!r}", service)
        return Route(service, action, {})
    return _rest_route(service, method, path, headers, query)


@dataclass(frozen=True)
class _Template:
    operation: str
    method: str
    pattern: re.Pattern[str]
    query_keys: tuple[str, ...]
    header_keys: tuple[str, ...]
    weight: tuple[int, int]


@cache
def _templates(service: str) -> tuple[_Template, ...]:
    model = service_model(service)
    return tuple(sorted((_template(model, name) for name in model.operation_names), key=lambda t: t.weight,
                        reverse=True))


def _request_uri(http: Mapping[str, str]) -> str:
    """An operation's request URI as its model has it. A boto3 S3 client strips the leading
    ``/{Bucket}`` from the shared model in place (botocore's
    ``remove_bucket_from_url_paths_from_model``) and keeps the path in ``authPath``."""
    uri = http["requestUri"]
    if "authPath" in http:
        _, mark, query = uri.partition("?")
        return http["authPath"] + mark + query
    return uri


def _template(model: ServiceModel, name: str) -> _Template:
    http = model.operation_model(name).http
    uri, _, query = _request_uri(http).partition("?")
    literal = 0
    parts = []
    for piece in re.split(r"(\{[^}]+\})", uri):
        if piece.startswith("{"):
            label = piece[1:-1]
            greedy = label.endswith("+")
            label = label.rstrip("+")
            parts.append(f"(?P<{_group(label)}>{'.+' if greedy else '[^/]+'})")
        else:
            literal += len(piece)
            parts.append(re.escape(piece))
    pattern = "".join(parts)
    if pattern.endswith("/") and pattern != "/":
        pattern += "?"
    # Operations sharing a path are told apart by their required query parameters and headers
    # (S3's AbortMultipartUpload is a DeleteObject with ``uploadId``, CopyObject a PutObject with
    # ``x-amz-copy-source``).
    shape = model.operation_model(name).input_shape
    required = [shape.members[member].serialization for member in shape.required_members] if shape else []
    keys = tuple(dict.fromkeys([*(key.partition("=")[0] for key in query.split("&") if key),
                                *(where["name"] for where in required if where.get("location") == "querystring")]))
    headers = tuple(where["name"] for where in required if where.get("location") == "header")
    signs = len(keys) + len(headers)
    return _Template(name, http["method"], re.compile(f"^{pattern}/?$"), keys, headers, (literal + 10 * signs, signs))


def _group(label: str) -> str:
    return "g_" + re.sub(r"\W", "_", label)


def _rest_route(service: str, method: str, path: str, headers: HeaderLike, query: Mapping[str, str]) -> Route:
    allowed = []
    for template in _templates(service):
        match = template.pattern.match(path)
        if (match is None or any(key not in query for key in template.query_keys)
                or any(headers.get(key) is None for key in template.header_keys)):
            continue
        if template.method != method:
            allowed.append(template.method)
            continue
        labels = _labels(service, template.operation)
        return Route(service, template.operation,
                     {label: match[_group(label)] for label in labels if match[_group(label)] is not None})
    if allowed:
        raise RoutingError("UnknownOperationException",
                           f"{method} {path} is not an operation of {service} (allowed: {', '.join(allowed)})",
                           service)
    raise RoutingError("UnknownOperationException", f"{method} {path} is not an operation of {service}", service)


@cache
def _labels(service: str, operation: str) -> tuple[str, ...]:
    uri = _request_uri(service_model(service).operation_model(operation).http)
    return tuple(label.rstrip("+") for label in re.findall(r"\{([^}]+)\}", uri.partition("?")[0]))


def bucket_host_path(host: str, path: str, suffixes: Iterable[str] = ()) -> str:
    """The path-style path of a virtual-hosted-style S3 request (``bucket.s3.<anything>``
    or ``bucket.<suffix>``): the bucket joins the front of the path."""
    hostname = host.partition(":")[0]
    for marker in (".s3.", *(f".{s}" for s in suffixes)):
        bucket, found, _ = hostname.partition(marker)
        if found and bucket:
            return f"/{bucket}{path}"
    return path
