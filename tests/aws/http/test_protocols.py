"""The wire protocols of lmsim serve against botocore's own client side: a request botocore
serializes is routed and parsed back into the parameters it was made from, and a response or
error the server serializes is parsed by botocore into what the gateway answered. One case
per protocol (query, ec2, json, rest-json, rest-xml); rest-xml on Route 53 and S3 shapes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from werkzeug.datastructures import Headers, MultiDict

from simulator.aws.http.protocols import MalformedRequest, parse_params, serialize_error, serialize_response
from simulator.aws.http.routing import RoutingError, find_operation
from simulator.aws.models import service_model

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def wire(service: str, operation: str, params: dict[str, Any]) -> tuple[str, str, MultiDict, Headers, bytes]:
    """The method, path, query, headers and body botocore sends for this call (from a model
    read afresh: a boto3 S3 client moves the bucket out of the shared model's request URIs)."""
    model = ServiceModel(Loader().load_service_model(service, "service-2"), service)
    request = create_serializer(model.protocol).serialize_to_request(params, model.operation_model(operation))
    body = request["body"]
    if isinstance(body, dict):
        body = urlencode(body, doseq=True)
    if isinstance(body, str):
        body = body.encode()
    query = request["query_string"]
    path, _, static = request["url_path"].partition("?")
    query = MultiDict(parse_qsl(urlencode(query, doseq=True) if isinstance(query, dict) else query,
                                keep_blank_values=True) + parse_qsl(static, keep_blank_values=True))
    return request["method"], path, query, Headers(list(request["headers"].items())), body


def parsed_back(service: str, operation: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    method, path, query, headers, body = wire(service, operation, params)
    form = MultiDict(parse_qsl(body.decode(), keep_blank_values=True)) if service_model(service).protocol in (
        "query", "ec2") else {}
    route = find_operation(service, method, path, headers, query, form)
    return route.operation, parse_params(service, route.operation, method, path, query, headers, body,
                                         route.uri_params)


def answered_back(service: str, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, headers, payload = serialize_response(service, operation, body, "req-1")
    model = service_model(service)
    out = create_parser(model.protocol).parse({"body": payload, "headers": headers, "status_code": status},
                                              model.operation_model(operation).output_shape)
    out.pop("ResponseMetadata", None)
    return status, out


REQUESTS = [
    ("iam", "CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": "{}", "Tags": [{"Key": "k", "Value": "v"}]}),
    ("ec2", "RunInstances", {"ImageId": "ami-1", "MinCount": 2, "MaxCount": 2, "InstanceType": "m5.large",
                             "Placement": {"Tenancy": "host", "HostResourceGroupArn": "arn:g"},
                             "LicenseSpecifications": [{"LicenseConfigurationArn": "arn:l"}],
                             "TagSpecifications": [{"ResourceType": "instance",
                                                    "Tags": [{"Key": "a", "Value": "b"}]}]}),
    ("ec2", "DescribeInstances", {"Filters": [{"Name": "instance-state-name", "Values": ["running", "stopped"]}],
                                  "MaxResults": 5}),
    ("license-manager", "CreateLicenseConfiguration", {
        "Name": "n", "LicenseCountingType": "Core", "LicenseCount": 96, "LicenseCountHardLimit": True,
        "LicenseRules": ["#minimumCores=8"]}),
    ("license-manager", "CreateLicense", {"LicenseName": "l", "ProductName": "p", "ProductSKU": "s", "Issuer": {
        "Name": "i"}, "HomeRegion": "us-east-1", "Validity": {"Begin": "2026-01-01T00:00:00Z"}, "Entitlements": [
        {"Name": "e", "Unit": "Count", "MaxCount": 5}], "Beneficiary": "b", "ConsumptionConfiguration": {},
        "ClientToken": "t"}),
    ("resource-groups", "GetGroup", {"Group": "my group/x"}),
    ("resource-groups", "Tag", {"Arn": "arn:aws:resource-groups:us-east-1:1:group/g", "Tags": {"k": "v"}}),
    ("ram", "GetResourceShares", {"resourceOwner": "SELF", "maxResults": 10}),
    ("route53", "ChangeResourceRecordSets", {"HostedZoneId": "Z1", "ChangeBatch": {"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {"Name": "a.example.", "Type": "A", "TTL": 60,
                                                  "ResourceRecords": [{"Value": "192.0.2.1"}]}}]}}),
    ("route53", "ListHostedZones", {"MaxItems": "10", "Marker": "m"}),
    ("s3", "PutObjectTagging", {"Bucket": "b", "Key": "dir/file.txt",
                                "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}),
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "dir/", "MaxKeys": 3}),
]


@pytest.mark.parametrize("service, operation, params", REQUESTS, ids=[f"{s}:{o}" for s, o, _ in REQUESTS])
def test_requests_parse_back_into_their_parameters(service, operation, params):
    """What botocore sends for a call is routed to its operation and parsed into its parameters."""
    assert parsed_back(service, operation, params) == (operation, params)


