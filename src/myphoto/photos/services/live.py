"""Live Photos: an iPhone's still and its short motion video become one timeline item.

They share Apple's content identifier (the still's MakerNote, the MOV's QuickTime
key) and may arrive in either order, in one upload or years apart, or at the same
moment (`myphoto upload --jobs 4` sends IMG_0007.JPG and IMG_0007.MOV side by
side). The motion keeps its own row (its bytes, posters and playback copy),
pointing at its still (`part_of`): the timeline, counts and albums hold the still
alone; trash, restore, purge and zips take the motion with it.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext

from ..models import Kind, Photo, User
from ..selectors.photos import photo_get_for_user
from .companions import attach


def live_photo_pair(*, photo: Photo, counted: bool) -> bool:
    """Pair a photo or video with its Live Photo partner, if the owner has it.

    Call in a transaction. `counted`: whether `photo` is already in the month counts
    (False in the transaction that creates it). Returns whether `photo` is a timeline
    item of its own (False: it is the motion of a still).
    """
    if not photo.content_identifier:
        return True
    # The whole group, locked in one order, so that two uploads pairing at once wait
    # for each other instead of deadlocking.
    group = list(
        Photo.objects.select_for_update()
        .filter(
            owner_id=photo.owner_id,
            content_identifier=photo.content_identifier,
            deleted_at__isnull=True,
            # A visitor's upload never pairs with the owner's own photos (nor theirs with it).
            by_guest=photo.by_guest,
        )
        .order_by("pk")
    )
    me = next((member for member in group if member.pk == photo.pk), None)
    if me is None:
        return True  # trashed or purged meanwhile: nothing to pair
    motions = [member for member in group if member.kind == Kind.VIDEO]
    paired = {motion.part_of_id for motion in motions if motion.part_of_id}
    if me.is_video:
        if me.part_of_id:
            return False
        still = next((m for m in group if m.kind == Kind.PHOTO and m.pk not in paired), None)
        if still is None:
            return True
        attach(part=me, item=still, counted=counted)
        return False
    if me.pk not in paired:
        motion = next((m for m in motions if m.part_of_id is None), None)
        if motion is not None:
            # A motion alone is an item of its own, committed and counted.
            attach(part=motion, item=me, counted=True)
    return True


def live_photo_pair_committed(photo_id: UUID | str) -> None:
    """Pair again once the upload has committed: a partner uploaded at the same moment
    could not be seen from inside the other's transaction."""
    with transaction.atomic():
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is not None:
            live_photo_pair(photo=photo, counted=True)


class NotAPair(ValueError):
    """The two cannot be one Live Photo (not a photo and a video, or parts of others)."""


def motion_pair(*, owner: User, still_id: UUID, video_id: UUID) -> None:
    """Make `video` the motion of `still` when no identifier in the files says so: a
    Pixel's motion photo and its video, brought over by an import that knows they go
    together. Both get one content identifier, so that they then behave as any pair."""
    with transaction.atomic():
        still = photo_get_for_user(user=owner, photo_id=still_id)
        video = photo_get_for_user(user=owner, photo_id=video_id)
        if still.kind != Kind.PHOTO or video.kind != Kind.VIDEO:
            raise NotAPair(gettext("A motion is a video given to a photo."))
        if video.part_of_id == still.pk:
            return
        if video.part_of_id or Photo.objects.filter(part_of=still).exists():
            raise NotAPair(gettext("One of them is already part of a Live Photo."))
        identifiers = {still.content_identifier, video.content_identifier} - {""}
        if len(identifiers) > 1 or still.by_guest != video.by_guest:
            raise NotAPair(gettext("The files say they belong to different Live Photos."))
        identifier = identifiers.pop() if identifiers else f"motion:{still.pk}"
        Photo.objects.filter(pk__in=[still.pk, video.pk]).update(content_identifier=identifier)
        video.content_identifier = identifier
        live_photo_pair(photo=video, counted=True)
