"""An ImportImage task: a VM image becoming an AMI."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The stages an import task reports while active, by the share of its duration elapsed.
_IMPORT_STAGES = (
    (0.1, "pending"),
    (0.2, "validating"),
    (0.3, "validated"),
    (0.6, "converting"),
    (0.7, "updating"),
    (0.8, "booting"),
    (0.9, "booted"),
    (1.0, "preparing ami"),
)



@dataclass(slots=True, eq=False)
class ImportImageTask:
    """A VM import (ImportImage) that yields an AMI marked as imported when it completes."""

    task_id: str
    account_id: str
    region: str
    platform: str
    license_type: str
    usage_operation: str
    architecture: str
    description: str
    started_at: float
    completes_at: float
    license_configuration_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    image_id: str | None = None
    status: str = "active"

    def progress(self, now: float) -> int | None:
        """Percent done while active, None once completed (EC2 omits it then)."""
        if self.status != "active":
            return None
        share = (now - self.started_at) / (self.completes_at - self.started_at)
        return min(99, max(0, int(share * 100)))

    def status_message(self, now: float) -> str:
        """The stage EC2 would report now."""
        if self.status != "active":
            return self.status
        share = (now - self.started_at) / (self.completes_at - self.started_at)
        return next(stage for limit, stage in _IMPORT_STAGES if share < limit or limit == 1.0)
