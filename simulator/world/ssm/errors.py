"""The error codes Systems Manager answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def invalid_activation(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidActivation: the activation isn't valid."""
    return ServiceError("InvalidActivation", message, **details)


def invalid_activation_id(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidActivationId: the activation ID isn't valid."""
    return ServiceError("InvalidActivationId", message, **details)


def invalid_filter(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidFilter: the filter name isn't valid."""
    return ServiceError("InvalidFilter", message, **details)


def invalid_filter_key(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidFilterKey: the specified key isn't valid."""
    return ServiceError("InvalidFilterKey", message, **details)


def invalid_instance_id(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidInstanceId: the following problems can cause this exception:
    You don't have permission to access the managed node."""
    return ServiceError("InvalidInstanceId", message, **details)


def invalid_instance_information_filter_value(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidInstanceInformationFilterValue: the specified filter value
    isn't valid."""
    return ServiceError("InvalidInstanceInformationFilterValue", message, **details)


def invalid_resource_id(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidResourceId: the resource ID isn't valid."""
    return ServiceError("InvalidResourceId", message, **details)


def invalid_type_name_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's InvalidTypeNameException: the parameter type name isn't valid."""
    return ServiceError("InvalidTypeNameException", message, **details)


def validation_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's ValidationException: the request isn't valid."""
    return ServiceError("ValidationException", message, **details)


def resource_data_sync_already_exists_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's ResourceDataSyncAlreadyExistsException: a sync of that name exists."""
    return ServiceError("ResourceDataSyncAlreadyExistsException", message, **details)


def resource_data_sync_count_exceeded_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's ResourceDataSyncCountExceededException: the account has its maximum of syncs."""
    return ServiceError("ResourceDataSyncCountExceededException", message, **details)


def resource_data_sync_invalid_configuration_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's ResourceDataSyncInvalidConfigurationException: the sync's configuration is invalid."""
    return ServiceError("ResourceDataSyncInvalidConfigurationException", message, **details)


def resource_data_sync_not_found_exception(message: str, **details: Any) -> ServiceError:
    """Systems Manager's ResourceDataSyncNotFoundException: no sync of that name."""
    return ServiceError("ResourceDataSyncNotFoundException", message, **details)
