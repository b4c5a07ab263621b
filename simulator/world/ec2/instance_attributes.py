"""Changes to an instance that are not lifecycle transitions: resizing a stopped instance
(ModifyInstanceAttribute InstanceType), its user data, EBS optimization and security groups;
RebootInstances; and the status checks DescribeInstanceStatus reports."""

from __future__ import annotations

from dataclasses import replace

from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import (
    incorrect_instance_state,
    invalid_parameter_value,
)
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.instances import InstanceService
from simulator.world.ec2.launch_parameters import USER_DATA_LIMIT, check_instance_type
from simulator.world.events import InstancesRebooted, InstanceTypeChanged

#: How long status checks report ``initializing`` after an instance starts running.
STATUS_CHECK_WARMUP = 300.0


class InstanceAttributes:
    """Attribute changes, reboots and status checks of the instances of one region.

    Args:
        ctx: The region's shared plumbing.
        instances: The region's instances.
    """

    def __init__(self, ctx: RegionContext, instances: InstanceService) -> None:
        self.ctx = ctx
        self.instances = instances

    def _stopped(self, account_id: str, instance_id: str, what: str) -> Instance:
        instance = self.instances.get(account_id, instance_id)
        if instance.state is not InstanceState.STOPPED:
            raise incorrect_instance_state(
                f"The instance '{instance_id}' is not in the 'stopped' state (it is {instance.state}); {what} can be "
                "changed only while it is stopped.")
        return instance

    def modify_instance_type(self, account_id: str, instance_id: str, type_name: str) -> Instance:
        """Resize a stopped instance. It gets the new type's default CPU options; License
        Manager counts its new vCPUs and cores from its next start, which is judged against
        hard limits as a launch is. On a Dedicated Host under host affinity, the host must
        run the new type; in a host resource group, the group must allow its family.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless stopped,
                InvalidParameterValue for an unknown type, another architecture than the
                AMI's, or a type its host or host resource group cannot run.
        """
        instance = self._stopped(account_id, instance_id, "its instance type")
        spec = check_instance_type(self.ctx.catalog, type_name, "InstanceType")
        image = instance.image
        image_arch = "x86_64" if image.architecture == "i386" else image.architecture
        if spec.architecture != image_arch:
            raise invalid_parameter_value(
                f"The instance type {spec.name} ({spec.architecture}) does not support the architecture "
                f"{image.architecture} of AMI {image.image_id}")
        if instance.tenancy == "host":
            group = instance.host_resource_group_arn
            host = instance.host
            if group is not None:
                self.instances.placement.group_pool(account_id, group, spec, image,
                                                    instance.license_configuration_arns, instance)
            elif instance.affinity == "host" and host is not None and not host.supports(spec):
                kinds = host.instance_type.name if host.instance_type else f"the {host.family} family"
                raise invalid_parameter_value(
                    f"Instance type {spec.name} is not supported by host {host.host_id}, which runs {kinds}; the "
                    f"instance has host affinity with it")
        previous = instance.instance_type
        if spec is previous:
            return instance
        instance.instance_type = spec
        instance.core_count, instance.threads_per_core = spec.default_cores, spec.default_threads_per_core
        self.ctx.bus.publish(InstanceTypeChanged(instance, previous))
        return instance

    def modify_user_data(self, account_id: str, instance_id: str, user_data: bytes) -> Instance:
        """Replace a stopped instance's user data.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless stopped,
                InvalidParameterValue past 16 KB.
        """
        instance = self._stopped(account_id, instance_id, "its user data")
        if len(user_data) > USER_DATA_LIMIT:
            raise invalid_parameter_value(f"UserData is limited to {USER_DATA_LIMIT} bytes, got {len(user_data)}")
        instance.settings = replace(instance.settings, user_data=user_data or None)
        return instance

    def modify_ebs_optimized(self, account_id: str, instance_id: str, value: bool) -> Instance:
        """Turn EBS optimization of a stopped instance on or off.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless stopped.
        """
        instance = self._stopped(account_id, instance_id, "EbsOptimized")
        instance.settings = replace(instance.settings, ebs_optimized=value)
        return instance

    def modify_groups(self, account_id: str, instance_id: str, group_ids: list[str]) -> Instance:
        """Replace the security groups of an instance (running or stopped).

        Raises:
            ServiceError: InvalidInstanceID.*, InvalidGroup.*, InvalidParameterValue for a
                group of another VPC or an empty list, IncorrectInstanceState once terminated.
        """
        instance = self.instances.get(account_id, instance_id)
        if instance.state in (InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED):
            raise incorrect_instance_state(f"The instance '{instance_id}' is {instance.state}")
        if not group_ids:
            raise invalid_parameter_value("Groups must name at least one security group")
        subnet = instance.subnet
        networks = self.instances.launches.networks
        vpc = subnet.vpc if subnet is not None else networks.of(account_id).default_vpc
        groups = networks.launch_groups(account_id, vpc, tuple(group_ids), None, "Groups/")
        for group in instance.settings.security_groups:
            group.in_use -= 1
        for group in groups:
            group.in_use += 1
        instance.settings = replace(instance.settings, security_groups=groups)
        return instance

    def reboot(self, account_id: str, instance_ids: list[str]) -> list[Instance]:
        """RebootInstances: running instances reboot and stay running; requests about
        terminated instances are ignored, as EC2 does.

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState for a stopped or
                stopping instance.
        """
        instances = self.instances.get_many(account_id, instance_ids)
        for instance in instances:
            if instance.state in (InstanceState.STOPPED, InstanceState.STOPPING):
                raise incorrect_instance_state(
                    f"The instance '{instance.instance_id}' is not in a state from which it can be rebooted "
                    f"({instance.state})")
        running = [i for i in instances if i.state in (InstanceState.RUNNING, InstanceState.PENDING)]
        if running:
            self.ctx.bus.publish(InstancesRebooted(tuple(running)))
        return running

    def status_check(self, instance: Instance) -> str:
        """The instance and system status checks of ``instance`` now: ``initializing`` for
        the first minutes it runs, then ``ok``; ``not-applicable`` unless running."""
        if instance.state is not InstanceState.RUNNING:
            return "not-applicable"
        running_since = (instance.launch_time - self.ctx.clock.start).total_seconds() + self.ctx.timings.pending
        return "initializing" if self.ctx.clock.seconds - running_since < STATUS_CHECK_WARMUP else "ok"
