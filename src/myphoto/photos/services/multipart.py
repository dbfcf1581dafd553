"""Resumable uploads of big files in parts (API.md "Big files"), on S3 and on disk alike.

The parts build the object at the original's final key from the start: on S3
they go straight to the bucket by presigned URLs, on disk through the app, one
part per request. Completing assembles them where they are (no copy of the
gigabytes), reads the object once for its SHA-256 and CRC-32 and checks it like
any upload (a video's probe reads only its header, index and end); a file that
fails the check is deleted, and nothing of it is kept.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ...common.filenames import display_name
from .. import keys
from ..digests import digest_of
from ..limits import UploadTooLarge, check_size, part_size_for
from ..models import MultipartUpload, Photo, User
from ..quotas import QuotaExceeded, check_quota
from ..storage import ObjectMissing, PartsChanged, PhotoStorage, Readable, get_storage
from .multipart_errors import (
    ChecksumMismatch,
    InvalidPart,
    PartLinkInvalid,
    PartsMissing,
    TooManyOpenUploads,
    UploadBusy,
    UploadGone,
)
from .upload import UploadRejected, UploadResult, photo_upload_placed

logger = logging.getLogger(__name__)

# A part URL lasts this long: ask for more when resuming later.
PART_URL_SECONDS = 3600
MAX_URLS_PER_CALL = 1000
# Objects up to this size are kept while they are hashed, for the checks that decode
# them (photos); bigger ones (videos) are read again where they lie, only as needed.
_KEEP_BYTES = 64 * 1024 * 1024
# A completion that died leaves its claim; after this another request may take over.
_COMPLETING_FOR = timedelta(hours=1)
_PART_SALT = "myphoto.multipart.part"


# A file to check the object from, its SHA-256 and its CRC-32.
_Readout = tuple[File[bytes], str, int]


@dataclass(frozen=True)
class PartTarget:
    number: int
    url: str
    method: str = "PUT"


def multipart_start(
    *, owner: User, filename: str, size: int, sha256: str = ""
) -> MultipartUpload | UploadResult:
    """Begin an upload of `size` bytes; or, when `sha256` is that of a photo of the
    owner's, that photo (UploadResult, a duplicate). Raises UploadRejected if too large or
    past the owner's quota (checked again at completion)."""
    name = display_name(filename)
    try:
        check_size(size)
    except UploadTooLarge as err:
        raise UploadRejected(name, err) from err
    sha256 = sha256.lower()
    if sha256:
        existing = (
            Photo.objects.visible().filter(owner=owner, sha256=sha256).order_by("by_guest").first()
        )
        if existing is not None:
            return UploadResult(existing, duplicate=True)
    try:
        check_quota(owner, size)
    except QuotaExceeded as err:
        raise UploadRejected(name, err) from err
    _check_open_uploads(owner, size)
    upload = MultipartUpload(
        owner=owner,
        filename=filename,
        size=size,
        part_size=part_size_for(size),
        sha256=sha256,
        expires_at=timezone.now() + timedelta(days=settings.MYPHOTO_MULTIPART_UPLOAD_DAYS),
    )
    # The photo takes the upload's id: one id, and completing again finds it.
    upload.storage_key = keys.original_key(
        owner_id=owner.pk, photo_id=upload.pk, extension=keys.known_extension(filename)
    )
    upload.storage_upload_id = get_storage().multipart_start(
        upload.storage_key, part_size=upload.part_size
    )
    upload.save(force_insert=True)
    logger.info("multipart upload %s of %s (%d bytes) begun", upload.pk, name, size)
    return upload


def _check_open_uploads(owner: User, size: int) -> None:
    """Refuse an upload past the person's unfinished ones' count or declared bytes (uploads
    started at the same moment may pass it by one each)."""
    unfinished = MultipartUpload.objects.filter(owner=owner, expires_at__gt=timezone.now())
    found = unfinished.aggregate(count=Count("pk"), declared=Sum("size"))
    count, declared = found["count"], found["declared"] or 0
    gigabytes = settings.MYPHOTO_MAX_OPEN_UPLOAD_GB * 1024**3
    if count >= settings.MYPHOTO_MAX_OPEN_UPLOADS or declared + size > gigabytes:
        raise TooManyOpenUploads(
            gettext(
                "You have %(count)d uploads in parts unfinished (%(size)s GB); finish or abort "
                "some first (at most %(limit)d, %(limit_gb)d GB)."
            )
            % {
                "count": count,
                "size": f"{declared / 1024**3:.1f}",
                "limit": settings.MYPHOTO_MAX_OPEN_UPLOADS,
                "limit_gb": settings.MYPHOTO_MAX_OPEN_UPLOAD_GB,
            }
        )


