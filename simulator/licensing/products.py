"""Product information of a license configuration (the input of automated discovery).

Filter names, comparators and values are those of the API reference
(``ProductInformation.ProductInformationFilterList``); the supported products are Windows
Server, SQL Server and Oracle Database, with the user guide's Oracle requirements ("Create a
license configuration"): vCPU counting only, no rules, no hard limit, one product version
per configuration, and no other product in the same configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.core.validation import invalid

RESOURCE_TYPES = ("SSM_MANAGED", "RDS")
LICENSE_INCLUDED = ("sql-server-enterprise", "sql-server-standard", "sql-server-web", "windows-server-datacenter")
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
                    raise invalid(f"{where}: value {bad[0]!r} of filter {f.name!r} is invalid; "
                                   f"allowed values: {', '.join(allowed)}")


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
            management account; single accounts cannot).

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
            raise invalid("A license configuration tracks exactly one Oracle Database product "
                           f"version (Engine Edition); got {sorted(editions) or 'none'}")
    if not may_exclude and any(p.has_exclusions for p in products):
        raise invalid("Exclusion rules (AccountId, Tag:<key>) need an organization's management "
                       "account; single accounts can set up automated discovery without them")
