"""Requests parsed and responses serialized from botocore's model, one parser and one
serializer per wire protocol (``query``, ``ec2``, ``json``, ``rest-json``, ``rest-xml``).

The protocols themselves are moto's server-side implementations (``moto.core.parse`` and
``moto.core.serialize``): model-driven mirrors of botocore's client-side serializers and
parsers, so no operation needs code of its own. This module adapts them to the gateway's
forms: a request becomes the parameters a boto3 caller would have passed, and the gateway's
answer (botocore's parsed form of a response or error) becomes the bytes AWS would send.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel
from botocore.utils import parse_timestamp
from botocore.validate import ParamValidator
from moto.core.model import ServiceModel as WireServiceModel
from moto.core.parse import PROTOCOL_PARSERS
from moto.core.serialize import SerializationContext, get_serializer_class
from werkzeug.datastructures import Headers, MultiDict

from simulator.aws.models import botocore_session

#: The value an SDK fills an unset idempotency token with: a random version-4 UUID.
_GENERATED_TOKEN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_VALIDATOR = ParamValidator()
#: Characters XML 1.0 cannot carry, even escaped (a message may echo them from a request).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class MalformedRequest(Exception):
    """The request's body or parameters cannot be read as its protocol and operation say.

    Attributes:
        body: The body itself cannot be parsed (rather than a parameter being wrong).
        missing: A required parameter is missing.
    """

    def __init__(self, message: str, *, body: bool = False, missing: bool = False) -> None:
        super().__init__(message)
        self.body = body
        self.missing = missing


class WireError(Exception):
    """An error answer handed to a protocol serializer: its code, message and the members of
    its modeled error shape (the serializer reads them as attributes)."""

    def __init__(self, code: str, message: str, fields: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        for name, value in (fields or {}).items():
            setattr(self, name, value)


@cache
def wire_model(service: str) -> WireServiceModel:
    """moto's view of the botocore model of ``service`` (its parsers and serializers need it)."""
    loader = botocore_session().get_component("data_loader")
    return WireServiceModel(loader.load_service_model(service, "service-2"), service)


def _timestamp(value: str) -> datetime:
    return parse_timestamp(value).astimezone(UTC)


