"""The CloudTrail side of every call: who the caller is (``userIdentity``), worked out once
per client, and the event each call leaves in CloudTrail's history (one tuple appended)."""

from __future__ import annotations

from typing import Any

from simulator.core.arn import parse_arn
from simulator.world import World
from simulator.world.cloudtrail import Identity, source_ip
from simulator.world.iam import Role, User
from simulator.world.sts import Session

#: The user agent CloudTrail shows for the gateway's clients (fixed, so that a run's events
#: are the same on every machine).
USER_AGENT = "Boto3 (lmsim)"


def identity_of(world: World, account_id: str, principal: str, session: Session | None = None,
                access_key_id: str = "", user_agent: str = USER_AGENT) -> Identity | None:
    """The ``userIdentity`` of a client's calls (None for an unsigned client)."""
    if not account_id:
        return None
    address = source_ip(principal)
    if session is not None:
        role = session.role
        return Identity(kind="AssumedRole", account_id=account_id, principal_id=session.assumed_role_id,
                        arn=session.arn, access_key_id=access_key_id or session.access_key_id,
                        user_name=session.session_name, issuer=(role.arn, role.role_id, role.role_name),
                        source_ip=address, user_agent=user_agent)
    if principal.endswith(":root"):
        return Identity(kind="Root", account_id=account_id, principal_id=account_id, arn=principal,
                        access_key_id=access_key_id, source_ip=address, user_agent=user_agent)
    found = world.global_services.iam.principal(principal)
    parts = parse_arn(principal)
    name = parts.resource_id.rsplit("/", 1)[-1] if parts is not None else principal
    if isinstance(found, User):
        return Identity(kind="IAMUser", account_id=account_id, principal_id=found.user_id, arn=principal,
                        access_key_id=access_key_id, user_name=found.user_name, source_ip=address,
                        user_agent=user_agent)
    if isinstance(found, Role):
        session_name = name if ":assumed-role/" not in principal else principal.rsplit("/", 1)[-1]
        return Identity(kind="AssumedRole", account_id=account_id, principal_id=f"{found.role_id}:{session_name}",
                        arn=principal, access_key_id=access_key_id, user_name=session_name,
                        issuer=(found.arn, found.role_id, found.role_name), source_ip=address, user_agent=user_agent)
    kind = "IAMUser" if ":user/" in principal else "AssumedRole"
    return Identity(kind=kind, account_id=account_id, principal_id=name, arn=principal, access_key_id=access_key_id,
                    user_name=name, source_ip=address, user_agent=user_agent)


def web_identity_account(params: dict[str, Any]) -> str:
    """The account an unsigned AssumeRoleWithWebIdentity call is about (its role's)."""
    parts = parse_arn(str(params.get("RoleArn", "")))
    return parts.account if parts is not None else ""
