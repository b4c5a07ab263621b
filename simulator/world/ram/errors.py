"""The error codes AWS RAM answers with, one constructor per code (the name of the AWS error
shape); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def idempotent_parameter_mismatch_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's IdempotentParameterMismatchException."""
    return ServiceError("IdempotentParameterMismatchException", message, **details)


def invalid_parameter_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's InvalidParameterException."""
    return ServiceError("InvalidParameterException", message, **details)


def malformed_arn_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's MalformedArnException."""
    return ServiceError("MalformedArnException", message, **details)


def operation_not_permitted_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's OperationNotPermittedException."""
    return ServiceError("OperationNotPermittedException", message, **details)


def resource_share_invitation_already_accepted_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's ResourceShareInvitationAlreadyAcceptedException."""
    return ServiceError("ResourceShareInvitationAlreadyAcceptedException", message, **details)


def resource_share_invitation_already_rejected_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's ResourceShareInvitationAlreadyRejectedException."""
    return ServiceError("ResourceShareInvitationAlreadyRejectedException", message, **details)


def resource_share_invitation_arn_not_found_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's ResourceShareInvitationArnNotFoundException."""
    return ServiceError("ResourceShareInvitationArnNotFoundException", message, **details)


def unknown_resource_exception(message: str, **details: Any) -> ServiceError:
    """AWS RAM's UnknownResourceException."""
    return ServiceError("UnknownResourceException", message, **details)
