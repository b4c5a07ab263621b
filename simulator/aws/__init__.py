"""The API adapters: boto3 requests in, world and engine calls, AWS-shaped responses out.

Importing this package registers every operation the simulator serves.
"""

from simulator.aws import (  # noqa: F401  (registers the operations)
    autoscaling,
    cloudtrail,
    ec2,
    iam,
    kms,
    license_manager,
    organizations,
    ram,
    rds,
    resource_groups,
    s3,
    sns,
    ssm,
    sts,
)
from simulator.aws.dispatch import OPERATIONS, Backends, Call, implemented, operation
from simulator.aws.gateway import Gateway

__all__ = ["OPERATIONS", "Backends", "Call", "Gateway", "implemented", "operation"]
