"""CloudTrail replay: real histories, read from the log files AWS delivers, made again in
the simulation against what-if license configurations."""

from simulator.replay.cloudtrail.logs import (
    CloudTrailError,
    Trail,
    TrailEvent,
    read_trail,
)
from simulator.replay.cloudtrail.replay import replay_cloudtrail
from simulator.replay.cloudtrail.whatif import WhatIf, WhatIfError

__all__ = ["CloudTrailError", "Trail", "TrailEvent", "WhatIf", "WhatIfError", "read_trail", "replay_cloudtrail"]
