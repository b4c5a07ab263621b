"""The AWS License Manager engine: license configurations, rules, associations,
launch-time enforcement and consumption tracking."""

from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.service import DashboardRow, LicenseManager

__all__ = ["DashboardRow", "LicenseConfiguration", "LicenseManager"]
