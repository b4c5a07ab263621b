"""A trail: what it logs, where it delivers, whether it is logging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(eq=False)
class Trail:
    """A trail of one account, created in its home region.

    Attributes:
        organization_id: Set for an organization trail (it logs every account of it).
        cursor: How far into the event history the trail has looked for events to deliver.
        files: The log files delivered so far (their keys in the bucket, in order).
        delivery_error: Why the last delivery to the S3 bucket failed (the S3 error code:
            NoSuchBucket, AccessDenied), empty after a delivery that succeeded.
    """

    name: str
    arn: str
    account_id: str
    home_region: str
    bucket: str
    prefix: str
    multi_region: bool
    global_events: bool
    organization_id: str | None
    created_at: datetime
    logging: bool = False
    started_at: float | None = None
    stopped_at: float | None = None
    latest_delivery: float | None = None
    cursor: int = 0
    files: list[LogFile] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    delivery_error: str = ""

    def covers(self, account_id: str, region: str, organization_id: str | None) -> bool:
        """Whether an event of ``account_id`` in ``region`` belongs in this trail, the account
        then belonging to ``organization_id``."""
        if self.organization_id is not None:
            if organization_id != self.organization_id:
                return False
        elif account_id != self.account_id:
            return False
        return self.multi_region or region == self.home_region or (self.global_events and region == "us-east-1")


@dataclass(frozen=True)
class LogFile:
    """One delivered log file: its key in the bucket and the events it holds (their
    positions in the event history)."""

    key: str
    account_id: str
    region: str
    events: tuple[int, ...]
