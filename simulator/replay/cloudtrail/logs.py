"""Reading CloudTrail log files as AWS delivers them.

A log file is JSON (gzip-compressed as delivered, or plain) holding a ``Records`` array of
event records (``eventTime``, ``eventSource``, ``eventName``, ``awsRegion``,
``userIdentity``, ``recipientAccountId``, ``requestParameters``, ``responseElements``,
``errorCode``, ``errorMessage``, ``eventID`` ...). A trail delivers one file per account,
region and five minutes under ``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/``; an
organization trail puts the organization id first (``AWSLogs/o-.../<account>/...``).
Digest files (``CloudTrail-Digest``) are not event logs and are skipped.
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
class Trail:
    """The events of a set of log files in event-time order, and what the files say of the
    estate."""

    events: list[TrailEvent]
    files: list[Path]
    organization_id: str | None = None
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


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
        CloudTrailError: if the file is not gzip of JSON or JSON, or holds no Records array.
    """
    raw = path.read_bytes()
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
    of one instant keep the order of their files and records).

    Raises:
        FileNotFoundError: for a path that does not exist or holds no log file.
        CloudTrailError: for a file that is not a CloudTrail log, or a malformed record.
    """
    files = log_files(paths)
    events = []
    organizations = set()
    for path in files:
        match = _ORGANIZATION.search(path.as_posix())
        if match is not None:
            organizations.add(match[1])
        events.extend(_event(record, f"{path} record {n}") for n, record in enumerate(read_records(path)))
    if len(organizations) > 1:
        raise CloudTrailError(f"the log files come from several organizations: {', '.join(sorted(organizations))}")
    events.sort(key=lambda e: e.time)
    accounts = sorted({e.account_id for e in events if e.account_id})
    regions = list(dict.fromkeys(e.region for e in events if e.region))
    return Trail(events, files, next(iter(organizations), None), accounts, regions)
