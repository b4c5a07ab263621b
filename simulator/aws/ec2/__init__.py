"""Amazon EC2 operations, one module per resource: request parameters to world calls,
world objects to responses."""

from simulator.aws.ec2 import hosts, images, instance_types, instances, launch_templates  # noqa: F401
