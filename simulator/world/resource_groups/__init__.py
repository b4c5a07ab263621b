"""Simulated AWS Resource Groups: the groups License Manager uses as host resource groups,
their service configurations, their Dedicated Hosts, and launching into them."""

from simulator.world.resource_groups.configuration import (
    EC2_HOST,
    GENERIC,
    HOST_MANAGEMENT,
    ConfigurationItem,
    GroupConfiguration,
    HostManagement,
)
from simulator.world.resource_groups.group import ResourceGroup
from simulator.world.resource_groups.membership import EVICTION_PERIOD, MEMBERSHIP_DELAY
from simulator.world.resource_groups.service import ResourceGroupService

__all__ = [
    "EC2_HOST",
    "EVICTION_PERIOD",
    "GENERIC",
    "HOST_MANAGEMENT",
    "MEMBERSHIP_DELAY",
    "ConfigurationItem",
    "GroupConfiguration",
    "HostManagement",
    "ResourceGroup",
    "ResourceGroupService",
]
