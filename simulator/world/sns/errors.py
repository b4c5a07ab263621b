"""The error codes Amazon SNS answers with (the codes of its model's error shapes), one
constructor per code; each returns the ServiceError to raise."""

from __future__ import annotations

from simulator.core.errors import ServiceError


def authorization_error(principal: str, action: str, resource: str) -> ServiceError:
    """SNS's AuthorizationError (403), worded as SNS words it."""
    return ServiceError("AuthorizationError", f"User: {principal} is not authorized to perform: {action} on resource: "
                        f"{resource}", status=403)


def invalid_parameter(message: str) -> ServiceError:
    """SNS's InvalidParameter (400)."""
    return ServiceError("InvalidParameter", f"Invalid parameter: {message}")


def not_found(message: str) -> ServiceError:
    """SNS's NotFound (404)."""
    return ServiceError("NotFound", message, status=404)


def topic_limit_exceeded(limit: int) -> ServiceError:
    """SNS's TopicLimitExceeded (403)."""
    return ServiceError("TopicLimitExceeded", f"Topic limit exceeded: an account has at most {limit} topics per Region",
                        status=403)
