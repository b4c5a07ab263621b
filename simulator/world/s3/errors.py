"""The error codes Amazon S3 answers with (Amazon S3 API Reference, "Error responses":
the code and HTTP status of each), one constructor per code; each returns the ServiceError
to raise. A HEAD request has no body: S3 answers it with the bare status, which botocore
reports as the code (``404``, ``403``)."""

from __future__ import annotations

from simulator.core.errors import ServiceError


def access_denied(message: str = "Access Denied") -> ServiceError:
    """S3's AccessDenied (403)."""
    return ServiceError("AccessDenied", message, status=403)


def bucket_already_exists(bucket: str) -> ServiceError:
    """S3's BucketAlreadyExists (409): another account owns the name."""
    return ServiceError("BucketAlreadyExists", f"The requested bucket name {bucket} is not available. The bucket "
                        "namespace is shared by all users of the system. Please select a different name and try "
                        "again.", status=409)


def bucket_already_owned_by_you(bucket: str) -> ServiceError:
    """S3's BucketAlreadyOwnedByYou (409)."""
    return ServiceError("BucketAlreadyOwnedByYou", f"Your previous request to create the named bucket {bucket} "
                        "succeeded and you already own it.", status=409)


def bucket_not_empty(bucket: str) -> ServiceError:
    """S3's BucketNotEmpty (409)."""
    return ServiceError("BucketNotEmpty", f"The bucket {bucket} you tried to delete is not empty: delete its "
                        "objects first", status=409)


def illegal_location_constraint(message: str) -> ServiceError:
    """S3's IllegalLocationConstraintException (400)."""
    return ServiceError("IllegalLocationConstraintException", message)


def invalid_location_constraint(message: str) -> ServiceError:
    """S3's InvalidLocationConstraint (400)."""
    return ServiceError("InvalidLocationConstraint", message)


def invalid_argument(message: str) -> ServiceError:
    """S3's InvalidArgument (400)."""
    return ServiceError("InvalidArgument", message)


def invalid_bucket_name(bucket: str) -> ServiceError:
    """S3's InvalidBucketName (400)."""
    return ServiceError("InvalidBucketName", f"The specified bucket {bucket!r} is not valid: bucket names are 3 to 63 "
                        "lowercase letters, digits, dots and hyphens, begin and end with a letter or digit, and are "
                        "not formatted as an IP address")


def invalid_range(message: str) -> ServiceError:
    """S3's InvalidRange (416)."""
    return ServiceError("InvalidRange", message, status=416)


def key_too_long(key: str) -> ServiceError:
    """S3's KeyTooLongError (400)."""
    return ServiceError("KeyTooLongError", f"Your key is too long: {len(key.encode())} bytes; the maximum is 1024")


def malformed_policy(message: str) -> ServiceError:
    """S3's MalformedPolicy (400)."""
    return ServiceError("MalformedPolicy", message)


def method_not_allowed(message: str) -> ServiceError:
    """S3's MethodNotAllowed (405)."""
    return ServiceError("MethodNotAllowed", message, status=405)


def no_such_bucket(bucket: str) -> ServiceError:
    """S3's NoSuchBucket (404)."""
    return ServiceError("NoSuchBucket", f"The specified bucket {bucket} does not exist", status=404)


def no_such_bucket_policy(bucket: str) -> ServiceError:
    """S3's NoSuchBucketPolicy (404)."""
    return ServiceError("NoSuchBucketPolicy", f"The bucket policy of {bucket} does not exist", status=404)


def no_such_key(key: str) -> ServiceError:
    """S3's NoSuchKey (404)."""
    return ServiceError("NoSuchKey", f"The specified key {key} does not exist.", status=404)


def too_many_buckets(limit: int) -> ServiceError:
    """S3's TooManyBuckets (400)."""
    return ServiceError("TooManyBuckets", f"You have attempted to create more buckets than allowed ({limit} per "
                        "account)")


def not_found() -> ServiceError:
    """The bare 404 of a HEAD request."""
    return ServiceError("404", "Not Found", status=404)


def forbidden() -> ServiceError:
    """The bare 403 of a HEAD request."""
    return ServiceError("403", "Forbidden", status=403)
