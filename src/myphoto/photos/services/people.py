"""People: the faces of a person's photos grouped by whom they show, named, hidden, merged
and corrected by their owner, and grouped again for a whole library.

A new face joins the person whose centre (the mean of their faces) is nearest, within
`face_groups.JOIN_DISTANCE`, else it is a person of its own (shown once a second face
joins, or once named). What the owner decides stays decided: a face moved or merged by
hand is `placed_by_hand`, and grouping the library again leaves it where it was put.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

import numpy as np
from django.db import transaction
from django.db.models import ExpressionWrapper, F, FloatField
from django.utils.translation import gettext

from ...common.media.face_groups import JOIN_DISTANCE, clusters, mean, nearest_within
from ...common.media.faces import DESCRIPTOR_TYPE, as_bytes, descriptors
from ..models import Face, Person, User
from ..models.people import NAME_LENGTH
from ..selectors.people import face_get_for_user, person_get_for_user


class InvalidPerson(ValueError):
    """A change to people that cannot be made (a name too long, a merge into itself)."""


_AREA = ExpressionWrapper((F("right") - F("left")) * (F("bottom") - F("top")), FloatField())


@dataclass(frozen=True)
class _Centres:
    """The centres of an owner's people as of their `people_version`."""

    version: UUID
    ids: list[UUID]
    centres: np.ndarray
    weights: list[int]


# The job worker's, between jobs: reading 20,000 people's centres took 120 ms a photo.
_kept: dict[int, _Centres] = {}


def people_lock(owner_id: int) -> UUID:
    """Lock the owner's people (their account's row) for this transaction: changes to one
    owner's people are made one at a time, each taking this lock before any face or person
    row. The version of their people."""
    return (
        User.objects.select_for_update().values_list("people_version", flat=True).get(pk=owner_id)
    )


def _counted(owner_id: int) -> UUID:
    """A new version of the owner's people."""
    version = uuid.uuid4()
    User.objects.filter(pk=owner_id).update(people_version=version)
    return version


def _centres(owner_id: int, version: UUID) -> _Centres:
    kept = _kept.get(owner_id)
    if kept is not None and kept.version == version:
        return kept
    known = list(
        Person.objects.filter(owner_id=owner_id, centre_of__gt=0).values_list(
            "pk", "centre", "centre_of"
        )
    )
    return _Centres(
        version,
        [pk for pk, _, _ in known],
        descriptors([bytes(centre) for _, centre, _ in known]),
        [weight for _, _, weight in known],
    )


def people_join(*, owner_id: int, faces: Sequence[Face], left: Iterable[UUID] = ()) -> None:
    """Put each new face (of one photo) in the nearest of the owner's people, or in a new
    person: two faces of one photo are never one person. `left`: people who lost faces.
    Inside the transaction that records the faces."""
    before = _centres(owner_id, people_lock(owner_id))
    known = len(before.ids)
    ids, weights = list(before.ids), list(before.weights)
    centres = before.centres.copy()
    taken: set[int] = set()
    new: list[Person] = []
    for face in sorted(faces, key=lambda face: -face.score):
        vector = np.frombuffer(bytes(face.descriptor), dtype=DESCRIPTOR_TYPE)
        row = nearest_within(centres, vector, limit=JOIN_DISTANCE, excluded=taken)
        if row is None:
            person = Person(owner_id=owner_id, centre=as_bytes(vector), centre_of=1, cover=face)
            new.append(person)
            ids.append(person.pk)
            centres = np.vstack([centres, vector])
            weights.append(1)
            row = len(ids) - 1
        else:
            centres[row] = (centres[row] * weights[row] + vector) / (weights[row] + 1)
            weights[row] += 1
        taken.add(row)
        face.person_id = ids[row]
    Person.objects.bulk_create(new)
    Face.objects.bulk_update(faces, ["person"])
    for row in taken:
        if row < known:
            Person.objects.filter(pk=ids[row]).update(
                centre=as_bytes(centres[row]), centre_of=weights[row]
            )
    # A new person's one face is their cover already.
    _choose_covers({ids[row] for row in taken if row < known} | set(left))
    after = _Centres(_counted(owner_id), ids, centres, weights)
    # Kept once this is written: a transaction rolled back leaves the people of before.
    transaction.on_commit(lambda: _kept.__setitem__(owner_id, after))


def person_edit(
    *, owner: User, person_id: UUID | str, name: str | None = None, hidden: bool | None = None
) -> Person:
    """Name (or unname, with "") and hide (or show) one of the owner's people."""
    person = person_get_for_user(user=owner, person_id=person_id)
    if name is not None:
        person.name = _valid_name(name)
    if hidden is not None:
        person.hidden = hidden
    person.save(update_fields=["name", "hidden"])
    return person


