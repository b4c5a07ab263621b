"""Who made a call, as CloudTrail's ``userIdentity`` element describes it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Identity:
    """A caller: an account's root user, an IAM user, an assumed role, or an AWS service
    acting through a service-linked role.

    Attributes:
        kind: ``Root``, ``IAMUser``, ``AssumedRole`` or ``AWSService``.
        principal_id: The account id (root), the user's unique id, ``<role id>:<session>``.
        arn: The principal's ARN (empty for a service).
        user_name: The IAM user's name (root: empty; an assumed role: its session name).
        issuer: For an assumed role, ``(role ARN, role id, role name)``.
        invoked_by: For a service, its service principal (``license-manager.amazonaws.com``).
        source_ip: The address the calls come from.
        user_agent: The client's user agent.
    """

    kind: str
    account_id: str
    principal_id: str = ""
    arn: str = ""
    access_key_id: str = ""
    user_name: str = ""
    issuer: tuple[str, str, str] | None = None
    invoked_by: str = ""
    source_ip: str = ""
    user_agent: str = ""

    def element(self) -> dict[str, Any]:
        """The ``userIdentity`` element of an event record."""
        if self.kind == "AWSService":
            return {"type": "AWSService", "invokedBy": self.invoked_by}
        element: dict[str, Any] = {"type": self.kind, "principalId": self.principal_id, "arn": self.arn,
                                   "accountId": self.account_id}
        if self.access_key_id:
            element["accessKeyId"] = self.access_key_id
        if self.kind == "IAMUser":
            element["userName"] = self.user_name
        if self.issuer is not None:
            role_arn, role_id, role_name = self.issuer
            element["sessionContext"] = {"sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role_arn,
                                                           "accountId": self.account_id, "userName": role_name},
                                         "attributes": {"mfaAuthenticated": "false"}}
        return element

    @property
    def username(self) -> str:
        """What LookupEvents calls the user: the IAM user's name, the session name of an
        assumed role, ``root``, or the service."""
        if self.kind == "Root":
            return "root"
        if self.kind == "AWSService":
            return self.invoked_by
        return self.user_name


def source_ip(principal: str) -> str:
    """A stable documentation address (RFC 5737) for a principal's calls."""
    digest = hashlib.blake2b(principal.encode(), digest_size=2).digest()
    return f"198.51.100.{1 + digest[0] % 254}"
