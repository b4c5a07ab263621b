"""Amazon S3 for the whole world: buckets (one global namespace of names, each bucket owned
by one account and kept in one region) and their objects.

Every request names a ``Requester``; the bucket's owner may do anything its identity-based
policies allow (its root user anything), another account only what the bucket policy
allows too, and an explicit deny in the bucket policy refuses anyone but the owner's root
user managing the policy itself (Amazon S3 User Guide, "How Amazon S3 authorizes a request").
The simulator's own services (License Manager's reports, Systems Manager's resource data
sync, CloudTrail's log files) write through the same checks as their service principal or
service-linked role.

Objects' bytes live in an ``ObjectStore``: in memory, or as files under a folder
(``use_folder``) so that a run's reports open with any tool. ``read``, ``list`` and
``export`` give Python access to them by ``s3://bucket/key``.
"""

from __future__ import annotations

import builtins
import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping
from pathlib import Path

from simulator.access import Policy, PolicyError, Requester
from simulator.core.clock import Clock
from simulator.world.s3.bucket import Bucket, S3Object
from simulator.world.s3.errors import (
    access_denied,
    bucket_already_exists,
    bucket_already_owned_by_you,
    bucket_not_empty,
    forbidden,
    illegal_location_constraint,
    invalid_bucket_name,
    invalid_location_constraint,
    key_too_long,
    malformed_policy,
    method_not_allowed,
    no_such_bucket,
    no_such_bucket_policy,
    no_such_key,
    not_found,
    too_many_buckets,
)
from simulator.world.s3.storage import FileStore, MemoryStore, ObjectStore

#: Buckets per account ("Amazon S3 quotas": 10,000 general purpose buckets by default).
MAX_BUCKETS = 10_000
#: The largest bucket policy ("Bucket policies are limited to 20 KB in size").
MAX_POLICY_BYTES = 20 * 1024
#: What S3 calls an object uploaded without a content type.
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_URI = re.compile(r"s3://(?P<bucket>[^/]+)(?:/(?P<key>.*))?")


