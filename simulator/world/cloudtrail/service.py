"""AWS CloudTrail over the whole world: the event history of every account (what
LookupEvents reads, 90 days of it), trails, and the delivery of their log files.

Every call made through a client becomes an event (the gateway records it), and so do the
calls AWS services make through their service-linked roles (``record_service_event``). A
trail that logs delivers a gzip JSON file ``{"Records": [...]}`` per account and region
every five simulated minutes, under ``AWSLogs/[<organization id>/]<account>/CloudTrail/
<region>/YYYY/MM/DD/`` of its bucket: into the S3 bucket as CloudTrail's service principal
(``cloudtrail.amazonaws.com``, with ``aws:SourceArn`` the trail and the
``bucket-owner-full-control`` ACL), which the bucket policy must allow, as AWS requires
("Amazon S3 bucket policy for CloudTrail"); a missing or refusing bucket leaves the trail's
``delivery_error``. ``export`` writes every log file into a folder, delivered or not.
"""

from __future__ import annotations

import gzip
import json
import re
import string
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.access import service_requester
from simulator.core.arn import format_arn, parse_arn
from simulator.core.clock import Clock
from simulator.core.errors import ServiceError
from simulator.core.ids import IdFactory
from simulator.world.cloudtrail.errors import (
    cloudtrail_access_not_enabled_exception,
    cloudtrail_arn_invalid_exception,
    invalid_s3_bucket_name_exception,
    invalid_s3_prefix_exception,
    invalid_trail_name_exception,
    maximum_number_of_trails_exceeded_exception,
    not_organization_master_account_exception,
    organization_not_in_all_features_mode_exception,
    organizations_not_in_use_exception,
    trail_already_exists_exception,
    trail_not_found_exception,
)
from simulator.world.cloudtrail.event import ApiEvent
from simulator.world.cloudtrail.identity import Identity
from simulator.world.cloudtrail.records import record
from simulator.world.cloudtrail.trail import LogFile, Trail
from simulator.world.organizations import Organizations
from simulator.world.s3 import S3Service

#: How often a logging trail delivers (CloudTrail User Guide: "about every 5 minutes").
DELIVERY_PERIOD = 300.0
#: How far back LookupEvents reads ("the last 90 days").
HISTORY_SECONDS = 90 * 86400.0
#: Trails per account and region (CloudTrail User Guide, "Quotas in AWS CloudTrail").
MAX_TRAILS_PER_REGION = 5
CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"
_TRAIL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_FILE_ID = string.ascii_letters + string.digits


