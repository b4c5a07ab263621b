"""The AWS License Manager engine: license configurations, rules, associations,
launch-time enforcement and consumption tracking."""

from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.manager import LicenseManager
from simulator.licensing.views import DashboardRow

__all__ = ["DashboardRow", "LicenseConfiguration", "LicenseManager"]
