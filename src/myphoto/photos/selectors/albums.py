"""Albums as each person sees them: the ones they own or are members of, what they may do
with each, and their photos, counts, dates and covers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, UUIDField
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from ..models import Album, AlbumMember, AlbumPhoto, AlbumRole, Photo, User
from .batches import in_batches


class NotAllowed(PermissionError):
    """The person may see the thing but not do this to it (an album's viewer renaming it)."""


@dataclass(frozen=True)
class AlbumView:
    """An album as its list and page show it, to one person: counted over the photos not in
    the trash, with what that person may do."""

    album: Album
    photo_count: int
    taken_from: datetime | None
    taken_until: datetime | None
    cover_photo: UUID | None
    role: AlbumRole


def albums_visible_to(user: User) -> QuerySet[Album]:
    """The albums the user owns or is a member of."""
    memberships = AlbumMember.objects.filter(user=user).values("album")
    return Album.objects.filter(Q(owner=user) | Q(pk__in=memberships))


def album_role(*, user: User, album: Album) -> AlbumRole | None:
    """What the user may do with the album, or None if they may not see it."""
    if album.owner_id == user.pk:
        return AlbumRole.OWNER
    role = AlbumMember.objects.filter(album=album, user=user).values_list("role", flat=True)
    found = role.first()
    return AlbumRole(found) if found else None


_NOT_ALLOWED = {
    AlbumRole.CONTRIBUTOR: gettext_lazy(
        "Only the album's owner and its contributors can add photos to it."
    ),
    AlbumRole.OWNER: gettext_lazy(
        "Only the album's owner can change it, its members and its links."
    ),
}


def album_get_for_user(
    *, user: User, album_id: UUID | str, role: AlbumRole = AlbumRole.VIEWER
) -> Album:
    """Return an album the user may see, or raise Http404 (also for an album of another
    user's that is not shared with them); NotAllowed if they may see it but their role is
    below `role`."""
    try:
        album = Album.objects.select_related("owner").get(pk=album_id)
    except (Album.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such album.")) from None
    has = album_role(user=user, album=album)
    if has is None:
        raise Http404(gettext("No such album."))
    if has.rank < role.rank:
        raise NotAllowed(str(_NOT_ALLOWED[role]))
    return album


def album_photos(*, album: Album, photo_ids: Iterable[UUID] | None = None) -> list[Photo]:
    """The album's photos not in the trash, newest taken first; with `photo_ids`, those of
    them, all or Http404."""
    entries = AlbumPhoto.objects.filter(album=album, photo_in_trash=False)
    if photo_ids is None:
        ordered = entries.select_related("photo").order_by("-taken_at", "-photo")
        return [entry.photo for entry in ordered]
    wanted = list(dict.fromkeys(photo_ids))
    found = {
        entry.photo_id: entry.photo
        for batch in in_batches(wanted)
        for entry in entries.filter(photo_id__in=batch).select_related("photo")
    }
    if len(found) != len(wanted):
        raise Http404(gettext("One or more of the photos are not in the album."))
    return [found[photo_id] for photo_id in wanted]


def albums_view(albums: QuerySet[Album], *, user: User) -> list[AlbumView]:
    """Counts, dates and covers of these albums, in three queries whatever their number."""
    shown = Q(entries__photo_in_trash=False)
    first = (
        AlbumPhoto.objects.filter(album=OuterRef("pk"), photo_in_trash=False)
        .order_by("added_at", "id")
        .values("photo")[:1]
    )
    facts = {
        pk: (count, start, end, first_photo)
        for pk, count, start, end, first_photo in albums.annotate(
            photo_count=Count("entries", filter=shown),
            taken_from=Min("entries__taken_at", filter=shown),
            taken_until=Max("entries__taken_at", filter=shown),
            first_photo=Subquery(first, output_field=UUIDField()),
        ).values_list("pk", "photo_count", "taken_from", "taken_until", "first_photo")
    }
    roles = dict(
        AlbumMember.objects.filter(user=user, album__in=albums.values("pk")).values_list(
            "album_id", "role"
        )
    )
    views = []
    for album in albums.select_related("cover", "owner"):
        count, start, end, first_photo = facts[album.pk]
        chosen = album.cover if album.cover is not None and not album.cover.in_trash else None
        role = AlbumRole.OWNER if album.owner_id == user.pk else AlbumRole(roles[album.pk])
        cover = chosen.pk if chosen else first_photo
        views.append(AlbumView(album, count, start, end, cover, role))
    return views


def albums_for_user(*, user: User) -> list[AlbumView]:
    """The albums the user owns and those shared with them, newest first."""
    return albums_view(albums_visible_to(user).order_by("-created_at", "-id"), user=user)


def album_view(album: Album, *, user: User) -> AlbumView:
    return albums_view(Album.objects.filter(pk=album.pk), user=user)[0]


def album_members(*, album: Album) -> QuerySet[AlbumMember]:
    """The album's members, in the order they were added."""
    return AlbumMember.objects.filter(album=album).select_related("user").order_by("added_at", "id")
