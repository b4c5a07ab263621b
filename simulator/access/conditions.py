"""The ``Condition`` element of a policy statement: its operators, compiled once.

A condition block maps operators to ``{key: value or [values]}``. Every operator of a block
must hold, and every key under an operator; the values given for one key are alternatives
(any may match; for a negated operator, none may). Condition key names ignore case.

Operators: ``StringEquals``, ``StringNotEquals``, ``StringEqualsIgnoreCase``,
``StringNotEqualsIgnoreCase``, ``StringLike``, ``StringNotLike``, ``NumericEquals``,
``NumericNotEquals``, ``NumericLessThan``, ``NumericLessThanEquals``, ``NumericGreaterThan``,
``NumericGreaterThanEquals``, ``DateEquals``, ``DateNotEquals``, ``DateLessThan``,
``DateLessThanEquals``, ``DateGreaterThan``, ``DateGreaterThanEquals``, ``Bool``,
``ArnEquals``, ``ArnLike``, ``ArnNotEquals``, ``ArnNotLike`` and ``Null``; each (but Null)
with an ``...IfExists`` form, and the ``ForAnyValue:`` and ``ForAllValues:`` qualifiers for
keys with several values (``aws:TagKeys``).

A key the request does not carry: the condition is false, true for a negated operator
(IAM User Guide, "Condition operators"), true in the ``IfExists`` form; ``ForAllValues``
holds over no values, ``ForAnyValue`` does not.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from simulator.access.wildcards import arn_like, compile_pattern

#: Looks a condition key (lower case) up in the request: its value, or None when absent.
Lookup = Callable[[str], Any]


class PolicyError(ValueError):
    """A policy document IAM would refuse as malformed, naming what is wrong."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _epoch(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value)
    number = _number(text)
    if number is not None:
        return number
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.timestamp()


def _ignoring_case(pattern: str) -> Callable[[str], bool]:
    folded = pattern.lower()
    return lambda value: value.lower() == folded


_STRING_TESTS: dict[str, tuple[bool, Callable[[str], Callable[[str], bool]]]] = {
    "StringEquals": (False, lambda p: p.__eq__),
    "StringNotEquals": (True, lambda p: p.__eq__),
    "StringEqualsIgnoreCase": (False, _ignoring_case),
    "StringNotEqualsIgnoreCase": (True, _ignoring_case),
    "StringLike": (False, lambda p: compile_pattern(p)),
    "StringNotLike": (True, lambda p: compile_pattern(p)),
    "ArnEquals": (False, lambda p: p.__eq__),
    "ArnNotEquals": (True, lambda p: p.__eq__),
    "ArnLike": (False, lambda p: partial(arn_like, p)),
    "ArnNotLike": (True, lambda p: partial(arn_like, p)),
}
_ORDERED: dict[str, Callable[[float, float], bool]] = {
    "Equals": op.eq, "NotEquals": op.eq, "LessThan": op.lt, "LessThanEquals": op.le, "GreaterThan": op.gt,
    "GreaterThanEquals": op.ge,
}


def _on_text(test: Callable[[str], bool], lower: bool = False) -> Callable[[Any], bool]:
    """``test`` applied to a request value as text."""
    if lower:
        return lambda value: bool(test(_text(value).lower()))
    return lambda value: bool(test(value if value.__class__ is str else _text(value)))


def _ordered(convert: Callable[[Any], float | None], compare: Callable[[float, float], bool],
             bound: float) -> Callable[[Any], bool]:
    """A numeric or date comparison of a request value with ``bound``."""
    def test(value: Any) -> bool:
        number = convert(value)
        return number is not None and compare(number, bound)
    return test


