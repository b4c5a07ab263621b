"""One call as CloudTrail keeps it (the facts; ``records`` writes them in CloudTrail's format)."""

from __future__ import annotations

from typing import Any, NamedTuple

from simulator.world.cloudtrail.identity import Identity

#: Operation names of read-only calls (CloudTrail's ``readOnly``).
READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Lookup", "Search")


class ApiEvent(NamedTuple):
    """A call made to a service, successful or not.

    ``time`` is simulated seconds since the start; ``account_id`` the account the call was
    made in (CloudTrail's ``recipientAccountId``); ``params`` the request as the caller gave
    it; ``response`` what the service answered (None for a read-only or failed call, whose
    response CloudTrail does not keep); ``status`` the HTTP status; ``resource`` the id or
    ARN of what the call acted on, when known.
    """

    time: float
    account_id: str
    region: str
    service: str
    operation: str
    identity: Identity
    params: dict[str, Any]
    response: dict[str, Any] | None
    error_code: str
    error_message: str
    request_id: str
    status: int
    resource: str
    event_type: str = "AwsApiCall"

    @property
    def read_only(self) -> bool:
        """Whether the call only reads."""
        return self.operation.startswith(READ_ONLY_PREFIXES)

    @property
    def source(self) -> str:
        """The event source (``license-manager.amazonaws.com``)."""
        return f"{self.service}.amazonaws.com"
