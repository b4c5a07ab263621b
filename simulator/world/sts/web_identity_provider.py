"""An OpenID Connect identity provider STS trusts for AssumeRoleWithWebIdentity."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


@dataclass(frozen=True)
class WebIdentityProvider:
    """An OpenID Connect identity provider STS trusts: tokens whose ``iss`` is
    ``https://<name>`` and that verify with ``public_key`` under one of ``algorithms``."""

    name: str
    public_key: RSAPublicKey | EllipticCurvePublicKey | Ed25519PublicKey | Ed448PublicKey  # what JWT verifies with
    algorithms: tuple[str, ...]
