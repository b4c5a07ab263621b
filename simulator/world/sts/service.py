"""STS: AssumeRoleWithWebIdentity against the identity providers the world trusts, and the
sessions (temporary credentials) it hands out."""

from __future__ import annotations

import string

import jwt

from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.world.iam import IamService
from simulator.world.sts.errors import access_denied, expired_token_exception, invalid_identity_token, validation_error
from simulator.world.sts.session import Session
from simulator.world.sts.web_identity_provider import WebIdentityProvider

UPPER_ALNUM = string.ascii_uppercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
#: AssumeRoleWithWebIdentity's DurationSeconds when none is given.
DEFAULT_DURATION = 3600



class StsService:
    """STS for the whole world.

    Args:
        clock: The simulation clock (token expiry is checked against it).
        ids: The id factory (credentials).
        iam: IAM, which holds the roles and their trust policies.
    """

    def __init__(self, clock: Clock, ids: IdFactory, iam: IamService) -> None:
        self._clock = clock
        self._ids = ids
        self._iam = iam
        self.providers: dict[str, WebIdentityProvider] = {}
        self.sessions: dict[str, Session] = {}

    def trust_provider(self, provider: WebIdentityProvider) -> None:
        """Accept web identity tokens of ``provider`` from now on."""
        self.providers[provider.name] = provider

    def assume_role_with_web_identity(
        self, role_arn: str, session_name: str, token: str, duration: int | None = None,
    ) -> Session:
        """AssumeRoleWithWebIdentity: temporary credentials for ``role_arn`` in exchange for
        a web identity token the role's trust policy accepts.

        Raises:
            ServiceError: InvalidIdentityToken for a token that is malformed, of an unknown
                provider or badly signed; ExpiredTokenException for an expired token;
                AccessDenied when the role does not exist or its trust policy does not allow
                the token; ValidationError for a duration past the role's maximum.
        """
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss", "")
        except jwt.PyJWTError as error:
            raise invalid_identity_token(f"The web identity token is malformed: {error}") from None
        provider = self.providers.get(str(issuer).removeprefix("https://"))
        if provider is None:
            raise invalid_identity_token(f"No OpenIDConnect provider found for the issuer {issuer!r}")
        try:
            claims = jwt.decode(token, provider.public_key, algorithms=list(provider.algorithms),
                                options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                         "verify_nbf": False, "require": ["exp", "sub", "aud"]})
        except jwt.PyJWTError as error:
            raise invalid_identity_token(f"The web identity token is not valid: {error}") from None
        if claims.get("token_use", "access") != "access":
            raise invalid_identity_token("The web identity token is not an access token")
        now = self._clock.seconds
        expires = float(claims["exp"]) - self._clock.start.timestamp()
        if now >= expires:
            raise expired_token_exception(f"Token expired: current date/time {self._clock.now().isoformat()} must be "
                                          "before the expiration date/time "
                                          f"{self._clock.to_datetime(expires).isoformat()}")
        role = self._iam.role_by_arn(role_arn)
        if role is None or not role.trust_policy.trusts_web_identity(provider.name, claims):
            raise access_denied(f"Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn}", status=403)
        duration = DEFAULT_DURATION if duration is None else duration
        if duration > role.max_session_duration:
            raise validation_error(f"The requested DurationSeconds ({duration}) exceeds the MaxSessionDuration "
                                   f"({role.max_session_duration}) set for this role.")
        session = Session(
            access_key_id="ASIA" + self._ids.token("sts-access-key", 16, UPPER_ALNUM),
            secret_access_key=self._ids.token("sts-secret", 40, SECRET_ALPHABET),
            session_token=self._ids.token("sts-session-token", 356, SECRET_ALPHABET),
            expires_at=now + duration, role=role, session_name=session_name, provider=provider.name,
            claims=dict(claims),
        )
        self.sessions[session.access_key_id] = session
        return session

    def session_for(self, access_key_id: str, secret_access_key: str, session_token: str) -> Session | None:
        """The session those credentials belong to, or None if STS did not issue them."""
        session = self.sessions.get(access_key_id)
        if session is None or (session.secret_access_key, session.session_token) != (secret_access_key, session_token):
            return None
        return session
