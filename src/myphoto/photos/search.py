"""Finding photos by words: the terms a photo is found by, and what a query asks for.

A photo's terms are kept on its row, normalised the same way as a query's words:
`search_text` (its file name, camera, year, month and month's name, in the library's
time zone) and `place_text` (city, state, country and country code), apart so that a
share link that hides places is not searched by them. Each query word must be one of
the photo's terms (`sao paulo` finds "São Paulo"), the last one only the start of one,
as it is being typed (`oct` finds October). Whole words let the index find them without
reading every photo that has a word beginning so (at a million photos, the 500,000 of
"iphone" for "seoul iphone 2023" took 30 ms). PostgreSQL finds them with a GIN index
over the terms as a tsvector (`PG_VECTOR`), SQLite with an FTS5 table that triggers
keep in step (`sqlite_search`); the query itself is `selectors.search`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.postgres.search import SearchVectorField
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext

from .placenames import PlaceName

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# More words than anyone types narrow nothing further, and each costs an index lookup.
MAX_WORDS = 10
# A word is cut to this many bytes (UTF-8), in the terms and in queries alike: PostgreSQL
# indexes words of up to 2,047, and folding can make one of a file name's characters
# eighteen (171 × "㌀" are 2,052 bytes once folded). Nobody types more of one word.
MAX_WORD_BYTES = 200
# `2023-10` and `2023-1` are one term, a month: never "2023" and "10".
_MONTH_WORD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?!\d)")


class InvalidSearch(ValueError):
    """The query cannot be searched for (too many words)."""


def normalised(text: str) -> str:
    """Case and accents folded away, in any script: "São Paulo" -> "sao paulo".

    Accents come apart (NFKD) and go; what is left is composed again (NFC), which puts
    Korean syllables back together after their letters were taken apart.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def _kind(char: str) -> str:
    """ "w" for a letter or digit, "s" for a symbol (emoji), "" for what separates words."""
    category = unicodedata.category(char)
    if category[0] in "LN" or category in ("Mc", "Me"):
        return "w"
    if category[0] == "S" or char == "\u200d":  # the joiner inside emoji like 👨‍👩‍👧
        return "s"
    return ""


def words(text: str) -> list[str]:
    """The words of a text, normalised: runs of letters and digits, and runs of emoji.

    "IMG_2023 🌸벚꽃.jpg" -> ["img", "2023", "🌸", "벚꽃", "jpg"].
    """
    found: list[str] = []
    current: list[str] = []
    current_kind = ""
    for char in normalised(text):
        kind = _kind(char)
        if kind != current_kind and current:
            found.append("".join(current))
            current = []
        current_kind = kind
        if kind:
            current.append(char)
    if current:
        found.append("".join(current))
    return [_cut(word) for word in found]


def _cut(word: str) -> str:
    if len(word) * 4 <= MAX_WORD_BYTES:
        return word  # short enough whatever its characters
    return word.encode()[:MAX_WORD_BYTES].decode(errors="ignore")


def _joined(terms: list[str]) -> str:
    return " ".join(dict.fromkeys(term for term in terms if term))


def photo_terms(*, name: str, camera: str | None, taken_at: datetime, description: str = "") -> str:
    """What a photo is found by, apart from its place: "img 2023 jpg apple iphone 2023-10
    october" (the month in the library's time zone), and the words of its description."""
    local = timezone.localtime(taken_at)
    dates = [f"{local.year:04d}", f"{local.year:04d}-{local.month:02d}", MONTHS[local.month - 1]]
    return _joined([*words(name), *words(camera or ""), *dates, *words(description)])


def place_terms(place: PlaceName | None) -> str:
    """What a photo is found by from its place: "arezzo tuscany italy it"."""
    if place is None:
        return ""
    return _joined(words(f"{place.city} {place.state} {place.country} {place.country_code}"))


@dataclass(frozen=True)
class Search:
    """What `q` asks for: every term must be one of a photo's terms, the last the start
    of one."""

    terms: tuple[str, ...]
    # False where places must not be shown (a share link that hides them): then a place
    # finds nothing, as if the photo had none.
    places: bool = True
    # People who must be in the photo, each as the ids of any of the owner's people of that
    # name (`selectors.people.people_named_in`); never for a share link.
    people: tuple[tuple[UUID, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.people)


def parse(q: str | None, *, places: bool = True) -> Search:
    """The search a query asks for (empty for a blank one); InvalidSearch for too many
    words, or for a query with none (punctuation alone finds nothing, not everything)."""
    text = (q or "").strip()
    found, after = [], 0
    for month in _MONTH_WORD.finditer(text):
        found += [*words(text[after : month.start()]), f"{month[1]}-{int(month[2]):02d}"]
        after = month.end()
    found += words(text[after:])
    # Repeated words once, the last one typed last (it is the one that may be cut short).
    terms = tuple(reversed(dict.fromkeys(reversed(found))))
    if len(terms) > MAX_WORDS:
        raise InvalidSearch(
            gettext("Search for at most %(count)d words at a time.") % {"count": MAX_WORDS}
        )
    if text and not terms:
        raise InvalidSearch(
            gettext("“%(text)s” has no words to search for: letters, digits or emoji.")
            % {"text": text}
        )
    return Search(terms, places)


# The terms as PostgreSQL indexes them: the generated column `Photo.search_vector`, in a
# GIN index. Lexemes as they are (the words were folded when the terms were written).
PG_VECTOR = "array_to_tsvector(array_remove(string_to_array({terms} || ' ' || {place}, ' '), ''))"


class TermsVector(Func):
    """PG_VECTOR over (search_text, place_text); nothing on other databases, which keep
    their own index (`sqlite_search`)."""

    output_field = SearchVectorField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        return "NULL", []

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        (terms, terms_params), (place, place_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return PG_VECTOR.format(terms=terms, place=place), [*terms_params, *place_params]