RESPONSES = [
    ("iam", "CreateRole", {"Role": {"Path": "/", "RoleName": "r", "RoleId": "AROA1", "Arn": "arn:r",
                                    "CreateDate": WHEN, "Tags": [{"Key": "k", "Value": "v"}]}}),
    ("ec2", "DescribeInstances", {"Reservations": [{"ReservationId": "r-1", "OwnerId": "1", "Instances": [{
        "InstanceId": "i-1", "LaunchTime": WHEN, "State": {"Code": 16, "Name": "running"}, "CpuOptions": {
            "CoreCount": 2, "ThreadsPerCore": 2}, "Tags": [{"Key": "a", "Value": "b"}], "Licenses": [
            {"LicenseConfigurationArn": "arn:l"}]}]}], "NextToken": "n"}),
    ("license-manager", "ListLicenseConfigurations", {"LicenseConfigurations": [{
        "LicenseConfigurationArn": "arn:l", "Name": "n", "LicenseCount": 4, "LicenseCountHardLimit": True,
        "ConsumedLicenses": 2, "ConsumedLicenseSummaryList": [{"ResourceType": "EC2_INSTANCE", "ConsumedLicenses": 2}],
        "ManagedResourceSummaryList": [], "LicenseRules": []}]}),
    ("license-manager", "CheckoutLicense", {"LicenseConsumptionToken": "t", "IssuedAt": "2026-01-01T00:00:00Z",
                                            "SignedToken": "x.y.z", "EntitlementsAllowed": [
        {"Name": "e", "Unit": "Count", "Value": "1"}]}),
    ("kms", "GetPublicKey", {"KeyId": "k", "PublicKey": b"\x00\x01binary", "KeySpec": "RSA_2048"}),
    ("resource-groups", "GetGroupConfiguration", {"GroupConfiguration": {"Configuration": [
        {"Type": "AWS::EC2::HostManagement", "Parameters": [{"Name": "auto-allocate-host", "Values": ["true"]}]}],
        "Status": "UPDATE_COMPLETE"}}),
    ("ram", "CreateResourceShare", {"resourceShare": {"resourceShareArn": "arn:s", "name": "n", "status": "ACTIVE",
                                                      "creationTime": WHEN, "allowExternalPrincipals": False}}),
    ("route53", "ListHostedZones", {"HostedZones": [{"Id": "/hostedzone/Z1", "Name": "example.", "CallerReference":
                                                     "c", "ResourceRecordSetCount": 2}], "Marker": "",
                                    "IsTruncated": False, "MaxItems": "100"}),
    ("s3", "GetObjectTagging", {"VersionId": "v1", "TagSet": [{"Key": "k", "Value": "v"}]}),
]


@pytest.mark.parametrize("service, operation, body", RESPONSES, ids=[f"{s}:{o}" for s, o, _ in RESPONSES])
def test_responses_parse_back_into_the_answer(service, operation, body):
    """A response serialized by the server is what botocore parses back."""
    status, out = answered_back(service, operation, body)
    assert status == 200
    assert out == body


ERRORS = [
    ("ec2", "RunInstances", "InvalidAMIID.NotFound", 400, "<Response><Errors><Error><Code>"),
    ("iam", "GetRole", "NoSuchEntity", 404, "<ErrorResponse"),
    ("license-manager", "GetLicenseConfiguration", "InvalidParameterValueException", 400, '"__type"'),
    ("resource-groups", "GetGroup", "NotFoundException", 404, '"__type"'),
    ("s3", "GetObjectTagging", "NoSuchKey", 404, "<Error><Code>NoSuchKey"),
]


@pytest.mark.parametrize("service, operation, code, status, marker", ERRORS, ids=[e[2] for e in ERRORS])
def test_errors_have_their_protocols_shape(service, operation, code, status, marker):
    """Errors come in each protocol's form (EC2's <Response><Errors>, the query services'
    <ErrorResponse>, the JSON __type), with the status the model declares, and botocore reads
    their code and message."""
    answer_status, headers, payload = serialize_error(service, operation, code, "it is not there", 400, "req-9")
    assert answer_status == status
    assert marker in payload.decode().replace(' xmlns="http://ec2.amazonaws.com/doc/2016-11-15"', "")
    model = service_model(service)
    parsed = create_parser(model.protocol).parse({"body": payload, "headers": headers, "status_code": answer_status},
                                                 model.operation_model(operation).output_shape)
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (code, "it is not there")


def test_error_fields_of_the_modeled_shape_are_sent():
    """Members of a modeled error shape besides the message (Organizations' Reason) travel."""
    status, headers, payload = serialize_error("organizations", "RemoveAccountFromOrganization",
                                               "ConstraintViolationException", "no", 400, "r",
                                               {"Reason": "MASTER_ACCOUNT_MISSING_CONTACT_INFO"})
    shape = service_model("organizations").shape_for_error_code("ConstraintViolationException")
    parsed = create_parser("json").parse({"body": payload, "headers": headers, "status_code": status}, shape)
    assert parsed["Reason"] == "MASTER_ACCOUNT_MISSING_CONTACT_INFO"


