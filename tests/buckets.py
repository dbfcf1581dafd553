"""What is stored, seen without going through the app: on disk, or in a SeaweedFS bucket
listed with boto3 directly; and a test's storage setting."""

from __future__ import annotations

import os
from pathlib import Path

import seaweedfs


class DiskBucket:
    """What is stored on disk, seen without going through the app."""

    kind = "disk"

    def __init__(self, root: Path) -> None:
        self.root = root

    def keys(self) -> set[str]:
        return {
            str(path.relative_to(self.root)).replace(os.sep, "/")
            for path in self.root.rglob("*")
            if path.is_file()
        }

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def remove(self, key: str) -> None:
        (self.root / key).unlink()


class S3Bucket:
    """What is stored in a SeaweedFS bucket, listed with boto3 directly."""

    kind = "s3"

    def __init__(self, server: seaweedfs.SeaweedFS, name: str) -> None:
        self.server, self.name, self.client = server, name, server.client()

    def keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def remove(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


def use_storage(settings, default: dict) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": default}
