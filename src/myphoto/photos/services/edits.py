"""Edits of photos that never touch the original: favorite, archive, description, the date
and place, a turn; of one photo or of many at once, all or nothing, and undone.

Everything a changed field feeds follows in the same transaction: the timeline's month
counts (archived photos and the trash are not counted), the search terms (the date's
month and year, the description's words, the place), the album entries' copies of the
date, a Live Photo's motion. A date or place set by hand says so (`taken_at_source`
"edited", `location_edited`), so that no rescan or import puts the file's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from .. import search
from ..models import AlbumPhoto, EditUndo, Kind, Photo, Place, TakenAtSource, User
from ..models import camera_name as camera_of
from ..selectors import in_batches
from ..tasks import enqueue_derivatives
from .counts import month_counts_change, month_of
from .edit_values import MAX_DESCRIPTION, Edit, InvalidEdit, Location, check_date, validated
from .places import place_for
from .row_values import photos_write

# An edit of many can be undone for this long (the page's Undo is shown for seconds).
UNDO_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class _State:
    """A photo's editable values, and what its search terms are made of."""

    pk: UUID
    favorite: bool
    archived: bool
    description: str
    taken_at: datetime
    taken_at_offset: int | None
    taken_at_source: str
    gps_lat: float | None
    gps_lon: float | None
    place_id: int | None
    location_edited: bool
    rotation: int
    kind: str = field(compare=False)
    name: str = field(compare=False)
    camera: str | None = field(compare=False)
    search_text: str = field(compare=False)
    place_text: str = field(compare=False)

    @property
    def counted(self) -> bool:
        """Whether the timeline's month counts hold the photo (the trash never does)."""
        return not self.archived

    def terms(self) -> str:
        return search.photo_terms(
            name=self.name, camera=self.camera, taken_at=self.taken_at, description=self.description
        )


_STATE_FIELDS = {f.name for f in fields(_State)}
# The fields an edit of each kind writes, and that its undo puts back.
_FIELDS = {
    "favorite": ("favorite",),
    "archived": ("archived",),
    "description": ("description",),
    "dates": ("taken_at", "taken_at_offset", "taken_at_source"),
    "places": ("gps_lat", "gps_lon", "place_id", "location_edited"),
    "rotate": ("rotation",),
}
_LOADED = (
    "pk",
    "favorite",
    "archived",
    "description",
    "taken_at",
    "taken_at_offset",
    "taken_at_source",
    "gps_lat",
    "gps_lon",
    "place_id",
    "location_edited",
    "rotation",
    "kind",
    "original_name",
    "camera_make",
    "camera_model",
    "search_text",
    "place_text",
)


def photo_edit(*, owner: User, photo_id: UUID, edit: Edit) -> None:
    """Change one of the owner's photos (Http404 for any other); InvalidEdit for an edit
    that cannot be made, with nothing changed."""
    with transaction.atomic():
        # Whose photo it is, before what is wrong with the edit: another's is a 404 whatever.
        states = _locked(owner, [photo_id])
        _apply(owner, states, validated(edit, many=False))


def photos_edit(*, owner: User, photo_ids: Iterable[UUID], edit: Edit) -> tuple[int, UUID]:
    """Change many of the owner's photos at once, all or nothing: Http404 if any is not the
    owner's (or is in the trash), InvalidEdit if the edit cannot be made to every one.
    Returns how many changed and the id of their undo (`photos_edit_undo`)."""
    wanted = list(dict.fromkeys(photo_ids))
    with transaction.atomic():
        states = _locked(owner, wanted)
        _apply(owner, states, validated(edit, many=True))
        undo = EditUndo.objects.create(
            owner=owner,
            fields=_edited_fields(edit),
            previous={str(s.pk): _values(s, _edited_fields(edit)) for s in states},
        )
        EditUndo.objects.filter(owner=owner, made_at__lt=timezone.now() - UNDO_KEPT).delete()
    return len(states), undo.pk


