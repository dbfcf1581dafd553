"""Download responses: one original as itself, many as a zip streamed while it is built."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.http import http_date
from zipstream import ZipStream

from .. import storage
from ..filenames import UniqueNames, content_disposition, display_name
from ..models import Photo

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(ValueError):
    def __init__(self, size: int) -> None:
        super().__init__(f"The requested range is outside the file's {size} bytes.")
        self.size = size


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str, size: int) -> ByteRange | None:
    """Return the single byte range asked for, or None to send the whole file.

    Multiple ranges and malformed headers are ignored (RFC 9110 allows
    answering them with the whole representation).
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match or not (match[1] or match[2]):
        return None
    if match[1]:
        start = int(match[1])
        end = min(int(match[2]), size - 1) if match[2] else size - 1
        if match[2] and int(match[2]) < start:
            return None
    else:
        suffix = int(match[2])
        if suffix == 0:
            raise RangeNotSatisfiable(size)
        start, end = max(size - suffix, 0), size - 1
    if start >= size:
        raise RangeNotSatisfiable(size)
    return ByteRange(start, end)


def _etag(photo: Photo) -> str:
    return f'"{photo.sha256}"'


def _etag_matches(header: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in candidates or etag in candidates


def photo_download_response(*, request: HttpRequest, photo: Photo) -> HttpResponse:
    """Return the original bytes of `photo` under its original name.

    Honours If-None-Match (304), a single Range (206, or 416), If-Range, and
    redirect mode (302 to a presigned URL) on S3.
    """
    etag = _etag(photo)
    disposition = content_disposition(photo.original_name)
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response: HttpResponse = HttpResponseNotModified()
        response["ETag"] = etag
        return response

    if settings.MYPHOTO_DOWNLOAD_MODE == "redirect":
        url = _presigned_url(photo)
        if url is not None:
            response = HttpResponseRedirect(url)
            response["Cache-Control"] = "private, no-store"
            return response

    byte_range = None
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if range_header and (if_range is None or if_range.strip() == etag):
        byte_range = parse_range(range_header, photo.size)

    if byte_range is None:
        chunks = storage.open_stream(photo.storage_key)
        response = StreamingHttpResponse(chunks, content_type=photo.content_type)
        response["Content-Length"] = str(photo.size)
    else:
        chunks = storage.open_stream(photo.storage_key, start=byte_range.start, end=byte_range.end)
        response = StreamingHttpResponse(chunks, content_type=photo.content_type, status=206)
        response["Content-Length"] = str(byte_range.length)
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{photo.size}"
    response["Content-Disposition"] = disposition
    response["ETag"] = etag
    response["Last-Modified"] = http_date(photo.uploaded_at.timestamp())
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _presigned_url(photo: Photo) -> str | None:
    return storage.presigned_get_url(
        photo.storage_key,
        content_disposition=content_disposition(photo.original_name),
        content_type=photo.content_type,
        expires_in=settings.MYPHOTO_PRESIGN_SECONDS,
    )


def presigned_urls(photos: Sequence[Photo]) -> list[str | None]:
    """Presigned storage URLs for the originals in redirect mode; Nones otherwise.

    One request for many files, so that a client mirroring a library takes the
    bytes straight from storage without asking the app once per file.
    """
    if settings.MYPHOTO_DOWNLOAD_MODE != "redirect" or not storage.uses_s3():
        return [None] * len(photos)
    return [_presigned_url(photo) for photo in photos]


def derivative_response(*, request: HttpRequest, photo: Photo, size: str) -> HttpResponse | None:
    """Return the photo's `size` derivative (WebP), or None while there is none."""
    key = photo.derivative_key(size) if photo.derivatives_ready else ""
    if not key:
        return None
    etag = f'"{photo.sha256[:32]}-{size}"'
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        try:
            body = storage.read_bytes(key)
        except storage.ObjectMissing:
            logger.warning("%s derivative of photo %s is missing", size, photo.pk)
            return None
        response = HttpResponse(body, content_type="image/webp")
    response["ETag"] = etag
    # A photo's derivatives never change: the browser may keep them a week.
    response["Cache-Control"] = "private, max-age=604800"
    return response


def zip_filename() -> str:
    return timezone.localtime().strftime("myphoto-%Y%m%d-%H%M%S.zip")


def _object_chunks(key: str) -> Iterator[bytes]:
    # A generator: the object is opened only when the zip reaches this entry.
    yield from storage.open_stream(key)


def _folder(photo: Photo, layout: str) -> str:
    if layout == "by-date":
        return timezone.localtime(photo.taken_at).strftime("%Y/%Y-%m-%d")
    return ""


def build_zip(photos: Sequence[Photo], *, layout: str = "flat") -> ZipStream:
    """Lay out a zip of the originals; its length is known before a byte is read."""
    archive = ZipStream(sized=True)
    names = UniqueNames()
    for photo in photos:
        arcname = names.claim(_folder(photo, layout), display_name(photo.original_name))
        archive.add(_object_chunks(photo.storage_key), arcname, size=photo.size)
    return archive


def photos_zip_response(*, photos: Sequence[Photo], layout: str = "flat") -> StreamingHttpResponse:
    """Return one zip of the photos' originals, streamed while it is built."""
    archive = build_zip(photos, layout=layout)
    size = len(archive)
    response = StreamingHttpResponse(_logged(archive, len(photos)), content_type="application/zip")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition(zip_filename())
    response["Accept-Ranges"] = "none"
    response["Cache-Control"] = "private, no-store"
    return response


def _logged(archive: ZipStream, count: int) -> Iterator[bytes]:
    try:
        yield from archive
    except Exception:
        # The client sees a truncated zip (Content-Length unmet), never a
        # valid zip missing a photo. Nothing to do but say so in the log.
        logger.exception("zip of %d photos aborted mid-stream", count)
        raise
