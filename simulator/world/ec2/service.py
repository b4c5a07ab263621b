"""One region's EC2: its image, import, host, launch template, networking, key pair, volume,
instance, instance type and tag services and host failures together."""

from __future__ import annotations

from collections.abc import Callable

from simulator.core.billing import USAGE_OPERATIONS
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import incorrect_instance_state, invalid_parameter_value
from simulator.world.ec2.host_failures import HostFailures
from simulator.world.ec2.hosts import HostService
from simulator.world.ec2.image import Image
from simulator.world.ec2.images import ImageService
from simulator.world.ec2.import_tasks import ImportService
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.instance_attributes import InstanceAttributes
from simulator.world.ec2.instance_types import InstanceTypeService
from simulator.world.ec2.instances import InstanceService
from simulator.world.ec2.key_pairs import KeyPairService
from simulator.world.ec2.launch_template_versions import LaunchTemplateVersions
from simulator.world.ec2.launch_templates import LaunchTemplateService
from simulator.world.ec2.launches import Launches
from simulator.world.ec2.networks import NetworkService
from simulator.world.ec2.public_images import public_images
from simulator.world.ec2.tags import TagService
from simulator.world.ec2.volumes import VolumeService
from simulator.world.events import (
    InstanceUsageOperationChanged,
    WindowsActivationChanged,
)


class Ec2Service:
    """The EC2 service of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
        region_of: Gives another region's Ec2Service (CopyImage reads its source there).
    """

    def __init__(self, ctx: RegionContext, region_of: Callable[[str], Ec2Service]) -> None:
        self.ctx = ctx
        self.region = ctx.region
        self._region_of = region_of
        self.images = ImageService(ctx, public_images(ctx.region))
        self.imports = ImportService(ctx, self.images)
        self.hosts = HostService(ctx)
        self.templates = LaunchTemplateService(ctx)
        self.template_versions = LaunchTemplateVersions(ctx, self.templates, self.images)
        self.networks = NetworkService(ctx)
        self.key_pairs = KeyPairService(ctx)
        self.volumes = VolumeService(ctx)
        self.launches = Launches(ctx, self.images, self.templates, self.networks, self.key_pairs, self.volumes)
        self.instances = InstanceService(ctx, self.hosts, self.launches)
        self.volumes.instances_of = lambda account_id: self.instances.account_instances(account_id).values()
        self.instances.volumes_of = self.volumes.of
        self.attributes = InstanceAttributes(ctx, self.instances)
        self.host_failures = HostFailures(ctx, self.hosts, self.instances)
        self.instance_types = InstanceTypeService(ctx.catalog)
        self.tags = TagService(self)

    def create_image(
        self, account_id: str, instance_id: str, name: str, description: str = "",
        tags: dict[str, str] | None = None,
    ) -> Image:
        """CreateImage from an instance of ``account_id``: the AMI inherits the instance's
        current billing code (after any license type conversion).

        Raises:
            ServiceError: InvalidInstanceID.*, IncorrectInstanceState unless the instance is
                running or stopped, InvalidAMIName.*.
        """
        instance = self.instances.get(account_id, instance_id)
        if instance.state not in (InstanceState.RUNNING, InstanceState.STOPPED):
            raise incorrect_instance_state(f"The instance '{instance_id}' is in state '{instance.state}'; an image "
                                           "can be created only from a running or stopped instance.")
        return self.images.create_from_instance(
            account_id, instance_id, instance.image, instance.usage_operation,
            instance.image.architecture, name, description, tags,
        )

    def copy_image(
        self, account_id: str, source_region: str, source_image_id: str, name: str,
        description: str | None = None, tags: dict[str, str] | None = None,
    ) -> Image:
        """CopyImage from ``source_region`` into this region, owned by ``account_id``.

        Raises:
            ServiceError: InvalidParameterValue for an unknown region, InvalidAMIID.*,
                InvalidAMIName.*.
        """
        source = self._region_of(source_region).images.launchable(account_id, source_image_id)
        return self.images.copy(account_id, source, name, description, tags)

    def set_usage_operation(self, instance: Instance, usage_operation: str) -> None:
        """Give ``instance`` a new billing code now (what a license type conversion does).

        Raises:
            ServiceError: InvalidParameterValue for an unknown billing code.
        """
        if usage_operation not in USAGE_OPERATIONS:
            raise invalid_parameter_value(f"Unknown usage operation {usage_operation!r}; known: "
                                          f"{', '.join(USAGE_OPERATIONS)}")
        previous = instance.usage_operation
        if usage_operation != previous:
            instance.usage_operation = usage_operation
            instance.usage_operation_update_time = self.ctx.clock.now()
            self.ctx.bus.publish(InstanceUsageOperationChanged(instance, previous))

    def set_kms_server(self, instance: Instance, kms_server: str) -> None:
        """Point the Windows of ``instance`` at the KMS server ``kms_server`` now (what
        ``slmgr.vbs /skms`` on the instance, or an activation runbook, does).

        Raises:
            ServiceError: InvalidParameterValue for an instance without Windows or an empty
                server name.
        """
        if instance.kms_server is None:
            raise invalid_parameter_value(f"Instance {instance.instance_id} does not run Windows "
                                          f"({instance.platform_details}): it has no KMS client")
        if not kms_server or not kms_server.strip():
            raise invalid_parameter_value("The KMS server must be a host name or address")
        previous = instance.kms_server
        if kms_server != previous:
            instance.kms_server = kms_server
            self.ctx.bus.publish(WindowsActivationChanged(instance, previous))
