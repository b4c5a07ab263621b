"""The error codes EC2 answers with, one constructor per code (the code is the name of
the AWS error shape or EC2's documented code); each returns the ServiceError to raise."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import ServiceError


def auth_failure(message: str, **details: Any) -> ServiceError:
    """EC2's AuthFailure."""
    return ServiceError("AuthFailure", message, **details)


def host_limit_exceeded(message: str, **details: Any) -> ServiceError:
    """EC2's HostLimitExceeded."""
    return ServiceError("HostLimitExceeded", message, **details)


def incorrect_instance_state(message: str, **details: Any) -> ServiceError:
    """EC2's IncorrectInstanceState."""
    return ServiceError("IncorrectInstanceState", message, **details)


def insufficient_host_capacity(message: str, **details: Any) -> ServiceError:
    """EC2's InsufficientHostCapacity."""
    return ServiceError("InsufficientHostCapacity", message, **details)


def invalid_ami_attribute_item_value(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidAMIAttributeItemValue."""
    return ServiceError("InvalidAMIAttributeItemValue", message, **details)


def invalid_ami_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidAMIID.NotFound."""
    return ServiceError("InvalidAMIID.NotFound", message, **details)


def invalid_ami_id_unavailable(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidAMIID.Unavailable."""
    return ServiceError("InvalidAMIID.Unavailable", message, **details)


def invalid_ami_name_duplicate(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidAMIName.Duplicate."""
    return ServiceError("InvalidAMIName.Duplicate", message, **details)


def invalid_ami_name_malformed(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidAMIName.Malformed."""
    return ServiceError("InvalidAMIName.Malformed", message, **details)


def invalid_conversion_task_id(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidConversionTaskId."""
    return ServiceError("InvalidConversionTaskId", message, **details)


def invalid_host_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidHostID.NotFound."""
    return ServiceError("InvalidHostID.NotFound", message, **details)


def invalid_instance_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidInstanceID.NotFound."""
    return ServiceError("InvalidInstanceID.NotFound", message, **details)


def invalid_instance_type(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidInstanceType."""
    return ServiceError("InvalidInstanceType", message, **details)


def invalid_launch_template_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidLaunchTemplateId.NotFound."""
    return ServiceError("InvalidLaunchTemplateId.NotFound", message, **details)


def invalid_launch_template_id_version_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidLaunchTemplateId.VersionNotFound."""
    return ServiceError("InvalidLaunchTemplateId.VersionNotFound", message, **details)


def invalid_launch_template_name_already_exists_exception(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidLaunchTemplateName.AlreadyExistsException."""
    return ServiceError("InvalidLaunchTemplateName.AlreadyExistsException", message, **details)


def invalid_launch_template_name_malformed_exception(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidLaunchTemplateName.MalformedException."""
    return ServiceError("InvalidLaunchTemplateName.MalformedException", message, **details)


def invalid_launch_template_name_not_found_exception(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidLaunchTemplateName.NotFoundException."""
    return ServiceError("InvalidLaunchTemplateName.NotFoundException", message, **details)


def invalid_parameter(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidParameter."""
    return ServiceError("InvalidParameter", message, **details)


def invalid_parameter_combination(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidParameterCombination."""
    return ServiceError("InvalidParameterCombination", message, **details)


def invalid_parameter_value(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidParameterValue."""
    return ServiceError("InvalidParameterValue", message, **details)


def invalid_placement_group_unknown(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidPlacementGroup.Unknown."""
    return ServiceError("InvalidPlacementGroup.Unknown", message, **details)


def invalid_user_id_malformed(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidUserID.Malformed."""
    return ServiceError("InvalidUserID.Malformed", message, **details)


def missing_parameter(message: str, **details: Any) -> ServiceError:
    """EC2's MissingParameter."""
    return ServiceError("MissingParameter", message, **details)


def unsupported(message: str, **details: Any) -> ServiceError:
    """EC2's Unsupported."""
    return ServiceError("Unsupported", message, **details)


def vcpu_limit_exceeded(message: str, **details: Any) -> ServiceError:
    """EC2's VcpuLimitExceeded."""
    return ServiceError("VcpuLimitExceeded", message, **details)


def cannot_delete(message: str, **details: Any) -> ServiceError:
    """EC2's CannotDelete."""
    return ServiceError("CannotDelete", message, **details)


def dependency_violation(message: str, **details: Any) -> ServiceError:
    """EC2's DependencyViolation."""
    return ServiceError("DependencyViolation", message, **details)


def idempotent_parameter_mismatch(message: str, **details: Any) -> ServiceError:
    """EC2's IdempotentParameterMismatch."""
    return ServiceError("IdempotentParameterMismatch", message, **details)


def insufficient_free_addresses_in_subnet(message: str, **details: Any) -> ServiceError:
    """EC2's InsufficientFreeAddressesInSubnet."""
    return ServiceError("InsufficientFreeAddressesInSubnet", message, **details)


def invalid_group_duplicate(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidGroup.Duplicate."""
    return ServiceError("InvalidGroup.Duplicate", message, **details)


def invalid_group_id_malformed(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidGroupId.Malformed."""
    return ServiceError("InvalidGroupId.Malformed", message, **details)


def invalid_group_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidGroup.NotFound."""
    return ServiceError("InvalidGroup.NotFound", message, **details)


def invalid_group_reserved(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidGroup.Reserved."""
    return ServiceError("InvalidGroup.Reserved", message, **details)


def invalid_id(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidID."""
    return ServiceError("InvalidID", message, **details)


def invalid_instance_attribute_value(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidInstanceAttributeValue."""
    return ServiceError("InvalidInstanceAttributeValue", message, **details)


def invalid_ip_address_in_use(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidIPAddress.InUse."""
    return ServiceError("InvalidIPAddress.InUse", message, **details)


def invalid_key_pair_duplicate(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidKeyPair.Duplicate."""
    return ServiceError("InvalidKeyPair.Duplicate", message, **details)


def invalid_key_pair_format(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidKeyPair.Format."""
    return ServiceError("InvalidKeyPair.Format", message, **details)


def invalid_key_pair_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidKeyPair.NotFound."""
    return ServiceError("InvalidKeyPair.NotFound", message, **details)


def invalid_permission_duplicate(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidPermission.Duplicate."""
    return ServiceError("InvalidPermission.Duplicate", message, **details)


def invalid_permission_malformed(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidPermission.Malformed."""
    return ServiceError("InvalidPermission.Malformed", message, **details)


def invalid_subnet_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidSubnetID.NotFound."""
    return ServiceError("InvalidSubnetID.NotFound", message, **details)


def invalid_user_data_malformed(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidUserData.Malformed."""
    return ServiceError("InvalidUserData.Malformed", message, **details)


def invalid_volume_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidVolume.NotFound."""
    return ServiceError("InvalidVolume.NotFound", message, **details)


def invalid_vpc_id_not_found(message: str, **details: Any) -> ServiceError:
    """EC2's InvalidVpcID.NotFound."""
    return ServiceError("InvalidVpcID.NotFound", message, **details)


def image_not_found(image_id: str) -> ServiceError:
    """InvalidAMIID.NotFound for one AMI id."""
    return invalid_ami_id_not_found(f"The image id '[{image_id}]' does not exist")


def not_simulated(field: str, why: str = "") -> ServiceError:
    """Unsupported for a parameter the simulator does not model, naming it."""
    return unsupported(f"The parameter {field} is not simulated{': ' + why if why else ''}; leave it out or give "
                       "its default")
