"""What a CloudTrail replay has to say besides its headline figures, in one line each (the
report holds the details)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any


def cloudtrail_notes(report: Mapping[str, Any]) -> list[str]:
    """The lines ``lmsim replay --cloudtrail`` prints of a replay's ``report``: events
    replayed, blocked, skipped and not replayed; the fleet it started from and its stand-ins;
    records of Regions it does not have; events it could not translate."""
    lines = [f"replayed {sum(report['replayed'].values())} of {report['events']} events; "
             f"{len(report['blocked'])} blocked by License Manager, {sum(report['skipped'].values())} skipped, "
             f"{sum(report['not_replayed'].values())} not replayed"]
    if report.get("initial_instances"):
        lines.append(f"{report['initial_instances']} instances of initial_instances were running or stopped when "
                     "the logs begin")
    stand_ins = report.get("stand_in_instances") or {}
    if stand_ins:
        kinds = Counter((s["instance_type"], s["image_id"]) for s in stand_ins.values())
        shown = ", ".join(f"{count} {kind} from {image}" for (kind, image), count in kinds.most_common())
        lines.append(f"{len(stand_ins)} instances launched before the logs begin are stand-ins ({shown}); give "
                     "\"initial_instances\" (aws ec2 describe-instances output) for their real types and images")
    unplaceable = report.get("unplaceable") or {}
    if unplaceable:
        where = ", ".join(f"{region} {count}" for region, count in unplaceable.items())
        lines.append(f"{sum(unplaceable.values())} records of Regions or partitions the simulator does not have were "
                     f"skipped ({where})")
    if report.get("untranslatable"):
        lines.append(f"{len(report['untranslatable'])} events could not be made again (report.json: untranslatable)")
    return lines
