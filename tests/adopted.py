"""Sources to adopt, as their owner changes them: a folder under a library root (read-only
to the server's process: its folders and files without write permission) and a SeaweedFS
prefix read with a key that may only list and read. Each remembers what its owner last
made it hold, so that a test can show MyPhoto left it exactly so."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from contextlib import contextmanager
from pathlib import Path

import seaweedfs

from myphoto.photos.storage.sources import S3Access


class FolderLibrary:
    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "photos"
        self.folder.mkdir(parents=True)
        self.access: S3Access | None = None
        self.location = self.folder.as_uri() + "/"
        self.expected: dict[str, tuple[str, int]] = {}
        self._lock()

    @contextmanager
    def _writable(self):
        for folder, _, _ in os.walk(self.folder):
            Path(folder).chmod(stat.S_IRWXU)
        try:
            yield
        finally:
            self._lock()

    def _lock(self) -> None:
        for folder, _, names in os.walk(self.folder, topdown=False):
            for name in names:
                (Path(folder) / name).chmod(stat.S_IRUSR | stat.S_IRGRP)
            Path(folder).chmod(stat.S_IRUSR | stat.S_IXUSR)

    def put(self, path: str, data: bytes) -> None:
        with self._writable():
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.chmod(stat.S_IRWXU)
            target.write_bytes(data)
        self.expected = self.state()

    def remove(self, path: str) -> bytes:
        with self._writable():
            target = self.folder / path
            data = target.read_bytes()
            target.unlink()
        self.expected = self.state()
        return data

    def state(self) -> dict[str, tuple[str, int]]:
        """Every file's SHA-256 and modification time."""
        found = {}
        for folder, _, names in os.walk(self.folder):
            for name in names:
                path = Path(folder) / name
                found[str(path.relative_to(self.folder))] = (
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                    path.stat().st_mtime_ns,
                )
        return found

    def writable_by_server(self) -> bool:
        """Whether any folder or file has a write permission (root, as CI runs, is not
        stopped by permissions: there the after-state comparison is the proof)."""
        return any(
            os.stat(Path(folder) / name).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
            for folder, folders, names in os.walk(self.folder)
            for name in [".", *names]
        )

    @contextmanager
    def unmounted(self):
        """The share gone, as a NAS unmounted or off: the folder is not there."""
        away = self.folder.with_name("away")
        self.folder.rename(away)
        try:
            yield
        finally:
            away.rename(self.folder)

    def unlock(self) -> None:
        for folder, _, _ in os.walk(self.folder):
            Path(folder).chmod(stat.S_IRWXU)


class BucketLibrary:
    kind = "s3"

    def __init__(self, server: seaweedfs.SeaweedFS) -> None:
        self.bucket = f"adopt-{uuid.uuid4().hex[:10]}"
        self.client = server.client()  # the owner's: it may write
        self.client.create_bucket(Bucket=self.bucket)
        self.prefix = "old-app/photos/"
        self.location = f"s3://{self.bucket}/{self.prefix}"
        # MyPhoto's: list and read only.
        self.access = S3Access(
            server.endpoint_url,
            seaweedfs.REGION,
            seaweedfs.READER_ACCESS_KEY,
            seaweedfs.READER_SECRET_KEY,
        )
        self.expected: dict[str, str] = {}

    def put(self, path: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + path, Body=data)
        self.expected = self.state()

    def remove(self, path: str) -> bytes:
        key = self.prefix + path
        data = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.client.delete_object(Bucket=self.bucket, Key=key)
        self.expected = self.state()
        return data

    def state(self) -> dict[str, str]:
        """Every object's ETag, the whole bucket's (nothing written beside the prefix)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", ())}

    def writable_by_server(self) -> bool:
        import boto3
        from botocore.exceptions import ClientError

        client = boto3.client(
            "s3",
            endpoint_url=self.access.endpoint_url,
            region_name=self.access.region,
            aws_access_key_id=self.access.access_key_id,
            aws_secret_access_key=self.access.secret_access_key,
        )
        try:
            client.put_object(Bucket=self.bucket, Key=self.prefix + "probe", Body=b"x")
        except ClientError:
            return False
        client.delete_object(Bucket=self.bucket, Key=self.prefix + "probe")
        return True

    def unlock(self) -> None:
        pass
