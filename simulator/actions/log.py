"""Facade actions: what a scenario makes happen outside the AWS APIs (software installed
by hand, an agent going dark, a host failing, a Marketplace purchase). Each call of a
method decorated with ``@action`` is an ``action`` row of the events timeline, with its
parameters as JSON, so a run's trace holds every input, API call or not, and a replay can
make the same call again (``simulation.<path>(**params)``). The account and organization
setup the facade does is recorded too, as ``setup`` records: the estate a trace rebuilds."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, TypeVar

from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.params import encode_params
from simulator.core.records import EventRecord, Records

F = TypeVar("F", bound=Callable[..., Any])


class ActionSpan(NamedTuple):
    """The events rows ``first + 1`` up to ``end`` (excluded) were written while the action
    of row ``first`` ran: they are its consequences, not inputs of the run."""

    first: int
    end: int


class SetupRecord(NamedTuple):
    """A change of the estate made outside any API: ``call`` (``add_account`` or
    ``create_organization``) with its parameters as JSON."""

    time: float
    call: str
    params: str


class ActionLog:
    """Writes facade actions as rows of the events timeline, the rows each action caused
(``action_spans``), and the estate's setup (``setup``).

    Args:
        records: Where the ``events``, ``action_spans`` and ``setup`` buffers live.
        clock: Gives the time of the rows.

    Attributes:
        depth: How many actions are running (an action called inside another is part of it).
    """

    def __init__(self, records: Records, clock: Clock) -> None:
        self._rows = records.register("events", EventRecord)
        self._spans = records.register("action_spans", ActionSpan)
        self._setup = records.register("setup", SetupRecord)
        self._clock = clock
        self.depth = 0

    def setup(self, call: str, params: dict[str, Any]) -> None:
        """Record a change of the estate (accounts, organizations) made by the facade."""
        self._setup.append((self._clock.seconds, call, encode_params(params)))

    def reserve(self) -> int:
        """Reserve the row of an action about to run (it stands before the events it causes)."""
        return self._rows.reserve()

    def write(self, slot: int, path: str, service: str, params: dict[str, Any], *, account_id: str = "",
              region: str = "", resource_id: str = "", error_code: str = "") -> None:
        """Fill the reserved row ``slot`` with the action ``path`` and its outcome."""
        self._rows.fill(slot, (self._clock.seconds, account_id, region, service, path, resource_id,
                               "error" if error_code else "success", error_code, "", "action", encode_params(params)))
        if self.depth == 0 and len(self._rows) > slot + 1:
            self._spans.append((slot, len(self._rows)))


class HasActions(Protocol):
    """What a facade object with actions provides."""

    actions: ActionLog


def action(path: str, service: str, *, account: str | None = None, resource: str | None = None) -> Callable[[F], F]:
    """Record each call of the decorated facade method as an ``action`` events row.

    Args:
        path: Where the method is on the Simulation (``"install_software"``,
            ``"faults.fail_host"``), the row's ``event_name``.
        service: The service the action concerns (the row's ``service``).
        account: The parameter that holds the account id, if any.
        resource: The parameter that holds the resource id, if any.

    The owning object must have an ``actions`` attribute (an ActionLog). A call that raises
    is recorded with its error (the ServiceError code, or the exception's type name).
    """

    def decorate(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def recorded(self: HasActions, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            params = dict(list(bound.arguments.items())[1:])
            log = self.actions
            slot = log.reserve()
            error_code = ""
            log.depth += 1
            try:
                return method(self, *args, **kwargs)
            except ServiceError as error:
                error_code = error.code
                raise
            except Exception as error:
                error_code = type(error).__name__
                raise
            finally:
                log.depth -= 1
                log.write(slot, path, service, params,
                          account_id=str(params.get(account, "")) if account else "",
                          resource_id=str(params.get(resource, "")) if resource else "", error_code=error_code)

        return recorded  # type: ignore[return-value]

    return decorate
