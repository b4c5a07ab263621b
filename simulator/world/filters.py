"""EC2-style Describe filters: ``Name``/``Values`` pairs, wildcards, tag filters."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from simulator.core.errors import ServiceError

T = TypeVar("T")
Getter = Callable[[Any], Any]


@lru_cache(maxsize=1024)
def _pattern(value: str) -> re.Pattern[str]:
    """EC2 filter values match whole strings; ``*`` is any run of characters, ``?`` one."""
    parts = [".*" if char == "*" else "." if char == "?" else re.escape(char) for char in value]
    return re.compile("".join(parts), re.DOTALL)


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return [s for item in value for s in _as_strings(item)]


def compile_filters(
    filters: Iterable[tuple[str, list[str]]], getters: Mapping[str, Getter], operation: str,
    *, taggable: bool = True,
) -> Callable[[Any], bool]:
    """A predicate that keeps the resources matching every filter (values within a filter
    are ORed, filters are ANDed).

    Args:
        filters: ``(name, values)`` pairs.
        getters: Filter name -> function of a resource giving its value(s). The names
            ``tag:<key>``, ``tag-key`` and ``tag-value`` work on any resource with ``tags``.
        operation: Named in the error message.
        taggable: Whether the resources have tags (tag filters are refused otherwise).

    Raises:
        ServiceError: InvalidParameterValue for an unknown filter name.
    """
    tests: list[Callable[[Any], bool]] = []
    for name, values in filters:
        # values without wildcards match by equality; the others through their patterns
        exact = frozenset(v for v in values if "*" not in v and "?" not in v)
        patterns = [_pattern(v) for v in values if "*" in v or "?" in v]
        getter: Getter | None
        if not taggable and (name.startswith("tag:") or name in ("tag-key", "tag-value")):
            getter = None
        elif name.startswith("tag:"):
            key = name[4:]
            getter = lambda r, key=key: r.tags.get(key)  # noqa: E731
        elif name == "tag-key":
            getter = lambda r: list(r.tags)  # noqa: E731
        elif name == "tag-value":
            getter = lambda r: list(r.tags.values())  # noqa: E731
        elif name in getters:
            getter = getters[name]
        else:
            getter = None
        if getter is None:
            tag_filters = ", tag:<key>, tag-key, tag-value" if taggable else ""
            raise ServiceError(
                "InvalidParameterValue",
                f"The filter '{name}' is invalid for {operation}; supported filters: "
                f"{', '.join(sorted(getters))}{tag_filters}",
            )
        tests.append(_matcher(getter, exact, patterns))
    return lambda resource: all(test(resource) for test in tests)


def _matcher(getter: Getter, exact: frozenset[str], patterns: list[re.Pattern[str]]) -> Callable[[Any], bool]:
    """Whether a resource's value (or one of its values) is one of ``exact`` or matches one
    of ``patterns``."""
    return lambda resource: any(s in exact or any(p.fullmatch(s) for p in patterns)
                                for s in _as_strings(getter(resource)))
