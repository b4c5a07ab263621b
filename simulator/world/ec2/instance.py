"""EC2 instances: lifecycle states, placement, CPU options (the service that runs them
lives in ``instance_service``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from simulator.core.arn import format_arn
from simulator.core.billing import is_windows, license_type_of
from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.billing import Billed
from simulator.world.ec2.host import DedicatedHost
from simulator.world.ec2.image import Image

if TYPE_CHECKING:
    from simulator.world.ec2.network import SecurityGroup, Subnet
    from simulator.world.ec2.volume import Volume, VolumeSpec


class InstanceState(StrEnum):
    """The EC2 instance states, with their state codes."""

    PENDING = "pending"
    RUNNING = "running"
    SHUTTING_DOWN = "shutting-down"
    TERMINATED = "terminated"
    STOPPING = "stopping"
    STOPPED = "stopped"

    @property
    def code(self) -> int:
        """The numeric state code DescribeInstances reports."""
        return STATE_CODES[self]


STATE_CODES = {
    InstanceState.PENDING: 0,
    InstanceState.RUNNING: 16,
    InstanceState.SHUTTING_DOWN: 32,
    InstanceState.TERMINATED: 48,
    InstanceState.STOPPING: 64,
    InstanceState.STOPPED: 80,
}

#: States in which an instance occupies its hardware (and consumes licenses).
ACTIVE_STATES = frozenset({InstanceState.PENDING, InstanceState.RUNNING})

AFFINITIES = ("default", "host")
#: The tags of an instance launched without any. The instances of one launch share one
#: read-only mapping of their tags; a tag change (CreateTags, DeleteTags, Auto Scaling's
#: group tag) gives the instance a mapping of its own.
NO_TAGS: Mapping[str, str] = MappingProxyType({})

#: The AWS KMS servers Windows instances activate against while AWS provides their license
#: (EC2 User Guide, "Activate Windows": 169.254.169.250 and 169.254.169.251).
AWS_KMS_SERVER = "169.254.169.250"
#: Where a Windows instance whose license you bring activates until you name your KMS server:
#: the one configured in your own VM image.
IMAGE_KMS_SERVER = "kms-of-your-vm-image"


def initial_kms_server(usage_operation: str) -> str | None:
    """The KMS server a new instance with ``usage_operation`` activates Windows against
    (None for an operating system other than Windows)."""
    if not is_windows(usage_operation):
        return None
    return IMAGE_KMS_SERVER if license_type_of(usage_operation) == "BYOL" else AWS_KMS_SERVER


@dataclass(frozen=True, slots=True)
class PlacementRequest:
    """The placement a launch asks for; None fields are left to defaults or a template."""

    availability_zone: str | None = None
    tenancy: str | None = None
    host_id: str | None = None
    affinity: str | None = None
    host_resource_group_arn: str | None = None

    def over(self, base: PlacementRequest | None) -> PlacementRequest:
        """This request with its unset fields taken from ``base``."""
        if base is None:
            return self
        return PlacementRequest(
            *(mine if mine is not None else theirs for mine, theirs in zip(_fields(self), _fields(base), strict=True))
        )


def _fields(placement: PlacementRequest) -> tuple:
    return (
        placement.availability_zone,
        placement.tenancy,
        placement.host_id,
        placement.affinity,
        placement.host_resource_group_arn,
    )


@dataclass(frozen=True, slots=True)
class CpuOptionsRequest:
    """CpuOptions of a launch: either field may be left to the instance type's default."""

    core_count: int | None = None
    threads_per_core: int | None = None

    def over(self, base: CpuOptionsRequest | None) -> CpuOptionsRequest:
        """This request with its unset fields taken from ``base``."""
        if base is None:
            return self
        return replace(
            self,
            core_count=self.core_count if self.core_count is not None else base.core_count,
            threads_per_core=(
                self.threads_per_core if self.threads_per_core is not None else base.threads_per_core
            ),
        )


@dataclass(frozen=True, slots=True)
class MetadataOptions:
    """Instance metadata service options (MetadataOptions); None fields of a request are
    left to a template or to EC2's defaults (``resolved``)."""

    http_tokens: str | None = None
    http_put_response_hop_limit: int | None = None
    http_endpoint: str | None = None
    http_protocol_ipv6: str | None = None
    instance_metadata_tags: str | None = None

    def over(self, base: MetadataOptions | None) -> MetadataOptions:
        """This request with its unset fields taken from ``base``."""
        if base is None:
            return self
        return MetadataOptions(*(mine if mine is not None else theirs
                                 for mine, theirs in zip(_metadata_fields(self), _metadata_fields(base), strict=True)))

    def resolved(self) -> MetadataOptions:
        """Every field set: EC2's defaults for those left unset."""
        return self.over(DEFAULT_METADATA)


