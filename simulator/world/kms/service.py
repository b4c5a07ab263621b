"""One region's KMS: keys and aliases of every account, and the signing operations. The
private halves of the keys live in this service only; callers get signatures and public
keys, never key material."""

from __future__ import annotations

import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import utils

from simulator.core.arn import format_arn, parse_arn
from simulator.core.validation import check_tags
from simulator.world.ec2.context import RegionContext
from simulator.world.kms.errors import (
    access_denied_exception,
    already_exists_exception,
    invalid_alias_name_exception,
    invalid_key_usage_exception,
    key_not_found,
    kms_invalid_signature_exception,
    not_found_exception,
    unsupported_operation_exception,
    validation_exception,
)
from simulator.world.kms.key import (
    KEY_SPECS,
    KeySpec,
    KeyUsage,
    KmsKey,
    PrivateKey,
    SigningAlgorithm,
    generate_private_key,
    hash_of,
    signature_scheme,
)

#: Key specs of the KMS model that the simulator does not make.
UNSIMULATED_SPECS = frozenset({"HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65",
                               "ML_DSA_87", "ECC_NIST_EDWARDS25519"})
#: The longest RAW message Sign and Verify take (KMS API reference, Sign: Message).
MAX_MESSAGE = 4096
MESSAGE_TYPES = ("RAW", "DIGEST")
#: The model's AliasNameType pattern; a name also starts with ``alias/`` and holds no colon
#: (colons appear only in alias ARNs), so ``alias/[a-zA-Z0-9/_-]+`` in all.
_ALIAS_PATTERN = "^[a-zA-Z0-9:/_-]+$"
_ALIAS_NAME = re.compile(_ALIAS_PATTERN[1:-1])


