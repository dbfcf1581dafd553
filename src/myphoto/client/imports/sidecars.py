"""Google Takeout's JSON: which sidecar goes with which file, and what it says.

A file `NAME` has its facts in `NAME.supplemental-metadata.json` (newer exports) or
`NAME.json` (older), the name before `.json` cut to fit 46 to 51 characters in all;
a copy `IMG(1).JPG` has `IMG.JPG(1).json` or `IMG.JPG.supplemental-metadata(1).json`;
an edited copy (`IMG-edited.JPG`, in the account's language) shares its original's.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .plan import Meta

SUPPLEMENTAL = ".supplemental-metadata"
# The shortest a cut sidecar name gets before `.json` (46 characters in all, less 5).
SHORTEST_CUT = 41
MAX_SIDECAR_BYTES = 1024 * 1024

# "-edited" as Google Photos writes it in the languages it is used in most.
EDITED_SUFFIXES = tuple(
    unicodedata.normalize("NFC", suffix)
    for suffix in (
        "-edited", "-modifié", "-bearbeitet", "-editado", "-modificato", "-bewerkt",
        "-edytowany", "-redigeret", "-redigert", "-redigerad", "-muokattu", "-upraveno",
        "-upravené", "-szerkesztett", "-düzenlendi", "-изменено", "-редагована",
        "-편집됨", "-編集済み", "-已编辑", "-已編輯", "-diedit", "-đã chỉnh sửa",
    )
)  # fmt: skip
_COPY = re.compile(r"^(?P<stem>.*?)\((?P<n>\d+)\)$")


@dataclass(frozen=True)
class Sidecar:
    """A JSON file of a folder: its name without `.json` and copy number, and its facts
    (`meta`), or the album's own metadata (`album`), or why it could not be read."""

    name: str
    stem: str
    copy: str
    title: str = ""
    meta: Meta | None = None
    album: dict[str, Any] | None = None
    error: str = ""


def split_copy(name: str) -> tuple[str, str]:
    """`IMG(1).JPG` → (`IMG.JPG`, `(1)`); `IMG.JPG` → (`IMG.JPG`, ``)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    found = _COPY.match(stem)
    if not found:
        return name, ""
    base = found["stem"] + (f".{extension}" if dot else "")
    return base, f"({found['n']})"


def unedited(name: str) -> str | None:
    """The original's name of an edited copy (`IMG-edited.JPG` → `IMG.JPG`), else None."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem = name
    for suffix in EDITED_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)] + (f".{extension}" if dot else "")
    return None


def sidecar_of(name: str, sidecars: list[Sidecar]) -> Sidecar | None:
    """The sidecar of the file called `name` among a folder's, by Google's naming rules."""
    base, copy = split_copy(name)
    whole = base + SUPPLEMENTAL
    without_extension = base.rpartition(".")[0] or base
    best: tuple[tuple[bool, bool, int], Sidecar] | None = None
    for sidecar in sidecars:
        if sidecar.meta is None:
            continue
        stem = sidecar.stem
        fits = (whole.startswith(stem) and len(stem) >= min(len(base), SHORTEST_CUT)) or (
            stem == without_extension
        )
        # Two long names cut to the same characters are told apart by a copy number of
        # Google's own (`….json`, `…(1).json`): then the sidecar's title says whose it is.
        titled = sidecar.title == name
        if not fits or (sidecar.copy != copy and not titled):
            continue
        rank = (titled, sidecar.copy == copy, len(stem))
        if best is None or rank > best[0]:
            best = rank, sidecar
    if best is None:
        return next((s for s in sidecars if s.meta is not None and s.title == name), None)
    return best[1]


def read_json(name: str, body: bytes) -> Sidecar:
    """A folder's JSON file: a photo's sidecar, or the album's metadata."""
    stem, copy = split_copy(name[: -len(".json")])
    if not copy:
        found = _COPY.match(stem)
        if found:  # `IMG.JPG(1)`, `IMG.JPG.supplemental-metadata(1)`
            stem, copy = found["stem"], f"({found['n']})"
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        return Sidecar(name, stem, copy, error=f"not JSON ({_first_line(err)})")
    if not isinstance(document, dict):
        return Sidecar(name, stem, copy, error="not a JSON object")
    if is_album_metadata(document):
        return Sidecar(name, stem, copy, album=document)
    title = document.get("title")
    title = unicodedata.normalize("NFC", title) if isinstance(title, str) else ""
    return Sidecar(name, stem, copy, title, facts(document))


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0]


def is_album_metadata(document: dict[str, Any]) -> bool:
    """An album's `metadata.json` (named in the account's language): a title, no photo."""
    photo_keys = ("photoTakenTime", "creationTime", "imageViews", "url", "geoData")
    return "title" in document and not any(key in document for key in photo_keys)


def facts(document: dict[str, Any]) -> Meta:
    """What a sidecar says; a field of an unexpected type is as if absent."""
    return Meta(
        taken_at=_instant(document.get("photoTakenTime")),
        location=_point(document.get("geoData")) or _point(document.get("geoDataExif")),
        file_location=_point(document.get("geoDataExif")),
        description=_text(document.get("description")),
        favorite=_flag(document.get("favorited")),
        archived=_flag(document.get("archived")),
        trashed=_flag(document.get("trashed")),
    )


def _instant(value: object) -> datetime | None:
    if not isinstance(value, dict):
        return None
    stamp = value.get("timestamp")
    if isinstance(stamp, str) and stamp.strip().lstrip("-").isdigit():
        stamp = int(stamp)
    if not isinstance(stamp, int) or isinstance(stamp, bool) or stamp <= 0:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _point(value: object) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    lat, lon = value.get("latitude"), value.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    lat, lon = float(lat), float(lon)  # type: ignore[arg-type]
    if not (math.isfinite(lat) and math.isfinite(lon)) or (lat == 0 and lon == 0):
        return None  # 0, 0: Google's "no place"
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def _text(value: object) -> str:
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
