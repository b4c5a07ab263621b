"""One region's EC2: its image, host, launch template and instance services together."""

from __future__ import annotations

from collections.abc import Callable

from simulator.core.errors import ServiceError
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.hosts import HostService
from simulator.world.ec2.images import Image, ImageService
from simulator.world.ec2.instance_service import InstanceService
from simulator.world.ec2.launch_templates import LaunchTemplateService
from simulator.world.filters import compile_filters

_INSTANCE_TYPE_FILTERS = {
    "bare-metal": lambda s: s.bare_metal,
    "current-generation": lambda s: True,
    "dedicated-hosts-supported": lambda s: s.dedicated_hosts_supported,
    "hypervisor": lambda s: None if s.spec.bare_metal else s.spec.hypervisor,
    "instance-type": lambda s: s.spec.name,
    "memory-info.size-in-mib": lambda s: s.spec.memory_mib,
    "processor-info.supported-architecture": lambda s: s.spec.architecture,
    "vcpu-info.default-cores": lambda s: s.spec.default_cores,
    "vcpu-info.default-threads-per-core": lambda s: s.spec.default_threads_per_core,
    "vcpu-info.default-vcpus": lambda s: s.spec.default_vcpus,
}


class InstanceTypeView:
    """An instance type as DescribeInstanceTypes sees it."""

    __slots__ = ("spec", "dedicated_hosts_supported", "bare_metal")

    def __init__(self, spec: InstanceTypeSpec, dedicated_hosts_supported: bool) -> None:
        self.spec = spec
        self.dedicated_hosts_supported = dedicated_hosts_supported
        self.bare_metal = spec.bare_metal


class Ec2Region:
    """The EC2 service of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
        region_of: Gives another region's Ec2Region (CopyImage reads its source there).
    """

    def __init__(self, ctx: RegionContext, region_of: Callable[[str], Ec2Region]) -> None:
        self.ctx = ctx
        self.region = ctx.region
        self._region_of = region_of
        self.images = ImageService(ctx)
        self.hosts = HostService(ctx)
        self.templates = LaunchTemplateService(ctx)
        self.instances = InstanceService(ctx, self.images, self.hosts, self.templates)

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
        if instance.state.value not in ("running", "stopped"):
            raise ServiceError(
                "IncorrectInstanceState",
                f"The instance '{instance_id}' is in state '{instance.state}'; an image can be "
                "created only from a running or stopped instance.",
            )
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

    def describe_instance_types(
        self, names: list[str] | None = None, filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[InstanceTypeView]:
        """DescribeInstanceTypes over the catalog.

        Raises:
            ServiceError: InvalidInstanceType for an unknown name, InvalidParameterValue for
                an unknown filter.
        """
        catalog = self.ctx.catalog
        matches = compile_filters(filters or (), _INSTANCE_TYPE_FILTERS, "DescribeInstanceTypes")
        if names:
            unknown = [n for n in names if n not in catalog.instance_types]
            if unknown:
                raise ServiceError(
                    "InvalidInstanceType",
                    f"The following supplied instance types do not exist: [{', '.join(unknown)}]",
                )
            specs = [catalog.instance_types[n] for n in dict.fromkeys(names)]
        else:
            specs = list(catalog.instance_types.values())
        views = []
        for spec in specs:
            host_type = catalog.host_type(spec.family)
            supported = host_type is not None and spec.size in host_type.capacity
            view = InstanceTypeView(spec, supported)
            if matches(view):
                views.append(view)
        return views