class KmsService:
    """The KMS keys of one region, for every account.

    Args:
        ctx: The region's shared plumbing (clock, ids, region name).
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.region = ctx.region
        self._clock = ctx.clock
        self._ids = ctx.ids
        self.keys: dict[str, KmsKey] = {}
        self._private: dict[str, PrivateKey] = {}
        self._aliases: dict[tuple[str, str], str] = {}
        self._alias_created: dict[tuple[str, str], object] = {}

    # -- keys -----------------------------------------------------------------------------

    def create_key(
        self, account_id: str, *, key_spec: str = "SYMMETRIC_DEFAULT", key_usage: str = "ENCRYPT_DECRYPT",
        description: str = "", tags: dict[str, str] | None = None,
    ) -> KmsKey:
        """CreateKey: a new key of ``key_spec`` for ``key_usage``, enabled.

        Raises:
            ServiceError: UnsupportedOperationException for a key spec the simulator does not
                make, ValidationException for an unknown spec or usage or one the spec does
                not allow, TagException for bad tags.
        """
        if key_spec in UNSIMULATED_SPECS:
            raise unsupported_operation_exception(f"KeySpec {key_spec} is not simulated; simulated key specs: "
                                                  f"{', '.join(KeySpec)}")
        if key_spec not in KEY_SPECS:
            raise validation_exception(f"KeySpec {key_spec!r} is invalid; allowed values: {', '.join(KeySpec)}")
        spec = KeySpec(key_spec)
        if key_usage not in KEY_SPECS[spec].usages:
            allowed = ", ".join(KEY_SPECS[spec].usages)
            raise validation_exception(f"KeyUsage {key_usage!r} is not valid for KeySpec {spec}; allowed: {allowed}")
        check_tags(tags or {}, "Tags", code="TagException")
        key_id = self._ids.uuid("kms-key")
        private = generate_private_key(spec)
        public = None if private is None else private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        key = KmsKey(
            key_id=key_id, arn=format_arn("kms", self.region, account_id, "key", key_id), account_id=account_id,
            region=self.region, key_spec=spec, key_usage=KeyUsage(key_usage), description=description,
            created_at=self._clock.now(), public_key_der=public, tags=dict(tags or {}),
        )
        self.keys[key_id] = key
        if private is not None:
            self._private[key_id] = private
        return key

    def key(self, account_id: str, key_ref: str) -> KmsKey:
        """The key ``key_ref`` names for ``account_id``: a key id, key ARN, alias name or
        alias ARN.

        Raises:
            ServiceError: NotFoundException if there is no such key in this region,
                AccessDeniedException for another account's key (no key policy grants it).
        """
        key_id = key_ref
        parts = parse_arn(key_ref)
        if parts is not None:
            if parts.service != "kms" or parts.region != self.region:
                raise key_not_found(key_ref)
            if parts.account != account_id:
                if parts.resource_type == "key" and parts.resource_id in self.keys:
                    raise access_denied_exception(f"{key_ref} belongs to account {parts.account}; its key policy does "
                                                  f"not allow account {account_id}")
                raise key_not_found(key_ref)
            if parts.resource_type == "alias":
                key_id = self._aliases.get((account_id, f"alias/{parts.resource_id}"), "")
            else:
                key_id = parts.resource_id
        elif key_ref.startswith("alias/"):
            key_id = self._aliases.get((account_id, key_ref), "")
        key = self.keys.get(key_id)
        if key is None or key.account_id != account_id:
            raise key_not_found(key_ref)
        return key

    def list_keys(self, account_id: str) -> list[KmsKey]:
        """ListKeys: the account's keys in this region, oldest first."""
        return [k for k in self.keys.values() if k.account_id == account_id]

    def public_key(self, account_id: str, key_ref: str) -> KmsKey:
        """GetPublicKey: the key whose public half (DER SubjectPublicKeyInfo) is wanted.

        Raises:
            ServiceError: NotFoundException, UnsupportedOperationException for a symmetric
                key (it has no public key).
        """
        key = self.key(account_id, key_ref)
        if key.public_key_der is None:
            raise unsupported_operation_exception(f"{key.arn} is a symmetric key; only asymmetric keys have a public "
                                                  "key")
        return key

    # -- signing --------------------------------------------------------------------------

    def sign(self, account_id: str, key_ref: str, message: bytes, algorithm: str, message_type: str = "RAW") -> bytes:
        """Sign: a signature of ``message`` (or of the digest ``message``) with the key's
        private half.

        Raises:
            ServiceError: NotFoundException, InvalidKeyUsageException (not a signing key, or
                an algorithm the key spec does not support), ValidationException (message).
        """
        key, scheme = self._signing(account_id, key_ref, message, algorithm, message_type)
        return self._private[key.key_id].sign(message, *scheme)

    def verify(
        self, account_id: str, key_ref: str, message: bytes, signature: bytes, algorithm: str,
        message_type: str = "RAW",
    ) -> KmsKey:
        """Verify: checks ``signature`` of ``message`` with the key's public half.

        Raises:
            ServiceError: as ``sign``, and KMSInvalidSignatureException for a signature that
                does not match.
        """
        key, scheme = self._signing(account_id, key_ref, message, algorithm, message_type)
        try:
            self._private[key.key_id].public_key().verify(signature, message, *scheme)
        except InvalidSignature:
            raise kms_invalid_signature_exception(f"The signature is not valid for the message under {key.arn} with "
                                                  f"{algorithm}") from None
        return key

    def verify_request(self, account_id: str, key_ref: str, message: bytes, algorithm: str,
                       message_type: str = "RAW") -> KmsKey:
        """Check a Sign or Verify request without signing (DryRun).

        Raises:
            ServiceError: as ``sign``.
        """
        return self._signing(account_id, key_ref, message, algorithm, message_type)[0]

    def _signing(
        self, account_id: str, key_ref: str, message: bytes, algorithm: str, message_type: str,
    ) -> tuple[KmsKey, tuple]:
        """The key and the ``cryptography`` sign/verify arguments after the message checks."""
        key = self.key(account_id, key_ref)
        if key.key_usage is not KeyUsage.SIGN_VERIFY:
            raise invalid_key_usage_exception(f"{key.arn} has KeyUsage {key.key_usage}; signing needs a SIGN_VERIFY "
                                              "key")
        if algorithm not in key.signing_algorithms:
            raise invalid_key_usage_exception(f"SigningAlgorithm {algorithm} is not valid for {key.arn} "
                                              f"({key.key_spec}); allowed: {', '.join(key.signing_algorithms)}")
        if message_type not in MESSAGE_TYPES:
            raise validation_exception(f"MessageType {message_type!r} is invalid for {key.key_spec}; allowed: RAW, "
                                       "DIGEST")
        digest = hash_of(SigningAlgorithm(algorithm))
        if message_type == "DIGEST":
            if len(message) != digest.digest_size:
                raise validation_exception(f"A {digest.name} digest is {digest.digest_size} bytes; the Message has "
                                           f"{len(message)}")
            return key, signature_scheme(SigningAlgorithm(algorithm), utils.Prehashed(digest))
        if len(message) > MAX_MESSAGE:
            raise validation_exception(f"A RAW Message is at most {MAX_MESSAGE} bytes; sign a DIGEST of longer "
                                       "messages")
        return key, signature_scheme(SigningAlgorithm(algorithm), digest)

    # -- aliases --------------------------------------------------------------------------

    def create_alias(self, account_id: str, alias_name: str, target_key_id: str) -> None:
        """CreateAlias: ``alias/<name>`` for the account's key ``target_key_id`` (a key id or ARN).

        Raises:
            ServiceError: ValidationException (no ``alias/`` prefix, or characters outside
                ``alias/[a-zA-Z0-9/_-]+``), InvalidAliasNameException (no name after the prefix,
                or the reserved ``alias/aws/``), AlreadyExistsException, NotFoundException.
        """
        if not alias_name.startswith("alias/"):
            raise validation_exception('Alias must start with the prefix "alias/". Please see '
                                       "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
        if _ALIAS_NAME.fullmatch(alias_name) is None:
            raise validation_exception(f"1 validation error detected: Value '{alias_name}' at 'aliasName' failed to "
                                       f"satisfy constraint: Member must satisfy regular expression pattern: "
                                       f"{_ALIAS_PATTERN}")
        if ":" in alias_name:
            raise validation_exception(f"{alias_name} contains invalid characters for an alias")
        if len(alias_name) == len("alias/"):
            raise invalid_alias_name_exception(f"AliasName {alias_name!r} needs a name after 'alias/'")
        if alias_name.startswith("alias/aws/"):
            raise invalid_alias_name_exception(f"AliasName {alias_name!r}: names beginning with 'alias/aws/' are "
                                               "reserved for AWS")
        if target_key_id.startswith("alias/") or ":alias/" in target_key_id:
            raise not_found_exception(f"TargetKeyId must be a key id or key ARN, got {target_key_id!r}")
        key = self.key(account_id, target_key_id)
        if (account_id, alias_name) in self._aliases:
            raise already_exists_exception(f"An alias with the name {alias_name} already exists")
        self._aliases[(account_id, alias_name)] = key.key_id
        self._alias_created[(account_id, alias_name)] = self._clock.now()

    def aliases(self, account_id: str, key_ref: str | None = None) -> list[tuple[str, str, str, object]]:
        """ListAliases: ``(alias name, alias ARN, target key id, creation date)`` of the
        account's aliases (of one key if ``key_ref`` is given).

        Raises:
            ServiceError: NotFoundException for an unknown ``key_ref``.
        """
        wanted = None if key_ref is None else self.key(account_id, key_ref).key_id
        return [
            (name, format_arn("kms", self.region, account, "alias", name[len("alias/"):]), key_id,
             self._alias_created[(account, name)])
            for (account, name), key_id in self._aliases.items()
            if account == account_id and (wanted is None or key_id == wanted)
        ]


