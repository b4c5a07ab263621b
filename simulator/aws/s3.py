"""Amazon S3 operations over ``simulator.world.s3``: buckets, bucket policies and objects.

Every request is judged by the bucket's owner and policy (``requester_of`` gives the
caller's identity-based policies and condition keys). ListObjectsV2 answers with URL-encoded
keys: botocore asks for them unless the caller did, and decodes them back.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

from botocore.response import StreamingBody

from simulator.access import AccessRequest, Decision, PolicySet, authorize
from simulator.aws.authorization import RESOURCE_POLICIES
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.requesters import requester_of
from simulator.world.s3 import Bucket, S3Object, S3Service
from simulator.world.s3.errors import invalid_argument, invalid_range

#: The most keys (and buckets) one page holds.
MAX_KEYS = 1000
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _s3(call: Call) -> S3Service:
    return call.world.global_services.s3


def canonical_id(account_id: str) -> str:
    """The account's canonical user ID (64 hex digits, fixed per account)."""
    return hashlib.sha256(f"lmsim-canonical-user:{account_id}".encode()).hexdigest()


def _body(params: Params) -> bytes:
    """The request's Body as bytes; a file-like Body is read, and the recorded parameters
    keep its bytes so that a replay can send them again."""
    body = params.get("Body")
    if body is None:
        data = b""
    elif isinstance(body, (bytes, bytearray)):
        data = bytes(body)
    elif isinstance(body, str):
        data = body.encode()
    elif hasattr(body, "read"):
        data = body.read()
        data = data.encode() if isinstance(data, str) else bytes(data)
        params["Body"] = data
    else:
        raise invalid_argument(f"Body must be bytes, text or a file-like object, got {type(body).__name__}")
    return data


# -- buckets ------------------------------------------------------------------------------------

