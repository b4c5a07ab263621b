"""Amazon SNS through boto3: topics whose policy decides who may publish, subscriptions that
wait for their endpoint's confirmation (email, HTTPS) or are confirmed at once (SQS,
Lambda), deliveries to confirmed subscriptions only, and callbacks inside the simulation
(License Manager User Guide, "Settings in License Manager": the SNS topic of alerts)."""

from __future__ import annotations

import json

import pytest

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused

TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT_A}:aws-license-manager-service-alerts"


@pytest.fixture
def sns(sim: Simulation):
    """An SNS client of account A with the topic ``aws-license-manager-service-alerts``."""
    client = sim.client("sns", ACCOUNT_A)
    assert client.create_topic(Name="aws-license-manager-service-alerts")["TopicArn"] == TOPIC
    return client


def test_topics_are_created_once_listed_and_deleted(sns, sim):
    """CreateTopic of an existing name returns it; ListTopics and GetTopicAttributes show it
    with its owner and default policy; DeleteTopic removes it and its subscriptions."""
    assert sns.create_topic(Name="aws-license-manager-service-alerts")["TopicArn"] == TOPIC
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [TOPIC]
    attributes = sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]
    assert attributes["Owner"] == ACCOUNT_A and attributes["SubscriptionsConfirmed"] == "0"
    assert json.loads(attributes["Policy"])["Statement"][0]["Condition"] == {
        "StringEquals": {"AWS:SourceOwner": ACCOUNT_A}}
    assert_refused(sim, "InvalidParameter", lambda: sns.create_topic(Name="bad name"))
    assert_refused(sim, "InvalidParameter", lambda: sns.create_topic(
        Name="aws-license-manager-service-alerts", Attributes={"DisplayName": "other"}))
    sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:alerts")
    sns.delete_topic(TopicArn=TOPIC)
    assert sns.list_topics()["Topics"] == [] and sns.list_subscriptions()["Subscriptions"] == []
    assert_refused(sim, "NotFound", lambda: sns.get_topic_attributes(TopicArn=TOPIC))


def test_email_and_https_subscriptions_wait_a_minute_for_confirmation(sns, sim):
    """Email and HTTPS subscriptions are PendingConfirmation until the recipient confirms them
    a simulated minute after Subscribe; SQS and Lambda ones are confirmed at once; a message
    reaches only the subscriptions confirmed when it is published."""
    assert sns.subscribe(TopicArn=TOPIC, Protocol="email", Endpoint="ops@example.com")["SubscriptionArn"] == (
        "pending confirmation")
    sns.subscribe(TopicArn=TOPIC, Protocol="https", Endpoint="https://hooks.example.com/lm")
    queue = sns.subscribe(TopicArn=TOPIC, Protocol="sqs",
                          Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:alerts")["SubscriptionArn"]
    sns.subscribe(TopicArn=TOPIC, Protocol="lambda",
                  Endpoint=f"arn:aws:lambda:us-east-1:{ACCOUNT_A}:function:stop-offenders")
    listed = {s["Protocol"]: s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=TOPIC)[
        "Subscriptions"]}
    assert listed["email"] == listed["https"] == "PendingConfirmation" and listed["sqs"] == queue
    sns.publish(TopicArn=TOPIC, Message="first", Subject="one")
    sim.advance("61s")
    sns.publish(TopicArn=TOPIC, Message="second", Subject="two")
    sim.advance("1s")
    deliveries = sim.timelines.deliveries
    assert list(deliveries.columns) == ["time", "topic_arn", "subscription_arn", "protocol", "endpoint", "subject",
                                        "message"]
    first = deliveries[deliveries.message == "first"]
    second = deliveries[deliveries.message == "second"]
    assert sorted(first.protocol) == ["lambda", "sqs"]
    assert sorted(second.protocol) == ["email", "https", "lambda", "sqs"]
    assert set(second.topic_arn) == {TOPIC} and set(second.subject) == {"two"}
    assert str(first.time.iloc[0]) == "2026-01-01 00:00:00+00:00"
    assert sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["SubscriptionsConfirmed"] == "4"
    assert_refused(sim, "InvalidParameter", lambda: sns.unsubscribe(SubscriptionArn="PendingConfirmation"))
    sns.unsubscribe(SubscriptionArn=queue)
    assert len(sns.list_subscriptions()["Subscriptions"]) == 3
    assert_refused(sim, "InvalidParameter", lambda: sns.subscribe(TopicArn=TOPIC, Protocol="email",
                                                                   Endpoint="not-an-address"))
    assert_refused(sim, "InvalidParameter", lambda: sns.subscribe(TopicArn=TOPIC, Protocol="sms",
                                                                   Endpoint="+15555550100"))


def test_the_topic_policy_decides_who_may_publish(sns, sim):
    """Another account may not publish or subscribe (AuthorizationError) until the topic
    policy allows it; a malformed policy is refused."""
    other = sim.client("sns", ACCOUNT_B)
    assert_refused(sim, "AuthorizationError", lambda: other.publish(TopicArn=TOPIC, Message="x"))
    assert_refused(sim, "AuthorizationError", lambda: other.subscribe(
        TopicArn=TOPIC, Protocol="email", Endpoint="b@example.com"))
    policy = json.loads(sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["Policy"])
    policy["Statement"].append({"Sid": "PartnerPublish", "Effect": "Allow", "Principal": {"AWS": ACCOUNT_B},
                                "Action": "SNS:Publish", "Resource": TOPIC})
    sns.set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=json.dumps(policy))
    assert other.publish(TopicArn=TOPIC, Message="x")["MessageId"]
    assert_refused(sim, "InvalidParameter", lambda: sns.set_topic_attributes(
        TopicArn=TOPIC, AttributeName="Policy", AttributeValue="{not json"))
    assert_refused(sim, "NotFound", lambda: sns.publish(TopicArn=TOPIC + "-gone", Message="x"))


def test_callbacks_react_inside_the_simulation(sns, sim):
    """``sim.sns.on_message`` calls back with each message published to the topic, at its
    instant and after the call that published it; the callback may make API calls."""
    seen = []

    def handler(message):
        seen.append((message.time, message.subject, message.data))
        sim.client("sns", ACCOUNT_A).publish(TopicArn=TOPIC + "-audit", Message="handled")

    sim.client("sns", ACCOUNT_A).create_topic(Name="aws-license-manager-service-alerts-audit")
    sim.sns.on_message(TOPIC, handler)
    sim.advance("1h")
    sns.publish(TopicArn=TOPIC, Message=json.dumps({"kind": "soft_limit"}), Subject="alert")
    assert seen == []
    sim.advance("1s")
    assert seen == [(sim.clock.to_datetime(3600), "alert", {"kind": "soft_limit"})]
    events = sim.timelines.events
    assert list(events[events.event_name == "Publish"].resource_id) == [TOPIC, TOPIC + "-audit"]
    with pytest.raises(ValueError):
        sim.sns.on_message("arn:aws:sqs:us-east-1:111111111111:q", handler)
