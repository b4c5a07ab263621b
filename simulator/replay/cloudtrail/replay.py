"""Replaying a real history from CloudTrail against what-if license configurations.

The trail's accounts become the simulated estate (an organization when the logs come from
an organization trail, or when the what-if names a management account). AMIs the trail
launches that the simulation does not know become stand-in images owned by the
configurations' account, shared with every account, with the platform the trail shows
(Linux when it shows none). The what-if configurations are created at the start, in every
Region of the trail, and associated with their AMIs for all accounts; the fleet that
existed before the logs begin (``simulator.replay.cloudtrail.fleet``) is launched then,
under the configurations. Then the EC2 instance and Dedicated Host lifecycle calls and the
License Manager calls are made again in event-time order through boto3 clients as the
recorded account, Region and principal; calls that failed in the trail fail again with the
trail's error, but for License Manager's refusals (LicenseUsageException), which the what-if
decides again; trail ids map to the simulated ones. Records from a Region or partition
the simulator does not have are skipped and counted. The run's report says what was
replayed, blocked, skipped and not replayed, and warns of what-if settings the trail never
meets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import simpy
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ParamValidationError

from simulator.core.billing import LINUX_UNIX, USAGE_OPERATIONS
from simulator.core.errors import ServiceError
from simulator.core.validation import is_account_id
from simulator.replay.cloudtrail.fleet import FleetInstance
from simulator.replay.cloudtrail.logs import CloudTrailError, TrailEvent, read_trail
from simulator.replay.cloudtrail.plan import ReplayPlan
from simulator.replay.cloudtrail.translate import HISTORY_IDS, TrailCall, replayable
from simulator.replay.cloudtrail.whatif import WhatIf, WhatIfError
from simulator.replay.idmap import Gone, IdMap
from simulator.replay.replays import delay_to
from simulator.runs.result import Result
from simulator.runs.scenario import end_seconds
from simulator.simulation import Simulation
from simulator.world.ec2.context import Ec2Timings
from simulator.world.ec2.image import Image, ImageSource

#: The billing code of a stand-in AMI whose launches the trail shows as Windows.
WINDOWS = "RunInstances:0002"
#: How long the replay runs past the trail's last event by default (transitions settle).
SETTLE = "1h"


def replay_cloudtrail(paths: str | Path | Iterable[str | Path], what_if: WhatIf | dict[str, Any] | str | Path, *,
                      until: str | None = None, seed: int = 0) -> Result:
    """Replay CloudTrail log files against what-if license configurations.

    Args:
        paths: Log files (``.json.gz`` or ``.json``) and directories holding them.
        what_if: The what-if (see ``simulator.replay.cloudtrail.whatif``), or its JSON file.
        until: When the replay ends: an ISO-8601 instant, or a duration from the start of
            the trail's first day; default an hour after the last event.
        seed: The simulation seed (ids of simulated resources).

    Returns:
        The replayed run; its ``report`` holds the events replayed by operation, the calls
        that failed in the trail (replayed as failures), the launches and starts License
        Manager blocked (``blocked_in_trail`` when the trail shows it blocked them too),
        those it blocked in the trail and the what-if lets through (``unblocked``), other
        calls that went otherwise than in the trail, calls skipped
        because they named only resources the replay never had, events not replayed by
        source and name, records of Regions the simulator does not have, the log files and
        records that could not be read (skipped), the initial fleet and the stand-in
        instances and AMIs it made, the configurations it created, and warnings.

    Raises:
        FileNotFoundError: for a missing log file, directory or what-if file.
        CloudTrailError: for a trail with no readable events or no valid account.
        WhatIfError: for a what-if that cannot be used.
    """
    trail = read_trail([paths] if isinstance(paths, (str, Path)) else paths)
    what_if = WhatIf.parse(what_if)
    if not trail.events:
        unread = "; ".join(f"{u.file}: {u.reason}" for u in trail.unreadable[:3])
        raise CloudTrailError("the log files hold no events" + (f" that could be read ({unread})" if unread else ""))
    bad = [a for a in trail.accounts if not is_account_id(a)]
    if bad or not trail.accounts:
        raise CloudTrailError(f"the trail's account ids must be 12 digits, got {', '.join(bad) or 'none'}")
    plan = ReplayPlan(trail, what_if)
    sim = Simulation(start=plan.start, seed=seed, region=plan.home_region)
    end = end_seconds(sim, until) if until else sim.clock.to_seconds(trail.events[-1].time) + 3600.0
    replayer = _TrailReplayer(sim, plan)
    replayer.set_up()
    sim.process(replayer.run())
    sim.run(sim.clock.to_datetime(end))
    return Result(sim, name="cloudtrail", seed=seed, report=replayer.report())


#: Failures in the trail that the what-if decides again instead of repeating: License
#: Manager's refusals of launches and starts.
REDECIDED = frozenset({"LicenseUsageException"})

class _TrailReplayer:
    """Sets up the estate of a trail and makes its calls again."""

    def __init__(self, sim: Simulation, plan: ReplayPlan) -> None:
        self.sim = sim
        self.plan = plan
        self.trail = plan.trail
        self.what_if = plan.what_if
        self.owner = plan.owner
        self.ids = IdMap(unknown_gone=HISTORY_IDS)
        self.clients: dict[tuple[str, str, str, str], BaseClient] = {}
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in ("replayed", "failed_in_trail", "skipped",
                                                                          "not_replayed")}
        self.blocked: list[dict[str, Any]] = []
        self.unblocked: list[dict[str, Any]] = []
        self.diverged: list[dict[str, Any]] = []
        self.stand_ins: dict[str, str] = {}
        self.configurations: dict[str, dict[str, str]] = {}
        self.fleet_refused: list[dict[str, str]] = []
        self.to_stop: list[tuple[FleetInstance, str]] = []

    # -- the estate -----------------------------------------------------------------------

    def set_up(self) -> None:
        """Accounts (an organization where the trail shows one), stand-in AMIs, the what-if
        configurations and the fleet when the logs begin."""
        sim, accounts = self.sim, self.plan.accounts
        if self.trail.organization_id or self.what_if.management_account_id:
            sim.create_organization(self.owner, accounts[1:])
        else:
            for account_id in accounts:
                sim.add_account(account_id)
        for event, call in self.plan.calls:
            if call is not None and call.operation == "RunInstances":
                self._stand_in(event.region, call.params.get("ImageId", ""), call.launched)
        relax = bool(self.plan.fleet)  # the fleet existed before the limits: launch it, then enforce them
        for region in self.plan.regions or [sim.region]:
            self._configurations(region, relax)
        if relax:
            self._launch_fleet()
            self._enforce_hard_limits()

    def _configurations(self, region: str, relax: bool) -> None:
        """Create the what-if configurations in ``region`` (without their hard limit when
        ``relax``) and associate them with their AMIs for all accounts."""
        lm = self.sim.client("license-manager", self.owner, region)
        for index, configuration in enumerate(self.what_if.configurations):
            fields = {**configuration.fields, **({"LicenseCountHardLimit": False} if relax else {})}
            try:
                arn = lm.create_license_configuration(**fields)["LicenseConfigurationArn"]
                self.configurations.setdefault(region, {})[configuration.name] = arn
                for image_id in configuration.associated_amis:
                    self._stand_in(region, image_id, [])
                    lm.update_license_specifications_for_resource(
                        ResourceArn=f"arn:aws:ec2:{region}::image/{image_id}",
                        AddLicenseSpecifications=[{"LicenseConfigurationArn": arn,
                                                   "AmiAssociationScope": "cross-account"}])
            except ClientError as error:
                raise WhatIfError(f"license_configurations[{index}] ({configuration.name}): "
                                  f"{error.response['Error']['Message']}") from None

    def _enforce_hard_limits(self) -> None:
        for region, arns in self.configurations.items():
            lm = self.sim.client("license-manager", self.owner, region)
            for configuration in self.what_if.configurations:
                if configuration.fields.get("LicenseCountHardLimit"):
                    lm.update_license_configuration(LicenseConfigurationArn=arns[configuration.name],
                                                    LicenseCountHardLimit=True)

    def _launch_fleet(self) -> None:
        """Launch the fleet when the logs begin (its Dedicated Hosts first); its stopped
        instances stop once running (``run``)."""
        hosts: dict[str, str | None] = {}
        for instance in self.plan.fleet:
            if instance.host_id is not None and instance.host_id not in hosts:
                hosts[instance.host_id] = self._allocate_host(instance)
                self.ids.pair(instance.host_id, hosts[instance.host_id])
            self._stand_in(instance.region, instance.image_id, [dict(instance.launched)] if instance.launched else [])
            params = instance.run_params()
            if instance.host_id is not None:
                params["Placement"]["HostId"] = hosts[instance.host_id] or instance.host_id
            ec2 = self.sim.client("ec2", instance.account_id, instance.region)
            try:
                launched = ec2.run_instances(**params)["Instances"][0]["InstanceId"]
            except ClientError as error:
                self.ids.pair(instance.trail_id, None)
                answer = error.response["Error"]
                self.fleet_refused.append({"instance_id": instance.trail_id, "error_code": answer["Code"],
                                           "message": answer.get("Message", "")})
                continue
            self.ids.pair(instance.trail_id, launched)
            if instance.stopped:
                self.to_stop.append((instance, launched))

    def _allocate_host(self, instance: FleetInstance) -> str | None:
        """A Dedicated Host standing in for the one ``instance`` runs on (None if refused)."""
        ec2 = self.sim.client("ec2", instance.account_id, instance.region)
        zone = instance.zone or f"{instance.region}a"
        family = instance.instance_type.split(".")[0]
        for kind in ({"InstanceFamily": family}, {"InstanceType": instance.instance_type}):
            try:
                return ec2.allocate_hosts(AvailabilityZone=zone, Quantity=1, **kind)["HostIds"][0]
            except ClientError:
                continue
        return None

    def _stand_in(self, region: str, image_id: str, launched: list[dict[str, str]]) -> None:
        images = self.sim.world.region(region).ec2.images
        if not image_id or image_id in images.images:
            return
        shown = [item for item in launched if item["image_id"] in ("", image_id)]
        usage = next((i["usage_operation"] for i in shown if i["usage_operation"] in USAGE_OPERATIONS), None)
        if usage is None:
            usage = WINDOWS if any(i["platform"].lower() == "windows" for i in shown) else LINUX_UNIX
        architecture = next((i["architecture"] for i in shown if i["architecture"]), "x86_64")
        images.add(Image(
            image_id=image_id, region=region, owner_id=self.owner, name=f"CloudTrail stand-in {image_id}",
            description="An AMI the replayed trail launches", architecture=architecture, usage_operation=usage,
            creation_date=self.sim.now, source=ImageSource.REGISTERED,
            launch_permissions=set(self.plan.accounts)))
        self.stand_ins[image_id] = USAGE_OPERATIONS[usage]

    # -- the calls ------------------------------------------------------------------------

    def run(self) -> Generator[simpy.Event, Any, None]:
        env, clock = self.sim.env, self.sim.clock
        if self.to_stop:
            yield env.timeout(Ec2Timings.pending + 1)  # the fleet's stopped instances are running now: stop them
            for instance, instance_id in self.to_stop:
                self.sim.client("ec2", instance.account_id, instance.region).stop_instances(InstanceIds=[instance_id])
        for event, call in self.plan.calls:
            if call is None:
                if not replayable(event):
                    self.counts["not_replayed"][f"{event.source} {event.name}"] += 1
                continue
            at = clock.to_seconds(event.time)
            if at > env.now:
                yield env.timeout(delay_to(env.now, at))
            self._replay(event, call)

    def _replay(self, event: TrailEvent, call: TrailCall) -> None:
        try:
            params = self.ids.translate(call.params)
        except Gone:
            self.counts["skipped"][event.name] += 1
            return
        client = self._client(event, call.service)
        recorded = event.error_code.removeprefix("Client.").removeprefix("Server.")
        # License Manager's refusals are what the what-if decides again; other failures repeat.
        redecided = recorded in REDECIDED
        if event.error_code and not redecided:
            status = 500 if event.error_code.startswith("Server.") else 400
            self.sim.gateway.fail_next_call(ServiceError(recorded, event.error_message or recorded, status=status))
        response: dict[str, Any] = {}
        code = message = ""
        try:
            response = getattr(client, xform_name(call.operation))(**params)
        except ClientError as error:
            code, message = error.response["Error"]["Code"], error.response["Error"].get("Message", "")
        except ParamValidationError as error:
            self.sim.gateway.fail_next_call(None)
            self.plan.untranslatable.append({"event_id": event.event_id, "event_name": event.name,
                                             "reason": str(error)})
            return
        self.counts["replayed"][event.name] += 1
        made = _created(call.operation, response)
        for index, trail_id in enumerate(call.created):
            self.ids.pair(trail_id, made[index] if index < len(made) else None)
        if event.error_code and not redecided:
            self.counts["failed_in_trail"][event.name] += 1
            return
        entry = {"event_time": event.time.isoformat(), "event_id": event.event_id, "event_name": event.name,
                 "account_id": event.account_id, "instance_ids": call.created or call.params.get("InstanceIds", []),
                 "instance_type": call.params.get("InstanceType", ""), "image_id": call.params.get("ImageId", ""),
                 "error_code": code, "message": message, "blocked_in_trail": redecided}
        if code:
            (self.blocked if code == "LicenseUsageException" else self.diverged).append(entry)
        elif redecided:
            self.unblocked.append(entry)

    def _client(self, event: TrailEvent, service: str) -> BaseClient:
        key = (service, event.account_id, event.region, event.principal)
        client = self.clients.get(key)
        if client is None:
            try:
                client = self.sim.client(*key)
            except ValueError:  # a principal the simulation does not model (a service): the account's root
                client = self.sim.client(service, event.account_id, event.region)
            self.clients[key] = client
        return client

    def report(self) -> dict[str, Any]:
        """What the replay did (see ``replay_cloudtrail``)."""
        launched = {a for c in self.what_if.configurations for a in c.associated_amis}
        used = {c.params.get("ImageId") for _, c in self.plan.calls if c is not None and c.operation == "RunInstances"}
        used |= {i.image_id for i in self.plan.fleet}
        unused = sorted(launched - used)
        initial = [i for i in self.plan.fleet if not i.stand_in]
        return {
            "events": len(self.trail.events),
            "files": len(self.trail.files),
            "accounts": self.trail.accounts,
            "organization_id": self.trail.organization_id,
            **{name: dict(sorted(counter.items())) for name, counter in self.counts.items()},
            "unplaceable": dict(sorted(self.plan.unplaceable.items())),
            "blocked": self.blocked,
            "unblocked": self.unblocked,
            "diverged": self.diverged,
            "untranslatable": self.plan.untranslatable,
            "unreadable": [{"file": u.file, "reason": u.reason} for u in self.trail.unreadable],
            "initial_instances": len(initial),
            "stand_in_instances": {i.trail_id: {"account_id": i.account_id, "region": i.region,
                                                "instance_type": i.instance_type, "image_id": i.image_id,
                                                "state": "stopped" if i.stopped else "running"}
                                   for i in self.plan.fleet if i.stand_in},
            "fleet_refused": self.fleet_refused,
            "stand_in_images": self.stand_ins,
            "license_configurations": self.configurations,
            "what_if_amis_not_launched": unused,
            "warnings": self._warnings(unused),
        }

    def _warnings(self, unused: list[str]) -> list[str]:
        """What-if settings the trail never meets, and fleet instances that could not launch."""
        where = "the trail or the initial fleet" if self.plan.fleet else "the trail"
        warnings = [f"what-if AMI {ami} is never launched in {where}: its configurations count nothing from it"
                    for ami in unused]
        manager = self.what_if.management_account_id
        if manager is not None and manager not in self.trail.accounts:
            warnings.append(f"management_account_id {manager} is not an account of the trail "
                            f"({', '.join(self.trail.accounts)})")
        warnings.extend(f"instance {refused['instance_id']} of the fleet when the logs begin could not be launched: "
                        f"{refused['error_code']}: {refused['message']}" for refused in self.fleet_refused)
        return warnings


def _created(operation: str, response: dict[str, Any]) -> list[str]:
    """Ids of what a successful simulated call created, in response order."""
    if operation == "RunInstances":
        return [i["InstanceId"] for i in response.get("Instances", [])]
    if operation == "AllocateHosts":
        return list(response.get("HostIds", []))
    if operation == "CreateLicenseConfiguration" and "LicenseConfigurationArn" in response:
        return [response["LicenseConfigurationArn"]]
    return []
