"""Managed policies (AWS's and the accounts' own), inline policies, and attaching them to
users, groups and roles; every change makes IAM recompile the principals it touches."""

from __future__ import annotations

import string
from collections.abc import Callable

from simulator.access import Policy, PolicyError
from simulator.core.arn import parse_arn
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.validation import check_tags
from simulator.world.iam.errors import (
    entity_already_exists,
    invalid_input,
    limit_exceeded,
    malformed_policy_document,
    no_such_entity,
    policy_not_attachable,
    unmodifiable_entity,
)
from simulator.world.iam.managed_policies import AWS_MANAGED_POLICIES
from simulator.world.iam.managed_policy import ManagedPolicy, PolicyVersion
from simulator.world.iam.names import check_name, check_path
from simulator.world.iam.role import Role
from simulator.world.iam.user import Group, User

UPPER_ALNUM = string.ascii_uppercase + string.digits
#: IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): managed policies attached to one
#: user, group or role; characters of a managed policy; of a principal's inline policies.
MAX_ATTACHED_POLICIES = 10
MAX_MANAGED_POLICY_SIZE = 6144
MAX_INLINE_SIZE = {"user": 2048, "group": 5120, "role": 10240}

Principal = User | Group | Role


def _kind(entity: Principal) -> str:
    return "user" if isinstance(entity, User) else "group" if isinstance(entity, Group) else "role"


def _name(entity: Principal) -> str:
    if isinstance(entity, User):
        return entity.user_name
    return entity.group_name if isinstance(entity, Group) else entity.role_name


def compile_policy(document: str, name: str) -> Policy:
    """A policy document compiled for evaluation.

    Raises:
        ServiceError: MalformedPolicyDocument naming what is wrong.
    """
    try:
        return Policy.parse(document, name)
    except PolicyError as error:
        raise malformed_policy_document(str(error)) from None


