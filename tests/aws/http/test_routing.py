"""Finding a request's service as AWS's front ends do: the SigV4 credential scope (header or
presigned URL), X-Amz-Target, the query Version, and the bucket of a virtual-hosted-style S3
host."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import Headers, MultiDict

from simulator.aws.http.routing import Credential, RoutingError, bucket_host_path, credential_of, find_service

SCOPE = ("AWS4-HMAC-SHA256 Credential=111111111111/20260101/eu-west-1/license-manager/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=abc")


def test_the_credential_scope_names_key_region_and_service():
    """From the Authorization header, or from a presigned URL's X-Amz-Credential."""
    assert credential_of(Headers([("Authorization", SCOPE)]), MultiDict()) == Credential(
        "111111111111", "eu-west-1", "license-manager")
    presigned = MultiDict([("X-Amz-Credential", "ASIAEXAMPLE/20260101/us-east-1/s3/aws4_request")])
    assert credential_of(Headers(), presigned) == Credential("ASIAEXAMPLE", "us-east-1", "s3")
    assert credential_of(Headers(), MultiDict()) == Credential()


@pytest.mark.parametrize("credential, headers, form, host, service", [
    (Credential("k", "us-east-1", "ec2"), {}, {}, "localhost", "ec2"),
    (Credential("k", "us-east-1", "resource-groups"), {}, {}, "localhost", "resource-groups"),
    (Credential("k", "us-east-1", "s3"), {}, {}, "localhost", "s3"),  # known to botocore, not served: answered
    (Credential(), {"X-Amz-Target": "AWSLicenseManager.GetAccessToken"}, {}, "localhost", "license-manager"),
    (Credential(), {}, {"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"}, "localhost", "sts"),
    (Credential(), {}, {}, "bucket.s3.localhost:4566", "s3"),
])
def test_services_are_found_from_the_request(credential, headers, form, host, service):
    """The scope's service when the request is signed; else the JSON target prefix, the query
    API version, or an S3 host."""
    assert find_service(credential, Headers(list(headers.items())), MultiDict(), MultiDict(form), host) == service


def test_a_request_naming_no_known_service_is_refused():
    """A scope naming a service botocore does not know, or an unsigned request naming none."""
    for credential in (Credential("k", "us-east-1", "teleport"), Credential()):
        with pytest.raises(RoutingError) as caught:
            find_service(credential, Headers(), MultiDict(), MultiDict(), "localhost")
        assert caught.value.code == "UnknownServiceException"


def test_virtual_hosted_style_buckets_join_the_path():
    """bucket.s3.<host>/key is the path-style /bucket/key; a path-style host is left alone."""
    assert bucket_host_path("reports.s3.localhost:4566", "/2026/01.csv") == "/reports/2026/01.csv"
    assert bucket_host_path("s3.localhost:4566", "/reports/2026/01.csv") == "/reports/2026/01.csv"