def photos_edit_undo(*, owner: User, undo_id: UUID) -> int:
    """Put back what an edit of many changed, on those of its photos still out of the
    trash; Http404 for an undo that is not the owner's, was used, or has expired."""
    with transaction.atomic():
        undo = (
            EditUndo.objects.select_for_update()
            .filter(owner=owner, pk=undo_id, made_at__gte=timezone.now() - UNDO_KEPT)
            .first()
        )
        if undo is None:
            raise Http404(gettext("Nothing to undo: it was undone already, or too long ago."))
        previous: dict[str, dict[str, Any]] = undo.previous
        states = _locked(owner, [UUID(pk) for pk in previous], missing_ok=True)
        after = [replace(state, **_parsed(previous[str(state.pk)])) for state in states]
        _write(owner, list(zip(states, after, strict=True)), undo.fields, uniform=None)
        undo.delete()
    return len(states)


def _edited_fields(edit: Edit) -> list[str]:
    kinds = [
        name for name in ("favorite", "archived", "description") if getattr(edit, name) is not None
    ]
    kinds += [name for name in ("dates", "places") if getattr(edit, name)]
    return [column for kind in kinds for column in _FIELDS[kind]]


def _values(state: _State, columns: list[str]) -> dict[str, Any]:
    values = {column: getattr(state, column) for column in columns}
    if "taken_at" in values:
        values["taken_at"] = state.taken_at.isoformat()
    return values


def _parsed(values: dict[str, Any]) -> dict[str, Any]:
    if "taken_at" in values:
        values = {**values, "taken_at": datetime.fromisoformat(values["taken_at"])}
    return values


def _locked(owner: User, photo_ids: list[UUID], *, missing_ok: bool = False) -> list[_State]:
    """The photos' states, their rows locked until the transaction ends (two edits of one
    photo run one after the other: the last wins whole, never a mix of both)."""
    states: list[_State] = []
    for batch in in_batches(photo_ids):
        rows = (
            Photo.objects.visible()
            .select_for_update()
            .filter(owner=owner, pk__in=batch, part_of__isnull=True)
            .values_list(*_LOADED)
        )
        states += [_state(row) for row in rows]
    if len(states) != len(photo_ids) and not missing_ok:
        raise Http404(gettext("One or more of the photos do not exist."))
    return states


def _state(row: tuple[Any, ...]) -> _State:
    values = dict(zip(_LOADED, row, strict=True))
    values["camera"] = camera_of(values.pop("camera_make"), values.pop("camera_model"))
    values["name"] = values.pop("original_name")
    return _State(**values)


