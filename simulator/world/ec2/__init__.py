"""Simulated Amazon EC2: AMIs, image imports, Dedicated Hosts, launch templates, instances,
networking (VPCs, subnets, security groups), key pairs, volumes and tags."""

from simulator.world.ec2.context import Ec2Timings, RegionContext
from simulator.world.ec2.host import DedicatedHost, HostState
from simulator.world.ec2.image import Image, ImageSource, ImageState
from simulator.world.ec2.import_task import ImportImageTask
from simulator.world.ec2.instance import (
    ACTIVE_STATES,
    CpuOptionsRequest,
    Instance,
    InstanceSettings,
    InstanceState,
    MetadataOptions,
    PlacementRequest,
)
from simulator.world.ec2.instances import StateChange
from simulator.world.ec2.key_pair import KeyPair
from simulator.world.ec2.launch_parameters import LaunchParameters
from simulator.world.ec2.launch_template import (
    LaunchTemplate,
    LaunchTemplateRef,
    LaunchTemplateVersion,
)
from simulator.world.ec2.network import SecurityGroup, SecurityGroupRule, Subnet, Vpc
from simulator.world.ec2.quotas import Ec2Quotas
from simulator.world.ec2.service import Ec2Service
from simulator.world.ec2.volume import BlockDeviceMapping, EbsRequest, Volume

__all__ = [
    "ACTIVE_STATES",
    "BlockDeviceMapping",
    "CpuOptionsRequest",
    "DedicatedHost",
    "EbsRequest",
    "Ec2Quotas",
    "Ec2Service",
    "Ec2Timings",
    "HostState",
    "Image",
    "ImageSource",
    "ImageState",
    "ImportImageTask",
    "Instance",
    "InstanceSettings",
    "InstanceState",
    "KeyPair",
    "LaunchParameters",
    "LaunchTemplate",
    "LaunchTemplateRef",
    "LaunchTemplateVersion",
    "MetadataOptions",
    "PlacementRequest",
    "RegionContext",
    "SecurityGroup",
    "SecurityGroupRule",
    "StateChange",
    "Subnet",
    "Volume",
    "Vpc",
]
