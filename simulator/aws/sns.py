"""Amazon SNS operations over ``simulator.world.sns``: topics, their policies,
subscriptions and publishing. Every call on a topic is judged by the topic's policy and
the caller's identity-based policies (``requester_of``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.access import AccessRequest, Decision, PolicySet, authorize
from simulator.aws.authorization import RESOURCE_POLICIES
from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.requesters import requester_of
from simulator.aws.shapes import tags_in
from simulator.world.sns import SnsService, Subscription
from simulator.world.sns.errors import invalid_parameter

#: What Subscribe answers for a subscription awaiting confirmation (unless
#: ReturnSubscriptionArn asks for the ARN).
PENDING_ANSWER = "pending confirmation"


def _sns(call: Call) -> SnsService:
    return call.world.region(call.region).sns


def _subscription_out(s: Subscription) -> Response:
    return {"SubscriptionArn": s.listed_arn, "Owner": s.owner_id, "Protocol": s.protocol, "Endpoint": s.endpoint,
            "TopicArn": s.topic_arn}


@operation("sns", "CreateTopic")
def create_topic(call: Call, params: Params) -> Response:
    tags = tags_in(params.get("Tags"), "InvalidParameter") if params.get("Tags") is not None else None
    if params.get("DataProtectionPolicy"):
        raise invalid_parameter("DataProtectionPolicy: message data protection is not simulated")
    topic = _sns(call).create_topic(requester_of(call, params), params["Name"], params.get("Attributes"), tags)
    call.resource_id = topic.arn
    return {"TopicArn": topic.arn}


@operation("sns", "ListTopics")
def list_topics(call: Call, params: Params) -> Response:
    page, token = call.page(params, _sns(call).owned(call.account_id))
    return {"Topics": [{"TopicArn": t.arn} for t in page], **token}


@operation("sns", "GetTopicAttributes")
def get_topic_attributes(call: Call, params: Params) -> Response:
    call.resource_id = params["TopicArn"]
    return {"Attributes": _sns(call).attributes(requester_of(call, params), params["TopicArn"])}


@operation("sns", "SetTopicAttributes")
def set_topic_attributes(call: Call, params: Params) -> Response:
    call.resource_id = params["TopicArn"]
    _sns(call).set_attribute(requester_of(call, params), params["TopicArn"], params["AttributeName"],
                             params.get("AttributeValue") or "")
    return {}


@operation("sns", "DeleteTopic")
def delete_topic(call: Call, params: Params) -> Response:
    call.resource_id = params["TopicArn"]
    _sns(call).delete_topic(requester_of(call, params), params["TopicArn"])
    return {}


@operation("sns", "Subscribe")
def subscribe(call: Call, params: Params) -> Response:
    subscription = _sns(call).subscribe(requester_of(call, params), params["TopicArn"], params["Protocol"],
                                        params.get("Endpoint") or "", params.get("Attributes"))
    call.resource_id = subscription.arn
    if subscription.confirmed or params.get("ReturnSubscriptionArn"):
        return {"SubscriptionArn": subscription.arn}
    return {"SubscriptionArn": PENDING_ANSWER}


@operation("sns", "ListSubscriptions")
def list_subscriptions(call: Call, params: Params) -> Response:
    page, token = call.page(params, _sns(call).subscriptions(call.account_id))
    return {"Subscriptions": [_subscription_out(s) for s in page], **token}


@operation("sns", "ListSubscriptionsByTopic")
def list_subscriptions_by_topic(call: Call, params: Params) -> Response:
    call.resource_id = params["TopicArn"]
    found = _sns(call).topic_subscriptions(requester_of(call, params), params["TopicArn"])
    page, token = call.page(params, found)
    return {"Subscriptions": [_subscription_out(s) for s in page], **token}


@operation("sns", "Unsubscribe")
def unsubscribe(call: Call, params: Params) -> Response:
    call.resource_id = params["SubscriptionArn"]
    _sns(call).unsubscribe(requester_of(call, params), params["SubscriptionArn"])
    return {}


@operation("sns", "Publish")
def publish(call: Call, params: Params) -> Response:
    if params.get("PhoneNumber"):
        raise invalid_parameter("PhoneNumber: SMS is not simulated; publish to a topic")
    arn = params.get("TopicArn") or params.get("TargetArn")
    if not arn:
        raise invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter")
    call.resource_id = arn
    message_id = _sns(call).publish(requester_of(call, params), arn, params["Message"], params.get("Subject") or "",
                                    params.get("MessageStructure"))
    return {"MessageId": message_id}


def _topic_decision(call: Call, params: Mapping[str, Any], identity: PolicySet, action: str,
                    resource: str) -> Decision | None:
    topic = _sns(call).topics.get(resource)
    if topic is None:
        return None
    requester = requester_of(call, params)
    request = AccessRequest(action=action, resources=(resource,), context=requester.context)
    return authorize(identity, requester.caller, request, resource_policy=topic.policy,
                     resource_account=topic.account_id)


RESOURCE_POLICIES["sns"] = _topic_decision
