"""Consumption tracking: how launches, state changes, host recovery, released hosts and
license type conversions change what each configuration consumes. Every event costs O(1) in the size of the fleet,
and writes one compliance row per configuration whose level (consumed, or bound by license
affinity) changed."""

from __future__ import annotations

from simulator.core.bus import EventBus
from simulator.core.clock import DAY
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.configurations import Configurations
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Instance, InstanceState
from simulator.world.ec2.instance import ACTIVE_STATES
from simulator.world.events import (
    HostReleased,
    InstancesLaunched,
    InstancesRecovered,
    InstancesStateChanged,
    InstanceUsageOperationChanged,
)

_PENDING, _RUNNING, _TERMINATED = InstanceState.PENDING, InstanceState.RUNNING, InstanceState.TERMINATED
_LEAVING = (InstanceState.STOPPING, InstanceState.SHUTTING_DOWN)


class Tracking:
    """Keeps every configuration's consumption current from the world's events.

    Args:
        state: The engine's shared state.
        configurations: Finds the configurations of a launch.
        bus: The world's event bus.
    """

    def __init__(self, state: LicenseState, configurations: Configurations, bus: EventBus) -> None:
        self.state = state
        self.configurations = configurations
        self._env = state.clock.env
        bus.subscribe(InstancesLaunched, self.on_instances_launched)
        # The end of a transition (running, stopped) changes nothing: consumption changed when it began.
        bus.subscribe(InstancesStateChanged, self.on_instances_started, topics=(_PENDING,))
        bus.subscribe(InstancesStateChanged, self.on_instances_leaving, topics=_LEAVING)
        bus.subscribe(InstancesStateChanged, self.on_instances_terminated, topics=(_TERMINATED,))
        bus.subscribe(HostReleased, self.on_host_released)
        bus.subscribe(InstancesRecovered, self.on_instances_recovered)
        bus.subscribe(InstanceUsageOperationChanged, self.on_usage_operation_changed)
        state.clock.every(DAY, self.release_expired_bindings)

    def on_instances_launched(self, event: InstancesLaunched) -> None:
        """Associate the instances of one launch (one AMI, one set of license specifications)
        with their configurations, the call's, the launch template's and the AMI's, and
        count them."""
        state = self.state
        if not state.configurations:
            return
        instances = event.instances
        first = instances[0]
        configs = self.configurations.governing_launch(first.account_id, first.region, first.image,
                                                       first.license_configuration_arns)
        if not configs:
            return
        now = self._env.now
        arns = tuple([c.arn for c in configs])
        # the instances of one launch share their license specifications: the AMI added some?
        set_licenses = (state.world.region(first.region).ec2.instances.set_license_configurations
                        if arns != first.license_configuration_arns else None)
        instance_configs = state.instance_configs
        for instance in instances:
            link = (instance, now)
            for cfg in configs:
                cfg.instances[instance.instance_id] = link
            instance_configs[instance.instance_id] = configs
            if set_licenses is not None:
                set_licenses(instance, arns)
        self._count([(instance, configs) for instance in instances], activate=True)

    def on_instances_started(self, event: InstancesStateChanged) -> None:
        """Count the tracked instances that entered pending (a start)."""
        tracked = self.state.instance_configs
        self._count([(i, tracked[i.instance_id]) for i in event.instances if i.instance_id in tracked], activate=True)

    def on_instances_leaving(self, event: InstancesStateChanged) -> None:
        """Stop counting the tracked instances that were pending or running and now stop or
        shut down."""
        tracked = self.state.instance_configs
        self._count([(i, tracked[i.instance_id]) for i, previous in zip(event.instances, event.previous, strict=True)
                     if (previous is _PENDING or previous is _RUNNING) and i.instance_id in tracked], activate=False)

    def on_instances_terminated(self, event: InstancesStateChanged) -> None:
        """Forget terminated instances."""
        tracked = self.state.instance_configs
        for instance in event.instances:
            for cfg in tracked.pop(instance.instance_id, ()):
                cfg.instances.pop(instance.instance_id, None)

    def _count(self, pairs: list[tuple[Instance, tuple[LicenseConfiguration, ...]]], activate: bool) -> None:
        """Start (or stop) counting each instance under its configurations, with one
        compliance row per configuration whose level changed, in the order they changed."""
        changed: dict[LicenseConfiguration, None] = {}
        now = self._env.now
        for instance, configs in pairs:
            for cfg in configs:
                if cfg.activate(instance, now) if activate else cfg.deactivate(instance, now):
                    changed[cfg] = None
        record = self.state.record
        for cfg in changed:
            record(cfg)

    def on_instances_recovered(self, event: InstancesRecovered) -> None:
        """Host recovery moved running instances: their Core and Socket licenses count on the
        replacement host, and the failed host's are released as its instances leave it (no
        license affinity binds a failed host), so the move counts nothing twice."""
        before: dict[LicenseConfiguration, tuple[int, int]] = {}
        now = self._env.now
        tracked = self.state.instance_configs
        failed = event.from_host
        # The world moves every instance off the failed host before it tells each account:
        # once it is empty, what it counted goes at once, so the accounts told later (whose
        # instances a shared configuration may track too) see no moment counted twice.
        emptied = not failed.instances
        for instance in event.instances:
            if instance.state not in ACTIVE_STATES:
                continue
            for cfg in tracked.get(instance.instance_id, ()):
                if cfg.counts_hosts:
                    before.setdefault(cfg, (cfg.consumed, cfg.bound))
                    if emptied:
                        cfg.leave_host(failed, now)
                    else:
                        cfg.deactivate(instance, now, host=failed, bind=False)
                    cfg.activate(instance, now)
        for cfg, level in before.items():
            if (cfg.consumed, cfg.bound) != level:
                self.state.record(cfg)

    def on_usage_operation_changed(self, event: InstanceUsageOperationChanged) -> None:
        """A license type conversion changed a running instance's billing code: the
        configurations that applied to its old license type but not to the new one stop
        counting it, those that apply only to the new one start."""
        instance, previous = event.instance, event.previous
        if instance.state not in ACTIVE_STATES:
            return
        now = self._env.now
        for cfg in self.state.instance_configs.get(instance.instance_id, ()):
            if cfg.applies_to(previous) != cfg.applies_to(instance.usage_operation):
                before = cfg.level
                cfg.deactivate(instance, now, usage_operation=previous)
                cfg.activate(instance, now)
                if cfg.level != before:
                    self.state.record(cfg)

    def on_host_released(self, event: HostReleased) -> None:
        """A released host's own associations end, and so does what it consumed."""
        host_id = event.host.host_id
        now = self._env.now
        for cfg in self.state.host_configs.pop(host_id, ()):
            cfg.hosts.pop(host_id, None)
            before = cfg.level
            cfg.detach_host(host_id, now)
            if cfg.level != before:
                self.state.record(cfg)

    def release_expired_bindings(self) -> None:
        """The daily run that returns licenses whose host affinity period has elapsed."""
        now = self._env.now
        for cfg in self.state.configurations.values():
            if cfg.rules.affinity_days and cfg.host_usage:
                before = cfg.level
                cfg.release_expired_bindings(now)
                if cfg.level != before:
                    self.state.record(cfg)
