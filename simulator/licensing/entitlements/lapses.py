"""Expiring checkouts, scheduled on the clock: one FIFO queue per time to live, so each
queue is in expiry order, with one timer armed at its head. Adding, extending and lapsing a
checkout are O(1), whatever the number of live checkouts. A queue holds tokens, not the
checkouts: one checked in long before its expiration is freed at once, not kept until then."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from simulator.core.clock import Clock

if TYPE_CHECKING:
    from simulator.licensing.entitlements.checkouts import Checkout


class LapseQueues:
    """Calls ``on_lapse(checkout)`` when a live checkout reaches its expiration.

    An extension re-queues the checkout with its new expiration; the stale entry is skipped
    when its time comes (the checkout's ``expires_at`` no longer matches), and so is the
    entry of a checkout no longer live.

    Args:
        clock: The simulation clock.
        live: The live checkouts by token.
        on_lapse: Called for each checkout that lapses.
    """

    def __init__(self, clock: Clock, live: Mapping[str, Checkout], on_lapse: Callable[[Checkout], None]) -> None:
        self._clock = clock
        self._live = live
        self._on_lapse = on_lapse
        self._queues: dict[float, deque[tuple[float, str]]] = {}
        self._armed: set[float] = set()

    def add(self, checkout: Checkout, ttl: float) -> None:
        """Lapse ``checkout`` at its ``expires_at`` (now + ``ttl``) unless it ends first."""
        queue = self._queues.get(ttl)
        if queue is None:
            queue = self._queues[ttl] = deque()
        queue.append((checkout.expires_at, checkout.token))  # type: ignore[arg-type]
        if ttl not in self._armed:
            self._arm(ttl, checkout.expires_at)  # type: ignore[arg-type]

    def _arm(self, ttl: float, when: float) -> None:
        self._armed.add(ttl)
        self._clock.call_at(when, self._fire, ttl)

    def _fire(self, ttl: float) -> None:
        self._armed.discard(ttl)
        queue = self._queues[ttl]
        now = self._clock.seconds
        live = self._live
        while queue and queue[0][0] <= now:
            when, token = queue.popleft()
            checkout = live.get(token)
            if checkout is not None and checkout.expires_at == when:
                self._on_lapse(checkout)
        if queue:
            self._arm(ttl, queue[0][0])