class Policies:
    """The customer managed policies of every account, and the policies of each principal.

    Args:
        clock: The simulation clock.
        ids: The id factory.
        changed: Called after every change (IAM recompiles the principals).
    """

    def __init__(self, clock: Clock, ids: IdFactory, changed: Callable[[], None]) -> None:
        self._clock = clock
        self._ids = ids
        self._changed = changed
        self._customer: dict[str, ManagedPolicy] = {}
        self._attachments: dict[str, int] = {}

    # -- managed policies ---------------------------------------------------------------------

    def create(self, account_id: str, name: str, document: str, *, path: str = "/", description: str = "",
               tags: dict[str, str] | None = None) -> ManagedPolicy:
        """CreatePolicy: a customer managed policy of the account (version v1).

        Raises:
            ServiceError: InvalidInput (name, path), MalformedPolicyDocument, LimitExceeded
                past 6,144 characters, EntityAlreadyExists.
        """
        check_name("PolicyName", name)
        check_path(path)
        check_tags(tags or {}, "Tags", code="InvalidInput", limit_code="LimitExceeded")
        arn = f"arn:aws:iam::{account_id}:policy{path}{name}"
        compiled = compile_policy(document, arn)
        if len("".join(document.split())) > MAX_MANAGED_POLICY_SIZE:
            raise limit_exceeded(f"Cannot exceed quota for PolicySize: {MAX_MANAGED_POLICY_SIZE}", status=409)
        if any(p.account_id == account_id and p.name.lower() == name.lower() for p in self._customer.values()):
            raise entity_already_exists(f"A policy called {name} already exists. Duplicate names are not allowed.",
                                        status=409)
        now = self._clock.now()
        policy = ManagedPolicy(name=name, arn=arn, path=path,
                               policy_id="ANPA" + self._ids.token("iam-policy", 17, UPPER_ALNUM),
                               description=description, created_at=now, versions=[PolicyVersion("v1", compiled, now)],
                               account_id=account_id, tags=dict(tags or {}))
        self._customer[arn] = policy
        return policy

    def get(self, arn: str, account_id: str | None = None) -> ManagedPolicy:
        """GetPolicy: an AWS managed policy, or a customer managed one (of ``account_id``, if
        given).

        Raises:
            ServiceError: InvalidInput for a malformed ARN, NoSuchEntity.
        """
        parts = parse_arn(arn)
        if parts is None and not arn.startswith("arn:aws:iam::aws:policy/"):
            raise invalid_input(f"ARN {arn} is not valid.")
        policy = AWS_MANAGED_POLICIES.get(arn) or self._customer.get(arn)
        if policy is None or (account_id is not None and policy.account_id not in ("aws", account_id)):
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.", status=404)
        return policy

    def attachment_count(self, policy: ManagedPolicy) -> int:
        """How many users, groups and roles the policy is attached to."""
        return self._attachments.get(policy.arn, 0)

    # -- attaching ----------------------------------------------------------------------------

    def attach(self, entity: Principal, account_id: str, arn: str, *, by_service: bool = False) -> None:
        """Attach a managed policy to a user, group or role (again: nothing changes);
        ``by_service``: a service attaching a service-linked role's policy to it.

        Raises:
            ServiceError: InvalidInput, NoSuchEntity, PolicyNotAttachable (a service-linked
                role's policy), UnmodifiableEntity (a service-linked role), LimitExceeded.
        """
        policy = self.get(arn, account_id)
        if not by_service:
            self._check_modifiable(entity)
            if policy.service_role_policy:
                raise policy_not_attachable(f"Cannot attach a Service Role Policy ({policy.name}) to a "
                                            f"{_kind(entity)}: it belongs to a service-linked role")
        if policy in entity.attached:
            return
        if len(entity.attached) >= MAX_ATTACHED_POLICIES:
            raise limit_exceeded(f"Cannot exceed quota for PoliciesPer{_kind(entity).title()}: "
                                 f"{MAX_ATTACHED_POLICIES}", status=409)
        entity.attached.append(policy)
        self._attachments[policy.arn] = self._attachments.get(policy.arn, 0) + 1
        self._changed()

    def detach(self, entity: Principal, account_id: str, arn: str) -> None:
        """Detach a managed policy.

        Raises:
            ServiceError: InvalidInput, NoSuchEntity (also for a policy not attached),
                UnmodifiableEntity.
        """
        policy = self.get(arn, account_id)
        self._check_modifiable(entity)
        if policy not in entity.attached:
            raise no_such_entity(f"Policy {arn} was not found on {_kind(entity)} {_name(entity)}.", status=404)
        entity.attached.remove(policy)
        self._attachments[policy.arn] -= 1
        self._changed()

    def forget(self, entity: Principal) -> None:
        """The entity is gone: its attachments end."""
        for policy in entity.attached:
            self._attachments[policy.arn] -= 1
        entity.attached.clear()
        self._changed()

    # -- inline policies ----------------------------------------------------------------------

    def put_inline(self, entity: Principal, name: str, document: str) -> None:
        """PutUserPolicy, PutGroupPolicy, PutRolePolicy: add or replace an inline policy.

        Raises:
            ServiceError: InvalidInput, MalformedPolicyDocument, LimitExceeded past the
                principal's inline size quota, UnmodifiableEntity.
        """
        check_name("PolicyName", name)
        self._check_modifiable(entity)
        kind = _kind(entity)
        compiled = compile_policy(document, f"{kind}/{_name(entity)}/{name}")
        size = sum(len("".join(p.text.split())) for n, p in entity.inline.items() if n != name)
        limit = MAX_INLINE_SIZE[kind]
        if size + len("".join(document.split())) > limit:
            raise limit_exceeded(f"Maximum policy size of {limit} bytes exceeded for {kind} {_name(entity)}",
                                 status=409)
        entity.inline[name] = compiled
        self._changed()

    def delete_inline(self, entity: Principal, name: str) -> None:
        """DeleteUserPolicy, DeleteRolePolicy.

        Raises:
            ServiceError: NoSuchEntity, UnmodifiableEntity.
        """
        self._check_modifiable(entity)
        if name not in entity.inline:
            raise no_such_entity(f"The {_kind(entity)} policy with name {name} cannot be found.", status=404)
        del entity.inline[name]
        self._changed()

    @staticmethod
    def _check_modifiable(entity: Principal) -> None:
        if isinstance(entity, Role) and entity.service_name is not None:
            raise unmodifiable_entity(f"Cannot perform the operation on the protected role '{entity.role_name}' - "
                                      "this role is only modifiable by AWS")
