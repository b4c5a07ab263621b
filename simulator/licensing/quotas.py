"""License Manager's quotas, configurable per simulation (a what-if of a raised quota)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LicenseManagerQuotas:
    """The quotas License Manager enforces; the defaults are the user guide's.

    Attributes:
        configurations_per_account: License configurations of one account in one region
            (25; past it CreateLicenseConfiguration is ResourceLimitExceededException).
        configurations_per_resource: License configurations one resource can be associated
            with ("Number of license configurations per resource: 10").
        grants_per_license: Grants of one license ("You can create up to 2,000 grants per
            license").
        report_generators_per_account: Report generators of one account in one region (past it
            CreateLicenseManagerReportGenerator is ResourceLimitExceededException; the guide
            gives no figure: 25, as for configurations, by default).
    """

    configurations_per_account: int = 25
    configurations_per_resource: int = 10
    grants_per_license: int = 2000
    report_generators_per_account: int = 25

    def __post_init__(self) -> None:
        for name in ("configurations_per_account", "configurations_per_resource", "grants_per_license",
                     "report_generators_per_account"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
