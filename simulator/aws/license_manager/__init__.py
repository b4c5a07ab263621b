"""AWS License Manager operations over the engine in ``simulator.licensing``: license
configurations (``configurations``), seller-issued licenses, checkouts and tokens
(``entitlements``), grants (``grants``), and inventory search and discovery settings
(``discovery``)."""

from simulator.aws.license_manager import configurations, discovery, entitlements, grants  # noqa: F401  (registers them)

