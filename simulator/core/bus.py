"""Synchronous publish/subscribe for domain events, routed by event type and topic."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any

Handler = Callable[[Any], None]


class EventBus:
    """Delivers each published event to the handlers subscribed to its type, in order.

    Handlers run synchronously inside ``publish``, at the simulated instant of the event.
    A handler subscribed with ``event_type=None`` receives every event. An event may be
    published with a topic (the state instances enter, for a state change); a handler
    subscribed with ``topics`` receives only the events of its type published with one of
    them, so that a change reaches only the handlers that act on it. The route of each
    (type, topic) is worked out once.
    """

    def __init__(self) -> None:
        self._by_type: dict[type | None, list[tuple[Handler, frozenset | None]]] = {}
        self._routes: dict[tuple[type, Hashable], tuple[Handler, ...]] = {}

    def subscribe(self, event_type: type | None, handler: Handler, *,
                  topics: Collection[Hashable] | None = None) -> None:
        """Call ``handler(event)`` for every published event of ``event_type`` (None: all),
        or with ``topics``, only for those published with one of them."""
        self._by_type.setdefault(event_type, []).append((handler, None if topics is None else frozenset(topics)))
        self._routes.clear()

    def publish(self, event: Any, topic: Hashable = None) -> None:
        """Deliver ``event`` (about ``topic``, if it has one) to its subscribers."""
        key = (type(event), topic)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = tuple(
                handler for handler, topics in (*self._by_type.get(key[0], ()), *self._by_type.get(None, ()))
                if topics is None or topic in topics
            )
        for handler in route:
            handler(event)
