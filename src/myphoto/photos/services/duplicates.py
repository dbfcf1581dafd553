"""Cleaning up look-alikes: keep some photos of a group, move the others to the trash, and
let the kept ones inherit what the owner gave the others (their albums, a heart, words)."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext

from ..models import Album, Photo, User
from ..selectors import photos_get_for_user
from .albums import album_add_photos
from .trash import photos_trash


class NothingKept(ValueError):
    """A clean-up that would keep none of the photos, or names one photo twice."""


def duplicates_resolve(*, owner: User, keep: list[UUID], trash: list[UUID]) -> int:
    """Keep `keep`, move `trash` to the trash (Http404 if any is not the owner's); the kept
    photos join every album a trashed one was in, the first kept one takes a heart if any
    trashed one had it, and their description if it had none. Returns how many went."""
    with transaction.atomic():
        # Whose photos they are first: another's is a 404 whatever else is wrong.
        kept = photos_get_for_user(user=owner, photo_ids=keep)
        going = photos_get_for_user(user=owner, photo_ids=trash)
        if not kept:
            raise NothingKept(gettext("Keep at least one photo."))
        if {photo.pk for photo in kept} & {photo.pk for photo in going}:
            raise NothingKept(gettext("A photo cannot be kept and trashed at once."))
        first = kept[0]
        changed: list[str] = []
        if not first.favorite and any(photo.favorite for photo in going):
            first.favorite = True
            changed.append("favorite")
        if not first.description:
            words = next((photo.description for photo in going if photo.description), "")
            if words:
                first.description = words
                changed.append("description")
        if changed:
            values = {name: getattr(first, name) for name in changed}
            Photo.objects.filter(pk=first.pk).update(**values)
        _carry_albums(owner, kept, going)
        return photos_trash(owner=owner, photo_ids=[photo.pk for photo in going])


def _carry_albums(owner: User, kept: list[Photo], going: list[Photo]) -> None:
    """The kept photos join every album a trashed one was in."""
    albums = Album.objects.filter(entries__photo__in=going).distinct()
    for album in albums:
        album_add_photos(album=album, user=owner, photo_ids=[photo.pk for photo in kept])
