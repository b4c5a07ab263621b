"""AWS STS (a global service): web identity federation and the temporary credentials of
assumed-role sessions."""

from simulator.world.sts.service import StsService
from simulator.world.sts.session import Session
from simulator.world.sts.web_identity_provider import WebIdentityProvider

__all__ = ["Session", "StsService", "WebIdentityProvider"]