def parse_params(
    service: str, operation: str, method: str, path: str, query: MultiDict, headers: Headers, body: bytes,
    uri_params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The parameters of one request to ``service``'s ``operation``, as a boto3 caller
    passes them (validated against the operation's input shape).

    Idempotency tokens an SDK generated (random UUIDs, as botocore fills them in after the
    in-process gateway has kept the caller's parameters) are dropped, so a call over HTTP is
    recorded as the same call made in-process.

    Raises:
        MalformedRequest: if the body cannot be parsed, or the parameters do not fit the
            operation's input shape (a missing required parameter, a wrong type).
    """
    wire = wire_model(service).operation_model(operation)
    protocol = wire.service_model.protocol
    if protocol in ("query", "ec2"):
        values = MultiDict(query)
        values.update(_form(body))
    else:
        values = query
    text: str | bytes = body
    if protocol != "rest-xml":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest("the request body is not UTF-8 text", body=True) from None
    if protocol in ("json", "rest-json") and text.strip():
        try:
            json.loads(text)
        except ValueError as error:
            raise MalformedRequest(f"the request body is not JSON: {error}", body=True) from None
    model = _operation_model(service, operation)
    raw = _blob_payload(service, operation)
    if raw is not None:
        text = b""  # the body is the payload member itself (an S3 object), not a document
    parser = PROTOCOL_PARSERS[protocol](wire, timestamp_parser=_timestamp)
    try:
        params = dict(parser.parse({"method": method, "values": values, "headers": headers, "body": text,
                                    "url_path": path, "url_params": dict(uri_params or {})}))
    except Exception as error:
        raise MalformedRequest(f"the request cannot be read as {protocol}: {error}", body=True) from None
    if raw is not None and body:
        params[raw] = _decoded_chunks(body) if "aws-chunked" in headers.get("Content-Encoding", "") else body
    _drop_generated_tokens(model, params)
    if protocol == "ec2":
        _restore_empty_lists(model, params)
    report = _VALIDATOR.validate(params, model.input_shape) if model.input_shape is not None else None
    if report is not None and report.has_errors():
        message = str(report.generate_report())
        raise MalformedRequest(message, missing="Missing required parameter" in message)
    _undo_client_encoding(service, operation, params)
    return params


@cache
def _blob_payload(service: str, operation: str, output: bool = False) -> str | None:
    """The member a REST operation sends (``output``: answers with) as the whole body, if it
    is a blob: S3's PutObject and GetObject ``Body``."""
    model = _operation_model(service, operation)
    shape = model.output_shape if output else model.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    return payload if payload is not None and shape.members[payload].type_name == "blob" else None


def _decoded_chunks(body: bytes) -> bytes:
    """The data of an ``aws-chunked`` body (``<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n``
    chunks up to a zero-size one, then the trailing checksum headers)."""
    data, position = bytearray(), 0
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            raise MalformedRequest("the aws-chunked body ends inside a chunk header", body=True)
        try:
            size = int(body[position:end].split(b";", 1)[0], 16)
        except ValueError:
            raise MalformedRequest("an aws-chunked chunk header has no hexadecimal size", body=True) from None
        if size == 0:
            return bytes(data)
        data += body[end + 2:end + 2 + size]
        position = end + 2 + size + 2


def _form(body: bytes) -> MultiDict:
    from urllib.parse import parse_qsl

    try:
        return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise MalformedRequest("the request body is not UTF-8 form data", body=True) from None


@cache
def _operation_model(service: str, operation: str) -> OperationModel:
    return botocore_session().get_service_model(service).operation_model(operation)


def _drop_generated_tokens(model: OperationModel, params: dict[str, Any]) -> None:
    shape = model.input_shape
    if shape is None:
        return
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken") and _GENERATED_TOKEN.match(str(params.get(name, ""))):
            del params[name]


def _restore_empty_lists(model: OperationModel, params: dict[str, Any]) -> None:
    """The ``ec2`` wire carries an empty list as nothing at all: a required list that is absent
    was sent empty (EC2 answers ``StopInstances`` with no ids by its own rule, not as a
    missing parameter)."""
    shape = model.input_shape
    if shape is None:
        return
    for name in shape.required_members:
        if name not in params and shape.members[name].type_name == "list":
            params[name] = []


#: Parameters an SDK encodes before they reach the wire (botocore's ``base64_encode_user_data``
#: for RunInstances), which the in-process gateway receives as the caller gave them.
_BASE64_ON_THE_WIRE = {("ec2", "RunInstances"): "UserData"}


def _undo_client_encoding(service: str, operation: str, params: dict[str, Any]) -> None:
    """The caller's value back from its base64 form: text when it is UTF-8 (as scripts pass
    it), else the bytes (a gzipped cloud-init); a value that is not base64 stays as sent."""
    name = _BASE64_ON_THE_WIRE.get((service, operation))
    if name is None or not isinstance(params.get(name), str):
        return
    try:
        raw = base64.b64decode(params[name], validate=True)
    except (binascii.Error, ValueError):
        return
    try:
        params[name] = raw.decode("utf-8")
    except UnicodeDecodeError:
        params[name] = raw


def serialize_response(service: str, operation: str, body: Mapping[str, Any], request_id: str) -> tuple[
        int, dict[str, str], bytes]:
    """The HTTP status, headers and body of a successful answer (``body`` in botocore's
    parsed form, as the gateway answers)."""
    wire = wire_model(service).operation_model(operation)
    serializer = get_serializer_class(service, wire.service_model.protocol)(
        wire, context=SerializationContext(request_id))
    result = {key: value for key, value in body.items() if key != "ResponseMetadata"}
    payload = _blob_payload(service, operation, output=True)
    if payload is not None and hasattr(result.get(payload), "read"):
        result[payload] = result[payload].read()  # an S3 object's body, sent as the whole answer
    answer = serializer.serialize(result)
    headers = dict(answer["headers"])
    for name, header in _string_headers(service, operation):
        if name in result:  # the serializer's own Content-Type must not replace a modeled one
            headers[header] = result[name]
    return answer["status_code"], _headers(headers, request_id), _bytes(answer["body"], wire)


@cache
def _string_headers(service: str, operation: str) -> tuple[tuple[str, str], ...]:
    shape = _operation_model(service, operation).output_shape
    if shape is None:
        return ()
    return tuple((name, member.serialization["name"]) for name, member in shape.members.items()
                 if member.serialization.get("location") == "header" and member.type_name == "string")


def serialize_error(service: str, operation: str | None, code: str, message: str, status: int,
                    request_id: str, fields: Mapping[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
    """The HTTP status, headers and body of an error answer in ``service``'s protocol (the
    XML ``<Response><Errors>`` of EC2, ``<ErrorResponse>`` of the query services, the JSON
    ``__type`` of the JSON services). The status is the one the model declares for the
    error's shape, else ``status``."""
    service_model = wire_model(service)
    if operation is not None and operation in service_model.operation_names:
        wire = service_model.operation_model(operation)
    else:
        from moto.core.model import OperationModel as WireOperationModel

        wire = WireOperationModel({"name": operation or "Unknown", "http": {}}, service_model)
    serializer = get_serializer_class(service, service_model.protocol)(
        wire, context=SerializationContext(request_id))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # codes common to all APIs have no shape in the model
        answer = serializer.serialize(WireError(code, message, fields))
    declared = _declared_status(_service_model(service), code)
    return declared or status, _headers(answer["headers"], request_id), _bytes(answer["body"], wire)


@cache
def _service_model(service: str) -> ServiceModel:
    return botocore_session().get_service_model(service)


def _declared_status(model: ServiceModel, code: str) -> int | None:
    for shape in model.error_shapes:
        error = shape.metadata.get("error", {})
        if code in (shape.name, error.get("code")):
            status = error.get("httpStatusCode")
            return int(status) if status else None
    return None


def _headers(headers: Mapping[str, Any], request_id: str) -> dict[str, str]:
    out = {str(key): str(value) for key, value in headers.items()}
    out["x-amzn-RequestId"] = request_id
    out["x-amz-request-id"] = request_id
    return out


def _bytes(body: str | bytes, wire: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if wire.service_model.protocol in ("query", "ec2", "rest-xml"):
        body = _NOT_XML.sub("\ufffd", body)
    return body.encode("utf-8", "replace")
