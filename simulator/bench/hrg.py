"""The host resource group benchmark: the lifecycle fleet and churn (``lifecycle.py``), every
instance launched into one host resource group of the management account, shared with the
organization, that allocates and releases m5 hosts as the fleet grows and shrinks and allows
the Core configuration the golden AMI is associated with. Each member account also keeps
its own auto-placement hosts outside the group, which placement in the group never looks
at. Figures as in the lifecycle mode."""

from __future__ import annotations

import argparse

from simulator.bench import lifecycle
from simulator.bench.lifecycle import TYPES, LaunchPlan, PlanFactory
from simulator.simulation import Simulation
from simulator.world.ec2 import Image, LaunchParameters, PlacementRequest
from simulator.world.resource_groups import ConfigurationItem


def group_placement(sim: Simulation, image: Image) -> PlanFactory:
    """Create the shared host resource group; every account launches into it, mixed sizes."""
    in_group = PlacementRequest(tenancy="host", host_resource_group_arn=_shared_group(sim, image.arn))

    def factory(image_id: str, instance_arn: str, core_arn: str, count: int) -> LaunchPlan:
        params = [LaunchParameters(image_id=image_id, instance_type=name, placement=in_group,
                                   license_configuration_arns=(instance_arn,)) for name in TYPES]

        def plan(type_index: int, launched: int) -> LaunchParameters:
            return params[type_index]

        return plan

    return factory


def _shared_group(sim: Simulation, image_arn: str) -> str:
    """The management account's host resource group: m5 hosts allocated and released on
    demand, allowing a Core configuration the golden AMI is associated with, and shared
    with the organization."""
    region = sim.world.region(sim.region)
    lm = sim.license_manager
    management = lifecycle.MANAGEMENT
    sql = lm.configurations.create(management, sim.region, name="sql-enterprise-cores", counting_type="Core",
                                  license_count=10**9, hard_limit=True, rules=["#licenseAffinityToHost=1"])
    lm.associations.update(management, sim.region, image_arn, add=[(sql.arn, "cross-account")])
    configuration = (
        ConfigurationItem("AWS::EC2::HostManagement", (
            ("auto-allocate-host", ("true",)), ("auto-release-host", ("true",)), ("allowed-host-families", ("m5",)),
            ("allowed-host-based-license-configurations", (sql.arn,)))),
        ConfigurationItem("AWS::ResourceGroups::Generic", (
            ("allowed-resource-types", ("AWS::EC2::Host",)), ("deletion-protection", ("UNLESS_EMPTY",)))),
    )
    group = region.resource_groups.create(management, "bench-hosts", configuration=configuration)
    region.ram.enable_sharing_with_organization(management)
    org = sim.world.organizations.organization_of(management)
    assert org is not None
    region.ram.create(management, "bench-hosts", resource_arns=[group.arn], principals=[org.arn])
    return group.arn


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode hrg``."""
    return lifecycle.command(args, group_placement)