def test_generated_idempotency_tokens_are_dropped_but_given_ones_kept():
    """A random UUID an SDK filled in for an idempotency token is not the caller's parameter
    (the in-process path never sees it); a token the caller chose is kept."""
    _, params = parsed_back("ec2", "RunInstances", {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1,
                                                    "ClientToken": "6f1d0c1e-7c4b-4e5e-9a55-2f8f0b6f8a11"})
    assert "ClientToken" not in params
    _, params = parsed_back("ec2", "RunInstances", {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1,
                                                    "ClientToken": "my-launch-1"})
    assert params["ClientToken"] == "my-launch-1"


@pytest.mark.parametrize("operation, body, missing, malformed", [
    ("GetLicenseConfiguration", b"{}", True, False),
    # JSON services refuse a member of the wrong JSON type as a body they cannot deserialize
    ("CreateLicenseConfiguration", b'{"Name": "n", "LicenseCountingType": "vCPU", "LicenseCount": "many"}', False,
     True),
])
def test_parameters_that_do_not_fit_the_input_shape_are_refused(operation, body, missing, malformed):
    """The server validates what botocore validates client-side: required members and types."""
    headers = Headers([("X-Amz-Target", f"AWSLicenseManager.{operation}")])
    with pytest.raises(MalformedRequest) as caught:
        parse_params("license-manager", operation, "POST", "/", MultiDict(), headers, body)
    assert (caught.value.missing, caught.value.body) == (missing, malformed)


def test_a_body_that_is_not_json_is_malformed():
    """A JSON service's body that is not JSON is refused as a body, not as parameters."""
    with pytest.raises(MalformedRequest) as caught:
        parse_params("license-manager", "ListLicenseConfigurations", "POST", "/", MultiDict(), Headers(), b"{nope")
    assert caught.value.body


def test_rest_routes_pick_the_operation_by_method_and_path():
    """rest-json routing: the same path answers different operations by method; a path no
    operation has is UnknownOperationException."""
    route = find_operation("resource-groups", "POST", "/get-group", Headers(), MultiDict(), {})
    assert route.operation == "GetGroup"
    route = find_operation("resource-groups", "GET", "/resources/arn%3Ax/tags", Headers(), MultiDict(), {})
    assert (route.operation, dict(route.uri_params)) == ("GetTags", {"Arn": "arn%3Ax"})
    with pytest.raises(RoutingError) as caught:
        find_operation("resource-groups", "POST", "/no-such-thing", Headers(), MultiDict(), {})
    assert caught.value.code == "UnknownOperationException"


def test_s3_operations_sharing_a_path_are_told_apart_by_required_headers_and_query():
    """S3 routes PUT and DELETE on an object's path by what the request carries: CopyObject is a
    PUT with ``x-amz-copy-source``, AbortMultipartUpload a DELETE with ``uploadId``."""
    put = find_operation("s3", "PUT", "/reports/a.csv", Headers(), MultiDict(), {})
    copy = find_operation("s3", "PUT", "/reports/a.csv", Headers({"x-amz-copy-source": "/reports/b.csv"}),
                          MultiDict(), {})
    delete = find_operation("s3", "DELETE", "/reports/a.csv", Headers(), MultiDict(), {})
    abort = find_operation("s3", "DELETE", "/reports/a.csv", Headers(), MultiDict({"uploadId": "u1"}), {})
    assert [r.operation for r in (put, copy, delete, abort)] == [
        "PutObject", "CopyObject", "DeleteObject", "AbortMultipartUpload"]
    assert dict(put.uri_params) == {"Bucket": "reports", "Key": "a.csv"}


@pytest.mark.parametrize("encoding, body", [
    ("", b"x,y\n1,2\n"),
    ("aws-chunked", b"5;chunk-signature=ab12\r\nx,y\n1\r\n3\r\n,2\n\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"),
])
def test_an_object_body_is_the_payload_itself(encoding, body):
    """PutObject's body is the object, not an XML document, whether sent whole or in
    ``aws-chunked`` chunks with a trailing checksum (as SDKs stream over HTTPS)."""
    headers = Headers({"Content-Type": "text/csv", "Content-Encoding": encoding} if encoding else
                      {"Content-Type": "text/csv"})
    params = parse_params("s3", "PutObject", "PUT", "/reports/a.csv", MultiDict(), headers, body,
                          {"Bucket": "reports", "Key": "a.csv"})
    assert (params["Body"], params["ContentType"]) == (b"x,y\n1,2\n", "text/csv")


def test_an_object_is_answered_as_its_bytes_with_its_own_content_type():
    """GetObject's answer is the object's bytes, with its Content-Type and metadata as headers."""
    import io

    status, headers, body = serialize_response("s3", "GetObject", {
        "Body": io.BytesIO(b"x,y\n"), "ContentType": "text/csv", "ContentLength": 4,
        "Metadata": {"team": "licensing"}, "ETag": '"abc"'}, "req-1")
    assert (status, body) == (200, b"x,y\n")
    assert (headers["Content-Type"], headers["x-amz-meta-team"], headers["ETag"]) == ("text/csv", "licensing", '"abc"')
