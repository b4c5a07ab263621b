"""Reading CloudTrail log files as AWS delivers them.

A log file is JSON (gzip-compressed as delivered, or plain) holding a ``Records`` array of
event records (``eventTime``, ``eventSource``, ``eventName``, ``awsRegion``,
``userIdentity``, ``recipientAccountId``, ``requestParameters``, ``responseElements``,
``errorCode``, ``errorMessage``, ``eventID`` ...). A trail delivers one file per account,
region and five minutes under ``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/``; an
organization trail puts the organization id first (``AWSLogs/o-.../<account>/...``).
Digest files (``CloudTrail-Digest``) are not event logs and are skipped. A file that cannot
be read, or a record without its time, source and name, is skipped and listed
(``Trail.unreadable``): one bad file does not cost the rest of a history.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.core.clock import parse_instant

_ORGANIZATION = re.compile(r"(?:^|/)AWSLogs/(o-[a-z0-9]{10,32})/\d{12}/CloudTrail/")
_GZIP_MAGIC = b"\x1f\x8b"
_LOG_NAME = re.compile(r"\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]+\.json(?:\.gz)?")


class CloudTrailError(ValueError):
    """Input that is not a CloudTrail log this reader understands (naming the file)."""


@dataclass(frozen=True)
class TrailEvent:
    """One CloudTrail event record, with the fields a replay reads."""

    time: datetime
    source: str
    name: str
    region: str
    account_id: str
    principal: str
    request: dict[str, Any]
    response: dict[str, Any]
    error_code: str
    error_message: str
    event_id: str
    origin: str

    @property
    def service(self) -> str:
        """The service the event's source names (``ec2.amazonaws.com`` -> ``ec2``)."""
        return self.source.removesuffix(".amazonaws.com")


@dataclass(frozen=True)
class Unreadable:
    """A log file (or one record of it) that could not be read, and why."""

    file: str
    reason: str


@dataclass(frozen=True)
class Trail:
    """The events of a set of log files in event-time order, what the files say of the
    estate, and what could not be read."""

    events: list[TrailEvent]
    files: list[Path]
    organization_id: str | None = None
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def log_files(paths: Iterable[str | Path]) -> list[Path]:
    """The log files among ``paths``: files as given, and under a directory the files named
    as CloudTrail names log files (``<account>_CloudTrail_<region>_<time>_<id>.json.gz``), or
    every ``.json``/``.json.gz`` file when none is; digest files excepted; in path order.

    Raises:
        FileNotFoundError: for a path that does not exist, or a directory without log files.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".json", ".json.gz"))
                           and "CloudTrail-Digest" not in p.parts)
            named = [p for p in found if _LOG_NAME.fullmatch(p.name)]
            found = named or found
            if not found:
                raise FileNotFoundError(f"no CloudTrail log files (.json or .json.gz) under {path}")
            files.extend(found)
        else:
            raise FileNotFoundError(f"no CloudTrail log file or directory at {path}")
    return files


def read_records(path: Path) -> list[dict[str, Any]]:
    """The ``Records`` of one log file (gzip or plain JSON).

    Raises:
        CloudTrailError: if the file cannot be read, is not gzip of JSON or JSON, or holds
            no Records array.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CloudTrailError(f"{path} cannot be read: {error.strerror or error}") from None
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise CloudTrailError(f"{path} is a damaged gzip file: {error}") from None
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise CloudTrailError(f"{path} is not a CloudTrail log file: it is not JSON ({error})") from None
    records = data.get("Records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CloudTrailError(f"{path} is not a CloudTrail log file: it has no \"Records\" array of event records")
    return records


def _event(record: dict[str, Any], origin: str) -> TrailEvent:
    missing = [k for k in ("eventTime", "eventSource", "eventName") if not record.get(k)]
    if missing:
        raise CloudTrailError(f"{origin} is not a CloudTrail event record: it lacks {', '.join(missing)}")
    identity = record.get("userIdentity") or {}
    account = record.get("recipientAccountId") or identity.get("accountId") or ""
    try:
        time = parse_instant(record["eventTime"])
    except ValueError:
        raise CloudTrailError(f"{origin}: eventTime {record['eventTime']!r} is not an ISO-8601 instant") from None
    return TrailEvent(
        time=time, source=record["eventSource"], name=record["eventName"], region=record.get("awsRegion", ""),
        account_id=account, principal=identity.get("arn") or "",
        request=record.get("requestParameters") or {}, response=record.get("responseElements") or {},
        error_code=record.get("errorCode") or "", error_message=record.get("errorMessage") or "",
        event_id=record.get("eventID") or "", origin=origin,
    )


def read_trail(paths: Iterable[str | Path]) -> Trail:
    """Read log files and directories into one trail, events in event-time order (events
    of one instant keep the order of their files and records). A file that cannot be read
    and a malformed record are skipped and listed in ``Trail.unreadable``.

    Raises:
        FileNotFoundError: for a path that does not exist or holds no log file.
        CloudTrailError: for files from several organizations.
    """
    files = log_files(paths)
    events = []
    unreadable = []
    organizations = set()
    for path in files:
        match = _ORGANIZATION.search(path.as_posix())
        if match is not None:
            organizations.add(match[1])
        try:
            records = read_records(path)
        except CloudTrailError as error:
            unreadable.append(Unreadable(str(path), _reason(error, str(path))))
            continue
        for number, record in enumerate(records):
            origin = f"{path} record {number}"
            try:
                events.append(_event(record, origin))
            except CloudTrailError as error:
                unreadable.append(Unreadable(origin, _reason(error, origin)))
    if len(organizations) > 1:
        raise CloudTrailError(f"the log files come from several organizations: {', '.join(sorted(organizations))}")
    events.sort(key=lambda e: e.time)
    accounts = sorted({e.account_id for e in events if e.account_id})
    regions = list(dict.fromkeys(e.region for e in events if e.region))
    return Trail(events, files, next(iter(organizations), None), accounts, regions, unreadable)


def _reason(error: CloudTrailError, where: str) -> str:
    """The error's message without the file name it starts with."""
    return str(error).removeprefix(where).lstrip(": ").removeprefix("is ").strip() or str(error)
