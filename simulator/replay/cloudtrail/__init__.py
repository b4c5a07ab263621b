"""CloudTrail replay: real histories, read from the log files AWS delivers, made again in
the simulation against what-if license configurations."""

from simulator.replay.cloudtrail.logs import (
    CloudTrailError,
    Trail,
    TrailEvent,
    Unreadable,
    read_trail,
)
from simulator.replay.cloudtrail.notes import cloudtrail_notes
from simulator.replay.cloudtrail.replay import replay_cloudtrail
from simulator.replay.cloudtrail.whatif import WhatIf, WhatIfError

__all__ = ["CloudTrailError", "Trail", "TrailEvent", "Unreadable", "WhatIf", "WhatIfError", "cloudtrail_notes",
           "read_trail", "replay_cloudtrail"]
