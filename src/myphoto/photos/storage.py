"""Object storage access that Django's Storage API lacks.

The rest of the code saves and deletes through Django's `storages["default"]`
(local disk or django-storages' S3 backend). This module adds what a photo
library needs on top: chunked and ranged reads that never hold a whole object,
batch deletes, listings for fsck and presigned URLs. It is the only module that
talks to boto3.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

logger = logging.getLogger(__name__)

# Bytes are streamed in chunks of at most this size (DESIGN rule 2).
CHUNK_SIZE = 1024 * 1024
_S3_DELETE_BATCH = 1000


class ObjectMissing(Exception):
    """The object a row points to is not in storage."""


class StorageUnavailable(Exception):
    """The storage could not be reached or refused the request."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime | None = None


def get_storage() -> Storage:
    return storages["default"]


def _is_s3(storage: Storage) -> bool:
    # Not hasattr(storage, "connection"): that property builds a boto3 session per thread.
    from storages.backends.s3 import S3Storage

    return isinstance(storage, S3Storage)


def uses_s3() -> bool:
    return _is_s3(get_storage())


def _client(storage: Storage):
    """One boto3 client per storage, shared by every thread.

    django-storages makes a session and resource per thread, which costs about
    100 ms each time a gunicorn thread first touches S3; boto3 clients are
    thread-safe, so one does for all.
    """
    return _client_for_endpoint(
        storage.endpoint_url,  # type: ignore[attr-defined]
        storage.region_name,  # type: ignore[attr-defined]
        storage.access_key or None,  # type: ignore[attr-defined]
        storage.secret_key or None,  # type: ignore[attr-defined]
        storage.client_config,  # type: ignore[attr-defined]
    )


# Below this, one PUT; above, a multipart upload that retries parts, not the whole file.
_SINGLE_PUT_BYTES = 64 * 1024 * 1024


def save(key: str, content: File) -> None:
    """Write `content` under exactly `key`."""
    storage = get_storage()
    if _is_s3(storage):
        _s3_save(storage, key, content)
        return
    stored_as = storage.save(key, content)
    if stored_as != key:
        # Keys are server-made UUIDs: a rename means a collision we must not hide.
        get_storage().delete(stored_as)
        raise StorageUnavailable(f"storage renamed {key!r} to {stored_as!r}")


def _s3_save(storage: Storage, key: str, content: File) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    bucket = storage.bucket_name  # type: ignore[attr-defined]
    content.seek(0)
    try:
        if content.size is not None and content.size <= _SINGLE_PUT_BYTES:
            _client(storage).put_object(
                Bucket=bucket, Key=key, Body=content, ContentType=content_type
            )
        else:
            _client(storage).upload_fileobj(
                content, bucket, key, ExtraArgs={"ContentType": content_type}
            )
    except (BotoCoreError, ClientError) as err:
        raise StorageUnavailable(f"could not write {key!r}: {err}") from err


def open_stream(
    key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """Open the object and return an iterator over bytes start..end (inclusive).

    The object is opened before this returns, so a missing object raises
    ObjectMissing here rather than half-way through a response.
    """
    storage = get_storage()
    if _is_s3(storage):
        return _s3_stream(storage, key, start, end, chunk_size)
    return _file_stream(storage, key, start, end, chunk_size)


def _s3_stream(storage: Storage, key: str, start: int, end: int | None, chunk_size: int):
    from botocore.exceptions import BotoCoreError, ClientError

    params = {"Bucket": storage.bucket_name, "Key": key}  # type: ignore[attr-defined]
    if start or end is not None:
        params["Range"] = f"bytes={start}-{'' if end is None else end}"
    try:
        body = _client(storage).get_object(**params)["Body"]
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
            raise ObjectMissing(key) from err
        raise StorageUnavailable(str(err)) from err
    except BotoCoreError as err:
        raise StorageUnavailable(str(err)) from err

    def chunks() -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    return chunks()


def _file_stream(storage: Storage, key: str, start: int, end: int | None, chunk_size: int):
    try:
        handle = storage.open(key, "rb")
    except FileNotFoundError as err:
        raise ObjectMissing(key) from err

    def chunks() -> Iterator[bytes]:
        with handle:
            handle.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                block = handle.read(chunk_size if remaining is None else min(chunk_size, remaining))
                if not block:
                    break
                if remaining is not None:
                    remaining -= len(block)
                yield block

    return chunks()


# Objects up to this size are copied into memory; bigger ones spool to a temporary file.
_SPOOL_BYTES = 64 * 1024 * 1024


def local_copy(key: str) -> tempfile.SpooledTemporaryFile:
    """Return a temporary file holding the object, at its start; the caller closes it."""
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115  the caller closes it
    try:
        for chunk in open_stream(key):
            copy.write(chunk)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


def read_bytes(key: str) -> bytes:
    """Return a small object whole (derivatives only; originals are streamed)."""
    return b"".join(open_stream(key))


def delete_many(keys: Iterable[str]) -> None:
    """Delete objects; a key that is already gone is not an error."""
    storage = get_storage()
    keys = [key for key in keys if key]
    if not _is_s3(storage):
        for key in keys:
            storage.delete(key)
        return
    client = _client(storage)
    for offset in range(0, len(keys), _S3_DELETE_BATCH):
        batch = keys[offset : offset + _S3_DELETE_BATCH]
        response = client.delete_objects(
            Bucket=storage.bucket_name,  # type: ignore[attr-defined]
            Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
        )
        # S3 reports per-key failures in the body of a 200 answer.
        errors = [e for e in response.get("Errors", []) if e.get("Code") != "NoSuchKey"]
        if errors:
            raise StorageUnavailable(f"could not delete {len(errors)} objects: {errors[:3]}")


def list_objects(prefix: str = "") -> Iterator[StoredObject]:
    """Yield every object under `prefix`."""
    storage = get_storage()
    if _is_s3(storage):
        paginator = _client(storage).get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):  # type: ignore[attr-defined]
            for entry in page.get("Contents", ()):
                yield StoredObject(entry["Key"], entry["Size"], entry.get("LastModified"))
        return
    if not isinstance(storage, FileSystemStorage):
        raise StorageUnavailable(f"cannot list objects of {type(storage).__name__}")
    root = storage.location
    for dirpath, _dirnames, filenames in os.walk(os.path.join(root, prefix) if prefix else root):
        for filename in filenames:
            path = os.path.join(dirpath, filename)
            key = os.path.relpath(path, root).replace(os.sep, "/")
            modified = datetime.fromtimestamp(os.path.getmtime(path), tz=UTC)
            yield StoredObject(key, os.path.getsize(path), modified)


