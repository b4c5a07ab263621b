"""Billing codes: usage operations and the platform details they stand for, the billing
products of RegisterImage, license types, and the tenancies each billing code may run on.

One rule table, used at launch, at start, at placement changes and by license type
conversions; and the counting types License Manager counts licenses by. Pure tables that the
world, the engine and the timelines all read.
"""

from __future__ import annotations

from simulator.core.errors import ServiceError

#: UsageOperation billing code -> PlatformDetails, as in the EC2 User Guide's
#: "AMI billing information fields" table and the License Manager User Guide's
#: "Eligible license types for license type conversion" table. RunInstances:0804 (Windows
#: Server BYOL with SQL Server Standard license included) is the destination of the License
#: Manager User Guide's combined example ("Convert Windows Server from license included to
#: BYOL and SQL Server Standard from BYOL to license included"); no AWS table lists its
#: PlatformDetails, so it is named the way EC2 names combined codes (base platform, then
#: "with SQL Server <edition>").
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
    "RunInstances:0804": "Windows BYOL with SQL Server Standard",
}

LINUX_UNIX = "RunInstances"

#: License Manager's LicenseCountingType values.
COUNTING_TYPES = ("vCPU", "Instance", "Core", "Socket")

#: RegisterImage BillingProducts codes and the billing code an AMI gets from them. A set
#: of codes maps to the code of its combination (RHEL plus the High Availability add-on).
BILLING_PRODUCTS: dict[frozenset[str], str] = {
    frozenset({"bp-6ba54002"}): "RunInstances:0002",  # Windows
    frozenset({"bp-6fa54006"}): "RunInstances:0010",  # Red Hat Enterprise Linux
    frozenset({"bp-6fa54006", "bp-79a54010"}): "RunInstances:1010",  # RHEL with HA
    frozenset({"bp-63a5400a"}): "RunInstances:00g0",  # Red Hat Cloud Access (BYOL)
}
KNOWN_BILLING_PRODUCTS = sorted(set().union(*BILLING_PRODUCTS))

#: Billing codes whose operating system license you bring (Windows Server BYOL, also with
#: SQL Server Standard license included; Red Hat BYOL); every other code but Linux/UNIX
#: includes the operating system's license.
BYOL_USAGE_OPERATIONS = frozenset({"RunInstances:0800", "RunInstances:0804", "RunInstances:00g0"})

TENANCIES = ("default", "dedicated", "host")
_EVERYWHERE = frozenset(TENANCIES)
_NOT_ON_HOSTS = frozenset({"default", "dedicated"})
_NOT_SHARED = frozenset({"dedicated", "host"})

#: The tenancies each billing code may run on: the one table launches, starts, placement
#: changes (ModifyInstancePlacement) and license type conversions are checked against
#: (License Manager User Guide, "Tenancy conversion limits"). Tenancy ``host`` covers Dedicated
#: Hosts and host resource groups alike.
PERMITTED_TENANCIES: dict[str, frozenset[str]] = {
    # "The Linux billing code is permitted on all tenancy types."
    "RunInstances": _EVERYWHERE,
    # "The Windows Server license included billing code is permitted on all tenancy types."
    "RunInstances:0002": _EVERYWHERE,
    # "The Windows BYOL billing code is not permitted on Shared tenancy."
    "RunInstances:0800": _NOT_SHARED,
    # Windows BYOL and license-included SQL Server at once: neither shared tenancy (Windows
    # BYOL) nor Dedicated Hosts (SQL Server license included): Dedicated Instances only.
    "RunInstances:0804": frozenset({"dedicated"}),
    # Red Hat BYOL brings its own subscription: not a license-included code.
    "RunInstances:00g0": _EVERYWHERE,
    # "All supported SQL Server editions, Red Hat (RHEL), and SUSE (SLES) license included
    # billing codes are permitted on Shared tenancy and Dedicated Instances. However, these
    # billing codes are not permitted on Dedicated Hosts and Host Resource Groups", nor are
    # "license included billing codes other than Windows Server" (Ubuntu Pro).
    **{code: _NOT_ON_HOSTS for code in USAGE_OPERATIONS if code not in (
        "RunInstances", "RunInstances:0002", "RunInstances:0800", "RunInstances:0804", "RunInstances:00g0")},
}
_TENANCY_NAMES = {"default": "shared tenancy", "dedicated": "Dedicated Instances",
                  "host": "Dedicated Hosts and host resource groups"}


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


def tenancy_refusal(usage_operation: str, tenancy: str, subject: str) -> str | None:
    """Why ``PERMITTED_TENANCIES`` refuses ``usage_operation`` on ``tenancy`` (None if it
    permits it); ``subject`` names what is being placed ("AMI ami-...", "instance i-...")."""
    permitted = PERMITTED_TENANCIES[usage_operation]
    if tenancy in permitted:
        return None
    where = ", ".join(_TENANCY_NAMES[t] for t in TENANCIES if t in permitted)
    return (f"{subject}: billing code {usage_operation} ({USAGE_OPERATIONS[usage_operation]}) is not permitted on "
            f"{_TENANCY_NAMES[tenancy]} (tenancy {tenancy}); it may run on {where}")


def check_billing_tenancy(usage_operation: str, tenancy: str, subject: str) -> None:
    """Refuse a billing code on a tenancy ``PERMITTED_TENANCIES`` does not permit it on.

    Args:
        usage_operation: The billing code.
        tenancy: default, dedicated or host.
        subject: What is being placed ("AMI ami-...", "instance i-..."), named in the error.

    Raises:
        ServiceError: Unsupported, naming the billing code, the tenancy and where the code may run.
    """
    if tenancy not in PERMITTED_TENANCIES[usage_operation]:  # launches and starts ask: keep it cheap
        raise ServiceError("Unsupported", tenancy_refusal(usage_operation, tenancy, subject))  # type: ignore[arg-type]
