"""AWS License Manager operations over the engine in ``simulator.licensing``: license
configurations (``configurations``), seller-issued licenses, checkouts and tokens
(``entitlements``), grants (``grants``), inventory search and discovery settings
(``discovery``), license type conversions (``conversions``) and report generators
(``reports``).

An account's first successful call to License Manager makes its service-linked role
(AWSServiceRoleForAWSLicenseManagerRole), as the console's first-run experience does."""

from simulator.aws.dispatch import AFTER, Call
from simulator.aws.license_manager import (  # noqa: F401  (registers them)
    configurations,
    conversions,
    discovery,
    entitlements,
    grants,
    reports,
)


def _first_use(call: Call) -> None:
    if call.account_id:
        call.license_manager.link.first_use(call.account_id)


AFTER["license-manager"] = _first_use
