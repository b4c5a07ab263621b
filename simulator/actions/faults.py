"""Faults a scenario injects into the simulated estate (``sim.faults``): each is a facade
action, recorded with its parameters so that a replay injects it again."""

from __future__ import annotations

from datetime import datetime

from simulator.actions.log import ActionLog, action
from simulator.core.billing import is_windows
from simulator.core.clock import Clock
from simulator.licensing import LicenseManager
from simulator.world import World
from simulator.world.ec2 import HostState


class Faults:
    """Injects faults into the world.

    Args:
        world: The simulated world.
        clock: The simulation clock.
        actions: Where facade actions are recorded.
        license_manager: The License Manager engine (its conversion tasks can fail).
    """

    def __init__(self, world: World, clock: Clock, actions: ActionLog, license_manager: LicenseManager) -> None:
        self.world = world
        self.clock = clock
        self.actions = actions
        self.license_manager = license_manager

    @action("faults.fail_host", "ec2", resource="host_id")
    def fail_host(self, host_id: str, at: datetime | str | None = None) -> None:
        """Fail the Dedicated Host ``host_id`` now, or at the instant ``at`` (a datetime or
        an ISO-8601 string). The host goes ``under-assessment``; with host recovery on its
        instances then move to a replacement host, otherwise they stop and the host is
        retired (see ``simulator.world.ec2.host_failures``). A host that is no longer
        ``available`` when a scheduled failure comes due is left as it is.

        Raises:
            ValueError: for an unknown host, one that is not available now, or an ``at``
                that is malformed or lies before the current time.
        """
        host = self.world.find_host(host_id)
        if host is None:
            raise ValueError(f"host_id {host_id!r} is not a Dedicated Host of the simulation")
        failures = self.world.region(host.region).ec2.host_failures
        if at is None:
            failures.fail(host)
            return
        when = self.clock.to_seconds(at)
        if when < self.clock.seconds:
            raise ValueError(f"at {at} lies before the current time {self.clock.now().isoformat()}")
        if host.state is not HostState.AVAILABLE:
            raise ValueError(f"host {host_id} is {host.state}; only an available host can fail")
        self.clock.call_at(when, self._fail_if_available, host_id)

    def _fail_if_available(self, host_id: str) -> None:
        host = self.world.find_host(host_id)
        if host is not None and host.state is HostState.AVAILABLE:
            self.world.region(host.region).ec2.host_failures.fail(host)

    @action("faults.fail_conversion_activation", "license-manager", resource="instance_id")
    def fail_conversion_activation(self, instance_id: str) -> None:
        """Make the Windows activation step of the next license type conversion of
        ``instance_id`` that makes Windows Server license included fail, after its usage
        operation changed: the task ends FAILED with a status message naming the step, the
        instance keeps its new usage operation, and its Windows stays pointed at the old KMS
        server until the user switches it (License Manager User Guide, "Troubleshooting
        license type conversion"; see ``Simulation.set_kms_server``).

        Raises:
            ValueError: for an unknown instance, or one that does not run Windows.
        """
        instance = self.world.find_instance(instance_id)
        if instance is None:
            raise ValueError(f"instance_id {instance_id!r} is not an instance of the simulation")
        if not is_windows(instance.usage_operation):
            raise ValueError(f"instance {instance_id} runs {instance.platform_details}, not Windows: it has no "
                             "Windows activation step")
        self.license_manager.conversions.fail_activation(instance_id)
