"""People as their owner sees them: the People page's list with counts and covers, one
person or face (404 for anyone else's), who is in which photos, and the names a search
finds people by. Nothing here is ever read for a share link or an album's members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery, UUIDField
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from ..models import Face, Person, Photo, User
from ..search import Search, parse, words


@dataclass(frozen=True)
class PersonView:
    person: Person
    # Faces in photos out of the trash; the photos they are in.
    face_count: int
    photo_count: int
    # The face shown for them: their cover, else (its photo purged) another of theirs.
    cover: UUID | None


def _cover() -> Coalesce:
    another = Face.objects.filter(person=OuterRef("pk")).order_by("-score", "pk").values("pk")
    return Coalesce(F("cover"), Subquery(another[:1]), output_field=UUIDField())


def person_get_for_user(*, user: User, person_id: UUID | str) -> Person:
    """The user's person, or Http404 (also for another user's)."""
    try:
        return Person.objects.get(owner=user, pk=person_id)
    except (Person.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404(gettext("No such person.")) from None


def face_get_for_user(*, user: User, face_id: UUID | str) -> Face:
    try:
        return Face.objects.select_related("photo").get(owner=user, pk=face_id)
    except (Face.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404(gettext("No such face.")) from None


def people_for_user(*, user: User, hidden: bool = False, named: bool = False) -> list[PersonView]:
    """The user's people with their counts, most photos first: those seen in two photos or
    more, or named (a face seen once is more often a passer-by); hidden ones apart; only
    the named ones if `named`."""
    shown = Q(faces__photo__deleted_at__isnull=True, faces__photo__offline=False)
    people = Person.objects.filter(owner=user, hidden=hidden)
    if named:
        people = people.exclude(name="")
    people = (
        people.annotate(
            face_count=Count("faces", filter=shown),
            photo_count=Count("faces__photo", filter=shown, distinct=True),
            cover_face=_cover(),
        )
        .filter(Q(photo_count__gte=2) | (~Q(name="") & Q(photo_count__gte=1)))
        .defer("centre")
        .order_by("-photo_count", "name", "pk")
    )
    return [
        PersonView(person, person.face_count, person.photo_count, person.cover_face)
        for person in people
    ]


def person_view(*, user: User, person_id: UUID | str) -> PersonView:
    person = person_get_for_user(user=user, person_id=person_id)
    faces = Face.objects.filter(person=person, photo__deleted_at__isnull=True)
    cover = Person.objects.filter(pk=person.pk).values_list(_cover(), flat=True).get()
    return PersonView(person, faces.count(), faces.values("photo").distinct().count(), cover)


def faces_of(person: Person, *, limit: int = 200) -> list[Face]:
    """A person's faces to look over (and move out where wrong), the surest first."""
    return list(
        Face.objects.filter(person=person, photo__deleted_at__isnull=True)
        .defer("descriptor")
        .select_related("photo")
        .order_by("-score", "pk")[:limit]
    )


def people_in(photos: Sequence[Photo], *, viewer: User) -> None:
    """Set `people_shown` on each of the viewer's own photos: the people (not hidden) in it,
    as [(id, name or "")]; another's photo (an album's) shows nobody."""
    own = [photo for photo in photos if photo.owner_id == viewer.pk]
    found: dict[UUID, list[tuple[UUID, str]]] = defaultdict(list)
    rows = (
        Face.objects.filter(photo__in=own, person__isnull=False, person__hidden=False)
        .order_by("left")
        .values_list("photo", "person", "person__name")
    )
    for photo_id, person, name in rows:
        if (person, name) not in found[photo_id]:
            found[photo_id].append((person, name))
    for photo in own:
        photo.people_shown = found.get(photo.pk, [])  # type: ignore[attr-defined]


def people_named_in(search: Search, *, user: User) -> Search:
    """The search with the words that name one of the user's people taken out of its terms
    and made a condition that the person is in the photo ("엄마 2023": 엄마's photos of
    2023). A name of several words is found when all of them are typed."""
    if not search.terms or not search.places:
        return search
    terms = set(search.terms)
    names = Person.objects.filter(owner=user).exclude(name="").values_list("pk", "name")
    # People of one name (one not merged yet with another of the same): any of them.
    named: dict[tuple[str, ...], list[UUID]] = defaultdict(list)
    for person, name in names.iterator():
        name_words = tuple(dict.fromkeys(words(name)))
        if name_words and set(name_words) <= terms:
            named[name_words].append(person)
    if not named:
        return search
    used = {word for name_words in named for word in name_words}
    left = tuple(term for term in search.terms if term not in used)
    return replace(search, terms=left, people=(*search.people, *map(tuple, named.values())))


def person_search(person: Person, search: Search | None = None) -> Search:
    """The photos a person is in (of those `search` finds), as a search: a person's
    timeline, `?person=`."""
    search = search or Search(())
    return replace(search, people=(*search.people, (person.pk,)))


def search_of(q: str | None, *, user: User) -> Search:
    """What `q` asks of the user's own library: its words, and the people it names.
    InvalidSearch as `search.parse`."""
    return people_named_in(parse(q), user=user)
