"""Google Takeout: what its folders mean, in the languages Google writes them in.

`Takeout/Google Photos/` holds year folders (`Photos from 2019`) with every photo, and an
album's folder (its title in a `metadata.json` named in the account's language) with
copies of its photos; one photo may sit in several folders and parts. Special folders
(the trash, the archive, videos Google could not process) are known by their names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..speech import gettext
from .archives import Entry, EntryDamaged, Part, Problem
from .plan import Album, Item, Meta, Plan, is_media
from .sidecars import MAX_SIDECAR_BYTES, Sidecar, read_json, sidecar_of, unedited


def _names(*names: str) -> frozenset[str]:
    return frozenset(unicodedata.normalize("NFC", name).casefold() for name in names)


ROOTS = _names(
    "Google Photos", "Google Fotos", "Google Foto", "Google Zdjęcia", "Google Фото",
    "Google 포토", "Google フォト", "Google 相册", "Google 相簿",
)  # fmt: skip
TRASH = _names(
    "Trash", "Bin", "Corbeille", "Papierkorb", "Papelera", "Cestino", "Lixeira", "Prullenbak",
    "Kosz", "Papperskorgen", "Papirkurv", "Roskakori", "Koš", "Корзина", "Кошик", "휴지통",
    "ゴミ箱", "回收站", "垃圾桶",
)  # fmt: skip
ARCHIVE = _names(
    "Archive", "Archives", "Archiv", "Archivo", "Archivio", "Arquivo", "Archief", "Archiwum",
    "Arkiv", "Arkisto", "Архив", "Архів", "보관함", "アーカイブ", "归档", "封存",
)  # fmt: skip
FAILED_VIDEOS = _names(
    "Failed Videos", "Vidéos en échec", "Fehlgeschlagene Videos", "Vídeos fallidos",
    "Video non riusciti", "Vídeos com falha", "Mislukte video's", "Nieudane filmy",
    "Неудачные видео", "실패한 동영상", "失敗した動画", "失败的视频",
)  # fmt: skip
# Words around the year of a year folder: "Photos from 2019", "2019년 사진"...
YEAR_WORDS = _names(
    "Photos from", "Photos de", "Fotos von", "Fotos de", "Fotos do", "Foto del", "Foto's uit",
    "Zdjęcia z", "Фото за", "Фотографии за", "Fotky z", "Bilder från", "Billeder fra",
    "Bilder fra", "Kuvat vuodelta", "년 사진", "년의 사진", "年の写真", "年的照片", "年的相片",
)  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")


@dataclass(frozen=True)
class Folder:
    """What a folder is: a year's, an album, the trash, the archive, or failed videos."""

    role: str
    title: str = ""
    description: str = ""


def folder_role(name: str, album: dict[str, object] | None) -> Folder:
    title = album.get("title") if album else None
    if isinstance(title, str) and title.strip():
        description = album.get("description") if album else ""
        return Folder("album", title.strip(), description if isinstance(description, str) else "")
    folded = unicodedata.normalize("NFC", name).casefold()
    if folded in TRASH:
        return Folder("trash")
    if folded in ARCHIVE:
        return Folder("archive")
    if folded in FAILED_VIDEOS:
        return Folder("failed")
    if _YEAR.search(folded) and (
        _YEAR.fullmatch(folded.strip()) or any(words in folded for words in YEAR_WORDS)
    ):
        return Folder("year")
    # An album whose title was left empty ("Untitled(2)", "Sans titre(1)"), or an
    # export from before album metadata: the folder's name is all there is.
    return Folder("album", name)


def relative(path: str) -> str:
    """The path under `Takeout/Google Photos/` (in the account's language)."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if part.casefold() in ROOTS:
            return "/".join(parts[index + 1 :])
    if len(parts) > 1 and parts[0].casefold() == "takeout":
        return "/".join(parts[1:])
    return path


def plan_google(
    parts: Iterable[Part], *, include_trashed: bool = False, album_prefix: str = ""
) -> Plan:
    """Read every part's listing and sidecars (no photo is read), and plan the import."""
    plan = Plan()
    media: list[tuple[str, Entry]] = []
    folders: dict[str, list[Sidecar]] = defaultdict(list)
    for part in parts:
        for entry, reader in part.walk(_is_sidecar):
            rel = relative(entry.path)
            folder = rel.rpartition("/")[0]
            if reader is not None:
                try:
                    folders[folder].append(read_json(entry.name, reader.read()))
                except EntryDamaged as err:
                    plan.problems.append(Problem(entry.where, str(err)))
            elif entry.name.lower().endswith(".json"):
                plan.problems.append(
                    Problem(entry.where, gettext("too big to be a sidecar, not read"))
                )
            elif is_media(entry.name):
                media.append((rel, entry))
            else:
                plan.left_out.append(Problem(entry.where, gettext("not a photo or video")))
        plan.problems.extend(part.problems)
    roles = {folder: _role(folder, sidecars) for folder, sidecars in folders.items()}
    _build(plan, media, folders, roles, include_trashed, album_prefix)
    return plan