def check_bucket_name(name: str) -> None:
    """Refuse a name S3 does not allow for a new bucket ("Bucket naming rules").

    Raises:
        ServiceError: InvalidBucketName.
    """
    if (_BUCKET_NAME.fullmatch(name) is None or ".." in name or ".-" in name or "-." in name
            or name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3"))):
        raise invalid_bucket_name(name)
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return
    raise invalid_bucket_name(name)


def parse_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> ``(bucket, key)`` (the key may be empty).

    Raises:
        ValueError: for anything but an ``s3://`` URI.
    """
    match = _URI.fullmatch(uri) if isinstance(uri, str) else None
    if match is None:
        raise ValueError(f"expected an S3 URI s3://<bucket>/<key>, got {uri!r}")
    return match["bucket"], match["key"] or ""


class S3Service:
    """Amazon S3 of every account and region.

    Args:
        clock: The simulation clock.
        regions: The AWS Regions a bucket may be created in.
    """

    def __init__(self, clock: Clock, regions: tuple[str, ...]) -> None:
        self._clock = clock
        self._regions = regions
        self.store: ObjectStore = MemoryStore()
        self.buckets: dict[str, Bucket] = {}

    def use_folder(self, root: str | Path) -> None:
        """Keep every object as a file ``<root>/<bucket>/<key>`` from now on.

        Raises:
            ValueError: once a bucket exists (its objects would be split across stores).
        """
        if self.buckets:
            raise ValueError("s3_root must be set before the first bucket is created")
        self.store = FileStore(root)

    # -- buckets ------------------------------------------------------------------------------

    def bucket(self, name: str) -> Bucket:
        """The bucket ``name``.

        Raises:
            ServiceError: NoSuchBucket.
        """
        bucket = self.buckets.get(name)
        if bucket is None:
            raise no_such_bucket(name)
        return bucket

    def create_bucket(self, requester: Requester, name: str, region: str, location: str | None = None) -> Bucket:
        """CreateBucket in ``region`` (the endpoint's); ``location`` is the
        CreateBucketConfiguration's LocationConstraint. In us-east-1 a bucket of another
        region may be created by naming it; elsewhere the constraint must be the region.
        Re-creating one's own bucket in us-east-1 succeeds, as S3's legacy behaviour there.

        Raises:
            ServiceError: InvalidBucketName, InvalidLocationConstraint,
                IllegalLocationConstraintException, BucketAlreadyExists,
                BucketAlreadyOwnedByYou, TooManyBuckets.
        """
        check_bucket_name(name)
        home = self._home_region(region, location)
        existing = self.buckets.get(name)
        owner = requester.account_id
        if existing is not None:
            if existing.owner_id != owner:
                raise bucket_already_exists(name)
            if region == "us-east-1" and existing.region == home:
                return existing
            raise bucket_already_owned_by_you(name)
        if sum(1 for b in self.buckets.values() if b.owner_id == owner) >= MAX_BUCKETS:
            raise too_many_buckets(MAX_BUCKETS)
        bucket = self.buckets[name] = Bucket(name=name, owner_id=owner, region=home, created_at=self._clock.now())
        return bucket

    def _home_region(self, region: str, location: str | None) -> str:
        if region == "us-east-1":
            if location is None:
                return region
            if location == "us-east-1" or location not in self._regions:
                raise invalid_location_constraint(f"The specified location-constraint {location!r} is not valid "
                                                  "(leave it out for us-east-1)")
            return location
        if location is None:
            raise illegal_location_constraint("The unspecified location constraint is incompatible for the region "
                                              f"specific endpoint this request was sent to ({region}): give "
                                              f"CreateBucketConfiguration.LocationConstraint {region!r}")
        if location != region:
            raise illegal_location_constraint(f"The {location} location constraint is incompatible for the region "
                                              f"specific endpoint this request was sent to ({region}).")
        return location

    def delete_bucket(self, requester: Requester, name: str) -> None:
        """DeleteBucket of an empty bucket.

        Raises:
            ServiceError: NoSuchBucket, AccessDenied, BucketNotEmpty.
        """
        bucket = self.bucket(name)
        self._check(requester, "s3:DeleteBucket", bucket, bucket.arn)
        if bucket.objects:
            raise bucket_not_empty(name)
        del self.buckets[name]
        self.store.drop_bucket(name)

    def head_bucket(self, requester: Requester, name: str) -> Bucket:
        """HeadBucket: the bucket, if the requester may list it.

        Raises:
            ServiceError: 404 for no such bucket, 403 when access is denied (a HEAD
                response has no error body).
        """
        bucket = self.buckets.get(name)
        if bucket is None:
            raise not_found()
        if not requester.decide("s3:ListBucket", bucket.arn, bucket.policy, bucket.owner_id).allowed:
            raise forbidden()
        return bucket

    def owned(self, account_id: str) -> list[Bucket]:
        """ListBuckets: the account's buckets by name."""
        return sorted((b for b in self.buckets.values() if b.owner_id == account_id), key=lambda b: b.name)

    def _check(self, requester: Requester, action: str, bucket: Bucket, arn: str) -> None:
        if not requester.decide(action, arn, bucket.policy, bucket.owner_id).allowed:
            raise access_denied()

    # -- bucket policies ----------------------------------------------------------------------

    def _policy_caller(self, requester: Requester, bucket: Bucket, action: str) -> None:
        """Only the owner's account manages a bucket policy; its root user always may, so
        that a policy that locks everyone out can be mended."""
        if requester.account_id != bucket.owner_id:
            raise method_not_allowed(f"{action.split(':')[1]} is allowed only to the account that owns the bucket "
                                     f"({bucket.name})")
        if requester.identity is not None or requester.caller.service:
            self._check(requester, action, bucket, bucket.arn)

    def policy(self, requester: Requester, name: str) -> str:
        """GetBucketPolicy: the policy text.

        Raises:
            ServiceError: NoSuchBucket, MethodNotAllowed (another account), AccessDenied,
                NoSuchBucketPolicy.
        """
        bucket = self.bucket(name)
        self._policy_caller(requester, bucket, "s3:GetBucketPolicy")
        if bucket.policy is None:
            raise no_such_bucket_policy(name)
        return bucket.policy.text

    def put_policy(self, requester: Requester, name: str, text: str) -> None:
        """PutBucketPolicy: the policy must parse as a resource-based policy about this
        bucket and its objects only.

        Raises:
            ServiceError: NoSuchBucket, MethodNotAllowed, AccessDenied, MalformedPolicy.
        """
        bucket = self.bucket(name)
        self._policy_caller(requester, bucket, "s3:PutBucketPolicy")
        bucket.policy = compile_bucket_policy(bucket.name, text)

    def set_policy(self, name: str, text: str) -> None:
        """Set a bucket's policy as the service that created it does (no caller)."""
        bucket = self.bucket(name)
        bucket.policy = compile_bucket_policy(bucket.name, text)

    # -- objects ------------------------------------------------------------------------------

    def put_object(self, requester: Requester, name: str, key: str, data: bytes,
                   content_type: str | None = None, metadata: Mapping[str, str] | None = None) -> S3Object:
        """PutObject: store ``data`` as ``key`` (replacing any object of that key).

        Raises:
            ServiceError: NoSuchBucket, AccessDenied, KeyTooLongError, InvalidArgument (a
                key the file store cannot hold).
        """
        bucket = self.bucket(name)
        if len(key.encode()) > 1024:
            raise key_too_long(key)
        self._check(requester, "s3:PutObject", bucket, bucket.object_arn(key))
        if isinstance(self.store, FileStore) and key not in bucket.objects:
            self.store.check(name, key)
        entry = S3Object(key=key, size=len(data), etag=f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"',
                         last_modified=self._clock.now(), content_type=content_type or DEFAULT_CONTENT_TYPE,
                         metadata=tuple(sorted((metadata or {}).items())))
        self.store.put(name, key, data)
        bucket.objects[key] = entry
        return entry

    def head_object(self, requester: Requester, name: str, key: str) -> S3Object:
        """HeadObject.

        Raises:
            ServiceError: 404 (no bucket or key), 403 (access denied).
        """
        bucket = self.buckets.get(name)
        if bucket is None:
            raise not_found()
        if not requester.decide("s3:GetObject", bucket.object_arn(key), bucket.policy, bucket.owner_id).allowed:
            raise forbidden()
        entry = bucket.objects.get(key)
        if entry is None:
            raise not_found()
        return entry

    def get_object(self, requester: Requester, name: str, key: str) -> tuple[S3Object, bytes]:
        """GetObject: the object and its bytes.

        Raises:
            ServiceError: NoSuchBucket, AccessDenied, NoSuchKey.
        """
        bucket = self.bucket(name)
        self._check(requester, "s3:GetObject", bucket, bucket.object_arn(key))
        entry = bucket.objects.get(key)
        if entry is None:
            raise no_such_key(key)
        return entry, self.store.get(name, key)

    def delete_object(self, requester: Requester, name: str, key: str) -> None:
        """DeleteObject (a key that does not exist is deleted already).

        Raises:
            ServiceError: NoSuchBucket, AccessDenied.
        """
        bucket = self.bucket(name)
        self._check(requester, "s3:DeleteObject", bucket, bucket.object_arn(key))
        if bucket.objects.pop(key, None) is not None:
            self.store.delete(name, key)

    def list_objects(self, requester: Requester, name: str, prefix: str = "", delimiter: str = "",
                     after: str = "") -> list[S3Object | str]:
        """ListObjectsV2's entries in key order: the objects whose key starts with
        ``prefix`` and sorts after ``after``, with the keys that hold ``delimiter`` past the
        prefix rolled up into their common prefix (a string, listed once).

        Raises:
            ServiceError: NoSuchBucket, AccessDenied.
        """
        bucket = self.bucket(name)
        self._check(requester, "s3:ListBucket", bucket, bucket.arn)
        entries: list[S3Object | str] = []
        last_prefix = None
        for key in sorted(bucket.objects):
            if not key.startswith(prefix) or key <= after:
                continue
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[:cut + len(delimiter)]
                    if common != last_prefix and common > after:
                        entries.append(common)
                    last_prefix = common
                    continue
            entries.append(bucket.objects[key])
        return entries

    # -- from Python --------------------------------------------------------------------------

    def read(self, uri: str) -> bytes:
        """The bytes of the object ``s3://bucket/key``.

        Raises:
            ValueError: for a malformed URI.
            FileNotFoundError: for a bucket or key that does not exist.
        """
        name, key = parse_uri(uri)
        bucket = self.buckets.get(name)
        if bucket is None or key not in bucket.objects:
            raise FileNotFoundError(f"no object {uri}")
        return self.store.get(name, key)

    def list(self, prefix_uri: str) -> list[str]:
        """The URIs of every object under ``s3://bucket/prefix``, in key order.

        Raises:
            ValueError: for a malformed URI.
            FileNotFoundError: for a bucket that does not exist.
        """
        name, prefix = parse_uri(prefix_uri)
        bucket = self.buckets.get(name)
        if bucket is None:
            raise FileNotFoundError(f"no bucket {name}")
        return [f"s3://{name}/{key}" for key in sorted(bucket.objects) if key.startswith(prefix)]

    def export(self, directory: str | Path) -> builtins.list[Path]:
        """Write every object as ``<directory>/<bucket>/<key>`` (keys mapped as the file
        store maps them); return the files."""
        target = FileStore(directory)
        written = []
        for name in sorted(self.buckets):
            bucket = self.buckets[name]
            (target.root / name).mkdir(parents=True, exist_ok=True)
            for key in sorted(bucket.objects):
                target.put(name, key, self.store.get(name, key))
                written.append(target.path(name, key))
        return written


def compile_bucket_policy(bucket: str, text: str) -> Policy:
    """A bucket policy, checked as S3 checks it.

    Raises:
        ServiceError: MalformedPolicy naming what is wrong.
    """
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise malformed_policy(f"Policies must be less than 20 KB; this one is {len(text.encode())} bytes")
    try:
        policy = Policy.parse(text, name=f"bucket/{bucket}", kind="resource")
    except PolicyError as error:
        raise malformed_policy(str(error)) from None
    own = f"arn:aws:s3:::{bucket}"
    for index, statement in enumerate(_statements(text)):
        for member in ("Resource", "NotResource"):
            values = statement.get(member, [])
            for value in values if isinstance(values, list) else [values]:
                if value != own and not str(value).startswith(own + "/"):
                    raise malformed_policy(f"Policy has invalid resource: statement {index} names {value!r}, which is "
                                           f"not {own} or one of its objects ({own}/...)")
    return policy


def _statements(text: str) -> list[dict]:
    raw = json.loads(text)["Statement"]
    return raw if isinstance(raw, list) else [raw]
