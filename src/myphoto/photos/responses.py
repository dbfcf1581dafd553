"""Responses that carry photo bytes: one original as itself, a thumbnail, many as a zip.

Shared by the API and the pages. They read; they change nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext
from zipstream import ZipStream

from ..common.filenames import UniqueNames, portable_name
from .disposition import content_disposition
from .models import Photo, ShareLink
from .originals import Original, original_of, originals_of
from .selectors import companions, live_motion_of
from .storage import ObjectMissing, get_storage

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A photo's derivatives never change: the browser may keep them a week.
_DERIVATIVE_MAX_AGE = 7 * 24 * 3600


class RangeNotSatisfiable(ValueError):
    def __init__(self, size: int) -> None:
        super().__init__(
            gettext("The requested range is outside the file's %(size)d bytes.") % {"size": size}
        )
        self.size = size


class TooManyForOneZip(ValueError):
    """More photos than MYPHOTO_ZIP_MAX_PHOTOS asked for in one zip."""


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


def _conditional(
    request: HttpRequest, *, etag: str, last_modified: int | None = None
) -> HttpResponseBase | None:
    """A 304 (or 412) when the client's copy is current, else None."""
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if answer is not None:
        answer["ETag"] = etag
    return answer


# A presigned URL handed out through a share link works this long at most: a revoked link
# must stop working at once, and the URL goes on working until it expires.
SHARED_PRESIGN_SECONDS = 60


def photo_download_response(
    *, request: HttpRequest, photo: Photo, share: ShareLink | None = None
) -> HttpResponseBase:
    """Return the original bytes of `photo` under its original name (as reached through
    `share`, if given).

    Honours If-None-Match and If-Modified-Since (304), If-Match (412), a single
    Range (206, or 416), If-Range, and redirect mode (302 to a presigned URL).
    """
    return _object_response(request, replace(_original(photo), through_link=share is not None))


# ISO media files browsers play when told they are MP4 (QuickTime's H.264 among them).
_PLAYED_AS_MP4 = {"video/quicktime", "video/x-m4v", "video/3gpp", "video/3gpp2"}


def playback_response(
    *, request: HttpRequest, photo: Photo, share: ShareLink | None = None
) -> HttpResponseBase | None:
    """Return the video (or a Live Photo's motion) as browsers play it, with Range; None
    while its copy is not made, or for a photo that does not move.

    Through a `share` that hides places, the place written in an original's bytes is
    blanked as they go (the job's copies carry none).
    """
    hide_location = share is not None and not share.show_location
    if not photo.is_video:
        motion = live_motion_of(photo)
        if motion is None:
            return None
        photo = motion
    if not photo.playback_key:
        return None
    blanked: tuple[tuple[int, int], ...] = ()
    if photo.plays_original:
        played = original_of(photo)
        content_type = photo.content_type
        content_type = "video/mp4" if content_type in _PLAYED_AS_MP4 else content_type
        # An adopted video's bytes are hashed by its first derivatives job.
        tag = photo.sha256 or photo.pk.hex
        etag = f'"{tag}-play"'
        if hide_location and photo.location_spans:
            blanked = tuple((int(start), int(end)) for start, end in photo.location_spans)
            etag = f'"{tag}-play-unplaced"'
    else:
        size = photo.playback_size if photo.playback_size is not None else photo.size
        played = Original(get_storage(), photo.playback_key, size)
        content_type = "video/mp4"
        etag = f'"{photo.sha256[:32]}-{photo.playback_key.rsplit("-", 1)[-1]}"'
    return _object_response(
        request,
        _Served(
            bytes=played,
            content_type=content_type,
            etag=etag,
            modified=int(photo.uploaded_at.timestamp()),
            disposition=content_disposition(photo.download_name, attachment=False),
            blanked=blanked,
            through_link=share is not None,
        ),
    )


@dataclass(frozen=True)
class _Served:
    """One object as a response serves it."""

    bytes: Original
    content_type: str
    etag: str
    modified: int
    disposition: str
    # Byte spans [start, end) sent as spaces (never by a redirect to the bytes as stored).
    blanked: tuple[tuple[int, int], ...] = ()
    # Reached through a share link: a presigned URL for it lasts SHARED_PRESIGN_SECONDS.
    through_link: bool = False


def _original(photo: Photo, original: Original | None = None) -> _Served:
    """A photo's original, as its download serves it."""
    return _Served(
        bytes=original or original_of(photo),
        content_type=photo.content_type,
        # An adopted photo's bytes are hashed by its first derivatives job.
        etag=f'"{photo.sha256 or photo.pk.hex}"',
        modified=int(photo.uploaded_at.timestamp()),
        disposition=content_disposition(photo.download_name),
    )


def _presigned(served: _Served) -> str | None:
    """A short-lived storage URL for the object, served as it would be from here; None
    where the storage hands out none (local disk) or the bytes are an adopted library's
    (its endpoint may be none a browser reaches, and its keys are not handed out)."""
    storage = get_storage()
    if served.bytes.store is not storage:
        return None
    return storage.presigned_get_url(
        served.bytes.key,
        content_disposition=served.disposition,
        content_type=served.content_type,
        expires_in=(
            min(settings.MYPHOTO_PRESIGN_SECONDS, SHARED_PRESIGN_SECONDS)
            if served.through_link
            else settings.MYPHOTO_PRESIGN_SECONDS
        ),
    )


