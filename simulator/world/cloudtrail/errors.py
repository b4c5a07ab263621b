"""The error codes AWS CloudTrail answers with, one constructor per code (the name of the
AWS error shape); each returns the ServiceError to raise."""

from __future__ import annotations

from simulator.core.errors import ServiceError


def cloudtrail_access_not_enabled_exception(message: str) -> ServiceError:
    """CloudTrail's CloudTrailAccessNotEnabledException."""
    return ServiceError("CloudTrailAccessNotEnabledException", message)


def cloudtrail_arn_invalid_exception(message: str) -> ServiceError:
    """CloudTrail's CloudTrailARNInvalidException."""
    return ServiceError("CloudTrailARNInvalidException", message)


def invalid_lookup_attributes_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidLookupAttributesException."""
    return ServiceError("InvalidLookupAttributesException", message)


def invalid_next_token_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidNextTokenException."""
    return ServiceError("InvalidNextTokenException", message)


def invalid_s3_bucket_name_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidS3BucketNameException."""
    return ServiceError("InvalidS3BucketNameException", message)


def invalid_s3_prefix_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidS3PrefixException."""
    return ServiceError("InvalidS3PrefixException", message)


def invalid_time_range_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidTimeRangeException."""
    return ServiceError("InvalidTimeRangeException", message)


def invalid_trail_name_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidTrailNameException."""
    return ServiceError("InvalidTrailNameException", message)


def invalid_home_region_exception(message: str) -> ServiceError:
    """CloudTrail's InvalidHomeRegionException."""
    return ServiceError("InvalidHomeRegionException", message)


def maximum_number_of_trails_exceeded_exception(message: str) -> ServiceError:
    """CloudTrail's MaximumNumberOfTrailsExceededException."""
    return ServiceError("MaximumNumberOfTrailsExceededException", message)


def not_organization_master_account_exception(message: str) -> ServiceError:
    """CloudTrail's NotOrganizationMasterAccountException."""
    return ServiceError("NotOrganizationMasterAccountException", message)


def organization_not_in_all_features_mode_exception(message: str) -> ServiceError:
    """CloudTrail's OrganizationNotInAllFeaturesModeException."""
    return ServiceError("OrganizationNotInAllFeaturesModeException", message)


def organizations_not_in_use_exception(message: str) -> ServiceError:
    """CloudTrail's OrganizationsNotInUseException."""
    return ServiceError("OrganizationsNotInUseException", message)


def trail_already_exists_exception(message: str) -> ServiceError:
    """CloudTrail's TrailAlreadyExistsException."""
    return ServiceError("TrailAlreadyExistsException", message)


def trail_not_found_exception(message: str) -> ServiceError:
    """CloudTrail's TrailNotFoundException."""
    return ServiceError("TrailNotFoundException", message, status=404)
