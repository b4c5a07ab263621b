"""The error codes AWS STS answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def access_denied(message: str, **details: Any) -> ServiceError:
    """AWS STS's AccessDenied."""
    return ServiceError("AccessDenied", message, **details)


def expired_token_exception(message: str, **details: Any) -> ServiceError:
    """AWS STS's ExpiredTokenException: the web identity token that was passed is expired or is not valid."""
    return ServiceError("ExpiredTokenException", message, **details)


def invalid_identity_token(message: str, **details: Any) -> ServiceError:
    """AWS STS's InvalidIdentityToken."""
    return ServiceError("InvalidIdentityToken", message, **details)


def validation_error(message: str, **details: Any) -> ServiceError:
    """AWS STS's ValidationError."""
    return ServiceError("ValidationError", message, **details)