@operation("s3", "CreateBucket")
def create_bucket(call: Call, params: Params) -> Response:
    name = params["Bucket"]
    location = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    bucket = _s3(call).create_bucket(requester_of(call, params), name, call.region, location)
    call.resource_id = name
    return {"Location": f"/{name}" if bucket.region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"}


@operation("s3", "ListBuckets")
def list_buckets(call: Call, params: Params) -> Response:
    prefix = params.get("Prefix") or ""
    region = params.get("BucketRegion")
    buckets = [b for b in _s3(call).owned(call.account_id)
               if b.name.startswith(prefix) and (region is None or b.region == region)]
    size = params.get("MaxBuckets")
    if size is not None and not 1 <= size <= 10_000:
        raise invalid_argument(f"MaxBuckets {size} must be between 1 and 10000")
    after = _token_in(params.get("ContinuationToken"))
    buckets = [b for b in buckets if b.name > after]
    page = buckets[:size] if size is not None else buckets
    response: Response = {
        "Buckets": [{"Name": b.name, "CreationDate": b.created_at, "BucketRegion": b.region} for b in page],
        "Owner": {"ID": canonical_id(call.account_id)},
        "Prefix": params.get("Prefix"),
    }
    if len(page) < len(buckets):
        response["ContinuationToken"] = _token_out(page[-1].name)
    return response


@operation("s3", "HeadBucket")
def head_bucket(call: Call, params: Params) -> Response:
    bucket = _s3(call).head_bucket(requester_of(call, params), params["Bucket"])
    call.resource_id = bucket.name
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


@operation("s3", "GetBucketLocation")
def get_bucket_location(call: Call, params: Params) -> Response:
    bucket = _s3(call).bucket(params["Bucket"])
    _s3(call)._check(requester_of(call, params), "s3:GetBucketLocation", bucket, bucket.arn)
    call.resource_id = bucket.name
    return {"LocationConstraint": None if bucket.region == "us-east-1" else bucket.region}


@operation("s3", "DeleteBucket")
def delete_bucket(call: Call, params: Params) -> Response:
    _s3(call).delete_bucket(requester_of(call, params), params["Bucket"])
    call.resource_id = params["Bucket"]
    return {}


@operation("s3", "GetBucketPolicy")
def get_bucket_policy(call: Call, params: Params) -> Response:
    call.resource_id = params["Bucket"]
    return {"Policy": _s3(call).policy(requester_of(call, params), params["Bucket"])}


@operation("s3", "PutBucketPolicy")
def put_bucket_policy(call: Call, params: Params) -> Response:
    call.resource_id = params["Bucket"]
    _s3(call).put_policy(requester_of(call, params), params["Bucket"], params["Policy"])
    return {}


@operation("s3", "DeleteBucketPolicy")
def delete_bucket_policy(call: Call, params: Params) -> Response:
    call.resource_id = params["Bucket"]
    s3 = _s3(call)
    bucket = s3.bucket(params["Bucket"])
    s3._policy_caller(requester_of(call, params), bucket, "s3:DeleteBucketPolicy")
    bucket.policy = None
    return {}


# -- objects ------------------------------------------------------------------------------------

def _object_headers(entry: S3Object) -> Response:
    return {
        "LastModified": entry.last_modified, "ContentLength": entry.size, "ETag": entry.etag,
        "ContentType": entry.content_type, "Metadata": dict(entry.metadata), "AcceptRanges": "bytes",
        "ServerSideEncryption": "AES256",
    }


@operation("s3", "PutObject")
def put_object(call: Call, params: Params) -> Response:
    name, key = params["Bucket"], params["Key"]
    data = _body(params)
    entry = _s3(call).put_object(requester_of(call, params), name, key, data, params.get("ContentType"),
                                 params.get("Metadata"))
    call.resource_id = f"{name}/{key}"
    return {"ETag": entry.etag, "ServerSideEncryption": "AES256"}


@operation("s3", "GetObject")
def get_object(call: Call, params: Params) -> Response:
    name, key = params["Bucket"], params["Key"]
    entry, data = _s3(call).get_object(requester_of(call, params), name, key)
    call.resource_id = f"{name}/{key}"
    response = _object_headers(entry)
    wanted = params.get("Range")
    if wanted:
        first, last = _byte_range(wanted, len(data))
        data = data[first:last + 1]
        response["ContentRange"] = f"bytes {first}-{last}/{entry.size}"
        response["ContentLength"] = len(data)
    response["Body"] = StreamingBody(io.BytesIO(data), len(data))
    return response


def _byte_range(text: str, size: int) -> tuple[int, int]:
    """The first and last byte of a ``Range: bytes=...`` header (one range)."""
    match = _RANGE.fullmatch(text.strip())
    if match is None or match[1] == match[2] == "":
        raise invalid_argument(f"Range {text!r} must be bytes=<first>-<last>, bytes=<first>- or bytes=-<count>")
    if match[1] == "":
        count = int(match[2])
        first, last = max(0, size - count), size - 1
    else:
        first = int(match[1])
        last = min(int(match[2]), size - 1) if match[2] else size - 1
    if first >= size or first > last:
        raise invalid_range(f"The requested range {text} is not satisfiable: the object has {size} bytes")
    return first, last


@operation("s3", "HeadObject")
def head_object(call: Call, params: Params) -> Response:
    name, key = params["Bucket"], params["Key"]
    entry = _s3(call).head_object(requester_of(call, params), name, key)
    call.resource_id = f"{name}/{key}"
    return _object_headers(entry)


@operation("s3", "DeleteObject")
def delete_object(call: Call, params: Params) -> Response:
    name, key = params["Bucket"], params["Key"]
    _s3(call).delete_object(requester_of(call, params), name, key)
    call.resource_id = f"{name}/{key}"
    return {}


def _token_out(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode()).decode()


def _token_in(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_argument("The continuation token provided is incorrect") from None


@operation("s3", "ListObjectsV2")
def list_objects_v2(call: Call, params: Params) -> Response:
    name = params["Bucket"]
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    size = params.get("MaxKeys", MAX_KEYS)
    if size < 0:
        raise invalid_argument(f"MaxKeys {size} must not be negative")
    size = min(size, MAX_KEYS)
    token = params.get("ContinuationToken")
    after = _token_in(token) if token else params.get("StartAfter") or ""
    entries = _s3(call).list_objects(requester_of(call, params), name, prefix, delimiter, after)
    page = entries[:size]
    truncated = 0 < len(page) < len(entries)
    owner = canonical_id(_s3(call).bucket(name).owner_id) if params.get("FetchOwner") else None
    contents = [
        {"Key": quote_plus(e.key, safe="/"), "LastModified": e.last_modified, "ETag": e.etag, "Size": e.size,
         "StorageClass": "STANDARD", "Owner": {"ID": owner} if owner else None}
        for e in page if isinstance(e, S3Object)
    ]
    prefixes = [{"Prefix": quote_plus(e, safe="/")} for e in page if isinstance(e, str)]
    call.resource_id = name
    response: Response = {
        "Name": name, "Prefix": quote_plus(prefix, safe="/"), "MaxKeys": size, "KeyCount": len(page),
        "IsTruncated": truncated, "EncodingType": "url",
        "Contents": contents or None, "CommonPrefixes": prefixes or None,
        "Delimiter": quote_plus(delimiter, safe="/") if delimiter else None,
        "ContinuationToken": token, "StartAfter": quote_plus(params["StartAfter"], safe="/")
        if params.get("StartAfter") else None,
    }
    if truncated:
        last = page[-1]
        response["NextContinuationToken"] = _token_out(last.key if isinstance(last, S3Object) else last)
    return response


# -- the caller's own account: a bucket policy may allow what identity policies do not ------------

def _bucket_decision(call: Call, params: Mapping[str, Any], identity: PolicySet, action: str,
                     resource: str) -> Decision | None:
    bucket: Bucket | None = _s3(call).buckets.get(params.get("Bucket", ""))
    if bucket is None or bucket.policy is None:
        return None
    requester = requester_of(call, params)
    request = AccessRequest(action=action, resources=(resource,), context=requester.context)
    return authorize(identity, requester.caller, request, resource_policy=bucket.policy,
                     resource_account=bucket.owner_id)


RESOURCE_POLICIES["s3"] = _bucket_decision
