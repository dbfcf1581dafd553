"""Upload: validate, store the object, then the row; never leave one without the other."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import partial

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from ...common.filenames import display_name
from ...common.media.facts import ImageFacts, UnsupportedImage, VideoFacts
from ...common.media.videos import plays_in_browsers
from ...common.service_facts import ServiceFacts
from .. import keys, media
from ..digests import digest_of
from ..limits import UploadTooLarge, check_size
from ..models import Album, AlbumPhoto, Kind, Photo, Place, TakenAtSource, User, camera_name
from ..quotas import QuotaExceeded, check_quota, check_quota_kept
from ..storage import CHUNK_SIZE, get_storage
from ..tasks import enqueue_derivatives
from .counts import month_counts_change
from .imported import imported_fields
from .live import live_photo_pair, live_photo_pair_committed
from .places import place_for
from .raw_pairs import pair_after_commit, raw_jpeg_pair
from .search_terms import search_fields
from .trash import photo_restore_if_trashed

logger = logging.getLogger(__name__)


class UploadRejected(ValueError):
    """A file was refused (too large, past the owner's quota, or not a photo we can read);
    nothing of it was stored.

    `reason` is an `UploadTooLarge`, a `QuotaExceeded` or an `UnsupportedImage`.
    """

    def __init__(
        self, filename: str, reason: UploadTooLarge | QuotaExceeded | UnsupportedImage
    ) -> None:
        why = media.said(reason) if isinstance(reason, UnsupportedImage) else str(reason)
        super().__init__(
            gettext("%(filename)s: %(reason)s") % {"filename": filename, "reason": why}
        )
        self.filename = filename
        self.reason = reason


@dataclass(frozen=True)
class UploadResult:
    photo: Photo
    duplicate: bool


@dataclass(frozen=True)
class _Checked:
    """A file that passed every check and is ready to store."""

    file: File[bytes]
    name: str
    size: int
    sha256: str
    crc32: int
    # None for bytes the owner has already: they were checked when first uploaded.
    facts: ImageFacts | None


def _check(
    owner: User,
    file: File[bytes],
    filename: str | None,
    *,
    guest: bool = False,
    one_request: bool = False,
) -> _Checked:
    """Return the file's facts, or raise UploadRejected saying why it cannot be a photo or video.

    Bytes the owner has already are known from their hash alone: nothing is
    decoded for them (six uploads of one big PNG took a worker to 3.69 GB), but for a
    share link's visitor (`guest`), whom the time it takes would tell that the owner has
    them.
    """
    name = filename or file.name or ""
    try:
        size = file.size
        check_size(size, one_request=one_request)
        sha256, crc32 = digest_of(file.chunks(CHUNK_SIZE))
    except UploadTooLarge as err:
        raise UploadRejected(display_name(name), err) from err
    return _described(owner, file, name=name, size=size, sha256=sha256, crc32=crc32, guest=guest)


def _described(
    owner: User,
    file: File[bytes],
    *,
    name: str,
    size: int,
    sha256: str,
    crc32: int,
    guest: bool = False,
) -> _Checked:
    """The checked file with its facts (None for bytes the owner has), or UploadRejected."""
    try:
        if size == 0:
            raise UnsupportedImage(gettext("The file is empty."))
        known = not guest and Photo.objects.filter(owner=owner, sha256=sha256).exists()
        facts = None if known else media.analyze(file)
    except UnsupportedImage as err:
        raise UploadRejected(display_name(name), err) from err
    extension = facts.extension if facts else "jpg"
    return _Checked(
        file=file,
        name=display_name(name, default_extension=extension),
        size=size,
        sha256=sha256,
        crc32=crc32,
        facts=facts,
    )


def photos_upload(
    *,
    owner: User,
    files: Sequence[File[bytes]],
    guest_album: Album | None = None,
    service: ServiceFacts | None = None,
) -> list[UploadResult]:
    """Check every file (files of one request: at most MYPHOTO_MAX_SINGLE_UPLOAD_MB each),
    then store them; one bad file stores nothing of the batch.

    `guest_album`: a share link's visitor uploads into it. Only that album's photos are
    theirs to be told about (a duplicate is one of those); anything else is stored as
    the visitor's own copy (`by_guest`), whatever the owner has, in the trash or not.
    `service`: what the service a file is imported from knew, for a new photo to take
    (`services.imported`); a duplicate is answered as it is.
    """
    guest = guest_album is not None
    checked = [_check(owner, file, file.name, guest=guest, one_request=True) for file in files]
    _check_quota_for_all(owner, checked)
    return [
        _store(owner=owner, checked=item, guest_album=guest_album, service=service)
        for item in checked
    ]


def _check_quota_for_all(owner: User, checked: Sequence[_Checked]) -> None:
    """Refuse the whole batch, naming the first file that would not fit, if its new files
    (those the owner has not already) would take the owner past their quota."""
    # A visitor's files are all new (`_check` tells a visitor nothing of the owner's).
    new = [item for item in checked if item.facts is not None]
    try:
        check_quota(owner, *(item.size for item in new))
    except QuotaExceeded as err:
        raise UploadRejected(new[err.index].name, err) from err


def photo_upload(
    *,
    owner: User,
    file: File[bytes],
    filename: str | None = None,
    write: Callable[[str], None] | None = None,
) -> UploadResult:
    """Check and store one file; raise UploadRejected if it is refused.

    `write(key)`, when given, puts the bytes at `key` (say, by a copy inside the
    storage) instead of uploading `file` again.
    """
    return _store(owner=owner, checked=_check(owner, file, filename), write=write)


def photo_upload_placed(
    *,
    owner: User,
    key: str,
    photo_id: uuid.UUID,
    filename: str,
    file: File[bytes],
    sha256: str,
    crc32: int,
) -> UploadResult:
    """Check and register bytes already written at their final `key`, for photo `photo_id`.

    `file` reads the object (for the checks that decode it); `sha256` and `crc32` are
    of its bytes. Raises UploadRejected; the object is the caller's to remove then,
    and when the owner had these bytes already (a duplicate).
    """
    checked = _described(owner, file, name=filename, size=file.size, sha256=sha256, crc32=crc32)
    return _store(owner=owner, checked=checked, placed=(photo_id, key))


def _existing(owner: User, sha256: str) -> Photo | None:
    """Return the owner's photo with these bytes (their own before a visitor's copy),
    brought back from the trash if need be."""
    photo = Photo.objects.filter(owner=owner, sha256=sha256).order_by("by_guest").first()
    if photo is not None and photo.in_trash:
        # A purge may have removed it meanwhile: then this upload stores anew.
        photo = photo_restore_if_trashed(photo=photo)
    return photo


def _in_album(album: Album, sha256: str) -> Photo | None:
    """The album's photo (not in the trash) with these bytes: all a visitor may be told of."""
    entry = AlbumPhoto.objects.filter(album=album, photo_in_trash=False, photo__sha256=sha256)
    found = entry.select_related("photo").first()
    return found.photo if found else None


