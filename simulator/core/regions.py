"""The AWS Regions the simulator places resources in: the commercial partition (``aws``)
of the endpoint data that ships with botocore, so a botocore that knows a new Region brings
it along. Other partitions (China, GovCloud, the isolated ones) are not simulated: their
ARNs and endpoints differ."""

from __future__ import annotations

from functools import cache

from botocore.loaders import create_loader

#: The partition the simulator models.
PARTITION = "aws"


@cache
def aws_regions() -> tuple[str, ...]:
    """The commercial AWS Regions, sorted (``us-east-1``, ``ap-southeast-5`` ...)."""
    endpoints = create_loader().load_data("endpoints")
    partition = next(p for p in endpoints["partitions"] if p["partition"] == PARTITION)
    return tuple(sorted(partition["regions"]))


def region_of_zone(zone: str) -> str | None:
    """The Region of an Availability Zone or Local Zone name (``us-east-1a`` ->
    ``us-east-1``, ``us-west-2-lax-1a`` -> ``us-west-2``), or None outside the simulated
    Regions."""
    found = [r for r in aws_regions() if zone.startswith(r) and zone[len(r):len(r) + 1] not in "0123456789"]
    return max(found, key=len) if found else None
