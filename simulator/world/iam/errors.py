"""The error codes IAM answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def entity_already_exists(message: str, **details: Any) -> ServiceError:
    """IAM's EntityAlreadyExists."""
    return ServiceError("EntityAlreadyExists", message, **details)


def invalid_input(message: str, **details: Any) -> ServiceError:
    """IAM's InvalidInput."""
    return ServiceError("InvalidInput", message, **details)


def limit_exceeded(message: str, **details: Any) -> ServiceError:
    """IAM's LimitExceeded."""
    return ServiceError("LimitExceeded", message, **details)


def malformed_policy_document(message: str, **details: Any) -> ServiceError:
    """IAM's MalformedPolicyDocument."""
    return ServiceError("MalformedPolicyDocument", message, **details)


def no_such_entity(message: str, **details: Any) -> ServiceError:
    """IAM's NoSuchEntity."""
    return ServiceError("NoSuchEntity", message, **details)


def delete_conflict(message: str, **details: Any) -> ServiceError:
    """IAM's DeleteConflict."""
    return ServiceError("DeleteConflict", message, status=409, **details)


def policy_not_attachable(message: str, **details: Any) -> ServiceError:
    """IAM's PolicyNotAttachable."""
    return ServiceError("PolicyNotAttachable", message, **details)


def unmodifiable_entity(message: str, **details: Any) -> ServiceError:
    """IAM's UnmodifiableEntity."""
    return ServiceError("UnmodifiableEntity", message, **details)
