"""Policy evaluation: may this principal make this request?

Identity-based policies (IAM User Guide, "Policy evaluation logic"): every request starts
denied (implicit deny); a statement that allows it overrides that (explicit allow); a
statement that denies it overrides any allow (explicit deny). A request about several
resources must be allowed for each of them.

``PolicySet`` holds a principal's policies compiled once; it keeps, per action, the
statements about the action, and the decision itself when no statement about it depends
on the resource or a condition: a principal's repeated calls cost a dictionary lookup.

Resource-based policies (a bucket or topic policy: ``Principal``/``NotPrincipal``) are
evaluated by ``resource_policy_verdict``, and ``authorize`` combines both as AWS does: inside
one account either may allow, across accounts both must, and an explicit deny in either wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.access.conditions import Lookup, all_hold
from simulator.access.policy import Policy, Statement

ALLOWED, DENIED = "allowed", "denied"
_NO_CONTEXT: Mapping[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to a request.

    Attributes:
        allowed: Whether the request may go ahead.
        statement: The label of the statement that decided it (the denying statement, or
            the first allowing one); empty for an implicit deny.
        explicit: Whether a Deny statement decided it.
    """

    allowed: bool
    statement: str = ""
    explicit: bool = False

    @property
    def decision(self) -> str:
        """``"allowed"`` or ``"denied"``."""
        return ALLOWED if self.allowed else DENIED


IMPLICIT_DENY = Decision(False)


class Context(Protocol):
    """Condition keys worked out on demand: ``get(key)`` gives a key's value or None."""

    def get(self, key: str, default: Any = None) -> Any:
        """The value of the condition key ``key`` (lower case), or ``default``."""
        ...


@dataclass(slots=True)
class AccessRequest:
    """What a call asks to do.

    Attributes:
        action: ``<service prefix>:<operation>`` (``license-manager:DeleteLicenseConfiguration``).
        resources: The ARNs the action applies to (``"*"`` for an action on no particular
            resource).
        context: Condition keys of the request (lower case): ``aws:principalaccount``,
            ``aws:requestedregion``, ``aws:currenttime``, ``aws:requesttag/<key>`` ... (a
            mapping, or any object with ``get`` that works them out when asked).
        resource_context: The condition keys of one resource (its tags as
            ``aws:resourcetag/<key>``), asked only when a condition needs them.
    """

    action: str
    resources: tuple[str, ...] = ("*",)
    context: Mapping[str, Any] | Context = field(default_factory=dict)
    resource_context: Callable[[str], Mapping[str, Any]] | None = None

    def lookup(self, resource: str) -> Lookup:
        """The condition key lookup for this request about ``resource``."""
        context, per_resource = self.context, self.resource_context
        cache: list[Mapping[str, Any]] = []

        def lookup(key: str) -> Any:
            value = context.get(key)
            if value is None and per_resource is not None:
                if not cache:
                    cache.append(per_resource(resource) or _NO_CONTEXT)
                value = cache[0].get(key)
            return value

        return lookup


def _matches(statement: Statement, resource: str, lookup: Lookup) -> bool:
    return statement.covers(resource) and (not statement.conditions or all_hold(statement.conditions, lookup))


@dataclass(frozen=True, slots=True)
class _ActionPlan:
    denies: tuple[Statement, ...]
    allows: tuple[Statement, ...]
    fixed: Decision | None


