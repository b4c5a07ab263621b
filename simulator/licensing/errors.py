"""The error codes License Manager answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def access_denied_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's AccessDeniedException: access to resource denied."""
    return ServiceError("AccessDeniedException", message, **details)


def authorization_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's AuthorizationException: the Amazon Web Services user account does not
    have permission to perform the action."""
    return ServiceError("AuthorizationException", message, **details)


def conflict_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's ConflictException: there was a conflict processing the request."""
    return ServiceError("ConflictException", message, **details)


def invalid_parameter_value(message: str, **details: Any) -> ServiceError:
    """License Manager's InvalidParameterValue."""
    return ServiceError("InvalidParameterValue", message, **details)


def invalid_resource_state_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's InvalidResourceStateException: license Manager cannot allocate a
    license to a resource because of its state."""
    return ServiceError("InvalidResourceStateException", message, **details)


def no_entitlements_allowed_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's NoEntitlementsAllowedException: there are no entitlements found for
    this license, or the entitlement maximum count is reached."""
    return ServiceError("NoEntitlementsAllowedException", message, **details)


def redirect_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's RedirectException: this is not the correct Region for the resource."""
    return ServiceError("RedirectException", message, **details)


def resource_limit_exceeded_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's ResourceLimitExceededException: your resource limits have been exceeded."""
    return ServiceError("ResourceLimitExceededException", message, **details)


def resource_not_found_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's ResourceNotFoundException: the resource cannot be found."""
    return ServiceError("ResourceNotFoundException", message, **details)


def unsupported_digital_signature_method_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's UnsupportedDigitalSignatureMethodException: the digital signature
    method is unsupported."""
    return ServiceError("UnsupportedDigitalSignatureMethodException", message, **details)


def validation_exception(message: str, **details: Any) -> ServiceError:
    """License Manager's ValidationException: the provided input is not valid."""
    return ServiceError("ValidationException", message, **details)
