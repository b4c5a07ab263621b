"""Simulation plumbing shared by every layer: clock, randomness, ids, records, errors, events."""

from simulator.core.bus import EventBus
from simulator.core.clock import Clock, parse_duration, parse_instant
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.core.random import RandomStreams
from simulator.core.records import Records

__all__ = [
    "Clock",
    "EventBus",
    "IdFactory",
    "RandomStreams",
    "Records",
    "ServiceError",
    "parse_duration",
    "parse_instant",
]
