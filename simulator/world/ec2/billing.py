"""The EC2 fields an entity derives from its billing code (AMIs, instances)."""

from __future__ import annotations

from simulator.core.billing import USAGE_OPERATIONS, is_windows


class Billed:
    """The EC2 fields derived from a ``usage_operation`` billing code (AMIs, instances)."""

    __slots__ = ()
    usage_operation: str

    @property
    def platform_details(self) -> str:
        """The PlatformDetails that goes with the billing code."""
        return USAGE_OPERATIONS[self.usage_operation]

    @property
    def platform(self) -> str | None:
        """``"windows"`` on Windows, None otherwise (as EC2's Platform field)."""
        return "windows" if is_windows(self.usage_operation) else None
