"""Trust policies: which web identities may assume a role (permission policies are
compiled and evaluated by ``simulator.access``)."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.world.iam.errors import malformed_policy_document

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _matches(pattern: str, value: str) -> bool:
    """IAM's wildcard match (``*`` and ``?``), case-insensitive as action names are."""
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


@dataclass(frozen=True)
class PolicyDocument:
    """A parsed policy document: its statements as AWS wrote them."""

    text: str
    statements: tuple[Mapping[str, Any], ...]

    @classmethod
    def parse(cls, text: str) -> PolicyDocument:
        """Parse a JSON policy document.

        Raises:
            ServiceError: MalformedPolicyDocument for text that is not JSON, lacks
                ``Statement``, or has a statement without a valid ``Effect`` or ``Action``.
        """
        try:
            document = json.loads(text)
        except ValueError as error:
            raise malformed_policy_document(f"The policy is not valid JSON: {error}") from None
        if not isinstance(document, dict) or "Statement" not in document:
            raise malformed_policy_document("The policy document has no Statement")
        statements = tuple(_as_list(document["Statement"]))
        for index, statement in enumerate(statements):
            if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
                raise malformed_policy_document(f"Statement {index}: Effect must be Allow or Deny")
            if "Action" not in statement and "NotAction" not in statement:
                raise malformed_policy_document(f"Statement {index} has no Action")
        return cls(text=text, statements=statements)

    def _acts_on(self, statement: Mapping[str, Any], action: str) -> bool:
        if "NotAction" in statement:
            return not any(_matches(p, action) for p in _as_list(statement["NotAction"]))
        return any(_matches(p, action) for p in _as_list(statement["Action"]))

    def allows(self, action: str) -> bool | None:
        """True if a statement allows ``action``, False if one denies it, None if none says."""
        verdict = None
        for statement in self.statements:
            if self._acts_on(statement, action):
                if statement["Effect"] == "Deny":
                    return False
                verdict = True
        return verdict

    def trusts_web_identity(self, provider: str, claims: Mapping[str, Any]) -> bool:
        """Whether this trust policy lets a web identity of ``provider`` (such as
        ``openid-license-manager.amazonaws.com``) with ``claims`` assume the role: an Allow
        statement for ``sts:AssumeRoleWithWebIdentity`` whose ``Federated`` principal is the
        provider and whose conditions on ``<provider>:sub``, ``:aud`` and ``:amr`` all hold,
        and no such Deny."""
        allowed = False
        for statement in self.statements:
            principal = statement.get("Principal")
            federated = _as_list(principal.get("Federated", [])) if isinstance(principal, dict) else []
            if provider not in federated or not self._acts_on(statement, WEB_IDENTITY_ACTION):
                continue
            if not _conditions_hold(statement.get("Condition", {}), provider, claims):
                continue
            if statement["Effect"] == "Deny":
                return False
            allowed = True
        return allowed


def _conditions_hold(conditions: Any, provider: str, claims: Mapping[str, Any]) -> bool:
    """StringEquals and StringLike (and their ForAnyValue forms) on the provider's claim keys;
    any other operator or key is not satisfied, so an unknown condition never grants."""
    if not isinstance(conditions, dict):
        return False
    for operator, tests in conditions.items():
        base = operator.removeprefix("ForAnyValue:")
        if base not in ("StringEquals", "StringLike") or not isinstance(tests, dict):
            return False
        for key, expected in tests.items():
            if not key.startswith(f"{provider}:"):
                return False
            actual = claims.get(key[len(provider) + 1:])
            values = [str(v) for v in _as_list(actual)] if actual is not None else []
            patterns = [str(p) for p in _as_list(expected)]
            if base == "StringEquals":
                ok = any(v == p for v in values for p in patterns)
            else:
                ok = any(fnmatch.fnmatchcase(v, p) for v in values for p in patterns)
            if not ok:
                return False
    return True
