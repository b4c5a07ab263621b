"""IAM of every account (IAM is global): users, groups, roles, their access keys, and the
compiled policies of each principal that the gateway evaluates every call against.

Managed and inline policies are in ``policies``, service-linked roles in ``service_linked``.
A principal's policies are compiled into one ``PolicySet`` when first asked for and kept
until any policy, attachment or group membership changes.
"""

from __future__ import annotations

import re
import string

from simulator.access import AccessRequest, PolicySet
from simulator.core.arn import parse_arn
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.validation import check_tags
from simulator.world.iam.errors import (
    delete_conflict,
    entity_already_exists,
    invalid_input,
    limit_exceeded,
    no_such_entity,
)
from simulator.world.iam.names import check_name, check_path
from simulator.world.iam.policies import Policies
from simulator.world.iam.policy import PolicyDocument
from simulator.world.iam.role import Role
from simulator.world.iam.service_linked import ServiceLinkedRoles
from simulator.world.iam.user import AccessKey, Group, User

UPPER_ALNUM = string.ascii_uppercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
#: IAM quotas (IAM User Guide, "IAM and AWS STS quotas").
MAX_ACCESS_KEYS = 2
MAX_GROUPS_PER_USER = 10
#: ``arn:aws:sts::<account>:assumed-role/<role>/<session>``.
_ASSUMED_ROLE = re.compile(r"arn:aws:sts::(\d{12}):assumed-role/([\w+=,.@-]+)/.+")


