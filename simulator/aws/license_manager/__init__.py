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

