"""AWS IAM (a global service): users, groups, roles, access keys, managed and inline
policies, service-linked roles, and the compiled policies of each principal."""

from simulator.world.iam.managed_policies import AWS_MANAGED_POLICIES, ISV_POLICY
from simulator.world.iam.managed_policy import ManagedPolicy, PolicyVersion
from simulator.world.iam.policy import PolicyDocument
from simulator.world.iam.role import Role
from simulator.world.iam.service import IamService
from simulator.world.iam.service_linked import LINKED_ROLES, DeletionTask, LinkedRole, ServiceLinkedRoles
from simulator.world.iam.user import AccessKey, Group, User

__all__ = [
    "AWS_MANAGED_POLICIES",
    "ISV_POLICY",
    "LINKED_ROLES",
    "AccessKey",
    "DeletionTask",
    "Group",
    "IamService",
    "LinkedRole",
    "ManagedPolicy",
    "PolicyDocument",
    "PolicyVersion",
    "Role",
    "ServiceLinkedRoles",
    "User",
]
