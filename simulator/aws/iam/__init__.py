"""AWS IAM operations over the world's IAM (a global service: the call's region does not
matter): roles and service-linked roles, users, groups and access keys, managed and inline
policies, and the policy simulator."""

from simulator.aws.iam import policies, roles, simulate, users  # noqa: F401  (registers the operations)
