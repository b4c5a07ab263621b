"""Simulated Amazon EC2: AMIs, Dedicated Hosts, launch templates and instances."""

from simulator.world.ec2.context import Ec2Timings, RegionContext
from simulator.world.ec2.hosts import DedicatedHost
from simulator.world.ec2.images import Image, ImageSource, ImportImageTask
from simulator.world.ec2.instance_service import LaunchTemplateRef, StateChange
from simulator.world.ec2.instances import (
    CpuOptionsRequest,
    Instance,
    InstanceState,
    PlacementRequest,
)
from simulator.world.ec2.launch_templates import LaunchParameters, LaunchTemplate
from simulator.world.ec2.region import Ec2Region

__all__ = [
    "CpuOptionsRequest",
    "DedicatedHost",
    "Ec2Region",
    "Ec2Timings",
    "Image",
    "ImageSource",
    "ImportImageTask",
    "Instance",
    "InstanceState",
    "LaunchParameters",
    "LaunchTemplate",
    "LaunchTemplateRef",
    "PlacementRequest",
    "RegionContext",
    "StateChange",
]
