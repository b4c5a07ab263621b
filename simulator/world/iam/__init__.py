"""AWS IAM (a global service): roles, their trust policies and attached managed policies."""

from simulator.world.iam.policies import MANAGED_POLICIES, ManagedPolicy, PolicyDocument
from simulator.world.iam.service import IamService, Role

__all__ = ["MANAGED_POLICIES", "IamService", "ManagedPolicy", "PolicyDocument", "Role"]
