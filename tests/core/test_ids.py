"""Deterministic ids and random streams."""

import re

import pytest

from simulator.core.ids import LOWER_ALNUM, IdFactory
from simulator.core.random import RandomStreams


def sequence(seed: int, kinds: str = "ihi") -> list[str]:
    """The ids one factory of ``seed`` gives, in order, for a run of ``kinds``."""
    factory = IdFactory(seed)
    ids = [factory.resource_id(kind) for kind in kinds * 20]
    return [*ids, factory.uuid(), factory.token("organization", 10, LOWER_ALNUM)]


def test_ids_are_deterministic_per_seed_and_differ_across_seeds():
    """The same seed and call order give the same ids, every one of them; another seed gives
    others, every one of them."""
    first, again, other = sequence(3), sequence(3), sequence(4)
    assert len(first) == 62 and len(set(first)) == 62
    assert first == again
    assert not set(first) & set(other)


def test_ids_are_well_formed_and_unique():
    """Ids have the AWS shape and never repeat within a sequence."""
    factory = IdFactory(0)
    ids = [factory.resource_id("i") for _ in range(20000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"i-0[0-9a-f]{16}", i) for i in ids)
    org = "o-" + factory.token("organization", 10, LOWER_ALNUM)
    assert re.fullmatch(r"o-[0-9a-z]{10}", org)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", factory.uuid())


def test_id_kinds_do_not_disturb_each_other():
    """Making ids of one kind does not change the ids of another."""
    plain, busy = IdFactory(9), IdFactory(9)
    for _ in range(5):
        busy.resource_id("h")
    assert plain.resource_id("i") == busy.resource_id("i")


def test_random_streams_are_named_and_reproducible():
    """A stream's draws depend on the seed and its name only."""
    a, b = RandomStreams(1), RandomStreams(1)
    a.stream("other").random(10)
    assert a.stream("launches").random() == b.stream("launches").random()
    assert RandomStreams(2).stream("launches").random() != RandomStreams(1).stream("launches").random()
    with pytest.raises(ValueError, match="seed"):
        RandomStreams(-1)
