"""How one Dedicated Host uses one Core or Socket configuration's licenses, and what license
affinity does when the last tracked instance leaves it (user guide, "License configuration
parameters and rules": ``licenseAffinityToHost``).

A host's licenses are in use while a tracked instance runs on it or the host itself is
associated. When the last user leaves, a configuration with an affinity of N days keeps the
licenses bound to the host for N days: an instance arriving meanwhile uses them again, and
the daily release run returns them to the pool once the period has elapsed. Without the rule
(or for a failed host whose instances were recovered elsewhere) they return at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.core.clock import DAY
from simulator.world.ec2 import DedicatedHost


@dataclass(slots=True, eq=False)
class HostUsage:
    """How one Dedicated Host uses one configuration's licenses."""

    host: DedicatedHost
    active_instances: int = 0
    direct: bool = False
    consuming: bool = False
    bound_until: float | None = None
    since: float = 0.0

    @property
    def held(self) -> bool:
        """Whether something on or of the host needs the licenses now."""
        return self.active_instances > 0 or self.direct

    def settle(self, amount: int, affinity_days: int | None, now: float, sweep: bool) -> tuple[int, int]:
        """Bring the host's ``amount`` licenses in line with what holds them: the change of the
        configuration's (consumed, bound). ``sweep``: the daily release run, which returns
        bindings whose period has elapsed; ``affinity_days`` None: nothing binds them."""
        if self.held:
            consumed = bound = 0
            if not self.consuming:
                self.consuming = True
                self.since = now
                consumed = amount
            if self.bound_until is not None:  # used again before the binding ran out
                self.bound_until = None
                bound = -amount
            return consumed, bound
        if not self.consuming:
            return 0, 0
        if affinity_days:
            if self.bound_until is None:  # the last user left now: bound for the period
                self.bound_until = now + affinity_days * DAY
                if not sweep or now < self.bound_until:
                    return 0, amount
                bound = amount  # a period of no length: bound and returned in one sweep
            elif not sweep or now < self.bound_until:
                return 0, 0
            else:
                bound = 0
        else:
            bound = 0
        if self.bound_until is not None:
            bound -= amount
        self.consuming = False
        self.bound_until = None
        return -amount, bound
