"""Service-linked roles (IAM User Guide, "Using service-linked roles"; License Manager User
Guide, "Using service-linked roles for AWS License Manager"): roles a service creates in an
account and acts through, with the permissions policy only it can attach, deleted through
a deletion task that fails while the service still uses the role.

A service registers how to tell whether a role of its is in use (``register_usage``): the
resources it serves, by region. ``DeleteServiceLinkedRole`` starts a deletion task that
runs a minute later: it fails with those resources as the reason, or deletes the role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.world.iam.errors import invalid_input, no_such_entity
from simulator.world.iam.managed_policies import (
    MASTER_ACCOUNT_ROLE_POLICY,
    MEMBER_ACCOUNT_ROLE_POLICY,
    SERVICE_ROLE_POLICY,
)
from simulator.world.iam.role import Role

if TYPE_CHECKING:
    from simulator.world.iam.service import IamService

#: How long a deletion task takes (simulated seconds).
DELETION_TIME = 60.0
#: What a role in use is used for: ``(region, resource ARNs)`` pairs (empty: not in use).
Usage = list[tuple[str, list[str]]]
_TASK = re.compile(r"task/aws-service-role/[\w.-]+/[\w+=,.@-]+/[0-9a-f-]{36}")


@dataclass(frozen=True)
class LinkedRole:
    """A service-linked role a service defines: its name and permissions policy."""

    service_name: str
    role_name: str
    policy_arn: str
    description: str


#: The service-linked roles the simulator knows, by service name.
LINKED_ROLES: dict[str, LinkedRole] = {r.service_name: r for r in (
    LinkedRole("license-manager.amazonaws.com", "AWSServiceRoleForAWSLicenseManagerRole", SERVICE_ROLE_POLICY.arn,
               "Service Linked Role for AWS License Manager"),
    LinkedRole("license-manager.master-account.amazonaws.com", "AWSServiceRoleForAWSLicenseManagerMasterAccountRole",
               MASTER_ACCOUNT_ROLE_POLICY.arn, "Service Linked Role for AWS License Manager Master Account"),
    LinkedRole("license-manager.member-account.amazonaws.com", "AWSServiceRoleForAWSLicenseManagerMemberAccountRole",
               MEMBER_ACCOUNT_ROLE_POLICY.arn, "Service Linked Role for AWS License Manager Member Account"),
)}


@dataclass(eq=False)
class DeletionTask:
    """A service-linked role's deletion task.

    Attributes:
        status: NOT_STARTED, IN_PROGRESS, SUCCEEDED or FAILED.
        usage: Why it failed: the resources the role serves, by region.
    """

    task_id: str
    role: Role
    requested_at: datetime
    status: str = "IN_PROGRESS"
    reason: str = ""
    usage: Usage = field(default_factory=list)


class ServiceLinkedRoles:
    """Creates service-linked roles and runs their deletion tasks.

    Args:
        clock: The simulation clock.
        ids: The id factory.
        iam: IAM, which holds the roles.
    """

    def __init__(self, clock: Clock, ids: IdFactory, iam: IamService) -> None:
        self._clock = clock
        self._ids = ids
        self._iam = iam
        self._usage: dict[str, Callable[[str], Usage]] = {}
        self.tasks: dict[str, DeletionTask] = {}

    def register_usage(self, service_name: str, usage: Callable[[str], Usage]) -> None:
        """Ask ``usage(account_id)`` whether the account's role of ``service_name`` is in use
        before deleting it."""
        self._usage[service_name] = usage

    def role(self, account_id: str, service_name: str) -> Role | None:
        """The account's service-linked role of ``service_name``, if it exists."""
        linked = LINKED_ROLES.get(service_name)
        return None if linked is None else self._iam.find_role(account_id, linked.role_name)

    def create(self, account_id: str, service_name: str, description: str = "", custom_suffix: str | None = None,
               ) -> Role:
        """CreateServiceLinkedRole.

        Raises:
            ServiceError: InvalidInput for a service without a service-linked role, a custom
                suffix (License Manager's roles take none), or a role that already exists.
        """
        linked = LINKED_ROLES.get(service_name)
        if linked is None:
            raise invalid_input(f"AWSServiceName {service_name!r} has no service-linked role in the simulator; "
                                f"services: {', '.join(LINKED_ROLES)}")
        if custom_suffix:
            raise invalid_input(f"Custom suffix is not allowed for {service_name}")
        if self.role(account_id, service_name) is not None:
            raise invalid_input(f"Service role name {linked.role_name} has been taken in this account, please try a "
                                "different suffix.")
        return self._make(account_id, linked, description or linked.description)

    def ensure(self, account_id: str, service_name: str) -> Role | None:
        """Create the account's role of ``service_name`` if it does not exist; the new role,
        or None if it existed."""
        if self.role(account_id, service_name) is not None:
            return None
        return self._make(account_id, LINKED_ROLES[service_name], LINKED_ROLES[service_name].description)

    def _make(self, account_id: str, linked: LinkedRole, description: str) -> Role:
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": linked.service_name}, "Action": "sts:AssumeRole"}]})
        role = self._iam.create_role(account_id, linked.role_name, trust,
                                     path=f"/aws-service-role/{linked.service_name}/", description=description,
                                     service_name=linked.service_name)
        self._iam.policies.attach(role, account_id, linked.policy_arn, by_service=True)
        return role

    def delete(self, account_id: str, role_name: str) -> DeletionTask:
        """DeleteServiceLinkedRole: start the role's deletion task.

        Raises:
            ServiceError: NoSuchEntity for a role that does not exist or is not service-linked.
        """
        role = self._iam.find_role(account_id, role_name)
        if role is None or role.service_name is None:
            raise no_such_entity(f"The service-linked role with name {role_name} cannot be found.", status=404)
        task_id = (f"task/aws-service-role/{role.service_name}/{role.role_name}/"
                   f"{self._ids.uuid('iam-deletion-task')}")
        task = self.tasks[task_id] = DeletionTask(task_id=task_id, role=role, requested_at=self._clock.now())
        self._clock.call_later(DELETION_TIME, self._run, task)
        return task

    def _run(self, task: DeletionTask) -> None:
        role = task.role
        if self._iam.find_role(role.account_id, role.role_name) is not role:
            task.status = "SUCCEEDED"  # another task deleted it meanwhile
            return
        check = self._usage.get(role.service_name or "")
        usage = check(role.account_id) if check is not None else []
        if usage:
            task.status, task.usage = "FAILED", usage
            task.reason = (f"{role.service_name} still uses {role.role_name}: delete the resources it serves first "
                           f"({sum(len(arns) for _, arns in usage)} in {len(usage)} regions)")
            return
        self._iam.policies.forget(role)
        self._iam.remove_role(role)
        task.status = "SUCCEEDED"

    def status(self, task_id: str) -> DeletionTask:
        """GetServiceLinkedRoleDeletionStatus.

        Raises:
            ServiceError: InvalidInput for a malformed task id, NoSuchEntity for an unknown one.
        """
        if _TASK.fullmatch(task_id) is None:
            raise invalid_input(f"DeletionTaskId {task_id!r} is not a deletion task id "
                                "(task/aws-service-role/<service>/<role>/<id>)")
        task = self.tasks.get(task_id)
        if task is None:
            raise no_such_entity(f"Deletion task {task_id} cannot be found.", status=404)
        return task
