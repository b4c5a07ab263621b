"""Checks of managed-entitlement input shared by licenses, grants, checkouts and tokens, and
the calendar arithmetic of renewals and retention."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import datetime

from simulator.licensing.entitlements.license import (
    UNITS,
    ConsumptionConfiguration,
    Entitlement,
    RenewType,
)
from simulator.licensing.errors import redirect_exception, validation_exception
from simulator.world import AWS_REGIONS


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months (the day clamped to the month's length)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def check_entitlements(entitlements: tuple[Entitlement, ...]) -> None:
    """Refuse entitlements AWS refuses.

    Raises:
        ServiceError: ValidationException naming the entitlement: none given, a repeated name,
            an unknown unit, a limited entitlement (unit other than None) without MaxCount or
            with a Value, an unlimited one (unit None) with a MaxCount or Overage.
    """
    if not entitlements:
        raise validation_exception("Entitlements must hold at least one entitlement")
    seen = set()
    for e in entitlements:
        if not e.name:
            raise validation_exception("Entitlement Name must not be empty")
        if e.name in seen:
            raise validation_exception(f"Entitlement {e.name!r} appears more than once")
        seen.add(e.name)
        if e.unit not in UNITS:
            raise validation_exception(f"Entitlement {e.name!r}: Unit {e.unit!r} is invalid; allowed values: "
                                       f"{', '.join(UNITS)}")
        if e.unit == "None":
            if e.max_count is not None or e.overage:
                raise validation_exception(f"Entitlement {e.name!r} has Unit None (unlimited): give a Value, not "
                                           "MaxCount or Overage")
        elif e.max_count is None or e.value is not None:
            raise validation_exception(f"Entitlement {e.name!r} has Unit {e.unit} (limited): give a MaxCount, not a "
                                       "Value")
        elif e.max_count < 0:
            raise validation_exception(f"Entitlement {e.name!r}: MaxCount must be 0 or more, got {e.max_count}")


def check_consumption(config: ConsumptionConfiguration) -> ConsumptionConfiguration:
    """``config`` (with its RenewType as the enum) if AWS accepts it.

    Raises:
        ServiceError: ValidationException for an unknown RenewType, neither a provisional nor
            a borrow configuration, or a MaxTimeToLiveInMinutes below 1.
    """
    if config.renew_type not in tuple(RenewType):
        raise validation_exception(f"RenewType {config.renew_type!r} is invalid; allowed values: "
                                   f"{', '.join(RenewType)}")
    if config.provisional_minutes is None and config.borrow_minutes is None:
        raise validation_exception("ConsumptionConfiguration needs a ProvisionalConfiguration (online use), a "
                                   "BorrowConfiguration (offline use), or both")
    for name, minutes in (("ProvisionalConfiguration", config.provisional_minutes),
                          ("BorrowConfiguration", config.borrow_minutes)):
        if minutes is not None and minutes < 1:
            raise validation_exception(f"{name}.MaxTimeToLiveInMinutes must be 1 or more, got {minutes}")
    return replace(config, renew_type=RenewType(config.renew_type))


def check_home(home_region: str, region: str) -> None:
    """Refuse a change made outside the home region.

    Raises:
        ServiceError: ValidationException for a home region that is not an AWS Region,
            RedirectException (Location: the home region) for a request made elsewhere.
    """
    if home_region not in AWS_REGIONS:
        raise validation_exception(f"HomeRegion {home_region!r} is not an AWS Region")
    if home_region != region:
        raise redirect_exception(f"This license changes only in its home Region {home_region}; the request was made "
                                 f"in {region}", fields={"Location": home_region})
