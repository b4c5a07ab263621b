"""Amazon EC2 Auto Scaling operations, one module per resource: groups, instances and
activities, scheduled actions, instance refreshes."""

from simulator.aws.autoscaling import activities, groups, refreshes, schedules  # noqa: F401
