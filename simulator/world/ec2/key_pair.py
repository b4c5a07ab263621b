"""Key pairs: the KeyPair entity and the real keys behind it (made with ``cryptography``).

Keys are drawn from a byte stream derived from the simulation seed and the key pair's id,
so the same seed and calls make the same keys: an RSA key takes two primes of the pool in
``data/rsa_primes.csv`` (built by ``tools/build_rsa_primes.py``) chosen by that stream, an
ED25519 key is 32 bytes of it. Fingerprints follow EC2: for RSA
keys EC2 made, the SHA-1 digest of the private key in PKCS#8 DER; for imported RSA keys, the
MD5 digest of the public key in DER; for ED25519 keys, the base64 SHA-256 digest of the
OpenSSH public key (as ``ssh-keygen -l`` shows it, without padding).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator.world.datafiles import data_table

KEY_TYPES = ("rsa", "ed25519")
#: The RSA key lengths EC2 imports.
RSA_IMPORT_BITS = (1024, 2048, 4096)


@dataclass(slots=True, eq=False)
class KeyPair:
    """A key pair of one account in one region: its public key and fingerprint (the private
    key is handed out once, at creation, and not kept)."""

    key_pair_id: str
    key_name: str
    key_type: str
    fingerprint: str
    public_key: str
    account_id: str
    region: str
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The key pair's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account_id}:key-pair/{self.key_name}"


class _Stream:
    """Bytes drawn one block after another from a seed (SHAKE-256 of seed and counter)."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def read(self, size: int) -> bytes:
        self._counter += 1
        return hashlib.shake_256(self._seed + self._counter.to_bytes(8, "big")).digest(size)

    def integer(self, bits: int) -> int:
        return int.from_bytes(self.read((bits + 7) // 8), "big") >> (-bits % 8)


@lru_cache(maxsize=1)
def _prime_pool() -> tuple[int, ...]:
    _, rows = data_table("rsa_primes.csv")
    return tuple(int(row[0], 16) for row in rows)


def rsa_key(seed: bytes) -> rsa.RSAPrivateKey:
    """An RSA-2048 private key made of two primes of the pool chosen by ``seed``."""
    pool = _prime_pool()
    stream = _Stream(seed)
    first = stream.integer(32) % len(pool)
    second = (first + 1 + stream.integer(32) % (len(pool) - 1)) % len(pool)
    p, q = pool[first], pool[second]
    e = 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q))
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)  # the pool holds checked primes


def ed25519_key(seed: bytes) -> ed25519.Ed25519PrivateKey:
    """An ED25519 private key drawn from ``seed``."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(_Stream(seed).read(32))


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def openssh_public(key: rsa.RSAPublicKey | ed25519.Ed25519PublicKey) -> str:
    """The public key in OpenSSH format (``ssh-rsa AAAA...``)."""
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def ed25519_fingerprint(key: ed25519.Ed25519PublicKey) -> str:
    """EC2's fingerprint of an ED25519 key: base64 SHA-256 of the OpenSSH key blob."""
    blob = base64.b64decode(openssh_public(key).split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def created_key(key_type: str, seed: bytes) -> tuple[str, str, str]:
    """A new key of ``key_type``: (private key in PEM, public key in OpenSSH format,
    fingerprint)."""
    if key_type == "ed25519":
        private = ed25519_key(seed)
        material = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                          serialization.NoEncryption()).decode()
        public = private.public_key()
        return material, openssh_public(public), ed25519_fingerprint(public)
    key = rsa_key(seed)
    material = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption()).decode()
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return material, openssh_public(key.public_key()), _colon_hex(hashlib.sha1(pkcs8).digest())


def imported_key(material: bytes) -> tuple[str, str, str] | None:
    """The (key type, OpenSSH public key, fingerprint) of public key material in OpenSSH
    format, or None if it is not an RSA key of an accepted length or an ED25519 key."""
    try:
        key = serialization.load_ssh_public_key(material.strip())
    except (ValueError, TypeError, IndexError, UnsupportedAlgorithm):
        return None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", openssh_public(key), ed25519_fingerprint(key)
    if isinstance(key, rsa.RSAPublicKey) and key.key_size in RSA_IMPORT_BITS:
        der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return "rsa", openssh_public(key), _colon_hex(hashlib.md5(der).digest())
    return None
