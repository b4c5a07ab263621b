"""The key pairs of one region: CreateKeyPair (a real key, its private part returned once),
ImportKeyPair, DescribeKeyPairs, DeleteKeyPair."""

from __future__ import annotations

from simulator.core.validation import check_enum
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import (
    invalid_key_pair_duplicate,
    invalid_key_pair_format,
    invalid_key_pair_not_found,
    invalid_parameter_value,
    not_simulated,
)
from simulator.world.ec2.key_pair import KEY_TYPES, KeyPair, created_key, imported_key
from simulator.world.filters import compile_filters

_FILTERS = {
    "fingerprint": lambda k: k.fingerprint,
    "key-name": lambda k: k.key_name,
    "key-pair-id": lambda k: k.key_pair_id,
    "key-type": lambda k: k.key_type,
}


class KeyPairService:
    """The key pairs of one region, by account.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._by_account: dict[str, dict[str, KeyPair]] = {}

    def account_key_pairs(self, account_id: str) -> dict[str, KeyPair]:
        """The key pairs of ``account_id`` by name, in creation order."""
        return self._by_account.setdefault(account_id, {})

    def get(self, account_id: str, key_name: str, field: str = "KeyName") -> KeyPair:
        """A key pair by name.

        Raises:
            ServiceError: InvalidKeyPair.NotFound.
        """
        key_pair = self.account_key_pairs(account_id).get(key_name)
        if key_pair is None:
            raise invalid_key_pair_not_found(f"The key pair '{key_name}' does not exist ({field})")
        return key_pair

    def _check_new(self, account_id: str, key_name: str, tags: dict[str, str] | None) -> None:
        if not key_name or len(key_name) > 255 or not key_name.isascii():
            raise invalid_parameter_value(f"KeyName must be 1 to 255 ASCII characters, got {key_name!r}")
        if key_name in self.account_key_pairs(account_id):
            raise invalid_key_pair_duplicate(f"The keypair '{key_name}' already exists.")
        check_ec2_tags(tags or {})

    def _add(self, account_id: str, key_pair_id: str, key_name: str, key_type: str, fingerprint: str,
             public_key: str, tags: dict[str, str] | None) -> KeyPair:
        key_pair = KeyPair(key_pair_id, key_name, key_type, fingerprint, public_key, account_id, self.ctx.region,
                           self.ctx.clock.now(), dict(tags or {}))
        self.account_key_pairs(account_id)[key_name] = key_pair
        return key_pair

    def create(self, account_id: str, key_name: str, key_type: str = "rsa", key_format: str = "pem",
               tags: dict[str, str] | None = None) -> tuple[KeyPair, str]:
        """CreateKeyPair: a new key; the key pair and its private key (PEM), which EC2
        shows only now.

        Raises:
            ServiceError: InvalidParameterValue for a bad name or key type,
                InvalidKeyPair.Duplicate, Unsupported for the ppk format.
        """
        check_enum("KeyType", key_type, KEY_TYPES)
        check_enum("KeyFormat", key_format, ("pem", "ppk"))
        if key_format == "ppk":
            raise not_simulated("KeyFormat ppk", "private keys are returned in PEM")
        self._check_new(account_id, key_name, tags)
        key_pair_id = self.ctx.ids.resource_id("key")
        seed = f"{self.ctx.ids.seed}/{self.ctx.region}/{key_pair_id}".encode()
        material, public_key, fingerprint = created_key(key_type, seed)
        return self._add(account_id, key_pair_id, key_name, key_type, fingerprint, public_key, tags), material

    def import_key(self, account_id: str, key_name: str, public_key_material: bytes,
                   tags: dict[str, str] | None = None) -> KeyPair:
        """ImportKeyPair: a key pair for a public key in OpenSSH format.

        Raises:
            ServiceError: InvalidKeyPair.Format, InvalidKeyPair.Duplicate,
                InvalidParameterValue for a bad name.
        """
        self._check_new(account_id, key_name, tags)
        parsed = imported_key(public_key_material)
        if parsed is None:
            raise invalid_key_pair_format("Key is not in valid OpenSSH public key format: give an RSA key of "
                                          "1024, 2048 or 4096 bits or an ED25519 key (PublicKeyMaterial)")
        key_type, public_key, fingerprint = parsed
        return self._add(account_id, self.ctx.ids.resource_id("key"), key_name, key_type, fingerprint, public_key,
                         tags)

    def describe(self, account_id: str, key_names: list[str] | None = None, key_pair_ids: list[str] | None = None,
                 filters: list[tuple[str, list[str]]] | None = None) -> list[KeyPair]:
        """DescribeKeyPairs.

        Raises:
            ServiceError: InvalidKeyPair.NotFound, InvalidParameterValue for an unknown filter.
        """
        matches = compile_filters(filters or (), _FILTERS, "DescribeKeyPairs")
        pairs = self.account_key_pairs(account_id)
        if key_names or key_pair_ids:
            found = [self.get(account_id, n, "KeyNames") for n in key_names or ()]
            by_id = {k.key_pair_id: k for k in pairs.values()}
            for key_pair_id in key_pair_ids or ():
                if key_pair_id not in by_id:
                    raise invalid_key_pair_not_found(f"The key pair '{key_pair_id}' does not exist")
                found.append(by_id[key_pair_id])
            selected = list({k.key_pair_id: k for k in found}.values())
        else:
            selected = list(pairs.values())
        return [k for k in selected if matches(k)]

    def delete(self, account_id: str, key_name: str | None = None, key_pair_id: str | None = None) -> KeyPair | None:
        """DeleteKeyPair: the key pair deleted, or None if there was none (EC2 answers
        success either way; instances launched with it keep its name)."""
        pairs = self.account_key_pairs(account_id)
        for name, key_pair in pairs.items():
            if name == key_name or key_pair.key_pair_id == key_pair_id:
                return pairs.pop(name)
        return None
