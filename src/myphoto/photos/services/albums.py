"""Albums: make them, change them, put photos in and take them out. Photos stay where they are."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Album, AlbumMember, AlbumPhoto, AlbumRole, Photo, User
from ..selectors import ID_BATCH, in_batches, photos_get_for_user


class NotInAlbum(ValueError):
    """The photo chosen as the cover is not in the album."""


def album_create(
    *, owner: User, title: str, description: str = "", photo_ids: Iterable[UUID] = ()
) -> Album:
    """A new album of the owner's, with these of their photos in it (all or nothing)."""
    photos = _items(photos_get_for_user(user=owner, photo_ids=photo_ids))
    with transaction.atomic():
        album = Album.objects.create(owner=owner, title=title, description=description)
        _add(album, photos, added_by=owner)
    return album


def album_update(
    *,
    album: Album,
    title: str | None = None,
    description: str | None = None,
    cover_photo: UUID | None = None,
) -> Album:
    """Rename, describe or choose the cover (a photo in the album, not in the trash)."""
    if title is not None:
        album.title = title
    if description is not None:
        album.description = description
    if cover_photo is not None:
        if not AlbumPhoto.objects.filter(
            album=album, photo_id=cover_photo, photo__deleted_at__isnull=True
        ).exists():
            raise NotInAlbum(gettext("The cover must be a photo of the album."))
        album.cover_id = cover_photo
    album.updated_at = timezone.now()
    album.save()
    return album


def album_delete(*, album: Album) -> None:
    """Delete the album; its photos stay in the library."""
    album.delete()


def album_add_photos(*, album: Album, user: User, photo_ids: Iterable[UUID]) -> int:
    """Add the user's photos (all or nothing: one that is not theirs is a 404); return how many
    were not there already."""
    photos = _items(photos_get_for_user(user=user, photo_ids=photo_ids))
    with transaction.atomic():
        added = _add(album, photos, added_by=user)
        Album.objects.filter(pk=album.pk).update(updated_at=timezone.now())
    return added


def _items(photos: list[Photo]) -> list[Photo]:
    """The timeline items of these photos: a Live Photo's motion stands for its still."""
    wanted = (photo.part_of_id for photo in photos if photo.part_of_id)
    stills = {
        still.pk: still
        for batch in in_batches(wanted)
        for still in Photo.objects.filter(pk__in=batch)
    }
    items = [stills.get(photo.part_of_id, photo) if photo.part_of_id else photo for photo in photos]
    return list({photo.pk: photo for photo in items}.values())


def album_remove_photos(*, album: Album, user: User, photo_ids: Iterable[UUID]) -> int:
    """Take photos out of the album; return how many were in it.

    The owner takes out any of the album's photos, a contributor their own; an id that is
    neither (nor one of the user's photos not in it) is a 404 for the whole request.
    """
    wanted = list(dict.fromkeys(photo_ids))
    is_owner = album.owner_id == user.pk
    entries = AlbumPhoto.objects.filter(album=album)
    allowed: set[UUID] = set()
    for batch in in_batches(wanted):
        mine = Photo.objects.filter(owner=user, pk__in=batch).values_list("pk", flat=True)
        allowed.update(mine)
        if is_owner:
            allowed.update(entries.filter(photo_id__in=batch).values_list("photo_id", flat=True))
    if len(allowed) != len(wanted):
        raise Http404(gettext("One or more of the photos do not exist."))
    removed = 0
    with transaction.atomic():
        for batch in in_batches(wanted):
            removed += entries.filter(photo_id__in=batch).delete()[0]
        changed = Album.objects.filter(pk=album.pk)
        # A cover taken out of the album is no longer its cover (compared here: the
        # ids may be more than one SQLite statement takes).
        cover = changed.values_list("cover_id", flat=True).first()
        if cover in allowed:
            changed.update(cover=None)
        changed.update(updated_at=timezone.now())
    return removed


class CannotBeMember(ValueError):
    """The account named cannot be made a member (the album's owner)."""


def album_member_set(*, album: Album, username: str, role: AlbumRole) -> AlbumMember:
    """Share the album with another account of this server as viewer or contributor, or
    change the role of a member."""
    if role not in (AlbumRole.VIEWER, AlbumRole.CONTRIBUTOR):
        raise CannotBeMember(gettext("A member is a viewer or a contributor."))
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise Http404(gettext("No account has that username.")) from None
    if user.pk == album.owner_id:
        raise CannotBeMember(gettext("The album's owner is not one of its members."))
    member, _ = AlbumMember.objects.update_or_create(
        album=album, user=user, defaults={"role": role}
    )
    return member


def album_member_remove(*, album: Album, username: str) -> None:
    """Stop sharing the album with this account (its photos added to the album stay there)."""
    removed, _ = AlbumMember.objects.filter(album=album, user__username=username).delete()
    if not removed:
        raise Http404(gettext("That account is not a member of the album."))


def _add(album: Album, photos: list[Photo], *, added_by: User) -> int:
    """Add the photos still on the timeline (their capture time copied for the album's
    index); call inside a transaction.

    They are read again, locked, in it: a photo trashed or purged since the caller
    fetched it is left out, rather than entered as if on the timeline (or pointing at
    a row a purge has deleted: a foreign key failing at commit).
    """
    added = 0
    for start in range(0, len(photos), ID_BATCH):
        ids = [photo.pk for photo in photos[start : start + ID_BATCH]]
        taken = dict(
            Photo.objects.visible()
            .select_for_update()
            .filter(pk__in=ids)
            .values_list("pk", "taken_at")
        )
        there = set(
            AlbumPhoto.objects.filter(album=album, photo_id__in=ids).values_list(
                "photo_id", flat=True
            )
        )
        new = [
            AlbumPhoto(album=album, photo_id=pk, added_by=added_by, taken_at=taken[pk])
            for pk in ids
            if pk in taken and pk not in there
        ]
        # A concurrent add of the same photo is harmless: the constraint keeps one row.
        AlbumPhoto.objects.bulk_create(new, ignore_conflicts=True)
        added += len(new)
    return added
