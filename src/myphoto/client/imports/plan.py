"""What an import will do, whichever service the export came from: the files to send,
what the service knew about each, and the albums to put them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .archives import Entry, Problem

MEDIA_EXTENSIONS = frozenset(
    ("jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp", "heic", "heif", "avif", "tif", "tiff",
     "bmp", "mp4", "m4v", "mov", "qt", "3gp", "3g2", "avi", "mkv", "webm", "mpg", "mpeg", "mts",
     "m2ts", "wmv", "mp", "mv", "dng", "cr2", "cr3", "nef", "arw", "raf", "orf", "rw2", "pef")
)  # fmt: skip


def is_media(name: str) -> bool:
    """Worth sending by its name (the server checks the content): a photo or video's
    extension, or none at all (old uploads lost theirs)."""
    stem, dot, extension = name.rpartition(".")
    return not dot or not stem or extension.lower() in MEDIA_EXTENSIONS


@dataclass
class Meta:
    """What the service knew of a photo. `taken_at` is an instant (UTC) known to within
    `precision`; `location` is where the service put it, `file_location` where the
    service read the file's own GPS (the two differ when someone moved it there)."""

    taken_at: datetime | None = None
    precision: timedelta = timedelta(seconds=1)
    location: tuple[float, float] | None = None
    file_location: tuple[float, float] | None = None
    description: str = ""
    favorite: bool = False
    archived: bool = False
    trashed: bool = False


@dataclass
class Item:
    """One photo or video to bring over: the copy of it to send, and where it goes."""

    key: str
    entry: Entry
    meta: Meta = field(default_factory=Meta)
    sidecar: str = ""
    albums: set[str] = field(default_factory=set)
    # The original of an edited copy: kept beside it (its albums), off the timeline.
    behind: bool = False
    copies: int = 1


@dataclass(frozen=True)
class Album:
    key: str
    title: str
    description: str = ""


@dataclass
class Plan:
    items: list[Item] = field(default_factory=list)
    albums: dict[str, Album] = field(default_factory=dict)
    # A motion photo's still and its video, whose files may not say they go together.
    pairs: list[tuple[str, str]] = field(default_factory=list)
    sidecars_matched: int = 0
    without_sidecar: list[str] = field(default_factory=list)
    sidecars_alone: list[str] = field(default_factory=list)
    # Files left out on purpose (the trash, not photos): where, and why.
    left_out: list[Problem] = field(default_factory=list)
    # What could not be read or understood: damaged parts, bad JSON, unsafe paths.
    problems: list[Problem] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(item.entry.size for item in self.items)

    def drop_unused_albums(self) -> None:
        """Albums none of the files to bring are in (all in the trash, say) are not made."""
        used = {key for item in self.items for key in item.albums}
        self.albums = {key: album for key, album in self.albums.items() if key in used}

    def album_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.albums, 0)
        for item in self.items:
            for key in item.albums:
                counts[key] += 1
        return counts
