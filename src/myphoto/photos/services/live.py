"""Live Photos: an iPhone's still and its short motion video become one timeline item.

They share Apple's content identifier (the still's MakerNote, the MOV's QuickTime
key) and may arrive in either order, in one upload or years apart. The motion
keeps its own row (its bytes, posters and playback copy), pointing at its still
(`live_of`): the timeline, counts and albums hold the still alone; trash, restore,
purge and zips take the motion with it.
"""

from __future__ import annotations

import logging

from ..models import Album, AlbumPhoto, Kind, Photo
from .counts import month_counts_change

logger = logging.getLogger(__name__)


def live_photo_pair(*, photo: Photo) -> bool:
    """Pair a new photo or video with its Live Photo partner, if the owner has it.

    Call in the transaction that creates `photo`. Returns whether `photo` is a
    timeline item of its own (False: it is the motion of a still already there).
    """
    if not photo.content_identifier:
        return True
    partners = Photo.objects.select_for_update().filter(
        owner_id=photo.owner_id,
        content_identifier=photo.content_identifier,
        deleted_at__isnull=True,
    )
    if photo.is_video:
        # A still with no motion yet (a subquery: PostgreSQL locks no outer join's rows).
        paired = Photo.objects.filter(live_of__isnull=False).values("live_of")
        still = partners.filter(kind=Kind.PHOTO).exclude(pk__in=paired).first()
        if still is None:
            return True
        photo.live_of = still
        photo.save(update_fields=["live_of"])
        logger.info("video %s is the motion of Live Photo %s", photo.pk, still.pk)
        return False
    motion = partners.filter(kind=Kind.VIDEO, live_of__isnull=True).first()
    if motion is None:
        return True
    # The motion came first and was an item of its own: it leaves the timeline's counts,
    # and its albums (and covers) hold the still instead.
    motion.live_of = photo
    motion.save(update_fields=["live_of"])
    month_counts_change(owner_id=photo.owner_id, taken=[motion.taken_at], by=-1)
    AlbumPhoto.objects.filter(photo=motion).update(photo=photo, taken_at=photo.taken_at)
    Album.objects.filter(cover=motion).update(cover=photo)
    logger.info("video %s is the motion of Live Photo %s", motion.pk, photo.pk)
    return True
