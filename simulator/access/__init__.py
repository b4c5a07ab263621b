"""IAM policy evaluation: who may call what. Policies compile once (``Policy.parse``), a
principal's set of policies caches its decisions per action (``PolicySet``), and
``authorize`` combines identity-based and resource-based policies as AWS does. Shared by the
gateway, which evaluates every call a principal makes, and by IAM
(``SimulatePrincipalPolicy``)."""

from simulator.access.conditions import PolicyError
from simulator.access.evaluator import (
    ALLOWED,
    DENIED,
    IMPLICIT_DENY,
    AccessRequest,
    Caller,
    Decision,
    PolicySet,
    authorize,
    evaluate,
    resource_policy_verdict,
)
from simulator.access.policy import IDENTITY, RESOURCE, Policy, Principals, Statement
from simulator.access.records import AccessRecord
from simulator.access.requester import Requester, root_requester, service_requester

__all__ = [
    "ALLOWED",
    "DENIED",
    "IDENTITY",
    "IMPLICIT_DENY",
    "RESOURCE",
    "AccessRecord",
    "AccessRequest",
    "Caller",
    "Decision",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Principals",
    "Requester",
    "Statement",
    "authorize",
    "evaluate",
    "resource_policy_verdict",
    "root_requester",
    "service_requester",
]
