"""A CloudTrail replay's plan, made before the simulation exists: the call each event
becomes (or why it does not), the fleet when the logs begin, the accounts and Regions of the
estate, and the instant the replay starts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from simulator.core.random import stable_key
from simulator.core.regions import aws_regions
from simulator.replay.cloudtrail.fleet import initial_fleet, stand_ins
from simulator.replay.cloudtrail.logs import Trail, TrailEvent
from simulator.replay.cloudtrail.translate import TrailCall, replayable, translate
from simulator.replay.cloudtrail.whatif import WhatIf

#: The AMI of stand-in instances when the what-if names none: an image no configuration tracks.
UNKNOWN_IMAGE = f"ami-0{stable_key('cloudtrail-unknown-image'):016x}"

#: A translated event: the call that makes it again, or None (not replayed, or not translatable).
Planned = tuple[TrailEvent, TrailCall | None]


class ReplayPlan:
    """What a replay will do, worked out from the trail and the what-if before the
    simulation exists: each event's call, the fleet when the logs begin, the estate's
    accounts and Regions, the start.

    Args:
        trail: The logs.
        what_if: The what-if.
    """

    def __init__(self, trail: Trail, what_if: WhatIf) -> None:
        self.trail = trail
        self.what_if = what_if
        self.owner = what_if.management_account_id or trail.accounts[0]
        self.unplaceable: Counter[str] = Counter()
        self.untranslatable: list[dict[str, str]] = []
        self.calls: list[Planned] = [(event, self._call(event)) for event in trail.events]
        initial = initial_fleet(what_if.initial_instances, self.unplaceable)
        image = what_if.default_image_id or UNKNOWN_IMAGE
        self.fleet = initial + stand_ins(self.calls, {i.trail_id for i in initial}, what_if, image)
        accounts = [self.owner, *trail.accounts, *(i.account_id for i in self.fleet)]
        self.accounts = list(dict.fromkeys(accounts))
        regions = [e.region for e, c in self.calls if c is not None] + [i.region for i in self.fleet]
        self.regions = list(dict.fromkeys(regions))
        self.home_region = self.regions[0] if self.regions else "us-east-1"
        self.start = _start(trail.events[0].time, bool(self.fleet))

    def _call(self, event: TrailEvent) -> TrailCall | None:
        """The call that makes ``event`` again; None for an event not replayed, one of a
        Region the simulator does not have (counted), or one that does not translate
        (listed)."""
        if not replayable(event):
            return None
        if event.region not in aws_regions():
            self.unplaceable[event.region or "(no region)"] += 1
            return None
        try:
            return translate(event)
        except ValueError as error:
            self.untranslatable.append({"event_id": event.event_id, "event_name": event.name, "reason": str(error)})
            return None


def _start(first: datetime, fleet: bool) -> datetime:
    """The start of the first event's day; with a fleet to set up first, the day before when
    the first event comes within the hour."""
    start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    return start - timedelta(days=1) if fleet and first - start < timedelta(hours=1) else start
