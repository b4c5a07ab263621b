"""Deterministic resource identifiers: same seed and call order, same ids."""

from __future__ import annotations

import hashlib
import math
import string

HEX = "0123456789abcdef"
LOWER_ALNUM = string.digits + string.ascii_lowercase


def _wide_key(*parts: object) -> int:
    """A 256-bit integer derived from ``parts`` (wide enough for any id's modulus)."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=32).digest(), "big")


class _Sequence:
    """A bijection from 0, 1, 2, ... onto ``alphabet``-strings of length ``width``.

    ``n -> (n * multiplier + offset) mod len(alphabet) ** width`` with a multiplier coprime
    to the modulus never repeats within the modulus, so ids never collide, yet they look
    random and depend on the seed.
    """

    __slots__ = ("alphabet", "count", "hex", "modulus", "multiplier", "offset", "prefix", "spec", "width")

    def __init__(self, seed: int, name: str, alphabet: str, width: int) -> None:
        self.alphabet = alphabet
        self.width = width
        self.modulus = len(alphabet) ** width
        multiplier = _wide_key(seed, name, "multiplier") % self.modulus
        while math.gcd(multiplier, self.modulus) != 1 or multiplier < 2:
            multiplier += 1
        self.multiplier = multiplier
        self.offset = _wide_key(seed, name, "offset") % self.modulus
        self.count = 0
        self.hex = alphabet == HEX
        self.spec = f"0{width}x"
        self.prefix = ""

    def next(self) -> str:
        value = (self.count * self.multiplier + self.offset) % self.modulus
        self.count += 1
        if self.hex:
            return self.prefix + format(value, self.spec)
        base = len(self.alphabet)
        chars = []
        for _ in range(self.width):
            value, digit = divmod(value, base)
            chars.append(self.alphabet[digit])
        return "".join(reversed(chars))


class IdFactory:
    """Makes AWS-shaped identifiers (``i-0123...``, ``h-...``, ``lic-...``) from the seed.

    Each kind of id has its own sequence, so the ids of one kind do not depend on how many
    ids of another kind were made.

    Args:
        seed: The simulation seed.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._sequences: dict[tuple[str, str, int], _Sequence] = {}
        self._resources: dict[str, _Sequence] = {}

    def _sequence(self, name: str, alphabet: str, width: int) -> _Sequence:
        key = (name, alphabet, width)
        sequence = self._sequences.get(key)
        if sequence is None:
            sequence = self._sequences[key] = _Sequence(self.seed, name, alphabet, width)
        return sequence

    def token(self, name: str, width: int = 17, alphabet: str = HEX) -> str:
        """The next token (without prefix) of the sequence ``name``."""
        return self._sequence(name, alphabet, width).next()

    def resource_id(self, prefix: str) -> str:
        """The next ``<prefix>-<17 hex digits>`` id, e.g. ``resource_id("i")`` ->
        ``"i-0f3a..."``; like EC2's long ids, the first digit is 0."""
        sequence = self._resources.get(prefix)
        if sequence is None:
            sequence = self._resources[prefix] = _Sequence(self.seed, prefix, HEX, 16)
            sequence.prefix = f"{prefix}-0"
        return sequence.next()

    def uuid(self, name: str = "uuid") -> str:
        """The next UUID-formatted token of the sequence ``name`` (request ids, task ids)."""
        raw = self.token(name, 32)
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
