"""The record of each evaluated call: the ``access`` timeline."""

from __future__ import annotations

from typing import NamedTuple


class AccessRecord(NamedTuple):
    """One call a principal made, as policy evaluation decided it.

    ``time`` is simulated seconds since the start; ``event_source`` the service's CloudTrail
    source (``license-manager.amazonaws.com``); ``decision`` ``allowed`` or ``denied``;
    ``matched_statement`` the deciding statement (``<policy>#<Sid or index>``), empty for an
    implicit deny.
    """

    time: float
    account_id: str
    principal: str
    event_source: str
    event_name: str
    decision: str
    matched_statement: str
