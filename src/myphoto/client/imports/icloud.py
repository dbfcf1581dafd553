"""An iCloud Photos export ("Download a copy of your data"): `iCloud Photos Part N of M`
zips or folders, each with `Photos/` (the files and `Photo Details*.csv`: checksum,
favorite, hidden, deleted, original creation date), `Albums/*.csv` and `Memories/*.csv`
(the names of their photos)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from ..speech import gettext
from .archives import Entry, EntryDamaged, Part, Problem
from .plan import Album, Item, Meta, Plan, is_media

MAX_CSV_BYTES = 64 * 1024 * 1024
# "Saturday January 15,2022 7:31 PM GMT": to the minute.
DATE_FORMATS = ("%A %B %d,%Y %I:%M %p GMT", "%A %B %d, %Y %I:%M %p GMT")
MINUTE = timedelta(minutes=1)


def plan_icloud(
    parts: Iterable[Part], *, include_trashed: bool = False, album_prefix: str = ""
) -> Plan:
    plan = Plan()
    media: dict[str, Entry] = {}
    details: dict[str, Meta] = {}
    albums: dict[str, tuple[str, list[str]]] = {}
    for part in parts:
        for entry, reader in part.walk(_is_csv):
            folder = entry.folder.rpartition("/")[2].casefold()
            if reader is not None:
                try:
                    rows = _rows(reader.read())
                except (EntryDamaged, csv.Error, UnicodeDecodeError) as err:
                    plan.problems.append(Problem(entry.where, str(err)))
                    continue
                title = entry.name[: -len(".csv")]
                if entry.name.casefold().startswith("photo details"):
                    _read_details(rows, details, plan, entry.where)
                elif folder in ("albums", "memories"):
                    key = f"icloud:{folder}/{title}"
                    names = albums.setdefault(key, (title, []))[1]
                    names.extend(_nfc(row.get("Images", "")) for row in rows)
                continue
            if entry.name.casefold().endswith(".csv") or not is_media(entry.name):
                plan.left_out.append(Problem(entry.where, gettext("not a photo or video")))
                continue
            media.setdefault(entry.name, entry)
        plan.problems.extend(part.problems)
    members: dict[str, set[str]] = {}
    for key, (title, names) in albums.items():
        plan.albums[key] = Album(key, album_prefix + title)
        for name in names:
            if name in media:
                members.setdefault(name, set()).add(key)
    for name, entry in media.items():
        meta = details.get(name)
        if meta is None:
            plan.without_sidecar.append(entry.where)
        else:
            plan.sidecars_matched += 1
        item = Item(
            key=f"icloud:{name}|{entry.size}",
            entry=entry,
            meta=meta or Meta(),
            sidecar="Photo Details" if meta else "",
            albums=members.get(name, set()),
        )
        if item.meta.trashed and not include_trashed:
            plan.left_out.append(
                Problem(entry.where, gettext("recently deleted (--include-trashed)"))
            )
            continue
        plan.items.append(item)
    plan.sidecars_alone = sorted(set(details) - set(media))
    plan.drop_unused_albums()
    return plan


def _is_csv(entry: Entry) -> bool:
    return entry.name.casefold().endswith(".csv") and entry.size <= MAX_CSV_BYTES


def _rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _read_details(
    rows: list[dict[str, str]], into: dict[str, Meta], plan: Plan, where: str
) -> None:
    for number, row in enumerate(rows, start=2):
        name = _nfc(row.get("imgName", ""))
        if not name:
            plan.problems.append(Problem(f"{where}, line {number}", gettext("no imgName")))
            continue
        into[name] = Meta(
            taken_at=_date(row.get("originalCreationDate", "")),
            precision=MINUTE,
            favorite=_yes(row.get("favorite")),
            archived=_yes(row.get("hidden")),
            trashed=_yes(row.get("deleted")),
        )


def _date(text: str) -> datetime | None:
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _yes(value: str | None) -> bool:
    return (value or "").strip().casefold() in ("yes", "true", "1")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())
