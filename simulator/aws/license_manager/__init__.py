"""AWS License Manager operations over the engine in ``simulator.licensing``: license
configurations (``configurations``), seller-issued licenses, checkouts and tokens
(``entitlements``), grants (``grants``), inventory search and discovery settings
(``discovery``), and license type conversions (``conversions``)."""

from simulator.aws.license_manager import (  # noqa: F401  (registers them)
    configurations,
    conversions,
    discovery,
    entitlements,
    grants,
)

from simulator.aws.dispatch import BEFORE, Call


def _first_use(call: Call) -> None:
    """An account's first call to License Manager makes its service-linked role."""
    if call.account_id:
        call.license_manager.link.first_use(call.account_id)


BEFORE["license-manager"] = _first_use