def _store(
    *,
    owner: User,
    checked: _Checked,
    write: Callable[[str], None] | None = None,
    placed: tuple[uuid.UUID, str] | None = None,
    guest_album: Album | None = None,
    service: ServiceFacts | None = None,
) -> UploadResult:
    """Write the object (with `write(key)`, else from the checked file), then the row.

    `placed`, the photo's id and key, says the object is there already.
    """

    def existing_photo() -> Photo | None:
        if guest_album is not None:
            return _in_album(guest_album, checked.sha256)
        return _existing(owner, checked.sha256)

    existing = existing_photo()
    if existing is not None:
        return UploadResult(existing, duplicate=True)
    try:
        check_quota(owner, checked.size)
    except QuotaExceeded as err:
        raise UploadRejected(checked.name, err) from err

    facts = checked.facts
    if facts is None:
        # The photo with these bytes was purged since the check: check them after all.
        try:
            facts = media.analyze(checked.file)
        except UnsupportedImage as err:
            raise UploadRejected(checked.name, err) from err
    if placed is None:
        photo_id = uuid.uuid4()
        key = keys.original_key(owner_id=owner.pk, photo_id=photo_id, extension=facts.extension)
    else:
        photo_id, key = placed
    place = place_for(facts.gps_lat, facts.gps_lon)
    taken_at = facts.taken_at or timezone.now()
    storage = get_storage()
    written: list[str] = []
    try:
        if placed is None:
            if write is None:
                checked.file.seek(0)
                storage.put(key, checked.file, size=checked.size, sha256=checked.sha256)
            else:
                write(key)
        written.append(key)
        fields = described_fields(
            facts,
            name=checked.name,
            key=key,
            size=checked.size,
            taken_at=taken_at,
            place=place,
            undated=TakenAtSource.UPLOAD,
        )
        if service is not None:
            camera = camera_name(facts.camera_make, facts.camera_model)
            fields |= imported_fields(fields, service, name=checked.name, camera=camera)
        with transaction.atomic():
            photo = Photo.objects.create(
                id=photo_id,
                owner=owner,
                original_name=checked.name,
                storage_key=key,
                size=checked.size,
                sha256=checked.sha256,
                crc32=checked.crc32,
                **fields,
                content_identifier=facts.content_identifier,
                by_guest=guest_album is not None,
            )
            try:
                check_quota_kept(owner, checked.size)
            except QuotaExceeded as err:
                raise UploadRejected(checked.name, err) from err
            # The archive is not counted in the months.
            item = live_photo_pair(photo=photo, counted=False) and raw_jpeg_pair(
                photo=photo, counted=False
            )
            if item and not photo.archived:
                month_counts_change(owner_id=owner.pk, taken=[photo.taken_at], by=1)
            if photo.content_identifier:
                transaction.on_commit(partial(live_photo_pair_committed, photo.pk), robust=True)
            pair_after_commit(photo)
            # The job may run on another machine: only once the row is there for it.
            transaction.on_commit(partial(enqueue_derivatives, str(photo.pk)), robust=True)
    except IntegrityError:
        storage.delete_many(written)
        # The same bytes arrived in a concurrent request, which stored them first.
        existing = existing_photo()
        if existing is None:
            raise
        return UploadResult(existing, duplicate=True)
    except BaseException:
        logger.warning("upload of %s failed; removing its objects", checked.name)
        storage.delete_many(written)
        raise
    logger.info(
        "stored photo %s (%s, %d bytes) for %s", photo.pk, checked.name, checked.size, owner
    )
    return UploadResult(photo, duplicate=False)


