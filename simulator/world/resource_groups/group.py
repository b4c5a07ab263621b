"""Resource groups: a group's identity, its configuration, its tags, and the hosts being
added to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.world.ec2 import DedicatedHost
from simulator.world.resource_groups.configuration import (
    GroupConfiguration,
    HostManagement,
)


@dataclass(slots=True, eq=False)
class ResourceGroup:
    """A resource group of one account in one region.

    ``pending`` holds the hosts GroupResources is adding (it takes a minute or two); the
    members themselves are indexed with the region's hosts.
    """

    name: str
    arn: str
    owner_id: str
    region: str
    configuration: GroupConfiguration
    created_at: datetime
    description: str = ""
    criticality: int | None = None
    owner: str | None = None
    display_name: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    pending: dict[str, DedicatedHost] = field(default_factory=dict)

    @property
    def host_management(self) -> HostManagement | None:
        """The group's host management settings: present for a host resource group."""
        return self.configuration.host_management
