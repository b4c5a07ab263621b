"""License Manager's list filters: each filter names a field and the values it may have
(values within a filter are ORed, filters are ANDed, values match exactly)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from simulator.core.validation import invalid

if TYPE_CHECKING:
    from simulator.licensing.configuration import LicenseConfiguration

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


def filter_configurations(selected: Iterable[LicenseConfiguration],
                          filters: Iterable[tuple[str, Sequence[str]]] = ()) -> list[LicenseConfiguration]:
    """License configurations under ListLicenseConfigurations' filters (licenseCountingType,
    enforceLicenseCount, usagelimitExceeded; the last two ignore case).

    Raises:
        ServiceError: InvalidParameterValueException for an unknown filter.
    """
    tests: list[tuple[str, set[str]]] = []
    for name, values in filters:
        if name not in _CONFIGURATION_FILTERS:
            raise invalid(f"Filter {name!r} is invalid; allowed filters: {', '.join(_CONFIGURATION_FILTERS)}")
        tests.append((name, set(values) if name == "licenseCountingType" else {v.lower() for v in values}))
    return [c for c in selected if all(_CONFIGURATION_FILTERS[name](c) in wanted for name, wanted in tests)]


#: ListLicenseConfigurations' filters: the value each tests.
_CONFIGURATION_FILTERS: dict[str, Callable[[LicenseConfiguration], str]] = {
    "licenseCountingType": lambda c: c.counting_type,
    "enforceLicenseCount": lambda c: str(c.hard_limit).lower(),
    "usagelimitExceeded": lambda c: str(c.available is not None and c.available < 0).lower(),
}
