"""Finding photos by words: the condition a search puts on photos (PostgreSQL's GIN index
over their terms, SQLite's FTS5 table), and the two-step read of a whole timeline's
matches (`searching`). What the terms are is `myphoto.photos.search`.
"""

from __future__ import annotations

from functools import partial

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Exists, Expression, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex
from django.db.models.lookups import GreaterThan

from ..models import Face, Photo
from ..search import Search
from .keyset import Fetch, Rows, photos_of
from .live import companion_prefetch

# How many of the newest photos (from the cursor) a search reads one by one, in timeline
# order, before it asks the search index for the older matches.
SEARCH_WALK = 2000


def searching(search: Search) -> Fetch:
    """How a page of the whole timeline's matches is read (`keyset_page`'s fetch)."""
    return partial(_walk_then_index, search=search)


def _walk_then_index(
    rows: Rows, id_field: str, wanted: int, *, newest_first: bool, search: Search
) -> list[Photo]:
    """The first `wanted` of these photo rows (the timeline, from its cursor) that the
    search finds, newest first (or oldest first, scrolling up), in two steps.

    Asked for the newest matches, the database's planner either walks the timeline index
    until enough rows match (fast where the words are common, but all the way down where
    they are rare) or has the search index collect every match and sorts them (fast for
    rare words; half a million rows for "iphone"), and it guesses which from how common the
    words are overall: wrong for the words of one time (a trip, a year). So first the walk,
    over the next SEARCH_WALK photos alone; if they hold too few, the search index for the
    photos beyond them, whose matches are then few (else the walk would have found them).
    """
    order = ("-taken_at", "-id") if newest_first else ("taken_at", "id")
    edge = rows.order_by(*order).values_list("taken_at", flat=True)[SEARCH_WALK:][:1].first()
    walked = rows.filter(photo_condition(search, indexed=False))
    if edge is not None:
        walked = walked.filter(**{"taken_at__gte" if newest_first else "taken_at__lte": edge})
    found = photos_of(walked.order_by(*order).prefetch_related(companion_prefetch("id"))[:wanted])
    if len(found) < wanted and edge is not None:
        # Ordered by an expression, which the timeline index cannot give: the planner
        # then has the search index find the matches beyond, and sorts their ids alone
        # (whole rows, joined to their places, are three times slower to sort).
        beyond = rows.filter(
            photo_condition(search), **{"taken_at__lt" if newest_first else "taken_at__gt": edge}
        )
        unwalkable = Coalesce("taken_at", "taken_at")
        key = unwalkable.desc() if newest_first else unwalkable.asc()
        ids = list(
            beyond.order_by(key, order[1]).values_list("pk", flat=True)[: wanted - len(found)]
        )
        chosen = Photo.objects.select_related("place").filter(pk__in=ids)  # the user's, above
        by_id = chosen.prefetch_related(companion_prefetch("id")).in_bulk()
        found += [by_id[pk] for pk in ids if pk in by_id]
    return found


# The same of the name, camera and dates alone, for a share link that hides places: not
# indexed, each row checked as it is read (an album's rows, not a library's).
PG_TERMS_VECTOR = "array_to_tsvector(array_remove(string_to_array({terms}, ' '), ''))"


class _PgTermsOnly(Func):
    """PG_TERMS_VECTOR over search_text."""

    output_field = SearchVectorField()
    template = PG_TERMS_VECTOR.format(terms="%(expressions)s")


class _PgMatches(Func):
    """`search_vector @@ query`."""

    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " @@ "


def _pg_query(search: Search) -> str:
    """Each term a lexeme, quoted as tsquery reads them; the last one the start of one."""
    quoted = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in search.terms]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _fts5_query(search: Search) -> str:
    column = "" if search.places else "search_text : "
    quoted = ['"' + term.replace('"', '""') + '"' for term in search.terms]
    quoted[-1] += "*"
    return " AND ".join(f"{column}{term}" for term in quoted)


def photo_condition(search: Search, *, through: str = "", indexed: bool = True) -> Q | Expression:
    """A filter on photos (or, `through="photo__"`, on rows that lead to a photo) that
    keeps those the search finds; `indexed=False` keeps the planner from the search index
    (each row is checked as it is read)."""
    if not search.people:
        return _terms_condition(search, through=through, indexed=indexed)
    photo = OuterRef(through.removesuffix("__") or "pk")
    condition = Q(
        *(Exists(Face.objects.filter(photo=photo, person__in=ids)) for ids in search.people)
    )
    if search.terms:
        condition &= Q(_terms_condition(search, through=through, indexed=indexed))
    return condition


def _terms_condition(search: Search, *, through: str, indexed: bool) -> Q | Expression:
    if connection.vendor == "postgresql":
        vector: Func | F = F(f"{through}search_vector")
        if not search.places:
            vector = _PgTermsOnly(F(f"{through}search_text"))
        elif not indexed:
            vector = Coalesce(vector, Cast(Value(""), SearchVectorField()))
        return _PgMatches(vector, Cast(Value(_pg_query(search)), SearchQueryField()))
    if not indexed:
        return _each_row(search, through)
    found = RawSQL(
        "SELECT rowid FROM photos_search WHERE photos_search MATCH %s", [_fts5_query(search)]
    )
    if through:
        return Q(**{f"{through.removesuffix('__')}__in": Photo.objects.filter(_rowid_in(found))})
    return _rowid_in(found)


def _each_row(search: Search, through: str) -> Q:
    """The search as a check of each row's own terms, for SQLite: " seoul " among them."""
    columns = [F(f"{through}search_text")]
    if search.places:
        columns.append(F(f"{through}place_text"))
    spaced = Concat(Value(" "), *[part for column in columns for part in (column, Value(" "))])
    wanted = [f" {term} " for term in search.terms[:-1]] + [f" {search.terms[-1]}"]
    return Q(*(GreaterThan(StrIndex(spaced, Value(word)), 0) for word in wanted))


def _rowid_in(found: RawSQL) -> RawSQL:
    # The FTS5 table is keyed by the photos table's rowid, which Django does not model.
    # Only our own SQL is formatted in; the query is a parameter.
    sql = f'"photos_photo"."rowid" IN ({found.sql})'
    return RawSQL(sql, found.params, BooleanField())  # noqa: S611
