"""Managed nodes: EC2 instances whose SSM Agent registered, and on-premises servers
registered through hybrid activations (``mi-`` ids), with the software installed on them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from simulator.core.arn import format_arn
from simulator.core.billing import included_licenses
from simulator.world.ec2.instance import ACTIVE_STATES, Instance, InstanceState
from simulator.world.ssm.platforms import Platform

#: The SSM Agent version every simulated node runs.
AGENT_VERSION = "3.3.1611.0"
#: How often an online agent pings Systems Manager (LastPingDateTime moves in these steps).
PING_INTERVAL = 300.0


class PingStatus(StrEnum):
    """DescribeInstanceInformation's PingStatus."""

    ONLINE = "Online"
    CONNECTION_LOST = "ConnectionLost"
    INACTIVE = "Inactive"


class NodeResourceType(StrEnum):
    """DescribeInstanceInformation's ResourceType."""

    EC2_INSTANCE = "EC2Instance"
    MANAGED_INSTANCE = "ManagedInstance"


@dataclass(frozen=True, slots=True)
class InstalledApplication:
    """One application installed on a machine (an AWS:Application inventory entry);
    ``installed_at`` is the simulated second of its installation."""

    name: str
    publisher: str
    version: str
    installed_at: float


@dataclass(slots=True, eq=False)
class ManagedNode:
    """A machine SSM Agent registered with Systems Manager.

    ``index`` is the node's position among its account's nodes (the row of its account's
    inventory arrays). ``software`` is what is really installed now; Systems Manager only
    knows what its last inventory collection gathered. ``reachable_since`` and
    ``unreachable_since`` are the simulated seconds of the agent's last change of
    reachability (a stopped instance's agent cannot be reached either).
    """

    node_id: str
    account_id: str
    region: str
    resource_type: NodeResourceType
    platform: Platform
    registered_at: datetime
    index: int
    instance: Instance | None = None
    name: str = ""
    computer_name: str = ""
    ip_address: str = ""
    activation_id: str | None = None
    iam_role: str | None = None
    cores: int = 0
    sockets: int = 0
    vcpus: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    software: dict[str, InstalledApplication] = field(default_factory=dict)
    agent_online: bool = True
    reachable_since: float = 0.0
    unreachable_since: float | None = None
    deregistered: bool = False

    @property
    def arn(self) -> str:
        """The node's ARN: the instance's, or ``arn:aws:ssm:...:managed-instance/mi-...``."""
        if self.instance is not None:
            return self.instance.arn
        return format_arn("ssm", self.region, self.account_id, "managed-instance", self.node_id)

    @property
    def on_premises(self) -> bool:
        """Whether the node is a server registered through an activation (``mi-``)."""
        return self.resource_type is NodeResourceType.MANAGED_INSTANCE

    @property
    def reachable(self) -> bool:
        """Whether the agent answers now: registered, online, and (EC2) the instance runs."""
        if self.deregistered or not self.agent_online:
            return False
        return self.instance is None or self.instance.state is InstanceState.RUNNING

    @property
    def active(self) -> bool:
        """Whether the machine exists and runs: a registered server, or a pending or
        running instance."""
        if self.deregistered:
            return False
        return self.instance is None or self.instance.state in ACTIVE_STATES

    @property
    def usage_operation(self) -> str:
        """The instance's billing code (empty for on-premises servers)."""
        return self.instance.usage_operation if self.instance is not None else ""

    @property
    def license_included(self) -> tuple[str, ...]:
        """The licenses the machine's billing includes (none on premises)."""
        return included_licenses(self.instance.usage_operation) if self.instance is not None else ()

    @property
    def node_tags(self) -> Mapping[str, str]:
        """The tags of the node: the instance's, or those of the managed instance."""
        return self.instance.tags if self.instance is not None else self.tags

    def ping_status(self) -> PingStatus:
        """Online while the agent answers, ConnectionLost otherwise."""
        return PingStatus.ONLINE if self.reachable else PingStatus.CONNECTION_LOST

    def last_ping(self, now: float) -> float:
        """The simulated second of the agent's last ping (it pings every ``PING_INTERVAL``
        seconds while reachable, from the moment it became reachable)."""
        until = now if self.reachable or self.unreachable_since is None else self.unreachable_since
        return until - (until - self.reachable_since) % PING_INTERVAL
