"""Amazon EC2 operations, one module per resource: request parameters to world calls,
world objects to responses."""

from simulator.aws.ec2 import (  # noqa: F401
    hosts,
    images,
    instance_attributes,
    instance_types,
    instances,
    key_pairs,
    launch_templates,
    networking,
    tags,
    volumes,
)
