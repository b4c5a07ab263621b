"""AWS CloudTrail: the event history of every account, trails and their log files."""

from simulator.world.cloudtrail.event import ApiEvent
from simulator.world.cloudtrail.identity import Identity, source_ip
from simulator.world.cloudtrail.records import record
from simulator.world.cloudtrail.service import CloudTrailService
from simulator.world.cloudtrail.trail import LogFile, Trail

__all__ = ["ApiEvent", "CloudTrailService", "Identity", "LogFile", "Trail", "record", "source_ip"]