def multipart_part_targets(*, upload: MultipartUpload, numbers: Iterable[int]) -> list[PartTarget]:
    """Where to PUT each of these parts: the bucket (S3), or the app (disk)."""
    numbers = sorted(set(numbers))
    if not numbers:
        raise InvalidPart(gettext("Ask for at least one part."))
    if len(numbers) > MAX_URLS_PER_CALL:
        raise InvalidPart(
            gettext("Ask for at most %(count)d parts at a time.") % {"count": MAX_URLS_PER_CALL}
        )
    _check_numbers(upload, numbers)
    storage = get_storage()
    return [
        PartTarget(number, _part_url(storage, upload, number) or _app_part_url(upload, number))
        for number in numbers
    ]


def _check_numbers(upload: MultipartUpload, numbers: Iterable[int]) -> None:
    for number in numbers:
        if not 1 <= number <= upload.part_count:
            raise InvalidPart(
                gettext("Parts are numbered 1 to %(count)d; %(number)d is not.")
                % {"count": upload.part_count, "number": number}
            )


def _part_url(storage: PhotoStorage, upload: MultipartUpload, number: int) -> str | None:
    return storage.multipart_part_url(
        upload.storage_key, upload.storage_upload_id, number, expires_in=PART_URL_SECONDS
    )


def _app_part_url(upload: MultipartUpload, number: int) -> str:
    """The app's own URL for a part, signed like a presigned URL: it is all a client needs."""
    token = signing.TimestampSigner(salt=_PART_SALT).sign(f"{upload.pk}/{number}")
    path = reverse("api:uploads-multipart-part", kwargs={"upload_id": upload.pk, "number": number})
    return f"{path}?token={token}"


def multipart_upload_for_part_link(*, upload_id: str, number: int, token: str) -> MultipartUpload:
    """The upload a signed part URL is for; PartLinkInvalid unless it is good and current."""
    try:
        signed = signing.TimestampSigner(salt=_PART_SALT).unsign(token, max_age=PART_URL_SECONDS)
    except signing.BadSignature:
        raise PartLinkInvalid(
            gettext("This part URL is not valid or has expired; ask for a new one.")
        ) from None
    if signed != f"{upload_id}/{number}":
        raise PartLinkInvalid(gettext("This part URL is for another part."))
    upload = MultipartUpload.objects.filter(pk=upload_id, expires_at__gt=timezone.now()).first()
    if upload is None:
        raise PartLinkInvalid(gettext("This upload is finished, aborted or expired."))
    return upload


def multipart_put_part(
    *, upload: MultipartUpload, number: int, content: Readable | bytes, length: int | None
) -> str:
    """Store one part sent to the app (on disk), streamed, or held whole as bytes (WebDAV
    reads a body a part at a time; S3 wants a body it can read twice, to sign and send);
    return its ETag.

    The body must be exactly the part's size: a part cut short by a dropped
    connection is not kept, so the client sends it again.
    """
    _check_numbers(upload, [number])
    expected = upload.part_length(number)
    if length != expected:
        raise InvalidPart(
            gettext("Part %(number)d is %(expected)d bytes; this request sends %(length)s.")
            % {"number": number, "expected": expected, "length": length}
        )
    if upload.completing_since is not None:
        raise UploadBusy(gettext("This upload is being completed; it takes no more parts."))
    body = io.BytesIO(content) if isinstance(content, bytes) else _Exactly(content, expected)
    try:
        return get_storage().multipart_put_part(
            upload.storage_key, upload.storage_upload_id, number, body
        )
    except ObjectMissing:
        raise PartLinkInvalid(gettext("This upload is finished, aborted or expired.")) from None


def multipart_received(*, upload: MultipartUpload) -> list[int]:
    """The parts that have arrived whole (a part of the wrong size is sent again)."""
    try:
        parts = get_storage().multipart_parts(upload.storage_key, upload.storage_upload_id)
    except ObjectMissing:
        return []
    return [part.number for part in parts if _whole(upload, part.number, part.size)]


def _whole(upload: MultipartUpload, number: int, size: int) -> bool:
    return 1 <= number <= upload.part_count and size == upload.part_length(number)