@dataclass(frozen=True, slots=True)
class Condition:
    """One key under one operator, compiled."""

    operator: str
    key: str
    tests: tuple[Callable[[Any], bool], ...]
    negated: bool
    if_exists: bool
    qualifier: str

    def holds(self, lookup: Lookup) -> bool:
        """Whether the condition holds for the request ``lookup`` reads."""
        value = lookup(self.key)
        if self.operator == "Null":
            absent = value is None or value == []
            return any(test(absent) for test in self.tests)
        if value is None or value == []:
            if self.if_exists or self.qualifier == "ForAllValues":
                return True
            return False if self.qualifier == "ForAnyValue" else self.negated
        values = value if isinstance(value, (list, tuple)) else (value,)
        tests, negated = self.tests, self.negated
        results = (any(test(v) for test in tests) != negated for v in values)
        return all(results) if self.qualifier == "ForAllValues" else any(results)


def _compile_one(operator: str, key: str, expected: Any) -> Condition:
    qualifier, _, base = operator.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise PolicyError(f"Condition operator {operator!r}: the qualifier must be ForAnyValue or ForAllValues")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base.removesuffix("IfExists")
    values = expected if isinstance(expected, list) else [expected]
    if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
        raise PolicyError(f"Condition {operator} on {key}: values must be strings, numbers or booleans")
    tests: list[Callable[[Any], bool]] = []
    negated = False
    if base in _STRING_TESTS:
        negated, make = _STRING_TESTS[base]
        if base in ("StringEquals", "StringNotEquals"):
            # one lookup among the values instead of one comparison with each
            tests = [_on_text(frozenset(map(_text, values)).__contains__)]
        else:
            tests = [_on_text(make(text)) for text in map(_text, values)]
    elif base.startswith(("Numeric", "Date")) and base.removeprefix("Numeric").removeprefix("Date") in _ORDERED:
        kind = "Numeric" if base.startswith("Numeric") else "Date"
        relation = base[len(kind):]
        negated = relation == "NotEquals"
        convert = _number if kind == "Numeric" else _epoch
        for raw in values:
            bound = convert(raw)
            if bound is None:
                raise PolicyError(f"Condition {operator} on {key}: {raw!r} is not a "
                                  f"{'number' if kind == 'Numeric' else 'date'}")
            tests.append(_ordered(convert, _ORDERED[relation], bound))
    elif base in ("Bool", "Null"):
        if base == "Null" and (if_exists or qualifier):
            raise PolicyError("Condition operator Null has no IfExists or set form")
        for raw in values:
            wanted = _text(raw).lower()
            if wanted not in ("true", "false"):
                raise PolicyError(f"Condition {base} on {key}: {raw!r} is not true or false")
            tests.append(_on_text(wanted.__eq__, lower=True) if base == "Bool" else (wanted == "true").__eq__)
    else:
        raise PolicyError(f"Condition operator {operator!r} is not supported; operators: String*, Numeric*, "
                          "Date*, Bool, Arn*, Null, with ...IfExists and ForAnyValue:/ForAllValues:")
    return Condition(operator=base, key=key.lower(), tests=tuple(tests), negated=negated, if_exists=if_exists,
                     qualifier=qualifier)


def compile_conditions(block: Any) -> tuple[Condition, ...]:
    """The conditions of a statement's ``Condition`` element.

    Raises:
        PolicyError: for a block that is not ``{operator: {key: values}}`` or an unknown
            operator.
    """
    if not isinstance(block, Mapping):
        raise PolicyError("Condition must be an object of {operator: {key: value}}")
    conditions = []
    for operator, tests in block.items():
        if not isinstance(tests, Mapping) or not tests:
            raise PolicyError(f"Condition {operator} must be an object of {{key: value}}")
        for key, expected in tests.items():
            if not isinstance(key, str) or not key:
                raise PolicyError(f"Condition {operator} has an empty key")
            conditions.append(_compile_one(str(operator), key, expected))
    return tuple(conditions)


def all_hold(conditions: tuple[Condition, ...], lookup: Lookup) -> bool:
    """Whether every condition holds."""
    return all(condition.holds(lookup) for condition in conditions)
