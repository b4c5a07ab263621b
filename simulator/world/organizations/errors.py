"""The error codes AWS Organizations answers with, one constructor per code (the name of the
AWS error shape); each returns the ServiceError to raise."""

from __future__ import annotations

from simulator.core.errors import ServiceError


def access_denied_exception(message: str) -> ServiceError:
    """AWS Organizations' AccessDeniedException."""
    return ServiceError("AccessDeniedException", message, status=403)


def account_already_registered_exception(message: str) -> ServiceError:
    """AWS Organizations' AccountAlreadyRegisteredException."""
    return ServiceError("AccountAlreadyRegisteredException", message, status=409)


def account_not_found_exception(message: str) -> ServiceError:
    """AWS Organizations' AccountNotFoundException."""
    return ServiceError("AccountNotFoundException", message, status=404)


def account_not_registered_exception(message: str) -> ServiceError:
    """AWS Organizations' AccountNotRegisteredException."""
    return ServiceError("AccountNotRegisteredException", message, status=404)


def already_in_organization_exception(message: str) -> ServiceError:
    """AWS Organizations' AlreadyInOrganizationException."""
    return ServiceError("AlreadyInOrganizationException", message, status=409)


def organizations_not_in_use_exception(message: str) -> ServiceError:
    """AWS Organizations' AWSOrganizationsNotInUseException."""
    return ServiceError("AWSOrganizationsNotInUseException", message)


def constraint_violation_exception(message: str, reason: str) -> ServiceError:
    """AWS Organizations' ConstraintViolationException with its ``Reason``."""
    return ServiceError("ConstraintViolationException", message, fields={"Reason": reason})


def duplicate_handshake_exception(message: str) -> ServiceError:
    """AWS Organizations' DuplicateHandshakeException."""
    return ServiceError("DuplicateHandshakeException", message, status=409)


def handshake_already_in_state_exception(message: str) -> ServiceError:
    """AWS Organizations' HandshakeAlreadyInStateException."""
    return ServiceError("HandshakeAlreadyInStateException", message, status=409)


def handshake_constraint_violation_exception(message: str, reason: str) -> ServiceError:
    """AWS Organizations' HandshakeConstraintViolationException with its ``Reason``."""
    return ServiceError("HandshakeConstraintViolationException", message, fields={"Reason": reason})


def handshake_not_found_exception(message: str) -> ServiceError:
    """AWS Organizations' HandshakeNotFoundException."""
    return ServiceError("HandshakeNotFoundException", message, status=404)


def invalid_handshake_transition_exception(message: str) -> ServiceError:
    """AWS Organizations' InvalidHandshakeTransitionException."""
    return ServiceError("InvalidHandshakeTransitionException", message, status=409)


def invalid_input_exception(message: str, reason: str) -> ServiceError:
    """AWS Organizations' InvalidInputException with its ``Reason``."""
    return ServiceError("InvalidInputException", message, fields={"Reason": reason})


def master_cannot_leave_organization_exception(message: str) -> ServiceError:
    """AWS Organizations' MasterCannotLeaveOrganizationException."""
    return ServiceError("MasterCannotLeaveOrganizationException", message)
