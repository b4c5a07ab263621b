"""AWS IAM (a global service): roles, their trust policies and attached managed policies."""

from simulator.world.iam.policy import MANAGED_POLICIES, ManagedPolicy, PolicyDocument
from simulator.world.iam.role import Role
from simulator.world.iam.service import IamService

__all__ = ["MANAGED_POLICIES", "IamService", "ManagedPolicy", "PolicyDocument", "Role"]
