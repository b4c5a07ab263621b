"""Blocked launches: the one definition the summary and the compliance plot share.

A blocked launch is a RunInstances or StartInstances call that License Manager refused
(``LicenseUsageException``). One call is one blocked launch, however many instances it
named and however many limits and rules it broke (each of those is a row of the
violations timeline).
"""

from __future__ import annotations

import pandas as pd

#: The operations whose refusal by License Manager counts as a blocked launch.
LAUNCHES = ("RunInstances", "StartInstances")
#: The error code of a launch License Manager refused.
REFUSED = "LicenseUsageException"


def blocked_launches(events: pd.DataFrame) -> pd.DataFrame:
    """The blocked launches among ``events`` (the events timeline): its rows of API calls
    to launch or start instances that License Manager refused."""
    return events[(events.source == "api") & events.event_name.isin(LAUNCHES) & (events.error_code == REFUSED)]


def blocked_launches_of(events: pd.DataFrame, violations: pd.DataFrame, arn: str) -> pd.DataFrame:
    """The blocked launches that configuration ``arn`` refused: those whose instant, account
    and operation match one of its ``blocked`` violations."""
    refused = violations[(violations.license_configuration_arn == arn) & (violations.action == "blocked")]
    keys = pd.MultiIndex.from_frame(refused[["time", "account_id", "operation"]])
    calls = blocked_launches(events)
    mine = pd.MultiIndex.from_frame(calls[["time", "account_id", "event_name"]]).isin(keys)
    return calls[mine]
