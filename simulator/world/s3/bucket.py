"""A bucket and the metadata of its objects (their bytes live in an ``ObjectStore``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.access import Policy


@dataclass(frozen=True, slots=True)
class S3Object:
    """What S3 knows of one object besides its bytes.

    Attributes:
        etag: The quoted MD5 of the bytes, as S3 gives it.
        metadata: The user metadata (``x-amz-meta-*``).
    """

    key: str
    size: int
    etag: str
    last_modified: datetime
    content_type: str
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(eq=False)
class Bucket:
    """A bucket: its name is global, its owner one account, its objects in one region.

    Attributes:
        policy: The bucket policy, compiled (None when it has none).
        objects: The objects by key.
    """

    name: str
    owner_id: str
    region: str
    created_at: datetime
    policy: Policy | None = None
    objects: dict[str, S3Object] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """``arn:aws:s3:::<name>``."""
        return f"arn:aws:s3:::{self.name}"

    def object_arn(self, key: str) -> str:
        """``arn:aws:s3:::<name>/<key>``."""
        return f"arn:aws:s3:::{self.name}/{key}"
