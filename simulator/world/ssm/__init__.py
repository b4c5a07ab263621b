"""Simulated AWS Systems Manager: managed nodes (EC2 instances with the agent, on-premises
servers registered through hybrid activations), the software on them, and inventory
collection with its retention."""

from simulator.world.ssm.activation import Activation
from simulator.world.ssm.inventory import AccountInventory, InventoryFrame
from simulator.world.ssm.node import (
    InstalledApplication,
    ManagedNode,
    NodeResourceType,
    PingStatus,
)
from simulator.world.ssm.platforms import Platform
from simulator.world.ssm.service import ServerSpec, SsmService, SsmTimings

__all__ = [
    "AccountInventory",
    "Activation",
    "InstalledApplication",
    "InventoryFrame",
    "ManagedNode",
    "NodeResourceType",
    "PingStatus",
    "Platform",
    "ServerSpec",
    "SsmService",
    "SsmTimings",
]
