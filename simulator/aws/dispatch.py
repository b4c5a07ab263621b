"""The operation registry: which function serves each (service, operation), and the Call
each handler receives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from simulator.aws.pagination import paginate
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.licensing import LicenseManager
from simulator.world import World
from simulator.world.ec2 import Ec2Service
from simulator.world.sts import Session

T = TypeVar("T")

@dataclass
class Backends:
    """What the API handlers call into."""

    clock: Clock
    ids: IdFactory
    world: World
    license_manager: LicenseManager


@dataclass
class Call:
    """One API call being served: who calls, where, and what it touched.

    Handlers may set ``resource_id`` to the resource the call acted on (the events timeline
    shows it). ``session`` is the assumed-role session of a client made from temporary
    credentials; an unsigned call has an empty ``account_id``.
    """

    service: str
    operation: str
    account_id: str
    region: str
    principal: str
    backends: Backends
    resource_id: str = ""
    session: Session | None = None

    @property
    def world(self) -> World:
        """The simulated world."""
        return self.backends.world

    @property
    def ec2(self) -> Ec2Service:
        """EC2 of the call's region."""
        return self.backends.world.region(self.region).ec2

    @property
    def license_manager(self) -> LicenseManager:
        """The License Manager engine."""
        return self.backends.license_manager

    @property
    def clock(self) -> Clock:
        """The simulation clock."""
        return self.backends.clock

    def page(self, params: Params, items: Sequence[T]) -> tuple[list[T], dict[str, str]]:
        """One page of ``items`` for this call, and the next-page token member (``{}`` on
        the last page); see ``simulator.aws.pagination.paginate``."""
        return paginate(self.service, self.operation, self.account_id, params, items)


#: A request's parameters, as botocore validated them against the operation's input shape.
Params = dict[str, Any]
#: A response, as the operation's output shape describes it (None members are left out).
Response = dict[str, Any]
Handler = Callable[[Call, Params], Response]

#: (service name, operation name) -> handler.
OPERATIONS: dict[tuple[str, str], Handler] = {}
#: Service name -> what runs after each successful call to it (a service noticing its first
#: use in an account).
AFTER: dict[str, Callable[[Call], None]] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``service``'s ``name``.

    The handler receives the Call and the request parameters (validated by botocore
    against the operation's input shape) and returns the response as the operation's
    output shape describes it; it raises ServiceError to answer with an error.

    Raises:
        ValueError: if the operation is registered twice.
    """

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in OPERATIONS:
            raise ValueError(f"{service}:{name} is registered twice")
        OPERATIONS[key] = handler
        return handler

    return register


def implemented(service: str | None = None) -> list[tuple[str, str]]:
    """The (service, operation) pairs the simulator serves (of ``service`` if given)."""
    return sorted(key for key in OPERATIONS if service is None or key[0] == service)