def _object_response(request: HttpRequest, served: _Served) -> HttpResponseBase:
    not_modified = _conditional(request, etag=served.etag, last_modified=served.modified)
    if not_modified is not None:
        return not_modified

    if settings.MYPHOTO_DOWNLOAD_MODE == "redirect" and not served.blanked:
        url = _presigned(served)
        if url is not None:
            redirect = HttpResponseRedirect(url)
            redirect["Cache-Control"] = "private, no-store"
            return redirect

    byte_range = None
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    # If-Range with a date is not supported: anything but our ETag means "send it all".
    if range_header and (if_range is None or if_range.strip() == served.etag):
        byte_range = parse_range(range_header, served.bytes.size)

    size = served.bytes.size
    if byte_range is None:
        chunks = _blanked(served.bytes.whole(), 0, served.blanked)
        response = StreamingHttpResponse(chunks, content_type=served.content_type)
        response["Content-Length"] = str(size)
    else:
        chunks = _blanked(
            served.bytes.stream(start=byte_range.start, end=byte_range.end),
            byte_range.start,
            served.blanked,
        )
        response = StreamingHttpResponse(chunks, content_type=served.content_type, status=206)
        response["Content-Length"] = str(byte_range.length)
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Content-Disposition"] = served.disposition
    response["ETag"] = served.etag
    response["Last-Modified"] = http_date(served.modified)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _blanked(
    chunks: Iterator[bytes], offset: int, spans: tuple[tuple[int, int], ...]
) -> Iterator[bytes]:
    """The chunks (the first at byte `offset` of the object), with `spans` made spaces."""
    if not spans:
        yield from chunks
        return
    for chunk in chunks:
        end = offset + len(chunk)
        hit = [(max(a, offset), min(b, end)) for a, b in spans if a < end and b > offset]
        if hit:
            edited = bytearray(chunk)
            for start, stop in hit:
                edited[start - offset : stop - offset] = b" " * (stop - start)
            chunk = bytes(edited)
        offset = end
        yield chunk


def presigned_urls(photos: Sequence[Photo]) -> list[str | None]:
    """Presigned storage URLs for the originals in redirect mode; Nones otherwise.

    One request for many files, so that a client mirroring a library takes the
    bytes straight from storage without asking the app once per file.
    """
    if settings.MYPHOTO_DOWNLOAD_MODE != "redirect":
        return [None] * len(photos)
    originals = originals_of(photos)
    return [_presigned(_original(photo, originals[photo.pk])) for photo in photos]


def derivative_response(
    *, request: HttpRequest, photo: Photo, size: str
) -> HttpResponseBase | None:
    """Return the photo's `size` derivative (WebP), or None while there is none."""
    key = photo.derivative_key(size) if photo.derivatives_ready else ""
    if not key:
        return None
    etag = f'"{photo.sha256[:32]}-{size}-{photo.rotation}"'
    response = _conditional(request, etag=etag)
    if response is None:
        try:
            body = get_storage().read_bytes(key)
        except ObjectMissing:
            logger.warning("%s derivative of photo %s is missing", size, photo.pk)
            return None
        response = HttpResponse(body, content_type="image/webp")
        response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={_DERIVATIVE_MAX_AGE}"
    return response


def zip_filename(name: str = "") -> str:
    """The album's title when it is one album, else the time of the download."""
    if name:
        return portable_name(f"{name}.zip")
    return timezone.localtime().strftime("myphoto-%Y%m%d-%H%M%S.zip")


def _object_chunks(original: Original) -> Iterator[bytes]:
    # A generator: the object is opened only when the zip reaches this entry.
    yield from original.whole()


def _folder(photo: Photo, layout: str) -> str:
    if layout == "by-date":
        return timezone.localtime(photo.taken_at).strftime("%Y/%Y-%m-%d")
    return ""


def build_zip(photos: Sequence[Photo], *, layout: str = "flat") -> ZipStream:
    """Lay out a zip of the originals (a Live Photo's motion after its still, a RAW after its
    JPEG); its length is known before a byte is read."""
    archive = ZipStream(sized=True)
    names = UniqueNames()
    parts = companions(photos)
    originals = originals_of([*photos, *parts.values()])
    for photo in photos:
        for original in (photo, parts.get(photo.pk)):
            if original is None:
                continue
            # Extracted on Windows too: names it would refuse are made portable first.
            arcname = names.claim(_folder(photo, layout), portable_name(original.download_name))
            archive.add(_object_chunks(originals[original.pk]), arcname, size=original.size)
    return archive


def check_zip_size(count: int) -> None:
    """Raise TooManyForOneZip past MYPHOTO_ZIP_MAX_PHOTOS photos."""
    if count > settings.MYPHOTO_ZIP_MAX_PHOTOS:
        raise TooManyForOneZip(
            gettext(
                "%(count)d photos is more than one zip may hold (%(limit)d); "
                "download them in parts."
            )
            % {"count": count, "limit": settings.MYPHOTO_ZIP_MAX_PHOTOS}
        )


def photos_zip_response(
    *, photos: Sequence[Photo], layout: str = "flat", name: str = ""
) -> StreamingHttpResponse:
    """Return one zip of the photos' originals, streamed while it is built (named `name`.zip
    if given)."""
    check_zip_size(len(photos))
    archive = build_zip(photos, layout=layout)
    size = len(archive)
    response = StreamingHttpResponse(_logged(archive, len(photos)), content_type="application/zip")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition(zip_filename(name))
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
