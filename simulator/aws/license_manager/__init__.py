"""AWS License Manager operations over the engine in ``simulator.licensing``: license
configurations (``configurations``), seller-issued licenses, checkouts and tokens
(``entitlements``), and grants (``grants``)."""

from simulator.aws.license_manager import configurations, entitlements, grants  # noqa: F401  (registers them)
