"""An OpenID Connect identity provider STS trusts for AssumeRoleWithWebIdentity."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes


@dataclass(frozen=True)
class WebIdentityProvider:
    """An OpenID Connect identity provider STS trusts: tokens whose ``iss`` is
    ``https://<name>`` and that verify with ``public_key`` under one of ``algorithms``."""

    name: str
    public_key: PublicKeyTypes
    algorithms: tuple[str, ...]
