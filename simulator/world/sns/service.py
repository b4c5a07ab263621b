"""Amazon SNS of one region: standard topics, their access policies, subscriptions and
the delivery of what is published.

The topic's policy decides who may use it, with the caller's identity-based policies as
for any resource-based policy: a new topic's default policy lets the owner account's
principals use it and no one else. Subscriptions whose endpoint AWS asks to confirm
(email, HTTP(S)) stay ``PendingConfirmation`` until the simulated recipient confirms them
``CONFIRMATION_DELAY`` seconds after Subscribe; Amazon SQS and AWS Lambda subscriptions are
confirmed at once. A message is delivered, at the instant it was published but after the
call that published it, to the subscriptions confirmed then (a ``MessageDelivered`` event
each), and to the callbacks registered with ``listen`` (a scenario's alert handler).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from simulator.access import Policy, PolicyError, Requester
from simulator.core.arn import parse_arn
from simulator.world.ec2.context import RegionContext
from simulator.world.events import MessageDelivered, SubscriptionConfirmed
from simulator.world.sns.errors import (
    authorization_error,
    invalid_parameter,
    not_found,
    topic_limit_exceeded,
)
from simulator.world.sns.topic import (
    CONFIRMED_AT_ONCE,
    PENDING,
    PROTOCOLS,
    SnsMessage,
    Subscription,
    Topic,
    default_policy,
)

#: How long after Subscribe an email or HTTP(S) recipient confirms (simulated seconds).
CONFIRMATION_DELAY = 60.0
#: Standard topics per account and Region ("Amazon SNS quotas": 100,000).
MAX_TOPICS = 100_000
#: The largest message ("up to 256 KB of text").
MAX_MESSAGE_BYTES = 256 * 1024
#: The topic attributes SetTopicAttributes and CreateTopic accept.
TOPIC_ATTRIBUTES = ("DisplayName", "Policy", "DeliveryPolicy")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SUBJECT = re.compile(r"[\x20-\x7e]{1,100}")
_ENDPOINTS = {
    "email": re.compile(r"[^@\s]+@[^@\s]+"),
    "email-json": re.compile(r"[^@\s]+@[^@\s]+"),
    "http": re.compile(r"http://\S+"),
    "https": re.compile(r"https://\S+"),
    "sqs": re.compile(r"arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+"),
    "lambda": re.compile(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?"),
}

#: What ``listen`` callbacks are.
MessageCallback = Callable[[SnsMessage], Any]


class SnsService:
    """SNS of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self.region = ctx.region
        self.topics: dict[str, Topic] = {}
        self._listeners: dict[str, list[MessageCallback]] = {}

    # -- topics -------------------------------------------------------------------------------

    def topic(self, arn: str) -> Topic:
        """The topic ``arn`` names.

        Raises:
            ServiceError: InvalidParameter for a malformed ARN, NotFound for no such topic.
        """
        topic = self.topics.get(arn)
        if topic is None:
            parts = parse_arn(arn)
            if parts is None or parts.service != "sns":
                raise invalid_parameter(f"TopicArn: {arn!r} is not a topic ARN (arn:aws:sns:<region>:<account>:<name>)")
            raise not_found("Topic does not exist")
        return topic

    def _allow(self, requester: Requester, topic: Topic, action: str) -> None:
        if not requester.decide(f"sns:{action}", topic.arn, topic.policy, topic.account_id).allowed:
            who = requester.caller.arn or requester.caller.service
            raise authorization_error(who, f"SNS:{action}", topic.arn)

    def create_topic(self, requester: Requester, name: str, attributes: Mapping[str, str] | None = None,
                     tags: Mapping[str, str] | None = None) -> Topic:
        """CreateTopic; creating a topic that exists with the same attributes and tags
        returns it.

        Raises:
            ServiceError: InvalidParameter for a bad name (FIFO topics are not simulated), an
                unknown attribute or a malformed policy, or an existing topic with other
                attributes; TopicLimitExceeded.
        """
        if _NAME.fullmatch(name) is None:
            if name.endswith(".fifo"):
                raise invalid_parameter("Name: FIFO topics are not simulated; use a standard topic")
            raise invalid_parameter("Topic Name: names are 1 to 256 letters, digits, hyphens and underscores")
        attributes = dict(attributes or {})
        unknown = sorted(set(attributes) - set(TOPIC_ATTRIBUTES))
        if unknown:
            raise invalid_parameter(f"Attributes Reason: {unknown[0]} is not a topic attribute the simulator "
                                    f"supports ({', '.join(TOPIC_ATTRIBUTES)})")
        account = requester.account_id
        arn = f"arn:aws:sns:{self.region}:{account}:{name}"
        policy = _compile(arn, attributes.get("Policy") or default_policy(arn, account))
        existing = self.topics.get(arn)
        if existing is not None:
            same = (attributes.get("DisplayName", existing.display_name) == existing.display_name
                    and ("Policy" not in attributes or attributes["Policy"] == existing.policy.text)
                    and (tags is None or dict(tags) == existing.tags))
            if not same:
                raise invalid_parameter("Attributes Reason: Topic already exists with different attributes")
            return existing
        if sum(1 for t in self.topics.values() if t.account_id == account) >= MAX_TOPICS:
            raise topic_limit_exceeded(MAX_TOPICS)
        topic = self.topics[arn] = Topic(
            arn=arn, name=name, account_id=account, region=self.region, created_at=self.ctx.clock.now(),
            policy=policy, display_name=attributes.get("DisplayName", ""),
            delivery_policy=attributes.get("DeliveryPolicy", ""), tags=dict(tags or {}))
        return topic

    def owned(self, account_id: str) -> list[Topic]:
        """ListTopics: the account's topics in the region, oldest first."""
        return [t for t in self.topics.values() if t.account_id == account_id]

    def attributes(self, requester: Requester, arn: str) -> dict[str, str]:
        """GetTopicAttributes.

        Raises:
            ServiceError: NotFound, AuthorizationError.
        """
        topic = self.topic(arn)
        self._allow(requester, topic, "GetTopicAttributes")
        confirmed = sum(1 for s in topic.subscriptions.values() if s.confirmed)
        found = {
            "TopicArn": topic.arn, "Owner": topic.account_id, "Policy": topic.policy.text,
            "DisplayName": topic.display_name, "SubscriptionsConfirmed": str(confirmed),
            "SubscriptionsPending": str(len(topic.subscriptions) - confirmed),
            "SubscriptionsDeleted": str(topic.deleted_subscriptions),
            "EffectiveDeliveryPolicy": topic.delivery_policy or json.dumps({"http": {"defaultHealthyRetryPolicy": {
                "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3, "numMaxDelayRetries": 0,
                "numNoDelayRetries": 0, "numMinDelayRetries": 0, "backoffFunction": "linear"},
                "disableSubscriptionOverrides": False}}, separators=(",", ":")),
        }
        if topic.delivery_policy:
            found["DeliveryPolicy"] = topic.delivery_policy
        return found

    def set_attribute(self, requester: Requester, arn: str, name: str, value: str) -> None:
        """SetTopicAttributes of Policy, DisplayName or DeliveryPolicy.

        Raises:
            ServiceError: NotFound, AuthorizationError, InvalidParameter.
        """
        topic = self.topic(arn)
        self._allow(requester, topic, "SetTopicAttributes")
        if name not in TOPIC_ATTRIBUTES:
            raise invalid_parameter(f"AttributeName: {name!r}; the simulator supports {', '.join(TOPIC_ATTRIBUTES)}")
        if name == "Policy":
            topic.policy = _compile(topic.arn, value)
        elif name == "DisplayName":
            topic.display_name = value
        else:
            topic.delivery_policy = value

    def delete_topic(self, requester: Requester, arn: str) -> None:
        """DeleteTopic and its subscriptions (deleting a topic that does not exist is not
        an error).

        Raises:
            ServiceError: AuthorizationError.
        """
        topic = self.topics.get(arn)
        if topic is None:
            return
        self._allow(requester, topic, "DeleteTopic")
        del self.topics[arn]

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(self, requester: Requester, arn: str, protocol: str, endpoint: str,
                  attributes: Mapping[str, str] | None = None) -> Subscription:
        """Subscribe ``endpoint``; an endpoint already subscribed gets its subscription back.

        Raises:
            ServiceError: NotFound, AuthorizationError, InvalidParameter (protocol,
                endpoint or attributes).
        """
        topic = self.topic(arn)
        if protocol not in PROTOCOLS:
            raise invalid_parameter(f"Protocol: {protocol!r}; the simulator delivers to {', '.join(sorted(PROTOCOLS))}")
        if _ENDPOINTS[protocol].fullmatch(endpoint or "") is None:
            raise invalid_parameter(f"Endpoint: {endpoint!r} is not a valid {protocol} endpoint")
        for key, value in (attributes or {}).items():
            if key != "RawMessageDelivery" or value not in ("true", "false"):
                raise invalid_parameter(f"Attributes Reason: {key}={value!r}; the simulator supports "
                                        "RawMessageDelivery true or false")
        self._allow(requester, topic, "Subscribe")
        for existing in topic.subscriptions.values():
            if existing.protocol == protocol and existing.endpoint == endpoint:
                return existing
        clock = self.ctx.clock
        sub_arn = f"{topic.arn}:{self.ctx.ids.uuid('sns-subscription')}"
        subscription = Subscription(arn=sub_arn, topic_arn=topic.arn, owner_id=requester.account_id,
                                    protocol=protocol, endpoint=endpoint, created_at=clock.now(),
                                    confirmed=protocol in CONFIRMED_AT_ONCE, attributes=dict(attributes or {}))
        topic.subscriptions[sub_arn] = subscription
        if not subscription.confirmed:
            clock.call_later(CONFIRMATION_DELAY, self._confirm, topic, subscription)
        return subscription

    def _confirm(self, topic: Topic, subscription: Subscription) -> None:
        if self.topics.get(topic.arn) is topic and topic.subscriptions.get(subscription.arn) is subscription:
            subscription.confirmed = True
            self.ctx.bus.publish(SubscriptionConfirmed(subscription, topic.account_id, self.region))

    def subscriptions(self, account_id: str) -> list[Subscription]:
        """ListSubscriptions: the subscriptions ``account_id`` made in the region."""
        return [s for t in self.topics.values() for s in t.subscriptions.values() if s.owner_id == account_id]

    def topic_subscriptions(self, requester: Requester, arn: str) -> list[Subscription]:
        """ListSubscriptionsByTopic.

        Raises:
            ServiceError: NotFound, AuthorizationError.
        """
        topic = self.topic(arn)
        self._allow(requester, topic, "ListSubscriptionsByTopic")
        return list(topic.subscriptions.values())

    def unsubscribe(self, requester: Requester, subscription_arn: str) -> None:
        """Unsubscribe: the subscription's owner or the topic's owner may.

        Raises:
            ServiceError: InvalidParameter (a pending subscription has no ARN to give),
                NotFound, AuthorizationError.
        """
        if subscription_arn == PENDING or subscription_arn.count(":") != 6:
            raise invalid_parameter(f"SubscriptionArn: {subscription_arn!r} is not a subscription ARN")
        topic = self.topics.get(subscription_arn.rsplit(":", 1)[0])
        subscription = topic.subscriptions.get(subscription_arn) if topic is not None else None
        if topic is None or subscription is None:
            raise not_found("Subscription does not exist")
        if requester.account_id not in (subscription.owner_id, topic.account_id):
            raise authorization_error(requester.caller.arn, "SNS:Unsubscribe", subscription_arn)
        del topic.subscriptions[subscription_arn]
        topic.deleted_subscriptions += 1

    # -- publishing ---------------------------------------------------------------------------

    def publish(self, requester: Requester, arn: str, message: str, subject: str = "",
                structure: str | None = None) -> str:
        """Publish; return the MessageId. The message is delivered at this instant, after
        the current call.

        Raises:
            ServiceError: NotFound, AuthorizationError, InvalidParameter (empty or too long
                a message, a bad subject, a JSON message structure without ``default``).
        """
        topic = self.topic(arn)
        _check_message(message, subject, structure)
        self._allow(requester, topic, "Publish")
        message_id = self.ctx.ids.uuid("sns-message")
        confirmed = [s for s in topic.subscriptions.values() if s.confirmed]
        listeners = list(self._listeners.get(arn, ()))
        if confirmed or listeners:
            published = SnsMessage(topic_arn=arn, message_id=message_id, time=self.ctx.clock.now(), subject=subject,
                                   message=message)
            self.ctx.clock.call_later(0.0, self._deliver, topic, confirmed, listeners, published, structure)
        return message_id

    def _deliver(self, topic: Topic, subscriptions: list[Subscription], listeners: list[MessageCallback],
                 message: SnsMessage, structure: str | None) -> None:
        publish = self.ctx.bus.publish
        per_protocol = json.loads(message.message) if structure == "json" else None
        for subscription in subscriptions:
            text = message.message if per_protocol is None else str(
                per_protocol.get(subscription.protocol, per_protocol["default"]))
            publish(MessageDelivered(subscription, topic.account_id, self.region, message.subject, text))
        for callback in listeners:
            callback(message)

    def listen(self, topic_arn: str, callback: MessageCallback) -> None:
        """Call ``callback(message)`` with every message published to ``topic_arn`` from now
        on (the topic need not exist yet)."""
        self._listeners.setdefault(topic_arn, []).append(callback)


def _compile(arn: str, text: str) -> Policy:
    try:
        return Policy.parse(text, name=f"topic/{arn.rsplit(':', 1)[-1]}", kind="resource")
    except PolicyError as error:
        raise invalid_parameter(f"Policy Error: {error}") from None


def _check_message(message: str, subject: str, structure: str | None) -> None:
    if not message:
        raise invalid_parameter("Message: Empty message")
    if len(message.encode()) > MAX_MESSAGE_BYTES:
        raise invalid_parameter("Message too long: the limit is 262,144 bytes")
    if subject and _SUBJECT.fullmatch(subject) is None:
        raise invalid_parameter("Subject: at most 100 printable ASCII characters, on one line")
    if structure is not None:
        if structure != "json":
            raise invalid_parameter(f"MessageStructure: {structure!r}; the only value is json")
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or "default" not in parsed:
            raise invalid_parameter("Message Structure - No default entry in JSON message body")