def multipart_complete(*, upload: MultipartUpload, sha256: str = "") -> UploadResult:
    """Assemble the parts and check the file like any upload; return the photo.

    Raises PartsMissing (nothing changes: send them and complete again),
    UploadBusy, or, after assembling, ChecksumMismatch / UploadRejected, with the
    object and the upload removed: nothing of a refused file is kept.
    """
    expected = (sha256 or upload.sha256).lower()
    if sha256 and upload.sha256 and sha256.lower() != upload.sha256:
        raise ChecksumMismatch(gettext("This SHA-256 is not the one the upload was begun with."))
    _claim(upload)
    storage = get_storage()
    assembled = False
    try:
        try:
            parts = storage.multipart_parts(upload.storage_key, upload.storage_upload_id)
        except ObjectMissing:
            upload.delete()
            raise UploadGone(
                gettext("This upload's parts are gone (it expired); start again.")
            ) from None
        whole = {part.number: part for part in parts if _whole(upload, part.number, part.size)}
        missing = [n for n in range(1, upload.part_count + 1) if n not in whole]
        if missing:
            raise PartsMissing(missing)
        try:
            storage.multipart_complete(
                upload.storage_key,
                upload.storage_upload_id,
                [whole[n] for n in range(1, upload.part_count + 1)],
            )
        except PartsChanged:
            raise UploadBusy(
                gettext("A part was being sent again meanwhile; complete again.")
            ) from None
        assembled = True
        result = _check_and_register(storage, upload, expected)
    except BaseException:
        if assembled:
            _discard(storage, upload)
        else:
            MultipartUpload.objects.filter(pk=upload.pk).update(completing_since=None)
        raise
    if result.duplicate:
        storage.delete_many([upload.storage_key])
    upload.delete()
    return result


def _claim(upload: MultipartUpload) -> None:
    now = timezone.now()
    claimed = (
        MultipartUpload.objects.filter(pk=upload.pk)
        .exclude(completing_since__gt=now - _COMPLETING_FOR)
        .update(completing_since=now)
    )
    if not claimed:
        raise UploadBusy(gettext("Another request is completing this upload; wait for it."))


def _check_and_register(
    storage: PhotoStorage, upload: MultipartUpload, expected_sha256: str
) -> UploadResult:
    size = storage.size(upload.storage_key)
    started = time.monotonic()
    with _read_once(storage, upload.storage_key, size) as (file, sha256, crc32):
        logger.info(
            "read multipart upload %s back: %d bytes in %.2f s",
            upload.pk,
            size,
            time.monotonic() - started,
        )
        if expected_sha256 and sha256 != expected_sha256:
            raise ChecksumMismatch(
                gettext(
                    "%(filename)s: the file that arrived is not the one sent (its SHA-256 "
                    "differs); nothing was kept. Send it again."
                )
                % {"filename": display_name(upload.filename)}
            )
        return photo_upload_placed(
            owner=upload.owner,
            key=upload.storage_key,
            photo_id=upload.pk,
            filename=upload.filename,
            file=file,
            sha256=sha256,
            crc32=crc32,
        )


@contextlib.contextmanager
def _read_once(storage: PhotoStorage, key: str, size: int) -> Iterator[_Readout]:
    """The object's SHA-256 and CRC-32 from one streamed read, and a file to check it from."""
    if size <= _KEEP_BYTES:
        with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as kept:
            sha256, crc32 = digest_of(_copied(storage.stream(key), kept))
            kept.seek(0)
            yield File(kept, name=key), sha256, crc32
        return
    sha256, crc32 = digest_of(storage.stream(key))
    with storage.open_reader(key) as reader:
        yield File(reader, name=key), sha256, crc32


def _copied(chunks: Iterable[bytes], into: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        into.write(chunk)
        yield chunk


def _discard(storage: PhotoStorage, upload: MultipartUpload) -> None:
    """Remove a refused file's object and its upload; if the storage fails, the
    upload stays claimed and the expiry job removes both later."""
    try:
        _delete_unowned(storage, upload.storage_key)
    except Exception:
        logger.exception("could not remove the refused upload %s; it expires later", upload.pk)
        return
    upload.delete()


def multipart_abort(*, upload: MultipartUpload) -> None:
    """Drop the upload and its parts."""
    storage = get_storage()
    storage.multipart_abort(upload.storage_key, upload.storage_upload_id)
    _delete_unowned(storage, upload.storage_key)
    upload.delete()


def _delete_unowned(storage: PhotoStorage, key: str) -> None:
    """Delete what was assembled at an upload's key, unless a photo owns it by now."""
    if not Photo.objects.filter(storage_key=key).exists():
        storage.delete_many([key])


def multipart_uploads_abort_all(*, owner: User) -> None:
    """Abort every upload of a user (whose account is being deleted)."""
    for upload in list(MultipartUpload.objects.filter(owner=owner)):
        multipart_abort(upload=upload)


class _Exactly:
    """Reads `length` bytes of `content` and raises InvalidPart if it ends sooner."""

    def __init__(self, content: Readable, length: int) -> None:
        self._content, self._left = content, length

    def read(self, size: int = -1, /) -> bytes:
        if self._left == 0:
            return b""
        wanted = self._left if size < 0 else min(size, self._left)
        try:
            data = self._content.read(wanted)
        except OSError as err:
            raise InvalidPart(
                gettext("The part's body broke off (%(why)s); send it again.") % {"why": err}
            ) from err
        if not data:
            raise InvalidPart(gettext("The part's body ended early; send it again."))
        self._left -= len(data)
        return data
