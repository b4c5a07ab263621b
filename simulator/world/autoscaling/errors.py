"""The error codes EC2 Auto Scaling answers with, one constructor per refusal (the codes are
the ``code`` of the model's fault shapes: AlreadyExists, LimitExceeded, ResourceInUse,
ScalingActivityInProgress, InstanceRefreshInProgress; bad input is ValidationError)."""

from __future__ import annotations

from simulator.core.errors import ServiceError


def validation_error(message: str) -> ServiceError:
    """ValidationError: a request Auto Scaling refuses for its content."""
    return ServiceError("ValidationError", message)


def not_simulated(field: str, why: str = "") -> ServiceError:
    """ValidationError for a parameter the simulator does not model, naming it."""
    return validation_error(f"The parameter {field} is not simulated{': ' + why if why else ''}; leave it out or "
                            "give its default")


def group_not_found(name: str) -> ServiceError:
    """ValidationError for an Auto Scaling group that does not exist."""
    return validation_error(f"AutoScalingGroup name not found - AutoScalingGroup {name} not found")


def group_already_exists(name: str) -> ServiceError:
    """AlreadyExists for a group name in use."""
    return ServiceError("AlreadyExists", f"AutoScalingGroup by this name already exists - A group with the name "
                                         f"{name} already exists")


def scheduled_action_already_exists(name: str) -> ServiceError:
    """AlreadyExists for a scheduled action name in use in the group."""
    return ServiceError("AlreadyExists", f"Scheduled Update Group Action by this name already exists - {name}")


def limit_exceeded(message: str) -> ServiceError:
    """LimitExceeded: past a quota of the account."""
    return ServiceError("LimitExceeded", message)


def resource_in_use(message: str) -> ServiceError:
    """ResourceInUse: the group still has instances."""
    return ServiceError("ResourceInUse", message)


def scaling_activity_in_progress(message: str) -> ServiceError:
    """ScalingActivityInProgress: a scaling activity or cooldown is under way."""
    return ServiceError("ScalingActivityInProgress", message)


def instance_refresh_in_progress(name: str) -> ServiceError:
    """InstanceRefreshInProgress: the group already has a refresh under way."""
    return ServiceError("InstanceRefreshInProgress", f"An Instance Refresh is already in progress and blocks the "
                                                     f"execution of this Instance Refresh for group {name}.")


def instance_not_in_group(instance_id: str) -> ServiceError:
    """ValidationError for an instance that belongs to no group of the caller."""
    return validation_error(f"Instance Id not found - No managed instance found for instance ID: {instance_id}")
