"""A topic, its subscriptions, and a published message as a subscriber receives it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from simulator.access import Policy

#: Protocols whose endpoint AWS asks to confirm the subscription (PendingConfirmation until
#: the recipient does), and protocols AWS confirms at once (the endpoint is an AWS resource).
CONFIRMED_BY_ENDPOINT = frozenset({"email", "email-json", "http", "https"})
CONFIRMED_AT_ONCE = frozenset({"sqs", "lambda"})
PROTOCOLS = CONFIRMED_BY_ENDPOINT | CONFIRMED_AT_ONCE
PENDING = "PendingConfirmation"


@dataclass(eq=False)
class Subscription:
    """A subscription of an endpoint to a topic.

    Attributes:
        owner_id: The account that subscribed.
        confirmed: Whether the endpoint confirmed it (deliveries go to confirmed ones only).
    """

    arn: str
    topic_arn: str
    owner_id: str
    protocol: str
    endpoint: str
    created_at: datetime
    confirmed: bool
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def listed_arn(self) -> str:
        """The ARN, or ``PendingConfirmation`` while unconfirmed (as the List calls show it)."""
        return self.arn if self.confirmed else PENDING


@dataclass(eq=False)
class Topic:
    """A standard topic of one account and region.

    Attributes:
        policy: The topic's access policy, compiled (the default one until set).
        subscriptions: By ARN, in creation order.
        deleted_subscriptions: How many were unsubscribed (``SubscriptionsDeleted``).
    """

    arn: str
    name: str
    account_id: str
    region: str
    created_at: datetime
    policy: Policy
    display_name: str = ""
    delivery_policy: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    deleted_subscriptions: int = 0


class SnsMessage(NamedTuple):
    """A message published to a topic, as ``SnsHub.on_message`` callbacks receive it.

    Attributes:
        time: When it was published (simulated, UTC).
        subject: The Subject ("" when none).
        message: The message text.
    """

    topic_arn: str
    message_id: str
    time: datetime
    subject: str
    message: str

    @property
    def data(self) -> Any:
        """The message parsed as JSON (License Manager's alerts are JSON objects).

        Raises:
            ValueError: if the message is not JSON.
        """
        return json.loads(self.message)


def default_policy(topic_arn: str, account_id: str) -> str:
    """The access policy SNS gives a new topic: the owner account's principals may use it."""
    return json.dumps({
        "Version": "2008-10-17", "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                       "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic",
                       "SNS:Publish"],
            "Resource": topic_arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
        }],
    }, separators=(",", ":"))
