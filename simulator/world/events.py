"""Domain events the world publishes after each change, for the engine and the recorder."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from simulator.world.inventory_events import (  # noqa: F401  (one module exports every event)
    AgentStatusChanged,
    DBInstanceCreated,
    DBInstanceDeleted,
    InventoryGathered,
    InventoryPurged,
    NodesDeregistered,
    NodesRegistered,
    NodeTagsChanged,
    OptionGroupChanged,
    SoftwareInstalled,
    SoftwareUninstalled,
)

if TYPE_CHECKING:
    from simulator.world.autoscaling.group import Activity, AutoScalingGroup
    from simulator.world.catalog import InstanceTypeSpec
    from simulator.world.ec2.host import DedicatedHost
    from simulator.world.ec2.image import Image
    from simulator.world.ec2.instance import Instance, InstanceState
    from simulator.world.sns.topic import Subscription


class _Transitions(dict):
    """current state -> previous state -> the events row's detail, e.g. "running->stopping";
    each detail string is made once."""

    def __missing__(self, current: InstanceState) -> dict[InstanceState, str]:
        details = self[current] = _From(current)
        return details


class _From(dict):
    def __init__(self, current: InstanceState) -> None:
        super().__init__()
        self.current = current

    def __missing__(self, previous: InstanceState) -> str:
        detail = self[previous] = f"{previous}->{self.current}"
        return detail


_DETAILS = _Transitions()
_instance_id = attrgetter("instance_id")


class InstancesLaunched(NamedTuple):
    """The instances of one RunInstances call came to exist, in ``pending`` state."""

    instances: tuple[Instance, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.instances[0]  # one call's instances share account and region
        return (first.account_id, first.region, "ec2", "InstanceStateChange",
                tuple(map(_instance_id, self.instances)), ("none->pending",) * len(self.instances))


class InstancesStateChanged(NamedTuple):
    """Existing instances entered ``current`` together: the instances of one start, stop or
    terminate call, or of the end of its transition. ``previous[n]`` is the state
    ``instances[n]`` left. One event per group keeps the cost of a state change low for
    every subscriber."""

    instances: tuple[Instance, ...]
    previous: tuple[InstanceState, ...]
    current: InstanceState

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        details = _DETAILS[self.current]
        first = self.instances[0]  # one call's instances share account and region
        return (first.account_id, first.region, "ec2", "InstanceStateChange",
                tuple(map(_instance_id, self.instances)), tuple(map(details.__getitem__, self.previous)))


class InstancePlacementChanged(NamedTuple):
    """A stopped instance got a new tenancy, host, affinity or host resource group."""

    instance: Instance

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        i = self.instance
        detail = f"tenancy={i.tenancy} host={i.host_id or ''} affinity={i.affinity or ''}"
        return (i.account_id, i.region, "ec2", "InstancePlacementChange", (i.instance_id,), (detail,))


class InstanceUsageOperationChanged(NamedTuple):
    """An instance's billing code changed (a license type conversion): ``previous`` is the
    code it had."""

    instance: Instance
    previous: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        i = self.instance
        return (i.account_id, i.region, "ec2", "UsageOperationChange", (i.instance_id,),
                (f"{self.previous}->{i.usage_operation}",))


class WindowsActivationChanged(NamedTuple):
    """An instance's Windows was pointed at another KMS server: ``previous`` is the one it
    used (None: never activated)."""

    instance: Instance
    previous: str | None

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        i = self.instance
        detail = f"kms={i.kms_server} activated={str(i.windows_activated).lower()}"
        return (i.account_id, i.region, "ec2", "WindowsActivationChange", (i.instance_id,), (detail,))


class InstanceTypeChanged(NamedTuple):
    """A stopped instance was resized (ModifyInstanceAttribute InstanceType): ``previous``
    is the type it had. License Manager counts the new vCPUs and cores from its next start."""

    instance: Instance
    previous: InstanceTypeSpec

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        i = self.instance
        return (i.account_id, i.region, "ec2", "InstanceTypeChange", (i.instance_id,),
                (f"{self.previous.name}->{i.instance_type.name} vcpus={i.vcpus}",))


class InstancesRebooted(NamedTuple):
    """Running instances were rebooted (RebootInstances): they stay running, and nothing
    License Manager counts changes."""

    instances: tuple[Instance, ...]

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.instances[0]
        return (first.account_id, first.region, "ec2", "InstanceReboot",
                tuple([i.instance_id for i in self.instances]), ("running",) * len(self.instances))


class ResourceTagsChanged(NamedTuple):
    """The tags of EC2 resources of one account changed (CreateTags, DeleteTags): ``resources``
    are the resource objects (instances, AMIs, hosts, launch templates, volumes, security
    groups, VPCs, subnets, key pairs), ``detail`` says what changed (``+key=value``,
    ``-key``)."""

    account_id: str
    region: str
    resource_ids: tuple[str, ...]
    resources: tuple[object, ...]
    detail: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        return (self.account_id, self.region, "ec2", "TagsChange", self.resource_ids,
                (self.detail,) * len(self.resource_ids))


class HostAllocated(NamedTuple):
    """A Dedicated Host was allocated."""

    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        kind = h.instance_type.name if h.instance_type else h.family
        return (h.account_id, h.region, "ec2", "HostAllocated", (h.host_id,), (f"{kind} in {h.availability_zone}",))


class HostReleased(NamedTuple):
    """A Dedicated Host was released."""

    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostReleased", (h.host_id,), ("",))


class ImageRegistered(NamedTuple):
    """An AMI came to exist (created, copied, registered or imported)."""

    image: Image

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        im = self.image
        detail = f"{im.source.value} {im.usage_operation}"
        return (im.owner_id, im.region, "ec2", "ImageRegistered", (im.image_id,), (detail,))


class ImageAvailable(NamedTuple):
    """A pending AMI became available."""

    image: Image

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        im = self.image
        return (im.owner_id, im.region, "ec2", "ImageAvailable", (im.image_id,), ("",))


class ImageDeregistered(NamedTuple):
    """An AMI was deregistered."""

    image: Image

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        im = self.image
        return (im.owner_id, im.region, "ec2", "ImageDeregistered", (im.image_id,), ("",))


class HostAvailable(NamedTuple):
    """A Dedicated Host allocated in ``pending`` state (by a host resource group) became available."""

    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostAvailable", (h.host_id,), ("",))


class HostFailed(NamedTuple):
    """A Dedicated Host failed: it is ``under-assessment`` and takes no launches."""

    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        detail = f"host recovery {h.host_recovery}; {len(h.instances)} instances on it"
        return (h.account_id, h.region, "ec2", "HostFailed", (h.host_id,), (detail,))


class InstancesRecovered(NamedTuple):
    """Host recovery moved instances of one account from a failed host to its replacement."""

    instances: tuple[Instance, ...]
    from_host: DedicatedHost
    to_host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.instances[0]
        detail = f"{self.from_host.host_id}->{self.to_host.host_id}"
        return (first.account_id, first.region, "ec2", "InstanceRecovered",
                tuple([i.instance_id for i in self.instances]), (detail,) * len(self.instances))


class HostRecovered(NamedTuple):
    """Host recovery completed: the replacement ``host`` is available (the failed host is
    released with a HostReleased event)."""

    host: DedicatedHost
    failed: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostRecovered", (h.host_id,), (f"replaces {self.failed.host_id}",))


class HostRecoveryFailed(NamedTuple):
    """Host recovery of a failed host was not allowed (``reason``: a License Manager refusal)."""

    host: DedicatedHost
    reason: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostRecoveryFailed", (h.host_id,), (self.reason,))


class HostPermanentlyFailed(NamedTuple):
    """A failed host that was not recovered entered ``permanent-failure``."""

    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "ec2", "HostPermanentlyFailed", (h.host_id,), ("",))


class HostAddedToGroup(NamedTuple):
    """A Dedicated Host became a member of a host resource group."""

    host: DedicatedHost
    group_arn: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "resource-groups", "HostAddedToGroup", (h.host_id,), (self.group_arn,))


class HostRemovedFromGroup(NamedTuple):
    """A Dedicated Host left a host resource group (removed or released)."""

    host: DedicatedHost
    group_arn: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        h = self.host
        return (h.account_id, h.region, "resource-groups", "HostRemovedFromGroup", (h.host_id,), (self.group_arn,))


class HostEvictionNotice(NamedTuple):
    """A host removed from a shared host resource group carries instances of ``account_id``:
    they must move off it before ``deadline``, or they are stopped."""

    host: DedicatedHost
    group_arn: str
    account_id: str
    instance_ids: tuple[str, ...]
    deadline: datetime

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        detail = (f"{self.host.host_id} left {self.group_arn}; move {' '.join(self.instance_ids)} off it before "
                  f"{self.deadline.isoformat()}")
        return (self.account_id, self.host.region, "license-manager", "HostEvictionNotice", (self.host.host_id,),
                (detail,))


class InstancesEvicted(NamedTuple):
    """The eviction period ended: instances of one account still on the host are stopped."""

    instances: tuple[Instance, ...]
    host: DedicatedHost

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        first = self.instances[0]
        return (first.account_id, first.region, "license-manager", "InstanceEvicted",
                tuple([i.instance_id for i in self.instances]), (self.host.host_id,) * len(self.instances))


class ScalingGroupChanged(NamedTuple):
    """An Auto Scaling group changed: ``activity`` started or ended (a launch, termination,
    attachment or detachment, or a failed launch), or, without one, its desired capacity or
    the state of its instances changed for ``cause``."""

    group: AutoScalingGroup
    activity: Activity | None
    cause: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        g, a = self.group, self.activity
        if a is not None:
            return (g.account_id, g.region, "autoscaling", "ScalingActivity", (a.activity_id,),
                    (f"{g.name} {a.status}: {a.description}",))
        in_service, pending = g.levels()
        return (g.account_id, g.region, "autoscaling", "GroupCapacityChange", (g.name,),
                (f"desired={g.desired} min={g.min_size} max={g.max_size} in_service={in_service} pending={pending}",))


class SubscriptionConfirmed(NamedTuple):
    """The endpoint of an SNS subscription confirmed it (email and HTTP(S) recipients do
    so a minute after Subscribe): it receives what the topic publishes from now on."""

    subscription: Subscription
    account_id: str
    region: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        s = self.subscription
        return (self.account_id, self.region, "sns", "SubscriptionConfirmed", (s.arn,), (f"{s.protocol}:{s.endpoint}",))


class MessageDelivered(NamedTuple):
    """SNS delivered a message published to ``topic_arn`` to a confirmed subscription."""

    subscription: Subscription
    account_id: str
    region: str
    subject: str
    message: str

    def record_group(self) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]:
        s = self.subscription
        return (self.account_id, self.region, "sns", "MessageDelivered", (s.arn,), (f"{s.protocol}:{s.endpoint}",))
