"""Who a request over HTTP acts as, from its access key id (the signature is not checked).

An access key id of 12 digits acts as that account's root user, as LocalStack does (an
account the simulation does not know yet is added on first use); an IAM user's active access
key (IAM CreateAccessKey) acts as the user; the key of an STS session acts as its assumed
role, with the session token it was issued with. ``AccessKeys.register`` binds further keys
to principals, so a service that issues keys extends this lookup without touching the HTTP
layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from simulator.world.iam.user import AccessKey
from simulator.world.sts import Session

_ACCOUNT_KEY = re.compile(r"^\d{12}$")


class UnknownAccessKey(Exception):
    """The access key id, or its session token, is not one this simulation issued."""


@dataclass(frozen=True)
class Identity:
    """The caller of a request: account, principal ARN, for temporary credentials the STS
    session, and the access key the gateway notes for an IAM user or a session (empty for an
    account's root). An unsigned request has an empty ``account_id``."""

    account_id: str
    principal: str
    session: Session | None = None
    key_id: str = ""


ANONYMOUS = Identity("", "")


class AccessKeys:
    """The access key ids a simulation answers to, beyond accounts' 12-digit ids and STS
    sessions (which it finds in the world by themselves)."""

    def __init__(self) -> None:
        self._keys: dict[str, Identity] = {}

    def register(self, access_key_id: str, account_id: str, principal: str) -> None:
        """Bind ``access_key_id`` to ``principal`` of ``account_id`` (an IAM user's key)."""
        self._keys[access_key_id] = Identity(account_id, principal)

    def forget(self, access_key_id: str) -> None:
        """Stop answering to ``access_key_id`` (a deleted or deactivated key)."""
        self._keys.pop(access_key_id, None)

    def resolve(self, access_key_id: str, session_token: str, sessions: dict[str, Session],
                iam_key: Callable[[str], AccessKey | None] | None = None) -> Identity:
        """The identity ``access_key_id`` (with ``session_token`` for temporary credentials)
        acts as; ``sessions`` are the STS sessions by access key id, ``iam_key`` finds an IAM
        user's active access key.

        Raises:
            UnknownAccessKey: for a key that is neither 12 digits, nor registered, nor of an
                STS session with that token.
        """
        if not access_key_id:
            return ANONYMOUS
        if _ACCOUNT_KEY.match(access_key_id):
            return Identity(access_key_id, f"arn:aws:iam::{access_key_id}:root")
        known = self._keys.get(access_key_id)
        if known is not None:
            return known
        key = iam_key(access_key_id) if iam_key is not None else None
        if key is not None:
            return Identity(key.user.account_id, key.user.arn, key_id=access_key_id)
        session = sessions.get(access_key_id)
        if session is None or session.session_token != session_token:
            raise UnknownAccessKey(f"The security token included in the request is invalid: access key "
                                   f"{access_key_id} is neither a 12-digit account id nor a key this simulation "
                                   "issued")
        return Identity(session.account_id, session.arn, session, access_key_id)
