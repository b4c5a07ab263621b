"""The error codes Resource Groups answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def bad_request_exception(message: str, **details: Any) -> ServiceError:
    """Resource Groups's BadRequestException: the request includes one or more parameters that
    violate validation rules."""
    return ServiceError("BadRequestException", message, **details)


def forbidden_exception(message: str, **details: Any) -> ServiceError:
    """Resource Groups's ForbiddenException: the caller isn't authorized to make the request."""
    return ServiceError("ForbiddenException", message, **details)


def invalid_parameter_value(message: str, **details: Any) -> ServiceError:
    """Resource Groups's InvalidParameterValue."""
    return ServiceError("InvalidParameterValue", message, **details)


def not_found_exception(message: str, **details: Any) -> ServiceError:
    """Resource Groups's NotFoundException: one or more of the specified resources don't exist."""
    return ServiceError("NotFoundException", message, **details)
