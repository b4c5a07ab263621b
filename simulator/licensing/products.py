"""Product information of a license configuration (the input of automated discovery).

Filter names, comparators and values are those of the API reference
(``ProductInformation.ProductInformationFilterList``); the supported products are Windows
Server, SQL Server and Oracle Database, with the user guide's Oracle requirements ("Create a
license configuration"): vCPU counting only, no rules, no hard limit, one product version
per configuration, and no other product in the same configuration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from simulator.core.billing import (
    INCLUDED_LICENSE_NAMES,
    USAGE_OPERATIONS,
    included_licenses,
    license_bits,
)
from simulator.core.validation import invalid
from simulator.world.ssm import InventoryFrame

RESOURCE_TYPES = ("SSM_MANAGED", "RDS")
LICENSE_INCLUDED = INCLUDED_LICENSE_NAMES
ORACLE_EDITIONS = ("oracle-ee", "oracle-se", "oracle-se1", "oracle-se2")
LICENSE_PACKS = ("data guard", "diagnostic pack sqlt", "tuning pack sqlt", "ols", "olap")

#: Resource type -> filter name -> (comparators allowed, values allowed or None for any).
FILTERS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]]] = {
    "SSM_MANAGED": {
        "Application Name": (("EQUALS",), None),
        "Application Publisher": (("EQUALS",), None),
        "Application Version": (("EQUALS",), None),
        "Platform Name": (("EQUALS",), None),
        "Platform Type": (("EQUALS",), None),
        "AccountId": (("NOT_EQUALS",), None),
        "License Included": (("EQUALS", "NOT_EQUALS"), LICENSE_INCLUDED),
    },
    "RDS": {
        "Engine Edition": (("EQUALS",), ORACLE_EDITIONS),
        "License Pack": (("EQUALS",), LICENSE_PACKS),
    },
}
#: Filters that exclude resources rather than select them.
EXCLUSION_FILTERS = ("AccountId", "Tag:")
#: Application filters -> the AWS:Application column they test (together, on one application).
APPLICATION_FILTERS = {"Application Name": "name", "Application Publisher": "publisher",
                       "Application Version": "version"}


@dataclass(frozen=True)
class ProductFilter:
    """One ProductInformationFilter."""

    name: str
    values: tuple[str, ...]
    comparator: str


@dataclass(frozen=True)
class ProductInformation:
    """One ProductInformation entry."""

    resource_type: str
    filters: tuple[ProductFilter, ...]

    @property
    def is_oracle(self) -> bool:
        """Whether it describes an Oracle Database edition on RDS."""
        return self.resource_type == "RDS"

    @property
    def has_exclusions(self) -> bool:
        """Whether it excludes accounts or tagged resources."""
        return any(f.name.startswith(EXCLUSION_FILTERS) for f in self.filters)

    @property
    def license_included_filters(self) -> tuple[ProductFilter, ...]:
        """Its License Included filters."""
        return tuple(f for f in self.filters if f.name == "License Included")


def validate_product_information(products: tuple[ProductInformation, ...]) -> None:
    """Check each entry's resource type, filter names, comparators and values.

    Raises:
        ServiceError: InvalidParameterValueException naming the resource type, filter,
            comparator or value at fault and what is allowed.
    """
    for index, product in enumerate(products):
        where = f"ProductInformationList[{index}]"
        resource_type = product.resource_type
        if resource_type not in RESOURCE_TYPES:
            raise invalid(f"{where}.ResourceType {resource_type!r} is invalid; allowed values: "
                          f"{', '.join(RESOURCE_TYPES)}")
        if not product.filters:
            raise invalid(f"{where}.ProductInformationFilterList must not be empty")
        known = FILTERS[resource_type]
        for f in product.filters:
            comparators: tuple[str, ...]
            if f.name.startswith("Tag:") and resource_type == "SSM_MANAGED" and len(f.name) > 4:
                comparators, allowed = ("NOT_EQUALS",), None
            elif f.name in known:
                comparators, allowed = known[f.name]
            else:
                names = list(known) + (["Tag:<key>"] if resource_type == "SSM_MANAGED" else [])
                raise invalid(f"{where}: filter {f.name!r} is invalid for {resource_type}; allowed "
                              f"filters: {', '.join(names)}")
            if f.comparator not in comparators:
                raise invalid(f"{where}: filter {f.name!r} takes the comparator "
                              f"{' or '.join(comparators)}, not {f.comparator!r}")
            if not f.values and not f.name.startswith("Tag:"):
                raise invalid(f"{where}: filter {f.name!r} needs at least one value")
            if allowed is not None:
                bad = [v for v in f.values if v not in allowed]
                if bad:
                    raise invalid(f"{where}: value {bad[0]!r} of filter {f.name!r} is invalid; allowed values: "
                                  f"{', '.join(allowed)}")


def check_products(
    products: tuple[ProductInformation, ...], *, counting_type: str, has_rules: bool,
    hard_limit: bool, may_exclude: bool,
) -> None:
    """Check the products against the rest of the configuration.

    Args:
        products: The parsed product information.
        counting_type: The configuration's counting type.
        has_rules: Whether the configuration has license rules.
        hard_limit: Whether its license count is a hard limit.
        may_exclude: Whether the owner may use exclusion rules (an organization's
            management account with cross-account discovery on; single accounts cannot).

    Raises:
        ServiceError: InvalidParameterValueException naming the requirement broken.
    """
    oracle = [p for p in products if p.is_oracle]
    if oracle:
        if len(oracle) != len(products):
            raise invalid("Oracle Database products cannot be tracked with other products in the "
                          "same license configuration")
        if counting_type != "vCPU":
            raise invalid(f"Oracle Database products need the vCPU counting type, not {counting_type}")
        if has_rules:
            raise invalid("License rules are not supported with Oracle Database products")
        if hard_limit:
            raise invalid("Hard license limits are not supported with Oracle Database products")
        editions = {v for p in oracle for f in p.filters if f.name == "Engine Edition" for v in f.values}
        if len(editions) != 1:
            raise invalid("A license configuration tracks exactly one Oracle Database product version (Engine "
                          f"Edition); got {sorted(editions) or 'none'}")
    if not may_exclude and any(p.has_exclusions for p in products):
        raise invalid("Exclusion rules (AccountId, Tag:<key>) need an organization's management account with "
                      "cross-account discovery turned on (UpdateServiceSettings EnableCrossAccountsDiscovery); single "
                      "accounts can set up automated discovery without them")


# -- matching resources (automated discovery) ------------------------------------------------


def frame_matches(products: Iterable[ProductInformation], frame: InventoryFrame) -> np.ndarray:
    """Which rows of ``frame`` (one account's nodes) the SSM_MANAGED products select: a row
    matches an entry when it has inventory, one of its applications meets every
    application filter, its platform and included licenses meet the other filters, and
    no exclusion (AccountId, Tag:key) applies; it matches the products when it matches any
    entry.

    Args:
        products: A configuration's product information (RDS entries are ignored).
        frame: Inventory columns of one account.

    Returns:
        A boolean array, one entry per row.
    """
    matched = np.zeros(len(frame), bool)
    for product in products:
        if product.resource_type == "SSM_MANAGED":
            matched |= _entry_matches(product, frame)
    return matched


def _entry_matches(product: ProductInformation, frame: InventoryFrame) -> np.ndarray:
    vocabulary, applications, tags = frame.vocabulary, frame.applications, frame.tags
    rows = frame.present.copy()
    application_rows: np.ndarray | None = None
    for f in product.filters:
        wanted = vocabulary.codes(f.values)
        if f.name in APPLICATION_FILTERS:
            hit = np.isin(applications[APPLICATION_FILTERS[f.name]], wanted)
            application_rows = hit if application_rows is None else application_rows & hit
        elif f.name == "Platform Name":
            rows &= np.isin(frame.platform_name, wanted)
        elif f.name == "Platform Type":
            rows &= np.isin(frame.platform_type, wanted)
        elif f.name == "License Included":
            included = (frame.license_included & license_bits(f.values)) != 0
            rows &= included if f.comparator == "EQUALS" else ~included
        elif f.name == "AccountId":
            if frame.account_id in f.values:
                rows[:] = False
        elif f.name.startswith("Tag:"):
            tagged = tags["key"] == vocabulary.find(f.name[4:])
            if f.values:
                tagged &= np.isin(tags["value"], wanted)
            rows[tags["owner"][tagged]] = False
    if application_rows is not None:
        has_application = np.zeros(len(frame), bool)
        has_application[applications["owner"][application_rows]] = True
        rows &= has_application
    return rows


def database_matches(products: Iterable[ProductInformation], edition: str, license_packs: Iterable[str]) -> bool:
    """Whether an Oracle DB instance of ``edition`` using ``license_packs`` matches any RDS
    entry (every Engine Edition and License Pack filter of the entry)."""
    packs = set(license_packs)
    for product in products:
        if product.resource_type != "RDS":
            continue
        if all(edition in f.values if f.name == "Engine Edition" else bool(packs & set(f.values))
               for f in product.filters):
            return True
    return False


def excluded_by_license_included(products: Iterable[ProductInformation], included: Iterable[str]) -> bool:
    """Whether the License Included rules exclude a resource whose billing includes
    ``included``: every SSM_MANAGED entry has a License Included filter, and each entry's
    License Included filters reject those licenses (User Guide, "License type conversions":
    a resource is disassociated only when every automated discovery rule excludes it)."""
    entries = [p for p in products if p.resource_type == "SSM_MANAGED"]
    bits = license_bits(tuple(included))
    if not entries or not all(p.license_included_filters for p in entries):
        return False
    for product in entries:
        accepts = all(bool(bits & license_bits(f.values)) == (f.comparator == "EQUALS")
                      for f in product.license_included_filters)
        if accepts:
            return False
    return True


def excluded_usage_operations(products: Iterable[ProductInformation]) -> frozenset[str]:
    """The billing codes whose instances the License Included rules of ``products`` exclude
    (``excluded_by_license_included`` of the licenses each code includes): the license types
    a configuration does not apply to. Empty without License Included rules."""
    products = tuple(products)
    if not any(p.license_included_filters for p in products):
        return frozenset()
    return frozenset(code for code in USAGE_OPERATIONS
                     if excluded_by_license_included(products, included_licenses(code)))