def _apply(owner: User, states: list[_State], edit: Edit) -> None:
    """The edit's new state of each photo, written with all that follows from it."""
    uniform: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    for name in ("favorite", "archived", "description"):
        if getattr(edit, name) is not None:
            changes[name] = uniform[name] = getattr(edit, name)
    sidecar = edit.date_source == TakenAtSource.SIDECAR
    if edit.taken_at is not None:
        offset = edit.taken_at.utcoffset() or timedelta()
        changes["taken_at"] = uniform["taken_at"] = edit.taken_at.astimezone(UTC)
        if not sidecar:
            minutes = int(offset.total_seconds() // 60)
            changes["taken_at_offset"] = uniform["taken_at_offset"] = minutes
    if edit.dates:
        source = TakenAtSource.SIDECAR if sidecar else TakenAtSource.EDITED
        changes["taken_at_source"] = uniform["taken_at_source"] = source
    if edit.places:
        point = edit.location
        place = place_for(point.lat, point.lon) if point else None
        changes |= {
            "gps_lat": point.lat if point else None,
            "gps_lon": point.lon if point else None,
            "place_id": place.pk if place else None,
            "location_edited": True,
        }
        uniform |= changes | {"place_text": search.place_terms(place.name if place else None)}
    after = [replace(state, **changes) for state in states]
    if edit.shift is not None:
        if states:
            check_date(min(s.taken_at for s in states) + edit.shift)
            check_date(max(s.taken_at for s in states) + edit.shift)
        after = [replace(state, taken_at=state.taken_at + edit.shift) for state in after]
        uniform["taken_at"] = F("taken_at") + edit.shift
    if edit.rotate is not None:
        if any(state.kind == Kind.VIDEO for state in states):
            # Its poster could be turned, but not what browsers play.
            raise InvalidEdit(gettext("Videos cannot be turned yet; photos can."))
        after = [replace(state, rotation=(state.rotation + edit.rotate) % 360) for state in after]
        uniform["rotation"] = after[0].rotation  # one photo at a time
    _write(owner, list(zip(states, after, strict=True)), _edited_fields(edit), uniform=uniform)
    if edit.rotate is not None:
        _turn(after)


def _write(
    owner: User,
    pairs: list[tuple[_State, _State]],
    columns: list[str],
    *,
    uniform: dict[str, Any] | None,
) -> None:
    """Write each photo's new state: in one UPDATE a batch where every photo gets the same
    values (`uniform`), else photo by photo; then what follows from it."""
    # Photos taken in another month now: their counts move, and their words change.
    remonthed = {new.pk for old, new in pairs if month_of(old.taken_at) != month_of(new.taken_at)}
    moved = [(old, new) for old, new in pairs if old.counted != new.counted or old.pk in remonthed]
    month_counts_change(
        owner_id=owner.pk, taken=(old.taken_at for old, _ in moved if old.counted), by=-1
    )
    month_counts_change(
        owner_id=owner.pk, taken=(new.taken_at for _, new in moved if new.counted), by=1
    )
    dates = "taken_at" in columns
    # Only where the words change (a photo's month or description): a clock an hour off
    # moves few photos to another month.
    renamed = {
        new.pk: terms
        for old, new in pairs
        if (old.description != new.description or old.pk in remonthed)
        and (terms := new.terms()) != old.search_text
    }
    if uniform is None:
        _write_each(pairs, columns)
        photos_write(["search_text"], list(renamed.items()))
        return
    # A photo whose words change gets its new values and words in one statement (one new
    # version of its row, not two); the others one UPDATE a batch.
    keys = list(uniform)
    photos_write(
        [*keys, "search_text"],
        [
            (new.pk, *(_value(new, key, uniform) for key in keys), renamed[new.pk])
            for _, new in pairs
            if new.pk in renamed
        ],
    )
    for batch in in_batches(old.pk for old, _ in pairs if old.pk not in renamed):
        Photo.objects.filter(pk__in=batch).update(**uniform)
    if dates:
        for batch in in_batches(old.pk for old, _ in pairs):
            _dates_follow(batch, uniform["taken_at"])


def _value(state: _State, key: str, uniform: dict[str, Any]) -> Any:
    """A column's new value for one photo: its own (a shifted date), else the edit's."""
    return getattr(state, key) if key in _STATE_FIELDS else uniform[key]


def _write_each(pairs: list[tuple[_State, _State]], columns: list[str]) -> None:
    changed = [new for old, new in pairs if old != new]
    place_names = {
        place.pk: search.place_terms(place.name)
        for place in Place.objects.filter(pk__in={new.place_id for new in changed} - {None})
    }
    written = [*columns, "place_text"] if "place_id" in columns else list(columns)
    photos_write(
        written,
        [
            (
                new.pk,
                *(getattr(new, column) for column in columns),
                *([place_names.get(new.place_id or 0, "")] if "place_id" in columns else []),
            )
            for new in changed
        ],
    )
    if "taken_at" in columns:
        # By how far each date moved: an undone shift moves them all alike.
        moves: dict[timedelta, list[UUID]] = {}
        for old, new in pairs:
            if old.taken_at != new.taken_at:
                moves.setdefault(new.taken_at - old.taken_at, []).append(new.pk)
        for delta, ids in moves.items():
            for batch_ids in in_batches(ids):
                _dates_follow(batch_ids, F("taken_at") + delta)


def _dates_follow(photo_ids: list[UUID], taken_at: Any) -> None:
    """A changed date in the album entries' copies and a Live Photo's motion."""
    AlbumPhoto.objects.filter(photo_id__in=photo_ids).update(taken_at=taken_at)
    Photo.objects.filter(part_of__in=photo_ids).update(taken_at=taken_at)


def _turn(turned: list[_State]) -> None:
    """Derivatives made again, turned: the old ones stay shown until the new are recorded."""
    ids = [state.pk for state in turned]
    Photo.objects.filter(pk__in=ids).update(derivatives_ready=False, derivatives_error="")
    for pk in ids:
        transaction.on_commit(partial(enqueue_derivatives, str(pk)), robust=True)


__all__ = [
    "MAX_DESCRIPTION",
    "Edit",
    "InvalidEdit",
    "Location",
    "photo_edit",
    "photos_edit",
    "photos_edit_undo",
]
