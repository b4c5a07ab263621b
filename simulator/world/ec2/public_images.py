"""The built-in catalog of public AMIs (``data/public_images.csv``): Amazon Linux, RHEL,
SUSE, Ubuntu, Windows Server and the SQL Server AMIs, with their billing codes and whether
they carry the SSM agent."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from simulator.core.random import stable_key
from simulator.world.datafiles import as_bool, data_rows
from simulator.world.ec2.image import Image, ImageSource

#: When the public AMIs were published (their CreationDate).
PUBLIC_IMAGE_DATE = datetime(2025, 1, 15, tzinfo=UTC)


def public_image_id(region: str, name: str) -> str:
    """The fixed id of a public AMI in ``region``: the same for every seed, as in AWS."""
    return f"ami-0{stable_key('public-ami', region, name):016x}"


@cache
def _public_image_rows() -> tuple[dict[str, str], ...]:
    return tuple(data_rows("public_images.csv"))


def public_images(region: str) -> list[Image]:
    """The public AMI catalog (``data/public_images.csv``) as Image entities of ``region``."""
    return [
        Image(
            image_id=public_image_id(region, row["name"]),
            region=region,
            owner_id=row["owner_id"],
            name=row["name"],
            description=row["description"],
            architecture=row["architecture"],
            usage_operation=row["usage_operation"],
            creation_date=PUBLIC_IMAGE_DATE,
            source=ImageSource.PUBLIC,
            public=True,
            image_owner_alias="amazon",
            ssm_agent=as_bool(row["ssm_agent"]),
        )
        for row in _public_image_rows()
    ]
