"""A known file of an adopted library read again: changed in place, or read anew by a full
scan. Its facts replace the row's, except what was edited by hand."""

from __future__ import annotations

from ...common.media.facts import ImageFacts
from .. import search
from ..models import AlbumPhoto, Photo, TakenAtSource
from ..storage.sources import SourceFile
from .counts import month_counts_change
from .places import place_for
from .upload import offset_minutes, taken_at_source, video_fields

_READ_FIELDS = [
    "size",
    "content_type",
    "width",
    "height",
    "camera_make",
    "camera_model",
    "shot_number",
    "lens",
    "taken_at",
    "taken_at_source",
    "taken_at_offset",
    "gps_lat",
    "gps_lon",
    "place",
    "kind",
    "duration",
    "video_codec",
    "audio_codec",
    "frame_rate",
    "location_spans",
    "playback_key",
    "playback_size",
    "offline",
    "search_text",
    "place_text",
]
_REMADE_FIELDS = ["sha256", "crc32", "derivatives_ready", "derivatives_error"]


def photo_reread(photo: Photo, file: SourceFile, facts: ImageFacts, *, new_bytes: bool) -> None:
    """The file's facts again (its head read anew), except what was edited by hand; with
    `new_bytes` (changed in place), new derivatives and a new hash from its job. Only
    these columns are written: an edit made meanwhile (a heart, a description) stays."""
    counted_before = photo.deleted_at is None and not photo.offline and not photo.archived
    before = photo.taken_at
    photo.size, photo.content_type = file.size, facts.content_type
    photo.width, photo.height = facts.width, facts.height
    photo.camera_make, photo.camera_model = facts.camera_make, facts.camera_model
    photo.shot_number, photo.lens = facts.shot_number, facts.lens
    if photo.taken_at_source not in (TakenAtSource.EDITED, TakenAtSource.SIDECAR):
        photo.taken_at = facts.taken_at or file.modified or photo.taken_at
        photo.taken_at_source = taken_at_source(facts, undated=TakenAtSource.FILE)
        photo.taken_at_offset = offset_minutes(facts.taken_at)
    if not photo.location_edited:
        photo.gps_lat, photo.gps_lon = facts.gps_lat, facts.gps_lon
        photo.place = place_for(facts.gps_lat, facts.gps_lon)
    for name, value in video_fields(facts, key=photo.storage_key, size=file.size).items():
        setattr(photo, name, value)
    if new_bytes:
        photo.sha256, photo.crc32 = "", 0
        photo.derivatives_ready, photo.derivatives_error = False, ""
    if photo.offline:
        photo.offline = False
        AlbumPhoto.objects.filter(photo=photo).update(photo_in_trash=photo.deleted_at is not None)
    photo.search_text = search.photo_terms(
        name=photo.original_name,
        camera=photo.camera,
        taken_at=photo.taken_at,
        description=photo.description,
    )
    photo.place_text = search.place_terms(photo.place.name if photo.place else None)
    photo.save(update_fields=_READ_FIELDS + (_REMADE_FIELDS if new_bytes else []))
    AlbumPhoto.objects.filter(photo=photo).update(taken_at=photo.taken_at)
    counted_after = photo.deleted_at is None and not photo.archived
    if counted_before:
        month_counts_change(owner_id=photo.owner_id, taken=[before], by=-1)
    if counted_after:
        month_counts_change(owner_id=photo.owner_id, taken=[photo.taken_at], by=1)
