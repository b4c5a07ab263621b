"""The deliveries timeline's records: one row per message SNS delivered to a subscription."""

from __future__ import annotations

from typing import NamedTuple

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.records import Records
from simulator.world.events import MessageDelivered


class DeliveryRecord(NamedTuple):
    """A message delivered to a confirmed subscription (email, HTTP(S), SQS or Lambda)."""

    time: float
    topic_arn: str
    subscription_arn: str
    protocol: str
    endpoint: str
    subject: str
    message: str


class DeliveryRecorder:
    """Writes the ``deliveries`` records from the SNS events.

    Args:
        records: Where the ``deliveries`` buffer lives.
        clock: Gives the time of the rows.
        bus: The world's event bus.
    """

    def __init__(self, records: Records, clock: Clock, bus: EventBus) -> None:
        self._append = records.register("deliveries", DeliveryRecord).append
        self._env = clock.env
        bus.subscribe(MessageDelivered, self._delivered)

    def _delivered(self, event: MessageDelivered) -> None:
        s = event.subscription
        self._append((self._env.now, s.topic_arn, s.arn, s.protocol, s.endpoint, event.subject, event.message))
