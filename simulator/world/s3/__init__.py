"""Amazon S3: buckets, their policies and objects, kept in memory or as files."""

from simulator.world.s3.bucket import Bucket, S3Object
from simulator.world.s3.service import S3Service, parse_uri
from simulator.world.s3.storage import FileStore, MemoryStore, ObjectStore

__all__ = ["Bucket", "FileStore", "MemoryStore", "ObjectStore", "S3Object", "S3Service", "parse_uri"]
