"""Objects in an S3 bucket (AWS, SeaweedFS, MinIO, Ceph RGW): the only module that talks to boto3.

The bucket, endpoint and credentials are those of the django-storages
`S3Storage` configured in `STORAGES["default"]`; the requests are our own,
through one boto3 client shared by every thread.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import mimetypes
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any, cast

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import (
    CHUNK_SIZE,
    ObjectMissing,
    OpenUpload,
    PhotoStorage,
    PresignedPost,
    Readable,
    StorageUnavailable,
    StoredObject,
    UploadedPart,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Below this, one PUT; above, a multipart upload that retries parts, not the whole file.
_SINGLE_PUT_BYTES = 64 * 1024 * 1024
# DeleteObjects takes at most this many keys a request.
_DELETE_BATCH = 1000
_MISSING_CODES = {"NoSuchKey", "404", "NotFound", "NoSuchUpload"}


@contextlib.contextmanager
def _translated(key: str, action: str) -> Iterator[None]:
    """The one place where boto3's errors become storage errors."""
    try:
        yield
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in _MISSING_CODES:
            raise ObjectMissing(key) from err
        # Access denied, a missing bucket, a 5xx: the storage, not the object.
        raise StorageUnavailable(f"could not {action} {key!r}: {err}") from err
    except BotoCoreError as err:
        # Connection refused, timeouts, a stream cut mid-body (after boto3's own retries).
        raise StorageUnavailable(f"could not {action} {key!r}: {err}") from err


def _sha256(content: IO[bytes]) -> bytes:
    start = content.tell()
    digest = hashlib.sha256()
    while block := content.read(CHUNK_SIZE):
        digest.update(block)
    content.seek(start)
    return digest.digest()


def _with_s3_options(config: Config, **options: Any) -> Config:
    s3_options: Any = {**(getattr(config, "s3", None) or {}), **options}
    return config.merge(Config(s3=s3_options))


@dataclass(frozen=True)
class Endpoint:
    """What a boto3 client is built from: equal endpoints share one client."""

    url: str | None
    region: str
    # Never in a repr: an adopted library's keys must not reach a log.
    access_key: str | None = field(repr=False)
    secret_key: str | None = field(repr=False)
    config: Config


