"""Notices License Manager sends about Dedicated Hosts (the notifications timeline): the
eviction notice an account gets when a host carrying its instances leaves a host resource
group shared with it ("Removing Dedicated Hosts from a host resource group"), and the
failure of a host recovery that license limits did not allow (EC2 User Guide, "Host
recovery")."""

from __future__ import annotations

from simulator.core.bus import EventBus
from simulator.licensing.alerts import EVICTION_NOTICE, HOST_RECOVERY_FAILED
from simulator.licensing.state import LicenseState
from simulator.world.events import HostEvictionNotice, HostRecoveryFailed


class HostNotices:
    """Turns host events into notifications.

    Args:
        state: The engine's shared state (its notifications buffer).
        bus: The world's event bus.
    """

    def __init__(self, state: LicenseState, bus: EventBus) -> None:
        self.state = state
        bus.subscribe(HostEvictionNotice, self.on_eviction_notice)
        bus.subscribe(HostRecoveryFailed, self.on_recovery_failed)

    def on_eviction_notice(self, event: HostEvictionNotice) -> None:
        """Tell the account to move its instances off the host before the deadline."""
        host = event.host
        self.state.notify_account(
            event.account_id, host.region, EVICTION_NOTICE, f"Eviction notice: Dedicated Host {host.host_id}",
            f"Dedicated Host {host.host_id} was removed from host resource group {event.group_arn}. Move instances "
            f"{', '.join(event.instance_ids)} off it before {event.deadline.isoformat()}; instances still on it then "
            "are stopped.", host.arn,
        )

    def on_recovery_failed(self, event: HostRecoveryFailed) -> None:
        """Tell the host's owner that its recovery was not allowed."""
        host = event.host
        self.state.notify_account(host.account_id, host.region, HOST_RECOVERY_FAILED,
                                  f"Host recovery failed: {host.host_id}",
                                  f"Dedicated Host {host.host_id} was not recovered: {event.reason}", host.arn)
