"""Which license type conversions exist: the eligible license types of Windows Server and
SQL Server and the pairs of billing codes a conversion may go between (License Manager User
Guide, "Eligible license types for license type conversion" and "Convert a license type
using the AWS CLI").

Each eligible billing code stands for a license type of Windows Server (license included or
BYOL) and, where AWS provides it, the SQL Server edition whose license is included; SQL
Server brought by you is not in the billing code (RunInstances:0002 is Windows Server license
included with or without SQL Server BYOL). A conversion may switch Windows Server, SQL Server
or both, in either direction ("You can switch multiple products at the same time, and in
multiple directions"), but never the SQL Server edition: an edition is not a license type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from simulator.core.billing import USAGE_OPERATIONS
from simulator.core.validation import invalid

LICENSE_INCLUDED = "license included"
BYOL = "BYOL"


class LicenseMix(NamedTuple):
    """What one eligible billing code licenses: Windows Server's license type, and the SQL
    Server edition whose license AWS includes (None: no SQL Server, or SQL Server BYOL)."""

    windows: str
    sql_included: str | None


#: The eligible billing codes: the User Guide's table, and RunInstances:0804 (Windows Server
#: BYOL with SQL Server Standard license included), the destination of its combined example.
ELIGIBLE: dict[str, LicenseMix] = {
    "RunInstances:0002": LicenseMix(LICENSE_INCLUDED, None),  # also with SQL Server (any edition) BYOL
    "RunInstances:0800": LicenseMix(BYOL, None),  # also with SQL Server (any edition) BYOL
    "RunInstances:0006": LicenseMix(LICENSE_INCLUDED, "Standard"),
    "RunInstances:0102": LicenseMix(LICENSE_INCLUDED, "Enterprise"),
    "RunInstances:0202": LicenseMix(LICENSE_INCLUDED, "Web"),
    "RunInstances:0804": LicenseMix(BYOL, "Standard"),
}


@dataclass(frozen=True)
class ConversionPath:
    """A conversion the table allows, and what it switches.

    Attributes:
        source: The billing code converted from.
        destination: The billing code converted to.
        windows: Windows Server's new license type, None when it keeps its own.
        sql_edition: The SQL Server edition whose license type switches, None when none does.
        sql: SQL Server's new license type (None when ``sql_edition`` is None).
    """

    source: str
    destination: str
    windows: str | None
    sql_edition: str | None
    sql: str | None

    @property
    def to_byol(self) -> bool:
        """Whether a product leaves license included for BYOL (this needs your own media)."""
        return self.windows == BYOL or self.sql == BYOL

    @property
    def sql_included(self) -> str | None:
        """The SQL Server edition licensed by AWS after the conversion, if any."""
        return ELIGIBLE[self.destination].sql_included

    @property
    def windows_to_included(self) -> bool:
        """Whether Windows Server becomes license included (License Manager then switches
        the instance to the AWS KMS servers)."""
        return self.windows == LICENSE_INCLUDED

    def describe(self) -> str:
        """The switches in words, e.g. "Windows Server license included -> BYOL"."""
        other = {LICENSE_INCLUDED: BYOL, BYOL: LICENSE_INCLUDED}
        parts = []
        if self.windows:
            parts.append(f"Windows Server {other[self.windows]} -> {self.windows}")
        if self.sql:
            parts.append(f"SQL Server {self.sql_edition} {other[self.sql]} -> {self.sql}")
        return ", ".join(parts)


def _name(code: str) -> str:
    return f"{code} ({USAGE_OPERATIONS[code]})" if code in USAGE_OPERATIONS else repr(code)


def conversion_path(source: str, destination: str) -> ConversionPath:
    """The conversion from billing code ``source`` to ``destination``.

    Raises:
        ServiceError: InvalidParameterValueException naming both codes, for a code that is
            not an eligible license type, the same code twice, or a change of SQL Server edition.
    """
    for field, code in (("SourceLicenseContext", source), ("DestinationLicenseContext", destination)):
        if code not in ELIGIBLE:
            raise invalid(f"{field}.UsageOperation {_name(code)} is not a license type License Manager converts; "
                          f"eligible usage operations: {', '.join(ELIGIBLE)}")
    if source == destination:
        raise invalid(f"SourceLicenseContext and DestinationLicenseContext are both {_name(source)}: "
                      "nothing to convert")
    before, after = ELIGIBLE[source], ELIGIBLE[destination]
    if before.sql_included and after.sql_included and before.sql_included != after.sql_included:
        allowed = [c for c in ELIGIBLE if c != source and ELIGIBLE[c].sql_included in (None, before.sql_included)]
        raise invalid(f"Converting {_name(source)} to {_name(destination)} would change the SQL Server edition "
                      f"({before.sql_included} to {after.sql_included}), which a license type conversion "
                      f"cannot do; from {source} the table allows: {', '.join(allowed)}")
    windows = after.windows if after.windows != before.windows else None
    edition = before.sql_included or after.sql_included
    sql = None
    if before.sql_included != after.sql_included:
        sql = LICENSE_INCLUDED if after.sql_included else BYOL
    return ConversionPath(source=source, destination=destination, windows=windows,
                          sql_edition=edition if sql else None, sql=sql)