def _is_sidecar(entry: Entry) -> bool:
    return entry.name.lower().endswith(".json") and entry.size <= MAX_SIDECAR_BYTES


def _role(folder: str, sidecars: list[Sidecar]) -> Folder:
    album = next((s.album for s in sidecars if s.album is not None), None)
    return folder_role(folder.rpartition("/")[2], album)


def _build(
    plan: Plan,
    media: list[tuple[str, Entry]],
    folders: dict[str, list[Sidecar]],
    roles: dict[str, Folder],
    include_trashed: bool,
    album_prefix: str,
) -> None:
    items: dict[tuple[object, ...], Item] = {}
    used: set[tuple[str, str]] = set()
    names = {(rel.rpartition("/")[0], entry.name) for rel, entry in media}
    edited_of: list[tuple[Item, tuple[str, str]]] = []
    by_place: dict[tuple[str, str], Item] = {}
    for rel, entry in sorted(media, key=lambda pair: pair[0]):
        folder = rel.rpartition("/")[0]
        role = roles.get(folder) or folder_role(folder.rpartition("/")[2], None)
        sidecars = folders.get(folder, [])
        original = unedited(entry.name)
        sidecar = sidecar_of(entry.name, sidecars) or (
            sidecar_of(original, sidecars) if original else None
        )
        identity: tuple[object, ...] = (
            (entry.name, entry.size, entry.crc) if entry.crc is not None else (rel, entry.size)
        )
        item = items.get(identity)
        if item is None:
            key = (
                f"google:{entry.name}|{entry.crc:08x}|{entry.size}"
                if entry.crc is not None
                else f"google:{rel}|{entry.size}"
            )
            item = items[identity] = Item(key=key, entry=entry)
        else:
            item.copies += 1
        by_place[(folder, entry.name)] = item
        if sidecar is not None and sidecar.meta is not None:
            used.add((folder, sidecar.name))
            if not item.sidecar:
                item.sidecar, item.meta = sidecar.name, replace(sidecar.meta)
        if role.role == "album":
            album_key = f"google:{folder}"
            title = album_prefix + role.title
            plan.albums.setdefault(album_key, Album(album_key, title, role.description))
            item.albums.add(album_key)
        elif role.role == "trash":
            item.meta.trashed = True
        elif role.role == "archive":
            item.meta.archived = True
        if original and (folder, original) in names:
            edited_of.append((item, (folder, original)))
    for edited, place in edited_of:
        original_item = by_place[place]
        if original_item is not edited:
            original_item.behind = True
            original_item.albums |= edited.albums
            if not edited.sidecar:
                edited.meta, edited.sidecar = replace(original_item.meta), original_item.sidecar
    for item in items.values():
        if not item.sidecar:
            plan.without_sidecar.append(item.entry.where)
        if item.meta.trashed and not include_trashed:
            plan.left_out.append(
                Problem(item.entry.where, gettext("in the trash (--include-trashed)"))
            )
            continue
        plan.items.append(item)
    plan.pairs = _motion_pairs(by_place, {item.key for item in plan.items})
    plan.sidecars_matched = len(used)
    for folder, sidecars in folders.items():
        for sidecar in sidecars:
            if sidecar.error:
                plan.problems.append(Problem(f"{folder}/{sidecar.name}", sidecar.error))
            elif sidecar.meta is not None and (folder, sidecar.name) not in used:
                plan.sidecars_alone.append(f"{folder}/{sidecar.name}".lstrip("/"))
    plan.drop_unused_albums()


STILLS = ("jpg", "jpeg", "heic", "heif")
MOTIONS = ("mp", "mv", "mp4", "mov")


def _motion_pairs(by_place: dict[tuple[str, str], Item], kept: set[str]) -> list[tuple[str, str]]:
    """Stills and videos of one shot, by name in one folder: a Pixel's `X.MP.jpg` with
    `X.MP` (or `X.MP.mp4`), an iPhone's `IMG_1234.HEIC` with `IMG_1234.MOV`."""
    stills: dict[tuple[str, str], Item] = {}
    for (folder, name), item in by_place.items():
        stem, _, extension = name.rpartition(".")
        if stem and extension.lower() in STILLS:
            stills[(folder, stem.casefold())] = item
    pairs = []
    for (folder, name), video in by_place.items():
        stem, _, extension = name.rpartition(".")
        if not stem or extension.lower() not in MOTIONS:
            continue
        if extension.lower() == "mp4" and stem.rpartition(".")[2].lower() in ("mp", "mv"):
            still = stills.get((folder, stem.casefold()))  # X.MP.mp4 goes with X.MP.jpg
        else:
            still = stills.get((folder, name.casefold())) or stills.get((folder, stem.casefold()))
        if still is not None and {still.key, video.key} <= kept:
            pairs.append((still.key, video.key))
    return sorted(set(pairs))


__all__ = ["Folder", "Meta", "folder_role", "plan_google", "relative"]