class IamService:
    """The IAM entities of every account.

    Attributes:
        policies: Managed and inline policies and their attachments.
        service_linked: Service-linked roles and their deletion tasks.

    Args:
        clock: The simulation clock.
        ids: The id factory.
    """

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self._clock = clock
        self._ids = ids
        self._roles: dict[tuple[str, str], Role] = {}
        self._users: dict[tuple[str, str], User] = {}
        self._groups: dict[tuple[str, str], Group] = {}
        self._keys: dict[str, AccessKey] = {}
        self._policy_sets: dict[str, PolicySet | None] = {}
        self.policies = Policies(clock, ids, self.changed)
        self.service_linked = ServiceLinkedRoles(clock, ids, self)

    def unique_id(self, prefix: str) -> str:
        """A new IAM unique id (``AIDA...`` for a user, ``AROA...`` for a role ...)."""
        return prefix + self._ids.token(f"iam-{prefix}", 17, UPPER_ALNUM)

    # -- the permissions the gateway evaluates ------------------------------------------------

    def changed(self) -> None:
        """Forget every compiled principal: a policy, an attachment or a membership changed."""
        self._policy_sets.clear()

    def policy_set(self, principal_arn: str) -> PolicySet | None:
        """The compiled identity-based policies of the user, role or assumed role
        ``principal_arn`` names (a user's groups' too), or None if IAM has no such principal."""
        found = self._policy_sets.get(principal_arn, False)
        if found is not False:
            return found  # type: ignore[return-value]
        entity = self.principal(principal_arn)
        policy_set = None
        if isinstance(entity, User):
            policies = [*entity.inline.values(), *(p.document for p in entity.attached)]
            for group in entity.groups:
                policies += [*group.inline.values(), *(p.document for p in group.attached)]
            policy_set = PolicySet(policies)
        elif isinstance(entity, Role):
            policy_set = PolicySet([*entity.inline.values(), *(p.document for p in entity.attached)])
        self._policy_sets[principal_arn] = policy_set
        return policy_set

    def principal(self, arn: str) -> User | Role | None:
        """The user or role an ARN names (a role for an assumed-role ARN), or None."""
        assumed = _ASSUMED_ROLE.fullmatch(arn)
        if assumed is not None:
            return self._roles.get((assumed[1], assumed[2].lower()))
        parts = parse_arn(arn)
        if parts is None or parts.service != "iam":
            return None
        name = parts.resource_id.rsplit("/", 1)[-1].lower()
        found: User | Role | None = None
        if parts.resource_type == "user":
            found = self._users.get((parts.account, name))
        elif parts.resource_type == "role":
            found = self._roles.get((parts.account, name))
        return found if found is not None and found.arn == arn else None

    # -- roles --------------------------------------------------------------------------------

    def create_role(
        self, account_id: str, role_name: str, trust_policy: str, *, path: str = "/", description: str = "",
        max_session_duration: int = 3600, tags: dict[str, str] | None = None, service_name: str | None = None,
    ) -> Role:
        """CreateRole.

        Raises:
            ServiceError: EntityAlreadyExists (names are unique per account, ignoring case),
                MalformedPolicyDocument for a bad trust policy, InvalidInput for a bad path,
                session duration or tag.
        """
        check_path(path)
        check_name("RoleName", role_name)
        if not 3600 <= max_session_duration <= 43200:
            raise invalid_input(f"MaxSessionDuration must be from 3600 to 43200 seconds, got {max_session_duration}")
        document = PolicyDocument.parse(trust_policy)
        check_tags(tags or {}, "Tags", code="InvalidInput", limit_code="LimitExceeded")
        key = (account_id, role_name.lower())
        if key in self._roles:
            raise entity_already_exists(f"Role with name {role_name} already exists.", status=409)
        role = Role(
            account_id=account_id, role_name=role_name, role_id=self.unique_id("AROA"), path=path,
            arn=f"arn:aws:iam::{account_id}:role{path}{role_name}", trust_policy=document,
            description=description, max_session_duration=max_session_duration, created_at=self._clock.now(),
            tags=dict(tags or {}), service_name=service_name,
        )
        self._roles[key] = role
        self.changed()
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

    def find_role(self, account_id: str, role_name: str) -> Role | None:
        """The role ``role_name`` of the account, or None."""
        return self._roles.get((account_id, role_name.lower()))

    def roles(self, account_id: str, path_prefix: str = "/") -> list[Role]:
        """ListRoles: the account's roles under ``path_prefix``, by name."""
        return sorted((r for (a, _), r in self._roles.items() if a == account_id and r.path.startswith(path_prefix)),
                      key=lambda r: r.role_name.lower())

    def role_by_arn(self, arn: str) -> Role | None:
        """The role an ARN names, or None."""
        found = self.principal(arn)
        return found if isinstance(found, Role) and found.arn == arn else None

    def remove_role(self, role: Role) -> None:
        """Forget ``role`` (a deleted service-linked role)."""
        self._roles.pop((role.account_id, role.role_name.lower()), None)
        self.changed()

    def attach_role_policy(self, account_id: str, role_name: str, policy_arn: str) -> None:
        """AttachRolePolicy (attaching a policy again changes nothing).

        Raises:
            ServiceError: NoSuchEntity, PolicyNotAttachable, LimitExceeded, UnmodifiableEntity.
        """
        self.policies.attach(self.role(account_id, role_name), account_id, policy_arn)

    def role_allows(self, role: Role, action: str) -> bool:
        """Whether the role's policies allow ``action`` (``service:Operation``) on any
        resource: an explicit Deny wins, and nothing is allowed unless a policy says so."""
        policy_set = self.policy_set(role.arn)
        return policy_set is not None and policy_set.evaluate(AccessRequest(action)).allowed

    # -- users and groups ---------------------------------------------------------------------

    def create_user(self, account_id: str, user_name: str, *, path: str = "/",
                    tags: dict[str, str] | None = None) -> User:
        """CreateUser.

        Raises:
            ServiceError: InvalidInput, EntityAlreadyExists (names ignore case), LimitExceeded.
        """
        check_path(path)
        check_name("UserName", user_name)
        check_tags(tags or {}, "Tags", code="InvalidInput", limit_code="LimitExceeded")
        key = (account_id, user_name.lower())
        if key in self._users:
            raise entity_already_exists(f"User with name {user_name} already exists.", status=409)
        user = User(account_id=account_id, user_name=user_name, user_id=self.unique_id("AIDA"), path=path,
                    arn=f"arn:aws:iam::{account_id}:user{path}{user_name}", created_at=self._clock.now(),
                    tags=dict(tags or {}))
        self._users[key] = user
        self.changed()
        return user

    def user(self, account_id: str, user_name: str) -> User:
        """GetUser.

        Raises:
            ServiceError: NoSuchEntity.
        """
        user = self._users.get((account_id, user_name.lower()))
        if user is None:
            raise no_such_entity(f"The user with name {user_name} cannot be found.", status=404)
        return user

    def users(self, account_id: str, path_prefix: str = "/") -> list[User]:
        """ListUsers: the account's users under ``path_prefix``, by name."""
        return sorted((u for (a, _), u in self._users.items() if a == account_id and u.path.startswith(path_prefix)),
                      key=lambda u: u.user_name.lower())

    def delete_user(self, account_id: str, user_name: str) -> None:
        """DeleteUser of a user with no policies, access keys or groups left.

        Raises:
            ServiceError: NoSuchEntity, DeleteConflict naming what must go first.
        """
        user = self.user(account_id, user_name)
        left = [what for what, items in (("inline policies", user.inline), ("attached policies", user.attached),
                                         ("access keys", user.access_keys), ("groups", user.groups)) if items]
        if left:
            raise delete_conflict(f"Cannot delete entity, must delete {left[0]} first (user {user_name} still has "
                                  f"{', '.join(left)}).")
        del self._users[(account_id, user_name.lower())]
        self.changed()

    def create_group(self, account_id: str, group_name: str, *, path: str = "/") -> Group:
        """CreateGroup.

        Raises:
            ServiceError: InvalidInput, EntityAlreadyExists.
        """
        check_path(path)
        check_name("GroupName", group_name)
        key = (account_id, group_name.lower())
        if key in self._groups:
            raise entity_already_exists(f"Group with name {group_name} already exists.", status=409)
        group = Group(account_id=account_id, group_name=group_name, group_id=self.unique_id("AGPA"), path=path,
                      arn=f"arn:aws:iam::{account_id}:group{path}{group_name}", created_at=self._clock.now())
        self._groups[key] = group
        return group

    def group(self, account_id: str, group_name: str) -> Group:
        """GetGroup.

        Raises:
            ServiceError: NoSuchEntity.
        """
        group = self._groups.get((account_id, group_name.lower()))
        if group is None:
            raise no_such_entity(f"The group with name {group_name} cannot be found.", status=404)
        return group

    def add_user_to_group(self, account_id: str, group_name: str, user_name: str) -> None:
        """AddUserToGroup (adding a member again changes nothing).

        Raises:
            ServiceError: NoSuchEntity, LimitExceeded past 10 groups for a user.
        """
        group = self.group(account_id, group_name)
        user = self.user(account_id, user_name)
        if group in user.groups:
            return
        if len(user.groups) >= MAX_GROUPS_PER_USER:
            raise limit_exceeded(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}", status=409)
        user.groups.append(group)
        group.users.append(user)
        self.changed()

    # -- access keys --------------------------------------------------------------------------

    def create_access_key(self, account_id: str, user_name: str) -> AccessKey:
        """CreateAccessKey: a long-term key of the user.

        Raises:
            ServiceError: NoSuchEntity, LimitExceeded past two keys.
        """
        user = self.user(account_id, user_name)
        if len(user.access_keys) >= MAX_ACCESS_KEYS:
            raise limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}", status=409)
        key = AccessKey(access_key_id="AKIA" + self._ids.token("iam-access-key", 16, UPPER_ALNUM),
                        secret_access_key=self._ids.token("iam-secret", 40, SECRET_ALPHABET), user=user,
                        created_at=self._clock.now())
        user.access_keys.append(key)
        self._keys[key.access_key_id] = key
        return key

    def access_key(self, access_key_id: str, secret_access_key: str | None = None) -> AccessKey | None:
        """The active access key ``access_key_id`` of a user that still exists (with its
        secret, when given), or None."""
        key = self._keys.get(access_key_id)
        if key is None or key.status != "Active" or (secret_access_key is not None
                                                     and key.secret_access_key != secret_access_key):
            return None
        user = key.user
        return key if self._users.get((user.account_id, user.user_name.lower())) is user else None
