"""Synchronous publish/subscribe for domain events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], None]


class EventBus:
    """Delivers each published event to the handlers subscribed to its type, in order.

    Handlers run synchronously inside ``publish``, at the simulated instant of the event.
    A handler subscribed with ``event_type=None`` receives every event.
    """

    def __init__(self) -> None:
        self._by_type: dict[type | None, list[Handler]] = {}
        self._routes: dict[type, tuple[Handler, ...]] = {}

    def subscribe(self, event_type: type | None, handler: Handler) -> None:
        """Call ``handler(event)`` for every published event of ``event_type`` (None: all)."""
        self._by_type.setdefault(event_type, []).append(handler)
        self._routes.clear()

    def publish(self, event: Any) -> None:
        """Deliver ``event`` to its subscribers."""
        kind = type(event)
        route = self._routes.get(kind)
        if route is None:
            route = self._routes[kind] = tuple(self._by_type.get(kind, ())) + tuple(
                self._by_type.get(None, ())
            )
        for handler in route:
            handler(event)
