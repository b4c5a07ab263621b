"""Which error codes each operation may answer with: the codes its model declares, the
errors common to every AWS API, and, for EC2 (whose model declares none), the codes of
the EC2 API reference. Strict mode refuses any other code, so every refusal stays an error
AWS itself could send."""

from __future__ import annotations

from functools import cache

from simulator.aws.models import operation_model

#: Errors every AWS API may return ("Common Errors" of the AWS API references), and the
#: simulator's answer to an operation it does not implement.
COMMON = frozenset({
    "AccessDeniedException", "IncompleteSignature", "InternalFailure", "InvalidAction", "InvalidClientTokenId",
    "NotAuthorized", "OptInRequired", "RequestExpired", "ServiceUnavailable", "ThrottlingException",
    "ValidationError", "ValidationException", "UnknownOperationException",
    # Also in the AWS common errors: requests with expired temporary credentials, and
    # requests without credentials to operations that need them.
    "ExpiredTokenException", "MissingAuthenticationToken",
    # IAM and STS (query protocol) refuse with AccessDenied where JSON services say
    # AccessDeniedException (IAM User Guide, "Troubleshooting IAM roles": "An error occurred
    # (AccessDenied) when calling the AssumeRoleWithWebIdentity operation").
    "AccessDenied",
})

#: Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" (common client errors and
#: client errors for specific actions) and "Server error codes"; the ones the simulator raises.
EC2 = frozenset({
    "AuthFailure", "DryRunOperation", "IncorrectInstanceState", "InsufficientHostCapacity", "InternalError",
    "InvalidAMIAttributeItemValue", "InvalidAMIID.Malformed", "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable",
    "InvalidAMIName.Duplicate", "InvalidAMIName.Malformed", "InvalidAction", "InvalidConversionTaskId",
    "InvalidConversionTaskId.Malformed", "InvalidHostID.Malformed", "InvalidHostID.NotFound",
    "InvalidInstanceID.Malformed", "InvalidInstanceID.NotFound", "InvalidInstanceType",
    "InvalidLaunchTemplateId.Malformed", "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.VersionNotFound",
    "InvalidLaunchTemplateName.AlreadyExistsException", "InvalidLaunchTemplateName.MalformedException",
    "InvalidLaunchTemplateName.NotFoundException", "InvalidParameter", "InvalidParameterCombination",
    "InvalidParameterValue", "InvalidPlacementGroup.Unknown", "InvalidUserID.Malformed", "InstanceLimitExceeded",
    "HostLimitExceeded", "MissingParameter", "TagLimitExceeded", "Unsupported", "UnsupportedOperation",
    "VcpuLimitExceeded", "UnauthorizedOperation",
    # networking, key pairs, volumes, tags, idempotency, instance attributes
    "CannotDelete", "DependencyViolation", "IdempotentParameterMismatch", "InsufficientFreeAddressesInSubnet",
    "InvalidGroup.Duplicate", "InvalidGroupId.Malformed", "InvalidGroup.NotFound", "InvalidGroup.Reserved",
    "InvalidID", "InvalidInstanceAttributeValue", "InvalidIPAddress.InUse", "InvalidKeyPair.Duplicate",
    "InvalidKeyPair.Format", "InvalidKeyPair.NotFound", "InvalidPermission.Duplicate", "InvalidPermission.Malformed",
    "InvalidSubnetID.NotFound", "InvalidUserData.Malformed", "InvalidVolume.NotFound", "InvalidVolumeID.Malformed",
    "InvalidVpcID.NotFound",
})

#: Amazon RDS API Reference, "Common Errors": the input errors every RDS action may answer
#: with (the RDS model declares only each operation's faults).
RDS = frozenset({"InvalidParameterValue", "InvalidParameterCombination", "MissingParameter"})

#: Amazon S3 API Reference, "Error responses" ("List of error codes"): the codes the
#: simulator answers with (the S3 model declares only a few per operation); a HEAD request
#: is refused with its bare status, which botocore reports as the code.
S3 = frozenset({
    "AccessDenied", "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty",
    "IllegalLocationConstraintException", "InternalError", "InvalidArgument", "InvalidBucketName",
    "InvalidLocationConstraint", "InvalidRange", "KeyTooLongError", "MalformedPolicy", "MethodNotAllowed",
    "NoSuchBucket", "NoSuchBucketPolicy", "NoSuchKey", "TooManyBuckets", "403", "404",
})

#: Codes AWS answers an operation with although its model does not declare them, with the
#: reason they are allowed.
UNDECLARED: dict[tuple[str, str], frozenset[str]] = {
    # EC2 refuses a launch or start that breaks a License Manager hard limit or rule with
    # License Manager's error: the License Manager User Guide, "License rules in License
    # Manager" ("you can't launch the instance"), and License Manager's LicenseUsageException.
    ("ec2", "RunInstances"): frozenset({"LicenseUsageException"}),
    ("ec2", "StartInstances"): frozenset({"LicenseUsageException"}),
}


@cache  # the model and the tables do not change while a process runs
def allowed_codes(service: str, operation: str) -> frozenset[str]:
    """The error codes ``service``'s ``operation`` may answer with."""
    declared = frozenset(
        code for shape in operation_model(service, operation).error_shapes
        for code in (shape.name, shape.metadata.get("error", {}).get("code", shape.name))
    )
    if service == "ec2":
        declared |= EC2
    elif service == "rds":
        declared |= RDS
    elif service == "s3":
        declared |= S3
    return declared | COMMON | UNDECLARED.get((service, operation), frozenset())


#: The code each service answers an internal failure with (the server error its model
#: declares), InternalFailure for services that declare none.
INTERNAL: dict[str, str] = {
    "ec2": "InternalError",
    "license-manager": "ServerInternalException",
    "organizations": "ServiceException",
    "kms": "KMSInternalException",
    "iam": "ServiceFailure",
    "ram": "ServerInternalException",
    "resource-groups": "InternalServerErrorException",
    "ssm": "InternalServerError",
    "s3": "InternalError",
    "sns": "InternalError",
}


def internal_code(service: str) -> str:
    """The error code of an internal failure of ``service``."""
    return INTERNAL.get(service, "InternalFailure")
