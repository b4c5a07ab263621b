"""The fleet a CloudTrail replay starts from: the instances that existed before the logs
begin.

Logs of a real estate start in the middle of its life: instances launched earlier are
started, stopped and terminated in them, and they hold licenses the whole time. The what-if
may give that fleet as ``aws ec2 describe-instances`` printed it (``initial_instances``);
an instance the logs name that neither the fleet nor a launch in the logs accounts for gets
a stand-in (the what-if's ``default_instance_type`` and ``default_image_id``), running if
the logs first stop or terminate it, stopped if they first start it or change its placement.
Both are launched when the replay begins, through the owner account's EC2 client, as the
configurations would have counted them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.core.regions import region_of_zone
from simulator.replay.cloudtrail.logs import TrailEvent
from simulator.replay.cloudtrail.translate import TrailCall, lower_ids
from simulator.replay.cloudtrail.whatif import WhatIf

_INSTANCE_ID = re.compile(r"i-[0-9a-f]{8,17}")
#: States of describe-instances output whose instances are still there when the logs begin.
_PRESENT = {"pending": False, "running": False, "stopping": True, "stopped": True}
#: Calls that find an instance stopped (the others, stop and terminate, find it running).
_NEEDS_STOPPED = ("StartInstances", "ModifyInstancePlacement")


@dataclass(frozen=True)
class FleetInstance:
    """An instance that exists when the replay begins.

    Attributes:
        trail_id: Its id in the logs.
        zone: Its Availability Zone (None: any).
        stopped: Whether it is stopped when the logs begin.
        launched: What the logs show of its image (platform, usage operation,
            architecture), for a stand-in AMI.
        stand_in: Whether the replay made it up (an instance first met in a later call).
    """

    trail_id: str
    account_id: str
    region: str
    instance_type: str
    image_id: str
    stopped: bool
    zone: str | None = None
    tenancy: str = "default"
    host_id: str | None = None
    cpu_options: Mapping[str, int] | None = None
    tags: tuple[tuple[str, str], ...] = ()
    launched: Mapping[str, str] | None = None
    stand_in: bool = False

    def run_params(self) -> dict[str, Any]:
        """RunInstances parameters of the instance, its Dedicated Host as the logs name it."""
        placement: dict[str, Any] = {"Tenancy": self.tenancy}
        if self.zone is not None:
            placement["AvailabilityZone"] = self.zone
        if self.host_id is not None:
            placement["HostId"] = self.host_id
        params: dict[str, Any] = {"ImageId": self.image_id, "InstanceType": self.instance_type, "MinCount": 1,
                                  "MaxCount": 1, "Placement": placement}
        if self.cpu_options:
            params["CpuOptions"] = dict(self.cpu_options)
        if self.tags:
            params["TagSpecifications"] = [{"ResourceType": "instance",
                                            "Tags": [{"Key": k, "Value": v} for k, v in self.tags]}]
        return params


def initial_fleet(instances: Iterable[Mapping[str, Any]], unplaceable: Counter[str]) -> list[FleetInstance]:
    """The running and stopped instances of describe-instances output (terminated and
    shutting-down ones are gone); one in a Region the simulator does not have is counted in
    ``unplaceable`` by its zone's name instead."""
    fleet = []
    for instance in instances:
        stopped = _PRESENT.get(str(instance["State"]["Name"]).lower())
        if stopped is None:
            continue
        placement = instance["Placement"]
        zone = str(placement["AvailabilityZone"]).lower()
        region = region_of_zone(zone)
        if region is None:
            unplaceable[zone] += 1
            continue
        cpu = instance.get("CpuOptions") or {}
        fleet.append(FleetInstance(
            trail_id=lower_ids(instance["InstanceId"]), account_id=instance["OwnerId"], region=region,
            instance_type=instance["InstanceType"], image_id=lower_ids(instance["ImageId"]), stopped=stopped,
            zone=zone, tenancy=placement.get("Tenancy") or "default",
            host_id=lower_ids(placement["HostId"]) if placement.get("HostId") else None,
            cpu_options={k: int(cpu[k]) for k in ("CoreCount", "ThreadsPerCore") if k in cpu} or None,
            tags=tuple((t["Key"], t.get("Value", "")) for t in instance.get("Tags", []) if t.get("Key")
                       and not t["Key"].startswith("aws:")),
            launched={"image_id": lower_ids(instance["ImageId"]), "platform": instance.get("Platform", ""),
                      "usage_operation": instance.get("UsageOperation", ""),
                      "architecture": instance.get("Architecture", "")},
        ))
    return fleet


def stand_ins(calls: Iterable[tuple[TrailEvent, TrailCall | None]], known: Iterable[str], what_if: WhatIf,
              image_id: str) -> list[FleetInstance]:
    """A stand-in for each instance a call names before (or without) any launch of it in
    the logs or ``known`` (the initial fleet's ids): of ``what_if``'s default instance type
    and ``image_id``, in the account and Region of that first call."""
    seen = set(known)
    fleet = []
    for event, call in calls:
        if call is None or call.service != "ec2":
            continue
        if call.operation == "RunInstances":
            seen.update(call.created)
            continue
        if "InvalidInstanceID" in event.error_code:  # the history's own call found no such instance
            continue
        named = call.params.get("InstanceIds") or [call.params.get("InstanceId", "")]
        for trail_id in named:
            if trail_id in seen or not _INSTANCE_ID.fullmatch(trail_id):
                continue
            seen.add(trail_id)
            fleet.append(FleetInstance(
                trail_id=trail_id, account_id=event.account_id, region=event.region,
                instance_type=what_if.default_instance_type, image_id=image_id,
                stopped=call.operation in _NEEDS_STOPPED, stand_in=True))
    return fleet
