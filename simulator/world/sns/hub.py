"""SNS seen from Python, across regions: reacting to what topics publish inside the
simulation (``sim.sns``)."""

from __future__ import annotations

from collections.abc import Callable

from simulator.core.arn import parse_arn
from simulator.world.sns.service import MessageCallback, SnsService


class SnsHub:
    """Every region's SNS.

    Args:
        region_sns: Gives the SNS of a region.
    """

    def __init__(self, region_sns: Callable[[str], SnsService]) -> None:
        self._region_sns = region_sns

    def on_message(self, topic_arn: str, callback: MessageCallback) -> None:
        """Call ``callback(message)`` (an ``SnsMessage``: ``topic_arn``, ``message_id``,
        ``time``, ``subject``, ``message``, and ``data``, the message parsed as JSON) with
        every message published to ``topic_arn`` from now on, at the simulated instant it
        is published, after the call that published it. The callback may make API calls
        through ``sim.client(...)``: an alert handler stopping the instances an alert names.

        Raises:
            ValueError: for a string that is not an SNS topic ARN.
        """
        parts = parse_arn(topic_arn)
        if parts is None or parts.service != "sns" or not parts.account or parts.resource_type:
            raise ValueError(f"topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), "
                             f"got {topic_arn!r}")
        if not callable(callback):
            raise ValueError(f"callback must be callable, got {callback!r}")
        self._region_sns(parts.region).listen(topic_arn, callback)
