"""The operation registry: which function serves each (service, operation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.core.clock import Clock
from simulator.core.ids import IdFactory


@dataclass
class Backends:
    """What the API handlers call into."""

    clock: Clock
    ids: IdFactory
    world: Any
    license_manager: Any = None


@dataclass
class Call:
    """One API call being served: who calls, where, and what it touched.

    Handlers may set ``resource_id`` to the resource the call acted on (the events timeline
    shows it).
    """

    service: str
    operation: str
    account_id: str
    region: str
    principal: str
    backends: Backends
    resource_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def world(self) -> Any:
        """The simulated world."""
        return self.backends.world

    @property
    def ec2(self) -> Any:
        """EC2 of the call's region."""
        return self.backends.world.ec2(self.region)

    @property
    def clock(self) -> Clock:
        """The simulation clock."""
        return self.backends.clock


Handler = Callable[[Call, dict[str, Any]], dict[str, Any]]

#: (service name, operation name) -> handler.
OPERATIONS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``service``'s ``name``.

    The handler receives the Call and the request parameters (validated by botocore
    against the operation's input shape) and returns the response as the operation's
    output shape describes it; it raises ServiceError to answer with an error.
    """

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in OPERATIONS:
            raise ValueError(f"{service}:{name} is registered twice")
        OPERATIONS[key] = handler
        return handler

    return register


def implemented(service: str) -> list[str]:
    """The operation names of ``service`` the simulator serves."""
    return sorted(name for svc, name in OPERATIONS if svc == service)
