"""IAM roles of every account: their trust policies and attached managed policies, and the
permission test of a role's sessions."""

from __future__ import annotations

import re
import string

from simulator.core.arn import parse_arn
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.validation import check_tags
from simulator.world.iam.errors import entity_already_exists, invalid_input, limit_exceeded, no_such_entity
from simulator.world.iam.policy import MANAGED_POLICIES, PolicyDocument
from simulator.world.iam.role import Role

UPPER_ALNUM = string.ascii_uppercase + string.digits
#: IAM quotas: managed policies attached to one role (IAM User Guide, "IAM and AWS STS quotas").
MAX_ATTACHED_POLICIES = 10
_PATH = re.compile(r"/|/[\x21-\x7e]+/")



class IamService:
    """The IAM roles of every account (IAM is global: one for the whole world).

    Args:
        clock: The simulation clock.
        ids: The id factory.
    """

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self._clock = clock
        self._ids = ids
        self._roles: dict[tuple[str, str], Role] = {}

    def create_role(
        self, account_id: str, role_name: str, trust_policy: str, *, path: str = "/", description: str = "",
        max_session_duration: int = 3600, tags: dict[str, str] | None = None,
    ) -> Role:
        """CreateRole.

        Raises:
            ServiceError: EntityAlreadyExists (names are unique per account, ignoring case),
                MalformedPolicyDocument for a bad trust policy, InvalidInput for a bad path,
                session duration or tag.
        """
        if _PATH.fullmatch(path) is None:
            raise invalid_input(f"Path {path!r} must begin and end with '/'")
        if not 3600 <= max_session_duration <= 43200:
            raise invalid_input(f"MaxSessionDuration must be from 3600 to 43200 seconds, got {max_session_duration}")
        document = PolicyDocument.parse(trust_policy)
        check_tags(tags or {}, "Tags", code="InvalidInput", limit_code="LimitExceeded")
        key = (account_id, role_name.lower())
        if key in self._roles:
            raise entity_already_exists(f"Role with name {role_name} already exists.", status=409)
        role = Role(
            account_id=account_id, role_name=role_name, role_id="AROA" + self._ids.token("iam-role", 17, UPPER_ALNUM),
            path=path, arn=f"arn:aws:iam::{account_id}:role{path}{role_name}", trust_policy=document,
            description=description, max_session_duration=max_session_duration, created_at=self._clock.now(),
            tags=dict(tags or {}),
        )
        self._roles[key] = role
        return role

    def role(self, account_id: str, role_name: str) -> Role:
        """GetRole.

        Raises:
            ServiceError: NoSuchEntity.
        """
        role = self._roles.get((account_id, role_name.lower()))
        if role is None:
            raise no_such_entity(f"The role with name {role_name} cannot be found.", status=404)
        return role

    def role_by_arn(self, arn: str) -> Role | None:
        """The role an ARN names, or None."""
        parts = parse_arn(arn)
        if parts is None or parts.service != "iam" or parts.resource_type != "role":
            return None
        role = self._roles.get((parts.account, parts.resource_id.rsplit("/", 1)[-1].lower()))
        return role if role is not None and role.arn == arn else None

    def attach_role_policy(self, account_id: str, role_name: str, policy_arn: str) -> None:
        """AttachRolePolicy of an AWS managed policy (attaching it again changes nothing).

        Raises:
            ServiceError: NoSuchEntity for an unknown role or policy, LimitExceeded past ten
                attached policies.
        """
        role = self.role(account_id, role_name)
        policy = MANAGED_POLICIES.get(policy_arn)
        if policy is None:
            raise no_such_entity(f"Policy {policy_arn} does not exist or is not attachable. Simulated managed "
                                 f"policies: {', '.join(MANAGED_POLICIES)}", status=404)
        if policy in role.attached:
            return
        if len(role.attached) >= MAX_ATTACHED_POLICIES:
            raise limit_exceeded(f"Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED_POLICIES}", status=409)
        role.attached.append(policy)

    def role_allows(self, role: Role, action: str) -> bool:
        """Whether the role's attached policies allow ``action`` (``service:Operation``):
        an explicit Deny wins, and nothing is allowed unless a policy says so."""
        verdicts = [p.document.allows(action) for p in role.attached]
        return False not in verdicts and True in verdicts
