"""AWS STS (a global service): web identity federation and the temporary credentials of
assumed-role sessions."""

from simulator.world.sts.service import Session, StsService, WebIdentityProvider

__all__ = ["Session", "StsService", "WebIdentityProvider"]
