"""The error codes Amazon RDS answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def db_instance_already_exists(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's DBInstanceAlreadyExists."""
    return ServiceError("DBInstanceAlreadyExists", message, **details)


def db_instance_not_found(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's DBInstanceNotFound."""
    return ServiceError("DBInstanceNotFound", message, **details)


def invalid_db_instance_state(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's InvalidDBInstanceState."""
    return ServiceError("InvalidDBInstanceState", message, **details)


def invalid_option_group_state_fault(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's InvalidOptionGroupStateFault: the option group isn't in the available state."""
    return ServiceError("InvalidOptionGroupStateFault", message, **details)


def invalid_parameter_combination(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's InvalidParameterCombination."""
    return ServiceError("InvalidParameterCombination", message, **details)


def invalid_parameter_value(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's InvalidParameterValue."""
    return ServiceError("InvalidParameterValue", message, **details)


def option_group_already_exists_fault(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's OptionGroupAlreadyExistsFault: the option group you are trying to create already exists."""
    return ServiceError("OptionGroupAlreadyExistsFault", message, **details)


def option_group_not_found_fault(message: str, **details: Any) -> ServiceError:
    """Amazon RDS's OptionGroupNotFoundFault: the specified option group could not be found."""
    return ServiceError("OptionGroupNotFoundFault", message, **details)
