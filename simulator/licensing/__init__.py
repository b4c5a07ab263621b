"""The AWS License Manager engine: license configurations, rules, associations,
launch-time enforcement and consumption tracking, the inventory copy, inventory search and
automated discovery, license type conversions."""

from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.conversions import ConversionTimings
from simulator.licensing.inventory import DiscoverySchedule
from simulator.licensing.manager import LicenseManager
from simulator.licensing.quotas import LicenseManagerQuotas
from simulator.licensing.views import DashboardRow

__all__ = ["ConversionTimings", "DashboardRow", "DiscoverySchedule", "LicenseConfiguration", "LicenseManager",
           "LicenseManagerQuotas"]
