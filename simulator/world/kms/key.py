"""KMS keys: their specs, usages and signing algorithms, and the key material behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class KeySpec(StrEnum):
    """The key specs the simulated KMS makes (the model's KeySpec values)."""

    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    ECC_NIST_P256 = "ECC_NIST_P256"
    ECC_NIST_P384 = "ECC_NIST_P384"
    ECC_NIST_P521 = "ECC_NIST_P521"
    ECC_SECG_P256K1 = "ECC_SECG_P256K1"
    SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"


class KeyUsage(StrEnum):
    """What a key is for."""

    SIGN_VERIFY = "SIGN_VERIFY"
    ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"


class SigningAlgorithm(StrEnum):
    """The signing algorithms of asymmetric keys (the model's SigningAlgorithmSpec)."""

    RSASSA_PSS_SHA_256 = "RSASSA_PSS_SHA_256"
    RSASSA_PSS_SHA_384 = "RSASSA_PSS_SHA_384"
    RSASSA_PSS_SHA_512 = "RSASSA_PSS_SHA_512"
    RSASSA_PKCS1_V1_5_SHA_256 = "RSASSA_PKCS1_V1_5_SHA_256"
    RSASSA_PKCS1_V1_5_SHA_384 = "RSASSA_PKCS1_V1_5_SHA_384"
    RSASSA_PKCS1_V1_5_SHA_512 = "RSASSA_PKCS1_V1_5_SHA_512"
    ECDSA_SHA_256 = "ECDSA_SHA_256"
    ECDSA_SHA_384 = "ECDSA_SHA_384"
    ECDSA_SHA_512 = "ECDSA_SHA_512"


class SpecTraits(NamedTuple):
    """What a key spec allows: its usages, signing and encryption algorithms."""

    usages: tuple[KeyUsage, ...]
    signing: tuple[SigningAlgorithm, ...]
    encryption: tuple[str, ...]


_RSA_SIGNING = tuple(a for a in SigningAlgorithm if a.startswith("RSASSA"))
_RSA_ENCRYPTION = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
_BOTH = (KeyUsage.SIGN_VERIFY, KeyUsage.ENCRYPT_DECRYPT)

#: AWS KMS Developer Guide, "Key spec reference": usages and algorithms of each key spec.
KEY_SPECS: dict[KeySpec, SpecTraits] = {
    KeySpec.RSA_2048: SpecTraits(_BOTH, _RSA_SIGNING, _RSA_ENCRYPTION),
    KeySpec.RSA_3072: SpecTraits(_BOTH, _RSA_SIGNING, _RSA_ENCRYPTION),
    KeySpec.RSA_4096: SpecTraits(_BOTH, _RSA_SIGNING, _RSA_ENCRYPTION),
    KeySpec.ECC_NIST_P256: SpecTraits((KeyUsage.SIGN_VERIFY,), (SigningAlgorithm.ECDSA_SHA_256,), ()),
    KeySpec.ECC_NIST_P384: SpecTraits((KeyUsage.SIGN_VERIFY,), (SigningAlgorithm.ECDSA_SHA_384,), ()),
    KeySpec.ECC_NIST_P521: SpecTraits((KeyUsage.SIGN_VERIFY,), (SigningAlgorithm.ECDSA_SHA_512,), ()),
    KeySpec.ECC_SECG_P256K1: SpecTraits((KeyUsage.SIGN_VERIFY,), (SigningAlgorithm.ECDSA_SHA_256,), ()),
    KeySpec.SYMMETRIC_DEFAULT: SpecTraits((KeyUsage.ENCRYPT_DECRYPT,), (), ("SYMMETRIC_DEFAULT",)),
}

_RSA_BITS = {KeySpec.RSA_2048: 2048, KeySpec.RSA_3072: 3072, KeySpec.RSA_4096: 4096}
_CURVES: dict[KeySpec, type[ec.EllipticCurve]] = {
    KeySpec.ECC_NIST_P256: ec.SECP256R1, KeySpec.ECC_NIST_P384: ec.SECP384R1,
    KeySpec.ECC_NIST_P521: ec.SECP521R1, KeySpec.ECC_SECG_P256K1: ec.SECP256K1,
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def generate_private_key(spec: KeySpec) -> PrivateKey | None:
    """New key material for an asymmetric spec (None for a symmetric key, whose material the
    simulator does not need)."""
    if spec in _RSA_BITS:
        return rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS[spec])
    if spec in _CURVES:
        return ec.generate_private_key(_CURVES[spec]())
    return None


def hash_of(algorithm: SigningAlgorithm) -> hashes.HashAlgorithm:
    """The hash function a signing algorithm uses."""
    return _HASHES[algorithm[-3:]]()


def signature_scheme(algorithm: SigningAlgorithm, digest: hashes.HashAlgorithm | Prehashed) -> tuple:
    """The arguments after the message of ``cryptography``'s ``sign`` and ``verify`` for
    ``algorithm`` over ``digest`` (the hash, or ``Prehashed`` for a digest message).

    RSASSA-PSS uses MGF1 with the message hash and a salt as long as the digest, as KMS does
    (and as RFC 7518 requires of PS256/PS384/PS512)."""
    if algorithm.startswith("RSASSA_PSS"):
        hash_ = hash_of(algorithm)
        return padding.PSS(mgf=padding.MGF1(hash_), salt_length=hash_.digest_size), digest
    if algorithm.startswith("RSASSA_PKCS1"):
        return padding.PKCS1v15(), digest
    return (ec.ECDSA(digest),)


@dataclass(eq=False)
class KmsKey:
    """A KMS key's metadata and public key; the private key stays inside ``KmsService``."""

    key_id: str
    arn: str
    account_id: str
    region: str
    key_spec: KeySpec
    key_usage: KeyUsage
    description: str
    created_at: datetime
    public_key_der: bytes | None
    enabled: bool = True
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def traits(self) -> SpecTraits:
        """What the key's spec allows."""
        return KEY_SPECS[self.key_spec]

    @property
    def signing_algorithms(self) -> tuple[SigningAlgorithm, ...]:
        """The signing algorithms of a SIGN_VERIFY key (none otherwise)."""
        return self.traits.signing if self.key_usage is KeyUsage.SIGN_VERIFY else ()

    @property
    def encryption_algorithms(self) -> tuple[str, ...]:
        """The encryption algorithms of an ENCRYPT_DECRYPT key (none otherwise)."""
        return self.traits.encryption if self.key_usage is KeyUsage.ENCRYPT_DECRYPT else ()