class CloudTrailService:
    """CloudTrail for every account and region.

    Attributes:
        events: Every event, in the order the calls were made, as ``ApiEvent`` tuples.
        trails: Every trail by ARN.

    Args:
        clock: The simulation clock.
        ids: The id factory (its seed fixes event ids).
        organizations: The accounts and organizations (organization trails).
        s3: Where log files are delivered.
    """

    def __init__(self, clock: Clock, ids: IdFactory, organizations: Organizations,
                 s3: S3Service | None = None) -> None:
        self._clock = clock
        self._ids = ids
        self._organizations = organizations
        self._s3 = s3
        self.events: list[tuple] = []
        self.trails: dict[str, Trail] = {}
        self._delivering = False

    # -- recording ----------------------------------------------------------------------------

    def record_service_event(self, account_id: str, region: str, service: str, operation: str, invoked_by: str,
                             params: dict[str, Any], response: dict[str, Any] | None = None,
                             resource: str = "") -> None:
        """Record a call a service made in ``account_id`` through its service-linked role
        (``userIdentity.type`` AWSService, ``invokedBy`` the service principal)."""
        identity = Identity(kind="AWSService", account_id=account_id, invoked_by=invoked_by)
        self.events.append(ApiEvent(
            self._clock.seconds, account_id, region, service, operation, identity, params, response, "", "",
            self._ids.uuid("service-request"), 200, resource))

    def event(self, index: int) -> ApiEvent:
        """The ``index``-th event."""
        return ApiEvent(*self.events[index])

    def record_of(self, index: int) -> dict[str, Any]:
        """The ``index``-th event as a CloudTrail event record."""
        event = self.event(index)
        return record(event, index, self._ids.seed, self._clock.to_datetime(event.time))

    # -- LookupEvents -------------------------------------------------------------------------

    def lookup(self, account_id: str, region: str, start: datetime | None = None,
               end: datetime | None = None) -> list[int]:
        """The events of ``account_id`` in ``region`` (IAM's and other global services' in
        us-east-1) from ``start`` to ``end`` within the last 90 days, newest first."""
        now = self._clock.seconds
        low = max(now - HISTORY_SECONDS, self._clock.to_seconds(start) if start is not None else -1e18)
        high = self._clock.to_seconds(end) if end is not None else now
        found = []
        for index in range(len(self.events) - 1, -1, -1):
            event = self.events[index]
            if event[0] < low:
                break
            if event[0] <= high and event[1] == account_id and event[2] == region:
                found.append(index)
        return found

    # -- trails -------------------------------------------------------------------------------

    def create_trail(self, account_id: str, region: str, name: str, bucket: str, *, prefix: str = "",
                     multi_region: bool = False, global_events: bool = True, organization: bool = False,
                     tags: dict[str, str] | None = None) -> Trail:
        """CreateTrail (the bucket is taken on trust: log files go into it once it exists and
        its policy lets CloudTrail write, and ``export`` writes them either way).

        Raises:
            ServiceError: InvalidTrailNameException, InvalidS3BucketNameException,
                InvalidS3PrefixException, TrailAlreadyExistsException,
                MaximumNumberOfTrailsExceededException; for an organization trail
                OrganizationsNotInUseException, NotOrganizationMasterAccountException,
                OrganizationNotInAllFeaturesModeException, CloudTrailAccessNotEnabledException.
        """
        if _TRAIL_NAME.fullmatch(name) is None or ".." in name or "--" in name or "_." in name:
            raise invalid_trail_name_exception(f"Trail name {name!r} must be 3 to 128 letters, digits, periods, "
                                               "underscores and dashes, starting and ending with a letter or digit")
        if _BUCKET.fullmatch(bucket) is None:
            raise invalid_s3_bucket_name_exception(f"S3BucketName {bucket!r} is not a valid bucket name")
        if prefix.startswith("/") or len(prefix) > 200:
            raise invalid_s3_prefix_exception(f"S3KeyPrefix {prefix!r} must not start with / (at most 200 characters)")
        organization_id = self._check_organization(account_id) if organization else None
        arn = format_arn("cloudtrail", region, account_id, "trail", name)
        if arn in self.trails:
            raise trail_already_exists_exception(f"Trail {name} already exists for account {account_id}")
        mine = [t for t in self.trails.values() if t.account_id == account_id and t.home_region == region]
        if len(mine) >= MAX_TRAILS_PER_REGION:
            raise maximum_number_of_trails_exceeded_exception(
                f"Account {account_id} already has {MAX_TRAILS_PER_REGION} trails in {region}")
        trail = Trail(name=name, arn=arn, account_id=account_id, home_region=region, bucket=bucket,
                      prefix=prefix.strip("/"), multi_region=multi_region or organization,
                      global_events=global_events, organization_id=organization_id,
                      created_at=self._clock.now(), cursor=len(self.events), tags=dict(tags or {}))
        self.trails[arn] = trail
        return trail

    def _check_organization(self, account_id: str) -> str:
        org = self._organizations.organization_of(account_id)
        if org is None:
            raise organizations_not_in_use_exception(f"Account {account_id} is not in an organization")
        if org.management_account_id != account_id:
            raise not_organization_master_account_exception(
                f"Only the management account of {org.organization_id} can create an organization trail")
        if org.feature_set != "ALL":
            raise organization_not_in_all_features_mode_exception(
                f"Organization {org.organization_id} does not have all features enabled")
        if CLOUDTRAIL_PRINCIPAL not in org.enabled_services:
            raise cloudtrail_access_not_enabled_exception(
                f"Trusted access for {CLOUDTRAIL_PRINCIPAL} is not enabled in {org.organization_id}")
        return org.organization_id

    def trail(self, account_id: str, region: str, name: str) -> Trail:
        """The caller's trail named by its name (home region ``region``) or ARN.

        Raises:
            ServiceError: CloudTrailARNInvalidException, InvalidTrailNameException,
                TrailNotFoundException.
        """
        if name.startswith("arn:"):
            parts = parse_arn(name)
            if parts is None or parts.service != "cloudtrail" or parts.resource_type != "trail":
                raise cloudtrail_arn_invalid_exception(f"{name} is not the ARN of a trail")
            arn = name
        else:
            if _TRAIL_NAME.fullmatch(name) is None:
                raise invalid_trail_name_exception(f"Trail name {name!r} is not valid")
            arn = format_arn("cloudtrail", region, account_id, "trail", name)
        trail = self.trails.get(arn)
        if trail is None or trail.account_id != account_id:
            raise trail_not_found_exception(f"Unknown trail: {name} for the user: {account_id}")
        return trail

    def visible(self, account_id: str, region: str, include_shadow: bool = True) -> list[Trail]:
        """DescribeTrails: the account's trails of ``region``, and with ``include_shadow`` its
        multi-region trails of other regions and its organization's trails."""
        org = self._organizations.organization_of(account_id)
        found = []
        for trail in self.trails.values():
            own = trail.account_id == account_id
            shadow = (own and trail.multi_region) or (org is not None and trail.organization_id == org.organization_id)
            if (own and trail.home_region == region) or (include_shadow and shadow):
                found.append(trail)
        return found

    def start_logging(self, trail: Trail) -> None:
        """StartLogging: the trail delivers the events from now on."""
        if not trail.logging:
            trail.logging = True
            trail.started_at = self._clock.seconds
            trail.cursor = len(self.events)
        if not self._delivering:
            self._delivering = True
            now = self._clock.seconds
            self._clock.every(DELIVERY_PERIOD, self._deliver, first=DELIVERY_PERIOD - now % DELIVERY_PERIOD)

    def stop_logging(self, trail: Trail) -> None:
        """StopLogging: events from now on are not delivered (those before still are)."""
        if trail.logging:
            trail.logging = False
            trail.stopped_at = self._clock.seconds

    # -- delivery -----------------------------------------------------------------------------

    def _pending(self, trail: Trail) -> dict[tuple[str, str], list[int]]:
        """The undelivered events of a trail, by account and region."""
        until = trail.stopped_at if not trail.logging and trail.stopped_at is not None else float("inf")
        organization_at = self._organizations.organization_at
        grouped: dict[tuple[str, str], list[int]] = {}
        events = self.events
        for index in range(trail.cursor, len(events)):
            event = events[index]
            organization = organization_at(event[1], event[0]) if trail.organization_id is not None else None
            if event[0] <= until and trail.covers(event[1], event[2], organization):
                grouped.setdefault((event[1], event[2]), []).append(index)
        return grouped

    def _deliver(self) -> None:
        now = self._clock.seconds
        for trail in self.trails.values():
            if not trail.logging and (trail.stopped_at is None or trail.cursor >= len(self.events)):
                continue
            pending = self._pending(trail)
            trail.cursor = len(self.events)
            for (account_id, region), indices in pending.items():
                log_file = self._log_file(trail, account_id, region, tuple(indices), now,
                                          self._ids.token("cloudtrail-log-file", 16, _FILE_ID))
                trail.files.append(log_file)
                self._put(trail, log_file)
            if pending:
                trail.latest_delivery = now

    def _put(self, trail: Trail, log_file: LogFile) -> None:
        """Put a log file into the trail's S3 bucket as CloudTrail does."""
        if self._s3 is None:
            return
        requester = service_requester(CLOUDTRAIL_PRINCIPAL, trail.account_id, {
            "aws:sourcearn": trail.arn, "s3:x-amz-acl": "bucket-owner-full-control"})
        try:
            self._s3.put_object(requester, trail.bucket, log_file.key, self.log_file_content(log_file),
                                content_type="application/x-gzip")
        except ServiceError as error:
            trail.delivery_error = error.code
        else:
            trail.delivery_error = ""

    def _log_file(self, trail: Trail, account_id: str, region: str, events: tuple[int, ...], at: float,
                  suffix: str) -> LogFile:
        when = self._clock.to_datetime(at)
        folder = "/".join(p for p in (trail.prefix, "AWSLogs", trail.organization_id or "", account_id,
                                      "CloudTrail", region, when.strftime("%Y/%m/%d")) if p)
        name = f"{account_id}_CloudTrail_{region}_{when.strftime('%Y%m%dT%H%MZ')}_{suffix}.json.gz"
        return LogFile(key=f"{folder}/{name}", account_id=account_id, region=region, events=events)

    def log_files(self, include_pending: bool = True, trails: Iterable[Trail] | None = None) -> list[LogFile]:
        """The log files the trails delivered, and with ``include_pending`` those they would
        deliver now for the events of the last five minutes."""
        files: list[LogFile] = []
        now = self._clock.seconds
        for trail in trails if trails is not None else self.trails.values():
            files += trail.files
            if include_pending:
                for n, ((account_id, region), indices) in enumerate(self._pending(trail).items()):
                    files.append(self._log_file(trail, account_id, region, tuple(indices), now, f"pending{n:08d}"))
        return files

    def log_file_content(self, log_file: LogFile) -> bytes:
        """A log file's bytes: gzip of ``{"Records": [...]}`` (fixed gzip time, so a run
        gives the same bytes every time)."""
        text = json.dumps({"Records": [self.record_of(i) for i in log_file.events]}, separators=(",", ":"))
        return gzip.compress(text.encode(), mtime=0)

    def export(self, directory: str | Path, include_pending: bool = True) -> list[Path]:
        """Write every trail's log files under ``directory`` as they lie in the bucket
        (``[prefix/]AWSLogs/...``); return the files written.

        Args:
            directory: Where to write (created if need be).
            include_pending: Also write what the trails would deliver now.
        """
        root = Path(directory)
        written = []
        for log_file in self.log_files(include_pending):
            path = root / log_file.key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.log_file_content(log_file))
            written.append(path)
        return written
