"""License Manager's list filters: each filter names a field and the values it may have
(values within a filter are ORed, filters are ANDed, values match exactly)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from simulator.core.validation import invalid

T = TypeVar("T")


def filter_by(items: Iterable[T], filters: Iterable[tuple[str, list[str]]], fields: Mapping[str, Callable[[T], Any]],
              code: str = "InvalidParameterValueException") -> list[T]:
    """The items matching every filter; ``fields`` maps each allowed filter name to the value
    of an item it tests.

    Raises:
        ServiceError: ``code`` (the operation's validation error) for a filter not in ``fields``.
    """
    tests = []
    for name, values in filters:
        if name not in fields:
            raise invalid(f"Filter {name!r} is invalid; allowed filters: {', '.join(fields)}", code)
        tests.append((fields[name], set(values)))
    return [item for item in items if all(get(item) in wanted for get, wanted in tests)]