class PolicySet:
    """A principal's identity-based policies, compiled, with decisions cached per action.

    A PolicySet never changes: when a principal's policies change, make a new one.

    Args:
        policies: The policies (inline, attached, and those of the principal's groups).
    """

    __slots__ = ("_plans", "policies", "statements")

    def __init__(self, policies: Iterable[Policy]) -> None:
        self.policies = tuple(policies)
        self.statements = tuple(s for p in self.policies for s in p.statements)
        self._plans: dict[str, _ActionPlan] = {}

    def _plan(self, action: str) -> _ActionPlan:
        about = [s for s in self.statements if s.about(action)]
        denies = tuple(s for s in about if s.deny)
        allows = tuple(s for s in about if not s.deny)
        fixed = None
        if all(s.fixed for s in about):
            if denies:
                fixed = Decision(False, denies[0].label, True)
            elif allows:
                fixed = Decision(True, allows[0].label)
            else:
                fixed = IMPLICIT_DENY
        plan = self._plans[action] = _ActionPlan(denies, allows, fixed)
        return plan

    def fixed_decision(self, action: str) -> Decision | None:
        """The decision on every request for ``action``, when it depends on nothing but the
        action (no statement about it names resources or has conditions); None otherwise."""
        plan = self._plans.get(action) or self._plan(action)
        return plan.fixed

    def evaluate(self, request: AccessRequest) -> Decision:
        """The decision on ``request`` under these policies alone.

        A statement's conditions on the request are checked once; only those on resource
        tags are checked per resource, and a resource's tags are read only then."""
        plan = self._plans.get(request.action) or self._plan(request.action)
        if plan.fixed is not None:
            return plan.fixed
        get = request.context.get
        lookups: dict[str, Lookup] = {}
        resources = request.resources
        for statement in plan.denies:
            if statement.request_conditions and not all_hold(statement.request_conditions, get):
                continue
            for resource in resources:
                if statement.covers(resource) and (not statement.resource_conditions or all_hold(
                        statement.resource_conditions, _lookup(lookups, request, resource))):
                    return Decision(False, statement.label, True)
        allows = [s for s in plan.allows if not s.request_conditions or all_hold(s.request_conditions, get)]
        first = ""
        for resource in resources:  # plain loops: this runs for every evaluated call
            for statement in allows:
                if statement.covers(resource) and (not statement.resource_conditions or all_hold(
                        statement.resource_conditions, _lookup(lookups, request, resource))):
                    first = first or statement.label
                    break
            else:
                return IMPLICIT_DENY
        return Decision(True, first)


def _lookup(lookups: dict[str, Lookup], request: AccessRequest, resource: str) -> Lookup:
    found = lookups.get(resource)
    if found is None:
        found = lookups[resource] = request.lookup(resource)
    return found


def evaluate(policies: Iterable[Policy], request: AccessRequest) -> Decision:
    """The decision on ``request`` under identity-based ``policies``."""
    return PolicySet(policies).evaluate(request)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes a request, as a resource-based policy's ``Principal`` names callers.

    Attributes:
        arn: The principal's ARN (empty for a service principal).
        account_id: Its account.
        service: A service principal (``cloudtrail.amazonaws.com``) instead of an ARN.
    """

    arn: str
    account_id: str
    service: str = ""


def resource_policy_verdict(policy: Policy, caller: Caller, request: AccessRequest) -> Decision | None:
    """What a resource-based policy says of ``request`` by ``caller``: an explicit deny, an
    allow, or None when none of its statements applies."""
    allow: Decision | None = None
    for statement in policy.statements:
        if statement.principals is not None and not statement.principals.names(
                caller.arn, caller.account_id, caller.service):
            continue
        if statement.not_principals is not None and statement.not_principals.names(
                caller.arn, caller.account_id, caller.service):
            continue
        if not statement.about(request.action):
            continue
        for resource in request.resources:
            if _matches(statement, resource, request.lookup(resource)):
                if statement.deny:
                    return Decision(False, statement.label, True)
                allow = allow or Decision(True, statement.label)
    return allow


def authorize(identity: PolicySet | None, caller: Caller, request: AccessRequest, *,
              resource_policy: Policy | None = None, resource_account: str = "") -> Decision:
    """The decision on ``request`` by ``caller`` with its identity-based policies
    (``identity``; None for an account's root user or a service principal, which have no
    identity policy to consult) and the resource's policy.

    An explicit deny in either decides. Inside the resource's account (``resource_account``,
    the caller's by default) either an identity allow, the root user, or a resource policy
    allow suffices; across accounts the resource policy must allow and so must the caller's
    identity policies (a root user's are implicit). A service principal needs the resource
    policy's allow.
    """
    own = identity.evaluate(request) if identity is not None else None
    if own is not None and own.explicit:
        return own
    verdict = resource_policy_verdict(resource_policy, caller, request) if resource_policy is not None else None
    if verdict is not None and verdict.explicit:
        return verdict
    resource_allows = verdict is not None and verdict.allowed
    if caller.service:
        return verdict if resource_allows else IMPLICIT_DENY  # type: ignore[return-value]
    identity_allows = identity is None or (own is not None and own.allowed)
    if not resource_account or resource_account == caller.account_id:
        if own is not None and own.allowed:
            return own
        if resource_allows:
            return verdict  # type: ignore[return-value]
        return Decision(True, "root") if identity is None else IMPLICIT_DENY
    if resource_allows and identity_allows:
        return own if own is not None else verdict  # type: ignore[return-value]
    return IMPLICIT_DENY
