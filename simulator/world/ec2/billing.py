"""Billing codes: usage operations and the platform details they stand for, the billing
products of RegisterImage, license types, and the tenancies each billing code may run on.

One rule table, used at launch, at start, at placement changes and by license type
conversions.
"""

from __future__ import annotations

from simulator.core.errors import ServiceError

#: UsageOperation billing code -> PlatformDetails, as in the EC2 User Guide's
#: "AMI billing information fields" table and the License Manager User Guide's
#: "Eligible license types for license type conversion" table.
USAGE_OPERATIONS: dict[str, str] = {
    "RunInstances": "Linux/UNIX",
    "RunInstances:00g0": "Red Hat BYOL Linux",
    "RunInstances:0010": "Red Hat Enterprise Linux",
    "RunInstances:1010": "Red Hat Enterprise Linux with HA",
    "RunInstances:1014": "Red Hat Enterprise Linux with SQL Server Standard and HA",
    "RunInstances:1110": "Red Hat Enterprise Linux with SQL Server Enterprise and HA",
    "RunInstances:0014": "Red Hat Enterprise Linux with SQL Server Standard",
    "RunInstances:0210": "Red Hat Enterprise Linux with SQL Server Web",
    "RunInstances:0110": "Red Hat Enterprise Linux with SQL Server Enterprise",
    "RunInstances:0100": "SQL Server Enterprise",
    "RunInstances:0004": "SQL Server Standard",
    "RunInstances:0200": "SQL Server Web",
    "RunInstances:000g": "SUSE Linux",
    "RunInstances:0g00": "Ubuntu Pro",
    "RunInstances:0002": "Windows",
    "RunInstances:0800": "Windows BYOL",
    "RunInstances:0102": "Windows with SQL Server Enterprise",
    "RunInstances:0006": "Windows with SQL Server Standard",
    "RunInstances:0202": "Windows with SQL Server Web",
}

LINUX_UNIX = "RunInstances"

#: RegisterImage BillingProducts codes and the billing code an AMI gets from them. A set
#: of codes maps to the code of its combination (RHEL plus the High Availability add-on).
BILLING_PRODUCTS: dict[frozenset[str], str] = {
    frozenset({"bp-6ba54002"}): "RunInstances:0002",  # Windows
    frozenset({"bp-6fa54006"}): "RunInstances:0010",  # Red Hat Enterprise Linux
    frozenset({"bp-6fa54006", "bp-79a54010"}): "RunInstances:1010",  # RHEL with HA
    frozenset({"bp-63a5400a"}): "RunInstances:00g0",  # Red Hat Cloud Access (BYOL)
}
KNOWN_BILLING_PRODUCTS = sorted(set().union(*BILLING_PRODUCTS))

#: Billing codes of licenses you bring; every other code but Linux/UNIX includes the license.
BYOL_USAGE_OPERATIONS = frozenset({"RunInstances:0800", "RunInstances:00g0"})

#: Billing codes that may run on Dedicated Hosts: Linux/UNIX, Windows Server (license
#: included or BYOL) and Red Hat BYOL ("Tenancy conversion limits": license-included
#: billing codes other than Windows Server are not permitted on Dedicated Hosts).
HOST_BILLING_CODES = frozenset({"RunInstances", "RunInstances:0002", "RunInstances:0800", "RunInstances:00g0"})
#: Billing codes not permitted on shared tenancy (Windows BYOL).
NOT_ON_SHARED = frozenset({"RunInstances:0800"})


#: The licenses a billing code includes, named as License Manager's "License Included"
#: discovery filter names them: Windows Server Datacenter for Windows billing codes, the SQL
#: Server edition for SQL Server ones (EC2 User Guide, "AMI billing information fields").
_SQL_EDITIONS = {"Enterprise": "sql-server-enterprise", "Standard": "sql-server-standard", "Web": "sql-server-web"}
#: Every included license name, in a fixed order (bit ``n`` of ``license_bits`` is name ``n``).
INCLUDED_LICENSE_NAMES = ("sql-server-enterprise", "sql-server-standard", "sql-server-web", "windows-server-datacenter")


def license_bits(names: tuple[str, ...] | list[str]) -> int:
    """``names`` (included license names) as a bit mask over ``INCLUDED_LICENSE_NAMES``."""
    return sum(1 << INCLUDED_LICENSE_NAMES.index(name) for name in set(names))


def included_licenses(usage_operation: str) -> tuple[str, ...]:
    """The licenses ``usage_operation`` includes (none for BYOL and Linux/UNIX codes)."""
    details = USAGE_OPERATIONS.get(usage_operation, "")
    included = ["windows-server-datacenter"] if details.startswith("Windows") and "BYOL" not in details else []
    included += [name for edition, name in _SQL_EDITIONS.items() if f"SQL Server {edition}" in details]
    return tuple(included)


def is_windows(usage_operation: str) -> bool:
    """Whether the billing code runs Windows (its PlatformDetails start with Windows)."""
    return USAGE_OPERATIONS.get(usage_operation, "").startswith("Windows")


def license_type_of(usage_operation: str) -> str | None:
    """AWS or BYOL as a billing code implies it; None for Linux/UNIX, which fits both."""
    if usage_operation == LINUX_UNIX:
        return None
    return "BYOL" if usage_operation in BYOL_USAGE_OPERATIONS else "AWS"


class Billed:
    """The EC2 fields derived from a ``usage_operation`` billing code (AMIs, instances)."""

    __slots__ = ()
    usage_operation: str

    @property
    def platform_details(self) -> str:
        """The PlatformDetails that goes with the billing code."""
        return USAGE_OPERATIONS[self.usage_operation]

    @property
    def platform(self) -> str | None:
        """``"windows"`` on Windows, None otherwise (as EC2's Platform field)."""
        return "windows" if is_windows(self.usage_operation) else None


def check_billing_tenancy(usage_operation: str, tenancy: str, subject: str) -> None:
    """Refuse a billing code on a tenancy it is not permitted on.

    Args:
        usage_operation: The billing code.
        tenancy: default, dedicated or host.
        subject: What is being placed ("AMI ami-...", "instance i-..."), named in the error.

    Raises:
        ServiceError: Unsupported, naming the billing code and the tenancy.
    """
    if tenancy == "host":
        if usage_operation not in HOST_BILLING_CODES:
            raise ServiceError(
                "Unsupported",
                f"{subject}: billing code {usage_operation} ({USAGE_OPERATIONS[usage_operation]}) is not "
                f"permitted on Dedicated Hosts; allowed there: {', '.join(sorted(HOST_BILLING_CODES))}",
            )
    elif tenancy == "default" and usage_operation in NOT_ON_SHARED:
        raise ServiceError(
            "Unsupported",
            f"{subject}: billing code {usage_operation} (Windows BYOL) is not permitted on shared "
            "tenancy; use tenancy dedicated or host",
        )
