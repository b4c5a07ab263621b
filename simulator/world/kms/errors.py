"""The error codes AWS KMS answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def access_denied_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's AccessDeniedException."""
    return ServiceError("AccessDeniedException", message, **details)


def already_exists_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's AlreadyExistsException: the request was rejected because it attempted to
    create a resource that already exists."""
    return ServiceError("AlreadyExistsException", message, **details)


def invalid_alias_name_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's InvalidAliasNameException: the request was rejected because the specified
    alias name is not valid."""
    return ServiceError("InvalidAliasNameException", message, **details)


def invalid_key_usage_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's InvalidKeyUsageException: the request was rejected for one of the following
    reasons: The KeyUsage value of the KMS key is incompatible with the API operation."""
    return ServiceError("InvalidKeyUsageException", message, **details)


def kms_invalid_signature_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's KMSInvalidSignatureException: the request was rejected because the signature
    verification failed."""
    return ServiceError("KMSInvalidSignatureException", message, **details)


def not_found_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's NotFoundException: the request was rejected because the specified entity or
    resource could not be found."""
    return ServiceError("NotFoundException", message, **details)


def unsupported_operation_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's UnsupportedOperationException: the request was rejected because a specified
    parameter is not supported or a specified resource is not valid for this operation."""
    return ServiceError("UnsupportedOperationException", message, **details)


def validation_exception(message: str, **details: Any) -> ServiceError:
    """AWS KMS's ValidationException."""
    return ServiceError("ValidationException", message, **details)


def key_not_found(key_ref: str) -> ServiceError:
    """NotFoundException for a key id, ARN or alias."""
    return not_found_exception(f"Key '{key_ref}' does not exist")