def exists(key: str) -> bool:
    return get_storage().exists(key)


def ping() -> None:
    """Raise StorageUnavailable unless the storage answers."""
    storage = get_storage()
    if _is_s3(storage):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            _client(storage).head_bucket(Bucket=storage.bucket_name)  # type: ignore[attr-defined]
        except (BotoCoreError, ClientError) as err:
            raise StorageUnavailable(str(err)) from err
        return
    location = getattr(storage, "location", None)
    if location is None or not os.path.isdir(location) and not _make_dir(location):
        raise StorageUnavailable(f"media folder {location} is missing")
    if not os.access(location, os.W_OK):
        raise StorageUnavailable(f"media folder {location} is not writable")


def _make_dir(path: str) -> bool:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return True


def presigned_get_url(
    key: str, *, content_disposition: str, content_type: str, expires_in: int
) -> str | None:
    """Return a short-lived GET URL browsers can fetch directly, or None off S3."""
    storage = get_storage()
    if not _is_s3(storage):
        return None
    client = _public_client(storage)
    return client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": storage.bucket_name,  # type: ignore[attr-defined]
            "Key": key,
            "ResponseContentDisposition": content_disposition,
            "ResponseContentType": content_type,
        },
        ExpiresIn=expires_in,
    )


def presigned_post(key: str, *, max_bytes: int, expires_in: int) -> dict | None:
    """Return the URL and form fields with which a browser POSTs one file to `key`.

    The policy pins the key and bounds the size; None when the storage is not S3.
    """
    storage = get_storage()
    if not _is_s3(storage):
        return None
    return _public_client(storage).generate_presigned_post(
        Bucket=storage.bucket_name,  # type: ignore[attr-defined]
        Key=key,
        Conditions=[["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )


def copy(source_key: str, target_key: str) -> None:
    """Copy an object inside the storage (on S3 the bytes never leave the server)."""
    from botocore.exceptions import BotoCoreError, ClientError

    storage = get_storage()
    if not _is_s3(storage):
        with storage.open(source_key, "rb") as source:
            save(target_key, File(source))
        return
    bucket = storage.bucket_name  # type: ignore[attr-defined]
    content_type = mimetypes.guess_type(target_key)[0] or "application/octet-stream"
    try:
        _client(storage).copy(
            {"Bucket": bucket, "Key": source_key},
            bucket,
            target_key,
            ExtraArgs={"ContentType": content_type, "MetadataDirective": "REPLACE"},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
            raise ObjectMissing(source_key) from err
        raise StorageUnavailable(f"could not copy {source_key!r}: {err}") from err
    except BotoCoreError as err:
        raise StorageUnavailable(f"could not copy {source_key!r}: {err}") from err


def _public_client(storage: Storage):
    public = settings.MYPHOTO_S3_PUBLIC_ENDPOINT_URL
    if not public:
        return _client(storage)
    # A presigned URL signs the host: sign with a client for the address browsers use.
    return _client_for_endpoint(
        public,
        storage.region_name,  # type: ignore[attr-defined]
        storage.access_key,  # type: ignore[attr-defined]
        storage.secret_key,  # type: ignore[attr-defined]
        storage.client_config,  # type: ignore[attr-defined]
    )


_client_lock = threading.Lock()


def _client_for_endpoint(endpoint_url, region_name, access_key, secret_key, config):
    # One thread builds, the others wait for it: unlocked, the first burst of
    # requests on a fresh worker built one client per thread (measured: 8 threads,
    # 8 clients, 1.25 s of CPU).
    with _client_lock:
        return _new_client(endpoint_url, region_name, access_key, secret_key, config)


@lru_cache(maxsize=4)
def _new_client(endpoint_url, region_name, access_key, secret_key, config):
    import boto3

    return boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret_key
    ).client("s3", endpoint_url=endpoint_url, region_name=region_name, config=config)
