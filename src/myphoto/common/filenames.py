"""File names from users are display text: clean them, and number them where they meet."""

from __future__ import annotations

import posixpath
import unicodedata

from .formats import EXTENSIONS

MAX_NAME_LENGTH = 255
# Bidirectional overrides let "gpj.exe" display as "exe.jpg": never keep them.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def display_name(name: str | None, *, default_extension: str = "jpg") -> str:
    """Return `name` as a safe file name: no folders, controls, bidi tricks or odd forms.

    Safe to show, to put in a zip, and to create in a folder of one's own.
    """
    name = unicodedata.normalize("NFC", name or "")
    # Browsers and tools send "C:\\dir\\a.jpg" or "dir/a.jpg": keep the last part.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS
    )
    name = name.strip().strip(".").strip()
    if not name:
        name = f"photo.{default_extension}"
    return _truncate(name, MAX_NAME_LENGTH)


def _truncate(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, ext = posixpath.splitext(name)
    if len(ext) > 16:
        stem, ext = name, ""
    return stem[: limit - len(ext)] + ext


# Characters Windows refuses in names, and names it keeps for devices (with any extension).
_WINDOWS_FORBIDDEN = dict.fromkeys(map(ord, '<>:"/\\|?*'), "_")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
}


def portable_name(name: str) -> str:
    """`name` as a file name every system can create: Windows' rules are the strictest.

    Forbidden characters become `_`, trailing dots and spaces go, and a device
    name (`CON`, `nul.txt`, `COM1.jpg`) gets a `_` in front. Still readable:
    nothing else changes.
    """
    name = display_name(name).translate(_WINDOWS_FORBIDDEN).rstrip(" .")
    if name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name or "photo"


def with_extension(name: str, content_type: str) -> str:
    """`name` with an extension that says what the file is (`evil.html` PNG → `evil.png`)."""
    known = EXTENSIONS.get(content_type)
    if not known:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.lower() in known:
        return name
    return f"{stem if dot and stem else name}.{known[0]}"


class UniqueNames:
    """Hand out names unique within one folder tree: a.jpg, a (2).jpg, a (3).jpg.

    Comparison ignores case, since Windows and macOS would overwrite A.jpg
    with a.jpg (when a zip is extracted, or a library mirrored).
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, name: str) -> str:
        """Return `folder/name`, numbered if that path is taken already."""
        stem, ext = posixpath.splitext(name)
        candidate, number = name, 1
        while posixpath.join(folder, candidate).casefold() in self._taken:
            number += 1
            candidate = f"{stem} ({number}){ext}"
        path = posixpath.join(folder, candidate)
        self._taken.add(path.casefold())
        return path
