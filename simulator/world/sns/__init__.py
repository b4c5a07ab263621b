"""Amazon SNS: topics, their policies, subscriptions and deliveries."""

from simulator.world.sns.hub import SnsHub
from simulator.world.sns.records import DeliveryRecord, DeliveryRecorder
from simulator.world.sns.service import SnsService
from simulator.world.sns.topic import SnsMessage, Subscription, Topic

__all__ = ["DeliveryRecord", "DeliveryRecorder", "SnsHub", "SnsMessage", "SnsService", "Subscription", "Topic"]