class S3PhotoStorage(PhotoStorage):
    hands_out_urls = True

    def __init__(self, *, bucket: str, endpoint: Endpoint, public_endpoint_url: str = "") -> None:
        self.bucket = bucket
        self.endpoint = endpoint
        # A presigned URL signs the host: URLs for browsers are signed for the
        # address browsers use, which may not be the one the app uses.
        # For single PUTs, which carry their checksum: the body is not signed.
        self.checksummed_endpoint = replace(
            endpoint, config=_with_s3_options(endpoint.config, payload_signing_enabled=False)
        )
        self.public_endpoint = (
            Endpoint(
                public_endpoint_url,
                endpoint.region,
                endpoint.access_key,
                endpoint.secret_key,
                endpoint.config,
            )
            if public_endpoint_url
            else endpoint
        )

    @classmethod
    def from_django_storage(cls, storage: Any, *, public_endpoint_url: str = "") -> S3PhotoStorage:
        """Take bucket, endpoint and credentials from a django-storages `S3Storage`."""
        endpoint = Endpoint(
            storage.endpoint_url or None,
            storage.region_name or "us-east-1",
            storage.access_key or None,
            storage.secret_key or None,
            storage.client_config,
        )
        return cls(
            bucket=storage.bucket_name, endpoint=endpoint, public_endpoint_url=public_endpoint_url
        )

    def __repr__(self) -> str:
        return f"S3PhotoStorage(bucket={self.bucket!r}, endpoint={self.endpoint.url!r})"

    @property
    def client(self) -> S3Client:
        return shared_client(self.endpoint)

    def put(
        self, key: str, content: IO[bytes], *, size: int | None = None, sha256: str | None = None
    ) -> None:
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        with _translated(key, "write"):
            if size is not None and size <= _SINGLE_PUT_BYTES:
                # The SHA-256 goes as the object's checksum: S3 refuses the write
                # (BadDigest) unless the bytes it got match, and keeps it with the
                # object. The request's signature then leaves the body out: signing
                # it hashed every upload a second time (2 ms of a 3 MB photo's 20).
                digest = bytes.fromhex(sha256) if sha256 else _sha256(content)
                shared_client(self.checksummed_endpoint).put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=content,
                    ContentType=content_type,
                    ChecksumSHA256=base64.b64encode(digest).decode(),
                )
            else:
                self.client.upload_fileobj(
                    content, self.bucket, key, ExtraArgs={"ContentType": content_type}
                )

    def stream(
        self, key: str, *, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        with _translated(key, "read"):
            if start or end is not None:
                byte_range = f"bytes={start}-{'' if end is None else end}"
                answer = self.client.get_object(Bucket=self.bucket, Key=key, Range=byte_range)
            else:
                answer = self.client.get_object(Bucket=self.bucket, Key=key)
        body = answer["Body"]
        return self._chunks(body, key, chunk_size)

    @staticmethod
    def _chunks(body: Any, key: str, chunk_size: int) -> Iterator[bytes]:
        try:
            with _translated(key, "read"):
                yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def size(self, key: str) -> int:
        with _translated(key, "stat"):
            return self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]

    def stat(self, key: str) -> StoredObject:
        with _translated(key, "stat"):
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        return StoredObject(key, head["ContentLength"], head.get("LastModified"))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except ObjectMissing:
            return False
        return True

    def copy(self, source: str, target: str) -> None:
        content_type = mimetypes.guess_type(target)[0] or "application/octet-stream"
        with _translated(source, f"copy to {target!r}"):
            self.client.copy(
                {"Bucket": self.bucket, "Key": source},
                self.bucket,
                target,
                ExtraArgs={"ContentType": content_type, "MetadataDirective": "REPLACE"},
            )

    def delete_many(self, keys: Iterable[str]) -> None:
        wanted = [key for key in keys if key]
        for offset in range(0, len(wanted), _DELETE_BATCH):
            batch = wanted[offset : offset + _DELETE_BATCH]
            with _translated(batch[0], f"delete {len(batch)} objects from"):
                response = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
                )
            # S3 reports per-key failures in the body of a 200 answer.
            errors = [e for e in response.get("Errors", []) if e.get("Code") != "NoSuchKey"]
            if errors:
                raise StorageUnavailable(f"could not delete {len(errors)} objects: {errors[:3]}")

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        # Pages are fetched as the iteration reaches them: translate there.
        with _translated(prefix, "list"):
            for page in pages:
                for entry in page.get("Contents", ()):
                    yield StoredObject(entry["Key"], entry["Size"], entry.get("LastModified"))

    def ping(self) -> None:
        try:
            with _translated(self.bucket, "reach the bucket"):
                self.client.head_bucket(Bucket=self.bucket)
        except ObjectMissing as err:
            raise StorageUnavailable(f"the bucket {self.bucket!r} does not exist") from err

    def browser_origins(self) -> list[str]:
        """Path style: the endpoint's host; virtual style: the bucket's own host on it."""
        url = self.public_endpoint.url or f"https://s3.{self.endpoint.region}.amazonaws.com"
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0]
        # Config keeps its s3 options as an attribute the stubs do not declare.
        s3_options = getattr(self.endpoint.config, "s3", None) or {}
        style = s3_options.get("addressing_style", "auto")
        origins = []
        if style in {"path", "auto"}:
            origins.append(f"{scheme}://{host}")
        if style in {"virtual", "auto"}:
            origins.append(f"{scheme}://{self.bucket}.{host}")
        return origins

    def presigned_get_url(
        self, key: str, *, content_disposition: str, content_type: str, expires_in: int
    ) -> str:
        return shared_client(self.public_endpoint).generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition,
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )

    def presigned_post(self, key: str, *, max_bytes: int, expires_in: int) -> PresignedPost:
        """The policy pins the key and bounds the size, which a presigned PUT cannot."""
        post = shared_client(self.public_endpoint).generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in,
        )
        return PresignedPost(url=post["url"], fields=dict(post["fields"]))

    def multipart_start(self, key: str, *, part_size: int) -> str:
        # S3 needs no part size up front: each part says its own.
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        with _translated(key, "begin a multipart upload of"):
            answer = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=key, ContentType=content_type
            )
        return answer["UploadId"]

    def multipart_part_url(
        self, key: str, upload_id: str, number: int, *, expires_in: int
    ) -> str | None:
        """Parts go straight to the bucket, by a URL that signs this part of this upload."""
        return shared_client(self.public_endpoint).generate_presigned_url(
            "upload_part",
            Params={"Bucket": self.bucket, "Key": key, "UploadId": upload_id, "PartNumber": number},
            ExpiresIn=expires_in,
        )

    def multipart_put_part(self, key: str, upload_id: str, number: int, content: Readable) -> str:
        with _translated(key, f"send part {number} of"):
            answer = self.client.upload_part(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                # A file (clients PUT parts to presigned URLs; this serves tests and tools).
                Body=cast(IO[bytes], content),
            )
        return answer["ETag"]

    def multipart_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        pages = self.client.get_paginator("list_parts").paginate(
            Bucket=self.bucket, Key=key, UploadId=upload_id
        )
        with _translated(key, "list the parts of"):
            listed = [part for page in pages for part in page.get("Parts", ())]
        # SeaweedFS lists every copy of a part sent twice (a retry); one per number here. A
        # retry carries the same bytes, and the assembled file's SHA-256 is checked anyway.
        by_number = {part["PartNumber"]: part for part in listed}
        return [
            UploadedPart(number, part["Size"], part["ETag"])
            for number, part in sorted(by_number.items())
        ]

    def multipart_complete(self, key: str, upload_id: str, parts: list[UploadedPart]) -> None:
        with _translated(key, "assemble"):
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={
                    "Parts": [{"PartNumber": part.number, "ETag": part.etag} for part in parts]
                },
            )

    def multipart_abort(self, key: str, upload_id: str) -> None:
        try:
            with _translated(key, "abort the multipart upload of"):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ObjectMissing:
            return  # closed already

    def multipart_open_uploads(self, prefix: str = "") -> Iterator[OpenUpload]:
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        with _translated(prefix, "list the multipart uploads under"):
            for page in pages:
                for upload in page.get("Uploads", ()):
                    yield OpenUpload(upload["Key"], upload["UploadId"], upload.get("Initiated"))


_client_lock = threading.Lock()


def shared_client(endpoint: Endpoint) -> S3Client:
    """One boto3 client per endpoint, shared by every thread.

    django-storages makes a session and resource per thread, which costs about
    100 ms each time a gunicorn thread first touches S3; boto3 clients are
    thread-safe, so one does for all. One thread builds, the others wait for
    it: unlocked, the first burst of requests on a fresh worker built one
    client per thread (measured: 8 threads, 8 clients, 1.25 s of CPU).
    """
    with _client_lock:
        return _new_client(endpoint)


@lru_cache(maxsize=4)
def _new_client(endpoint: Endpoint) -> S3Client:
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=endpoint.access_key, aws_secret_access_key=endpoint.secret_key
    )
    return session.client(
        "s3", endpoint_url=endpoint.url, region_name=endpoint.region, config=endpoint.config
    )
