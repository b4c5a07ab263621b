"""Signed tokens: checkouts as JWS (``JWT_PS384``) signed by the issuer's KMS key through
KMS Sign, so anyone verifies them offline with the key's public half; and License Manager's
own refresh and access tokens for customers without an AWS account (CreateToken,
GetAccessToken, ListTokens, DeleteToken), which STS accepts for AssumeRoleWithWebIdentity."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import RSAPSSAlgorithm

from simulator.core.arn import parse_arn
from simulator.core.clock import LATEST
from simulator.licensing.entitlements.checkouts import Checkout
from simulator.licensing.entitlements.grants import Grants, OverGrants
from simulator.licensing.entitlements.licenses import Licenses
from simulator.licensing.entitlements.state import EntitlementState
from simulator.licensing.errors import (
    authorization_exception,
    redirect_exception,
    resource_not_found_exception,
    validation_exception,
)
from simulator.licensing.filters import filter_by
from simulator.world.kms import KmsService
from simulator.world.sts import WebIdentityProvider

#: License Manager's OpenID Connect identity provider, the Federated principal of the
#: consumption role's trust policy ("Seller issued licenses", Requirements).
PROVIDER = "openid-license-manager.amazonaws.com"
#: Access tokens are valid for one hour (GetAccessToken).
ACCESS_TOKEN_SECONDS = 3600
#: CreateToken's ExpirationInDays when none is given.
DEFAULT_EXPIRATION_DAYS = 365
#: The checkout token payload's timestamps, as in the user guide's example.
PAYLOAD_TIME = "%Y-%m-%dT%H:%M:%S"


class KmsSigner:
    """Signs through KMS Sign with RSASSA_PSS_SHA_384: the JWS library hands it the signing
    input; the private key never leaves KMS.

    Args:
        kms: The KMS of the key's region.
        account_id: The key's account.
        key_arn: The key.
        key_size: The key's modulus length in bits.
    """

    def __init__(self, kms: KmsService, account_id: str, key_arn: str, key_size: int) -> None:
        self.kms, self.account_id, self.key_arn, self.key_size = kms, account_id, key_arn, key_size

    def __call__(self, message: bytes) -> bytes:
        return self.kms.sign(self.account_id, self.key_arn, message, "RSASSA_PSS_SHA_384")


class _KmsPS384(RSAPSSAlgorithm):
    """PS384 whose signing key is a KmsSigner (verification is the library's own)."""

    def __init__(self) -> None:
        super().__init__(RSAPSSAlgorithm.SHA384)

    def prepare_key(self, key):
        return key if isinstance(key, KmsSigner) else super().prepare_key(key)

    def sign(self, msg: bytes, key) -> bytes:
        return key(msg) if isinstance(key, KmsSigner) else super().sign(msg, key)


@dataclass(eq=False)
class RefreshToken:
    """A long-lived token of CreateToken. ``expires_at`` is simulated seconds."""

    token_id: str
    license_arn: str
    account_id: str
    role_arns: tuple[str, ...]
    properties: tuple[str, ...]
    expires_at: float
    token: str
    status: str = "AVAILABLE"


class Tokens(OverGrants):
    """Checkout signatures and License Manager's tokens (see ``OverGrants`` for the arguments).

    License Manager's own tokens are signed (EdDSA) with a key derived from the simulation
    seed, so a run's tokens are the same in every replay; STS is told to trust them.
    """

    def __init__(self, state: EntitlementState, licenses: Licenses, grants: Grants) -> None:
        super().__init__(state, licenses, grants)
        seed = hashlib.blake2b(repr(("license-manager-oidc", state.ids.seed)).encode(), digest_size=32).digest()
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        state.world.global_services.sts.trust_provider(
            WebIdentityProvider(PROVIDER, self._key.public_key(), ("EdDSA",)))
        self._jws = jwt.PyJWS(algorithms=[])
        self._jws.register_algorithm("PS384", _KmsPS384())
        self.tokens: dict[str, RefreshToken] = {}

    # -- checkout tokens ------------------------------------------------------------------

    def sign_checkout(self, checkout: Checkout) -> str | None:
        """The checkout as a JWS signed with the issuer's KMS key (PS384), or None for a
        license without a signing key. The payload carries the fields of the user guide's
        example: entitlementsAllowed, expiration, issuedAt, licenseArn,
        licenseConsumptionToken, nodeId, checkoutMetadata."""
        lic = checkout.license
        key_arn = lic.current.issuer.sign_key
        if key_arn is None:
            return None
        clock = self.state.clock
        payload = {
            "entitlementsAllowed": [{"name": n, "unit": u, "value": v} for n, u, _, v in checkout.entitlements],
            "expiration": None if checkout.expires_at is None else _stamp(clock.to_datetime(checkout.expires_at)),
            "issuedAt": _stamp(clock.to_datetime(checkout.issued_at)),
            "licenseArn": lic.arn,
            "licenseConsumptionToken": checkout.token,
            "nodeId": checkout.node_id,
            "checkoutMetadata": dict(checkout.metadata),
        }
        kms = self.state.world.region(parse_arn(key_arn).region).kms  # type: ignore[union-attr]
        key = kms.key(lic.owner_id, key_arn)
        signer = KmsSigner(kms, lic.owner_id, key_arn, int(key.key_spec.removeprefix("RSA_")))
        body = json.dumps(payload, separators=(",", ":")).encode()
        # PyJWT types its keys as cryptography's; any object with sign() works, as KmsSigner does
        return self._jws.encode(body, signer, algorithm="PS384",  # type: ignore[arg-type]
                                headers={"typ": "JWT", "kid": key_arn})

    # -- refresh and access tokens ----------------------------------------------------------

    def create(
        self, account_id: str, region: str, license_arn: str, *, role_arns: Iterable[str] = (),
        expiration_days: int | None = None, properties: Iterable[str] = (), client_token: str | None = None,
    ) -> RefreshToken:
        """CreateToken: a refresh token (a JWT whose ``aud`` is the license and ``amr`` the
        token properties) for the license's issuer, or a grantee whose ACTIVE grant allows
        CreateToken; made in the license's home region.

        Raises:
            ServiceError: ResourceNotFoundException, AccessDeniedException, RedirectException
                outside the home region, ValidationException for ExpirationInDays below 1 or
                past the latest instant a timestamp holds, or a ClientToken reused with other
                parameters.
        """
        roles, props = tuple(role_arns), tuple(properties)
        request = (license_arn, roles, expiration_days, props)
        earlier = self.state.replay(account_id, "CreateToken", client_token, request, "ValidationException")
        if earlier is not None:
            return earlier
        lic = self.licenses.find(license_arn, "ResourceNotFoundException")
        if account_id != lic.owner_id:
            self.grants.consumer_grant(account_id, lic, "CreateToken")
        home = lic.current.home_region
        if region != home:
            raise redirect_exception(f"Tokens of {lic.arn} are made in its home Region {home}",
                                     fields={"Location": home})
        days = DEFAULT_EXPIRATION_DAYS if expiration_days is None else expiration_days
        clock = self.state.clock
        longest = int(clock.seconds_left() // 86400)
        if not 1 <= days <= longest:
            # The API reference gives ExpirationInDays no range but the 365-day default; a
            # token must still expire at an instant its ListTokens ExpirationTime can show.
            raise validation_exception(f"ExpirationInDays must be from 1 to {longest} (the token must expire by "
                                       f"{LATEST.strftime('%Y-%m-%dT%H:%M:%SZ')}), got {days}")
        token_id = self.state.ids.uuid("license-manager-token")
        expires = clock.seconds + days * 86400.0
        claims = {"iss": f"https://{PROVIDER}", "sub": token_id, "aud": lic.arn, "jti": token_id,
                  "iat": self._epoch(clock.seconds), "exp": self._epoch(expires), "amr": list(props),
                  "token_use": "refresh", "roleArns": list(roles)}
        refresh = RefreshToken(token_id=token_id, license_arn=lic.arn, account_id=account_id, role_arns=roles,
                               properties=props, expires_at=expires,
                               token=jwt.encode(claims, self._key, algorithm="EdDSA"))
        self.tokens[token_id] = refresh
        self.state.remember(account_id, "CreateToken", client_token, request, refresh)
        return refresh

    def access_token(self, token: str, properties: Iterable[str] = ()) -> str:
        """GetAccessToken: an access token, valid for one hour, for a refresh token that is
        neither expired nor deleted (no credentials needed).

        Raises:
            ServiceError: ValidationException for a token that is not a refresh token of
                License Manager or properties it does not carry; AuthorizationException for an
                expired or deleted refresh token.
        """
        try:
            claims = jwt.decode(token, self._key.public_key(), algorithms=["EdDSA"],
                                options={"verify_exp": False, "verify_aud": False, "verify_iat": False})
        except jwt.PyJWTError as error:
            raise validation_exception(f"Token is not a License Manager refresh token: {error}") from None
        refresh = self.tokens.get(str(claims.get("jti")))
        if claims.get("token_use") != "refresh" or refresh is None:
            raise validation_exception("Token is not a License Manager refresh token")
        clock = self.state.clock
        if refresh.status != "AVAILABLE":
            raise authorization_exception(f"Refresh token {refresh.token_id} was deleted")
        if clock.seconds >= refresh.expires_at:
            raise authorization_exception(f"Refresh token {refresh.token_id} expired at "
                                          f"{clock.to_datetime(refresh.expires_at).isoformat()}")
        missing = [p for p in properties if p not in refresh.properties]
        if missing:
            raise validation_exception(f"TokenProperties {missing[0]!r} is not a property of the token")
        claims = {"iss": f"https://{PROVIDER}", "sub": refresh.token_id, "aud": refresh.license_arn,
                  "jti": self.state.ids.uuid("license-manager-access-token"), "iat": self._epoch(clock.seconds),
                  "exp": self._epoch(clock.seconds + ACCESS_TOKEN_SECONDS), "amr": list(refresh.properties),
                  "token_use": "access"}
        return jwt.encode(claims, self._key, algorithm="EdDSA")

    def list(self, account_id: str, token_ids: Iterable[str] = (), filters: Iterable[tuple[str, list[str]]] = ()
             ) -> list[RefreshToken]:
        """ListTokens: the caller's tokens, by id and by the LicenseArns filter.

        Raises:
            ServiceError: ValidationException for another filter.
        """
        wanted = set(token_ids)
        mine = [t for t in self.tokens.values() if t.account_id == account_id and (not wanted or t.token_id in wanted)]
        return filter_by(mine, filters, {"LicenseArns": lambda t: t.license_arn}, "ValidationException")

    def delete(self, account_id: str, region: str, token_id: str) -> RefreshToken:
        """DeleteToken: revoke a refresh token (GetAccessToken refuses it from now on).

        Raises:
            ServiceError: ResourceNotFoundException (not the caller's, or already deleted),
                RedirectException outside the license's home region.
        """
        refresh = self.tokens.get(token_id)
        if refresh is None or refresh.account_id != account_id or refresh.status != "AVAILABLE":
            raise resource_not_found_exception(f"Token {token_id!r} does not exist")
        lic = self.state.licenses.get(refresh.license_arn)
        if lic is not None and lic.current.home_region != region:
            home = lic.current.home_region
            raise redirect_exception(f"Token {token_id} is deleted in its license's home Region {home}",
                                     fields={"Location": home})
        refresh.status = "DELETED"
        return refresh

    def _epoch(self, seconds: float) -> int:
        return int(self.state.clock.start.timestamp() + seconds)


def _stamp(moment: datetime) -> str:
    return moment.strftime(PAYLOAD_TIME)