def _metadata_fields(options: MetadataOptions) -> tuple:
    return (options.http_tokens, options.http_put_response_hop_limit, options.http_endpoint,
            options.http_protocol_ipv6, options.instance_metadata_tags)


DEFAULT_METADATA = MetadataOptions("optional", 1, "enabled", "disabled", "disabled")


@dataclass(slots=True, eq=False)
class InstanceSettings:
    """What an instance keeps of its launch beyond type and placement, shared by the
    instances of one launch: never changed in place (a change to one instance gives it its own
    copy, ``dataclasses.replace``); not frozen, which makes one per launch cheaper to build.
    ``iam_instance_profile`` is the profile's ARN as given (profiles are recorded, not
    simulated); ``user_data`` the raw bytes; ``volume_specs`` the EBS volumes each instance
    gets (with ``volume_tags``), made when first looked at; ``launched_at`` the launch."""

    security_groups: tuple[SecurityGroup, ...] = ()
    key_name: str | None = None
    ebs_optimized: bool = False
    monitoring: bool = False
    metadata: MetadataOptions = DEFAULT_METADATA
    hibernation: bool = False
    user_data: bytes | None = None
    iam_instance_profile: str | None = None
    client_token: str = ""
    root_device_name: str = "/dev/xvda"
    volume_specs: tuple[VolumeSpec, ...] = ()
    volume_tags: tuple[tuple[str, str], ...] = ()
    launched_at: datetime | None = None


DEFAULT_SETTINGS = InstanceSettings()


@dataclass(slots=True, eq=False)
class Instance(Billed):
    """An EC2 instance.

    ``launch_time`` is the last time it entered ``pending`` (launch or start), as EC2
    reports it. ``kms_server`` is the KMS server its Windows activates against (None
    without Windows); Windows is activated while it matches the license type
    (``windows_activated``). ``user_shutdown_at`` is the simulated second of the user's stop or
    termination that put it where it is (None after a launch or start); ``state_reason`` the
    server-side StateReason code of a stop the user did not ask for.
    ``license_configuration_arns`` are the license configurations attached to it. ``host`` is
    the Dedicated Host it runs on, and keeps the last one while it is stopped (host affinity).
    ``generation`` changes with every state change, so a transition scheduled for an earlier
    state can tell it is stale. ``subnet`` and ``private_ip`` (an integer IPv4
    address) are its place in the VPC, ``volumes`` the EBS volumes attached to it (None until
    they are first looked at: see ``VolumeService.of``).
    """

    instance_id: str
    account_id: str
    region: str
    reservation_id: str
    ami_launch_index: int
    instance_type: InstanceTypeSpec
    image: Image
    usage_operation: str
    usage_operation_update_time: datetime
    core_count: int
    threads_per_core: int
    tenancy: str
    availability_zone: str
    launch_time: datetime
    affinity: str | None = None
    host: DedicatedHost | None = None
    host_resource_group_arn: str | None = None
    license_configuration_arns: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=lambda: NO_TAGS)
    state: InstanceState = InstanceState.PENDING
    user_shutdown_at: float | None = None
    state_reason: str | None = None
    principal: str = ""
    generation: int = 0
    kms_server: str | None = None
    subnet: Subnet | None = None
    private_ip: int = 0
    settings: InstanceSettings = DEFAULT_SETTINGS
    volumes: tuple[Volume, ...] | None = None

    @property
    def vcpus(self) -> int:
        """The vCPUs the instance runs with (its CPU options)."""
        return self.core_count * self.threads_per_core

    @property
    def windows_activated(self) -> bool:
        """Whether Windows is activated: against the AWS KMS servers while AWS provides the
        license, against your own KMS server while you bring it (False without Windows)."""
        if self.kms_server is None or not is_windows(self.usage_operation):
            return False
        aws = self.kms_server == AWS_KMS_SERVER
        return aws if license_type_of(self.usage_operation) == "AWS" else not aws

    @property
    def host_id(self) -> str | None:
        """The Dedicated Host it runs on (or last ran on, while stopped), if any."""
        host = self.host
        return None if host is None else host.host_id

    @property
    def image_id(self) -> str:
        """The AMI it was launched from."""
        return self.image.image_id

    @property
    def arn(self) -> str:
        """The instance's ARN."""
        return format_arn("ec2", self.region, self.account_id, "instance", self.instance_id)
