"""RAW+JPEG pairs: a camera set to save both writes each shot twice, as DSC_0042.NEF and
DSC_0042.JPG with one capture time. They become one item, whichever arrives first, in one
upload or apart: the RAW points at the JPEG (`part_of`), which the timeline shows; the
viewer offers both, zips and mirrors hold both, the trash takes both.

A pair is the same owner's RAW and non-RAW photo of the same capture second, both dated by
their EXIF (or by the service they were imported from), with the same name before its
extension or, renamed since, the same camera's count of the shot (`Photo.shot_number`).
A burst's frames have names and counts of their own, so they stay photos of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from django.db import transaction

from ...common.formats import RAW_CONTENT_TYPES
from ..models import Kind, Photo, TakenAtSource
from .companions import attach

_SECOND = timedelta(seconds=1)


def is_raw(photo: Photo) -> bool:
    return photo.content_type in RAW_CONTENT_TYPES


# Dated by the camera, or by the service an import came from (which dates both files of
# a shot alike); never by an upload's or a file's time.
_SHOT_DATES = (TakenAtSource.EXIF, TakenAtSource.SIDECAR)


def _pairable(photo: Photo) -> bool:
    # A Live Photo's still (Apple's id) has its motion; a video is never half of a pair.
    return (
        photo.kind == Kind.PHOTO
        and not photo.content_identifier
        and photo.taken_at_source in _SHOT_DATES
    )


def _stem(name: str) -> str:
    stem, dot, _ = name.rpartition(".")
    return (stem if dot else name).casefold()


def _shot(photo: Photo) -> tuple[str, str, int] | None:
    """The camera and its count of the shot, when the camera wrote one."""
    if photo.shot_number is None:
        return None
    return photo.camera_make, photo.camera_model, photo.shot_number


def _same_shot(one: Photo, other: Photo) -> bool:
    """Two files of one capture second are one shot: by their names, or by the camera's
    count of the shot (a file renamed since). Two cameras, or two counts, are two shots
    (two bodies at one party, both at DSC_0042)."""
    cameras = [(photo.camera_make, photo.camera_model) for photo in (one, other)]
    if all(any(camera) for camera in cameras) and cameras[0] != cameras[1]:
        return False
    shots = _shot(one), _shot(other)
    if None not in shots:
        return shots[0] == shots[1]
    return _stem(one.original_name) == _stem(other.original_name)


def raw_jpeg_pair(*, photo: Photo, counted: bool) -> bool:
    """Pair a new photo with its RAW or JPEG partner, if the owner has it.

    Call in a transaction. `counted`: whether `photo` is already in the month counts.
    Returns whether `photo` is a timeline item of its own (False: the RAW of a JPEG).
    """
    if not _pairable(photo):
        return True
    second = photo.taken_at.replace(microsecond=0)
    # The shot's files, locked in one order: two uploads pairing at once wait for each
    # other instead of deadlocking.
    group = [
        member
        for member in Photo.objects.select_for_update()
        .filter(
            owner_id=photo.owner_id,
            taken_at__gte=second,
            taken_at__lt=second + _SECOND,
            deleted_at__isnull=True,
            by_guest=photo.by_guest,
        )
        .order_by("pk")
        if _pairable(member) and _same_shot(member, photo)
    ]
    me = next((member for member in group if member.pk == photo.pk), None)
    if me is None:
        return True  # trashed or purged meanwhile
    raws = [member for member in group if is_raw(member)]
    taken = {raw.part_of_id for raw in raws if raw.part_of_id}
    if is_raw(me):
        if me.part_of_id:
            return False
        shown = next((m for m in group if not is_raw(m) and m.pk not in taken), None)
        if shown is None:
            return True
        attach(part=me, item=shown, counted=counted)
        return False
    if me.pk not in taken:
        raw = next((m for m in raws if m.part_of_id is None), None)
        if raw is not None:
            attach(part=raw, item=me, counted=True)  # an item of its own until now
    return True


def raw_jpeg_pair_committed(photo_id: UUID | str) -> None:
    """Pair again once the upload has committed: a partner uploaded at the same moment
    could not be seen from inside the other's transaction."""
    with transaction.atomic():
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is not None:
            raw_jpeg_pair(photo=photo, counted=True)


def raw_jpeg_pair_adopted(photos: Sequence[Photo]) -> None:
    """Pair the photos a library's scan has just added (in its transaction, counted in the
    months) with their shots' other files, in this page or found before. A page of
    JPEGs costs one query: for the RAWs of their seconds that wait for their JPEG."""
    pairable = [photo for photo in photos if _pairable(photo)]
    if not pairable:
        return
    raws = [photo for photo in pairable if is_raw(photo)]
    seconds = [photo.taken_at.replace(microsecond=0) for photo in pairable]
    waiting = Photo.objects.filter(
        owner_id=pairable[0].owner_id,
        content_type__in=RAW_CONTENT_TYPES,
        part_of__isnull=True,
        deleted_at__isnull=True,
        taken_at__gte=min(seconds),
        taken_at__lt=max(seconds) + _SECOND,
    ).only("original_name", "taken_at", "camera_make", "camera_model", "shot_number")
    by_second: dict[datetime, list[Photo]] = {}
    for raw in waiting:
        by_second.setdefault(raw.taken_at.replace(microsecond=0), []).append(raw)
    jpegs = [
        photo
        for photo in pairable
        if not is_raw(photo)
        and any(
            _same_shot(photo, raw)
            for raw in by_second.get(photo.taken_at.replace(microsecond=0), ())
        )
    ]
    for photo in raws + jpegs:
        raw_jpeg_pair(photo=photo, counted=True)


def pair_after_commit(photo: Photo) -> None:
    if _pairable(photo):
        transaction.on_commit(partial(raw_jpeg_pair_committed, photo.pk), robust=True)
