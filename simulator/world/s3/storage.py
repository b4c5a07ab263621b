"""Where the bytes of objects live: in memory, or as real files under a folder
(``<root>/<bucket>/<key>``) so that any tool can open what a run wrote.

Keys map to paths one ``/``-separated part at a time. A part a file system cannot hold as
it is (empty, ``.``, ``..``, or holding ``%``) is percent-encoded (``%25`` for ``%``, ``%2E``
for a dot, a lone ``%`` for an empty part), so every key has its own path and ordinary keys
keep their own names.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from simulator.world.s3.errors import invalid_argument


class ObjectStore(Protocol):
    """The bytes of every bucket's objects."""

    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Store ``data`` as ``key`` of ``bucket`` (replacing what was there)."""
        ...

    def get(self, bucket: str, key: str) -> bytes:
        """The bytes of ``key`` of ``bucket``."""
        ...

    def delete(self, bucket: str, key: str) -> None:
        """Forget ``key`` of ``bucket`` (nothing if it is not there)."""
        ...

    def drop_bucket(self, bucket: str) -> None:
        """Forget an empty bucket."""
        ...


class MemoryStore:
    """Objects held in memory."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], bytes] = {}

    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Store ``data`` as ``key`` of ``bucket``."""
        self._data[(bucket, key)] = data

    def get(self, bucket: str, key: str) -> bytes:
        """The bytes of ``key`` of ``bucket``."""
        return self._data[(bucket, key)]

    def delete(self, bucket: str, key: str) -> None:
        """Forget ``key`` of ``bucket``."""
        self._data.pop((bucket, key), None)

    def drop_bucket(self, bucket: str) -> None:
        """Nothing to do: an empty bucket holds no bytes."""


def key_path(key: str) -> Path:
    """The relative path of ``key`` (see the module docstring)."""
    parts = []
    for part in key.split("/"):
        if not part:
            parts.append("%")
        elif part in (".", ".."):
            parts.append("%2E" * len(part))
        else:
            parts.append(part.replace("%", "%25"))
    return Path(*parts)


class FileStore:
    """Objects kept as files under ``root`` (created if need be).

    Args:
        root: The folder holding one sub-folder per bucket.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, bucket: str, key: str) -> Path:
        """Where the object ``key`` of ``bucket`` lies."""
        return self.root / bucket / key_path(key)

    def check(self, bucket: str, key: str) -> None:
        """Refuse a key that would be both a file and a folder of other keys' files.

        Raises:
            ServiceError: InvalidArgument naming the key.
        """
        path = self.path(bucket, key)
        top = self.root / bucket
        clash = path.is_dir() or any(p.is_file() for p in path.parents if p != top and top in p.parents)
        if clash:
            raise invalid_argument(f"Key {key!r} cannot be stored under the simulation's s3_root: another key of "
                                   f"{bucket} uses {path.relative_to(self.root)} as a folder or a file")

    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Write ``data`` to the object's file."""
        path = self.path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, bucket: str, key: str) -> bytes:
        """Read the object's file."""
        return self.path(bucket, key).read_bytes()

    def delete(self, bucket: str, key: str) -> None:
        """Remove the object's file and the folders it leaves empty."""
        path = self.path(bucket, key)
        path.unlink(missing_ok=True)
        top = self.root / bucket
        for parent in path.parents:
            if parent == top or top not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def drop_bucket(self, bucket: str) -> None:
        """Remove the bucket's (empty) folder."""
        shutil.rmtree(self.root / bucket, ignore_errors=True)
