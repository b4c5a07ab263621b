"""Policy documents, parsed and checked once into compiled statements.

An identity-based policy (attached to a user, group or role) has statements with
``Effect``, ``Action`` or ``NotAction``, ``Resource`` or ``NotResource`` and an optional
``Condition``; a resource-based policy (an S3 bucket policy, an SNS topic policy) has a
``Principal`` or ``NotPrincipal`` too. Action names ignore case; resource ARNs do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.access.conditions import Condition, PolicyError, compile_conditions
from simulator.access.wildcards import Matcher, any_of

VERSIONS = ("2012-10-17", "2008-10-17")
IDENTITY, RESOURCE = "identity", "resource"
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition",
                             "Principal", "NotPrincipal"})


def _strings(statement: Mapping[str, Any], key: str, index: int) -> tuple[str, ...]:
    value = statement[key]
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        raise PolicyError(f"Statement {index}: {key} must be a non-empty string or list of strings")
    return tuple(values)


def _check_actions(actions: tuple[str, ...], index: int) -> None:
    for action in actions:
        if action != "*" and (":" not in action or not action.split(":", 1)[0] or not action.split(":", 1)[1]):
            raise PolicyError(f"Statement {index}: action {action!r} must be prefixed by its service, as in "
                              "license-manager:ListLicenseConfigurations or ec2:*")


@dataclass(frozen=True, slots=True)
class Principals:
    """The ``Principal`` (or ``NotPrincipal``) of a resource-based policy statement.

    Attributes:
        everyone: ``"*"`` or ``{"AWS": "*"}``.
        aws: Account ids and IAM ARNs (an account id or ``arn:aws:iam::<id>:root`` stands
            for every principal of the account).
        services: Service principals (``cloudtrail.amazonaws.com``).
    """

    everyone: bool
    aws: frozenset[str]
    services: frozenset[str]

    @classmethod
    def parse(cls, value: Any, index: int) -> Principals:
        """Parse a Principal element.

        Raises:
            PolicyError: for anything but ``"*"`` or ``{"AWS"|"Service"|...: values}``.
        """
        if value == "*":
            return cls(True, frozenset(), frozenset())
        if not isinstance(value, Mapping) or not value:
            raise PolicyError(f"Statement {index}: Principal must be \"*\" or an object such as "
                              "{\"AWS\": [\"111122223333\"]} or {\"Service\": \"cloudtrail.amazonaws.com\"}")
        aws: set[str] = set()
        services: set[str] = set()
        everyone = False
        for kind, members in value.items():
            members = members if isinstance(members, list) else [members]
            if not all(isinstance(m, str) and m for m in members):
                raise PolicyError(f"Statement {index}: Principal {kind} must name principals as strings")
            if kind == "AWS":
                for member in members:
                    if member == "*":
                        everyone = True
                    else:
                        aws.add(_account_principal(member))
            elif kind == "Service":
                services.update(members)
            elif kind not in ("Federated", "CanonicalUser"):
                raise PolicyError(f"Statement {index}: Principal type {kind!r} is not AWS, Service, Federated or "
                                  "CanonicalUser")
        return cls(everyone, frozenset(aws), frozenset(services))

    def names(self, principal_arn: str, account_id: str, service: str = "") -> bool:
        """Whether the element names the principal ``principal_arn`` of ``account_id`` (or
        the service principal ``service``)."""
        if self.everyone:
            return True
        if service:
            return service in self.services
        if account_id in self.aws or principal_arn in self.aws:
            return True
        # An assumed-role session is named by its role's ARN.
        if ":assumed-role/" in principal_arn:
            role = principal_arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
            return f"arn:aws:iam::{account_id}:role/{role}" in self.aws
        return False


def _account_principal(member: str) -> str:
    """An account id stands for the account's root ARN's principals: both forms become the id."""
    if member.startswith("arn:aws:iam::") and member.endswith(":root"):
        return member.split(":")[4]
    return member


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement.

    Attributes:
        label: How decisions name it: ``<policy name>#<Sid>``, or ``<policy name>#<index>``
            (from 0) for a statement without a Sid.
        deny: Whether its effect is Deny.
        actions: Matches the actions it is about (None: ``NotAction`` is given instead).
        not_actions: Matches the actions it is not about.
        resources: Matches the resources it is about; None with ``NotResource``; None
            and ``not_resources`` None too in a resource-based policy without either.
        any_resource: Whether ``Resource`` is ``*`` and there is no ``NotResource``.
    """

    label: str
    deny: bool
    actions: Matcher | None
    not_actions: Matcher | None
    resources: Matcher | None
    not_resources: Matcher | None
    any_resource: bool
    conditions: tuple[Condition, ...]
    principals: Principals | None = None
    not_principals: Principals | None = None
    request_conditions: tuple[Condition, ...] = ()
    resource_conditions: tuple[Condition, ...] = ()

    def about(self, action: str) -> bool:
        """Whether the statement is about ``action``."""
        if self.actions is not None:
            return bool(self.actions(action))
        return not self.not_actions(action)  # type: ignore[misc]

    def covers(self, resource: str) -> bool:
        """Whether the statement's resources include ``resource``."""
        if self.resources is not None:
            return bool(self.resources(resource))
        if self.not_resources is not None:
            return not self.not_resources(resource)
        return True

    @property
    def fixed(self) -> bool:
        """Whether the statement's verdict on an action it is about depends on nothing else
        (any resource, no condition)."""
        return self.any_resource and not self.conditions


