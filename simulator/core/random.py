"""Named, seeded random streams: every random draw of a simulation comes from here."""

from __future__ import annotations

import hashlib

import numpy as np


def stable_key(*parts: object) -> int:
    """A 64-bit integer derived from ``parts`` that is the same in every Python process."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class RandomStreams:
    """Independent ``numpy.random.Generator`` streams derived from one seed by name.

    Asking for the same name twice returns the same generator, so each consumer draws from
    its own stream and adding a consumer does not shift the draws of the others.

    Args:
        seed: The simulation seed (a non-negative integer).
    """

    def __init__(self, seed: int) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.seed = seed
        self._streams: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The generator named ``name``."""
        generator = self._streams.get(name)
        if generator is None:
            sequence = np.random.SeedSequence(entropy=self.seed, spawn_key=(stable_key(name),))
            generator = self._streams[name] = np.random.Generator(np.random.PCG64(sequence))
        return generator
