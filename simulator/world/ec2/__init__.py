"""Simulated Amazon EC2: AMIs, image imports, Dedicated Hosts, launch templates, instances."""

from simulator.world.ec2.context import Ec2Timings, RegionContext
from simulator.world.ec2.host import DedicatedHost, HostState
from simulator.world.ec2.image import Image, ImageSource, ImageState
from simulator.world.ec2.import_task import ImportImageTask
from simulator.world.ec2.instance import (
    ACTIVE_STATES,
    CpuOptionsRequest,
    Instance,
    InstanceState,
    PlacementRequest,
)
from simulator.world.ec2.instances import StateChange
from simulator.world.ec2.launch_template import (
    LaunchParameters,
    LaunchTemplate,
    LaunchTemplateRef,
)
from simulator.world.ec2.quotas import Ec2Quotas
from simulator.world.ec2.service import Ec2Service

__all__ = [
    "ACTIVE_STATES",
    "CpuOptionsRequest",
    "DedicatedHost",
    "Ec2Quotas",
    "Ec2Service",
    "Ec2Timings",
    "HostState",
    "Image",
    "ImageSource",
    "ImageState",
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