@dataclass(frozen=True)
class Policy:
    """A compiled policy document.

    Attributes:
        name: How decisions name it (a managed policy's ARN, ``user/<name>/<policy name>``
            for an inline policy).
        text: The document as given.
        statements: Its statements, in order.
    """

    name: str
    text: str
    statements: tuple[Statement, ...]

    @classmethod
    def parse(cls, document: str | Mapping[str, Any], name: str = "policy", kind: str = IDENTITY) -> Policy:
        """Parse and check a policy document (JSON text or its parsed object).

        Args:
            document: The policy.
            name: The name decisions give it.
            kind: ``"identity"`` (no Principal; a Resource or NotResource required) or
                ``"resource"`` (a Principal or NotPrincipal required).

        Raises:
            PolicyError: naming the first thing IAM would refuse.
        """
        if isinstance(document, str):
            text = document
            try:
                parsed = json.loads(document)
            except ValueError as error:
                raise PolicyError(f"The policy is not valid JSON: {error}") from None
        else:
            parsed, text = document, json.dumps(document)
        if not isinstance(parsed, Mapping) or "Statement" not in parsed:
            raise PolicyError("The policy must be a JSON object with a Statement")
        unknown = set(parsed) - {"Version", "Id", "Statement"}
        if unknown:
            raise PolicyError(f"Syntax errors in policy: unknown element {sorted(unknown)[0]!r}")
        if "Version" in parsed and parsed["Version"] not in VERSIONS:
            raise PolicyError(f"The policy's Version {parsed['Version']!r} is not {' or '.join(VERSIONS)}")
        raw = parsed["Statement"]
        raw = raw if isinstance(raw, list) else [raw]
        if not raw:
            raise PolicyError("The policy has no statement")
        statements = tuple(_statement(s, i, name, kind) for i, s in enumerate(raw))
        return cls(name=name, text=text, statements=statements)


def _statement(statement: Any, index: int, name: str, kind: str) -> Statement:
    if not isinstance(statement, Mapping):
        raise PolicyError(f"Statement {index} must be an object")
    unknown = set(statement) - _STATEMENT_KEYS
    if unknown:
        raise PolicyError(f"Syntax errors in policy: statement {index} has an unknown element "
                          f"{sorted(unknown)[0]!r}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError(f"Statement {index}: Effect must be Allow or Deny")
    if ("Action" in statement) == ("NotAction" in statement):
        raise PolicyError(f"Statement {index} must have exactly one of Action and NotAction")
    if "Resource" in statement and "NotResource" in statement:
        raise PolicyError(f"Statement {index} cannot have both Resource and NotResource")
    principal_given = "Principal" in statement or "NotPrincipal" in statement
    if kind == IDENTITY:
        if principal_given:
            raise PolicyError(f"Statement {index}: an identity-based policy must not specify a principal")
        if "Resource" not in statement and "NotResource" not in statement:
            raise PolicyError(f"Statement {index}: policy statements must contain resources (Resource or "
                              "NotResource)")
    elif not principal_given:
        raise PolicyError(f"Statement {index}: a resource-based policy statement must have a Principal or "
                          "NotPrincipal")
    key = "Action" if "Action" in statement else "NotAction"
    actions = _strings(statement, key, index)
    _check_actions(actions, index)
    resources = not_resources = None
    any_resource = False
    if "Resource" in statement:
        values = _strings(statement, "Resource", index)
        resources = any_of(values)
        any_resource = "*" in values
    elif "NotResource" in statement:
        not_resources = any_of(_strings(statement, "NotResource", index))
    else:
        any_resource = True
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"Statement {index}: Sid must be a string")
    conditions = compile_conditions(statement["Condition"]) if "Condition" in statement else ()
    per_resource = tuple(c for c in conditions if ":resourcetag/" in c.key)
    return Statement(
        label=f"{name}#{sid or index}", deny=statement["Effect"] == "Deny",
        actions=any_of(actions, ignore_case=True) if key == "Action" else None,
        not_actions=any_of(actions, ignore_case=True) if key == "NotAction" else None,
        resources=resources, not_resources=not_resources, any_resource=any_resource,
        conditions=conditions,
        request_conditions=tuple(c for c in conditions if c not in per_resource), resource_conditions=per_resource,
        principals=Principals.parse(statement["Principal"], index) if "Principal" in statement else None,
        not_principals=Principals.parse(statement["NotPrincipal"], index) if "NotPrincipal" in statement else None,
    )