def offset_minutes(moment: datetime | None) -> int | None:
    """The offset a file gave its capture time, in minutes; None where it gave none (the
    library's zone was assumed) or gave UTC, which is how containers say "unknown"."""
    if moment is None or not isinstance(moment.tzinfo, dt_timezone):
        return None
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset else None


def taken_at_source(facts: ImageFacts, *, undated: TakenAtSource) -> TakenAtSource:
    """Where the capture time came from; `undated` where the file gave none."""
    if facts.taken_at is None:
        return undated
    return TakenAtSource.VIDEO if isinstance(facts, VideoFacts) else TakenAtSource.EXIF


def described_fields(
    facts: ImageFacts,
    *,
    name: str,
    key: str,
    size: int,
    taken_at: datetime,
    place: Place | None,
    undated: TakenAtSource,
) -> dict[str, object]:
    """A new photo's columns from what its file says (an upload's, an adopted file's)."""
    return {
        "content_type": facts.content_type,
        "width": facts.width,
        "height": facts.height,
        "taken_at": taken_at,
        "taken_at_source": taken_at_source(facts, undated=undated),
        "taken_at_offset": offset_minutes(facts.taken_at),
        "camera_make": facts.camera_make,
        "camera_model": facts.camera_model,
        "shot_number": facts.shot_number,
        "lens": facts.lens,
        "gps_lat": facts.gps_lat,
        "gps_lon": facts.gps_lon,
        "place": place,
        **search_fields(
            name=name,
            camera=camera_name(facts.camera_make, facts.camera_model),
            taken_at=taken_at,
            place=place,
        ),
        **video_fields(facts, key=key, size=size),
    }


def video_fields(facts: ImageFacts, *, key: str, size: int) -> dict[str, object]:
    """A video's own columns; where browsers play the original, it is its own playback."""
    if not isinstance(facts, VideoFacts):
        return {}
    plays = plays_in_browsers(facts)
    return {
        "kind": Kind.VIDEO,
        "duration": facts.duration,
        "video_codec": facts.video_codec,
        "audio_codec": facts.audio_codec,
        "frame_rate": facts.frame_rate,
        "location_spans": [list(span) for span in facts.location_spans],
        "playback_key": key if plays else "",
        "playback_size": size if plays else None,
    }