def _valid_name(name: str) -> str:
    name = " ".join(name.split())  # no line breaks or runs of spaces in a name
    if len(name) > NAME_LENGTH:
        raise InvalidPerson(
            gettext("A name has at most %(count)d characters.") % {"count": NAME_LENGTH}
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise InvalidPerson(gettext("A name cannot hold control characters."))
    return name


def people_merge(*, owner: User, into_id: UUID | str, person_ids: Sequence[UUID | str]) -> Person:
    """Make the people `person_ids` one with `into_id`: their faces become theirs (kept
    together from then on), their name too where `into` has none; they are gone."""
    into = person_get_for_user(user=owner, person_id=into_id)
    merged = [person_get_for_user(user=owner, person_id=pk) for pk in dict.fromkeys(person_ids)]
    if not merged:
        raise InvalidPerson(gettext("Choose the people to merge."))
    if any(person.pk == into.pk for person in merged):
        raise InvalidPerson(gettext("A person cannot be merged into themselves."))
    with transaction.atomic():
        people_lock(owner.pk)
        Face.objects.filter(person__in=merged).update(person=into, placed_by_hand=True)
        if not into.name:
            into.name = next((person.name for person in merged if person.name), "")
            into.save(update_fields=["name"])
        Person.objects.filter(pk__in=[person.pk for person in merged]).delete()
        _recentre([into.pk])
        _counted(owner.pk)
    into.refresh_from_db()
    return into


def face_move_out(*, owner: User, face_id: UUID | str) -> Person:
    """ "Not this person": the face becomes a person of its own, and stays apart."""
    face = face_get_for_user(user=owner, face_id=face_id)
    with transaction.atomic():
        people_lock(owner.pk)
        was = face.person_id
        person = Person.objects.create(
            owner=owner, centre=bytes(face.descriptor), centre_of=1, cover=face
        )
        face.person, face.placed_by_hand = person, True
        face.save(update_fields=["person", "placed_by_hand"])
        if was is not None:
            _recentre([was])
        _counted(owner.pk)
    return person


def people_regroup(*, owner: User) -> int:
    """Group all of the owner's faces again (chinese whispers), leaving those placed by hand
    where they are; each group keeps the person most of its faces were in (a named one
    first), so that names stay. How many people there are after. The owner's faces found
    meanwhile wait for it (it holds their lock)."""
    with transaction.atomic():
        people_lock(owner.pk)
        faces = list(
            Face.objects.filter(owner=owner).values_list(
                "pk", "descriptor", "person", "placed_by_hand"
            )
        )
        loose = [(pk, vector, person) for pk, vector, person, by_hand in faces if not by_hand]
        labels = clusters(descriptors([bytes(vector) for _, vector, _ in loose]))
        groups: dict[int, list[tuple[UUID, UUID | None]]] = defaultdict(list)
        for (pk, _, person), label in zip(loose, labels, strict=True):
            groups[label].append((pk, person))
        named = set(
            Person.objects.filter(owner=owner).exclude(name="").values_list("pk", flat=True)
        )
        kept: set[UUID] = set()
        for members in sorted(groups.values(), key=len, reverse=True):
            votes = Counter(person for _, person in members if person and person not in kept)
            ranked = sorted(votes, key=lambda person: (person in named, votes[person]))
            chosen = ranked[-1] if ranked else None
            if chosen is None:
                chosen = Person.objects.create(owner=owner, centre=b"", centre_of=0).pk
            kept.add(chosen)
            Face.objects.filter(pk__in=[pk for pk, _ in members]).update(person=chosen)
        by_hand = {person for _, _, person, placed in faces if placed and person}
        Person.objects.filter(owner=owner).exclude(pk__in=kept | by_hand | named).delete()
        _recentre(Person.objects.filter(owner=owner).values_list("pk", flat=True))
        _counted(owner.pk)
    return Person.objects.filter(owner=owner).count()


def _recentre(person_ids: Iterable[UUID]) -> None:
    """Each person's centre made again from their faces, and their cover chosen again."""
    person_ids = list(person_ids)
    vectors: dict[UUID, list[bytes]] = defaultdict(list)
    rows = Face.objects.filter(person__in=person_ids).values_list("person", "descriptor")
    for person, descriptor in rows.iterator(chunk_size=2000):
        vectors[person].append(bytes(descriptor))
    for person in person_ids:
        found = vectors.get(person, [])
        centre = as_bytes(mean(descriptors(found))) if found else b""
        Person.objects.filter(pk=person).update(centre=centre, centre_of=len(found))
    _choose_covers(person_ids)


def _choose_covers(person_ids: Iterable[UUID]) -> None:
    """Each person's cover: their largest face in a photo out of the trash (any, else)."""
    for person in person_ids:
        faces = Face.objects.filter(person=person).alias(area=_AREA)
        shown = faces.filter(photo__deleted_at__isnull=True).order_by("-area").first()
        cover = shown or faces.order_by("-area").first()
        Person.objects.filter(pk=person).update(cover=cover)
