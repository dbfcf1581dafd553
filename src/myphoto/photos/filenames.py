"""User file names are display text: clean them, and make safe header and zip names."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote

MAX_NAME_LENGTH = 255
# Bidirectional overrides let "gpj.exe" display as "exe.jpg": never keep them.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()\[\]+,=@&#!-]+")


def display_name(name: str | None, *, default_extension: str = "jpg") -> str:
    """Return `name` as a safe display file name: no folders, controls or odd forms."""
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


def ascii_fallback(name: str) -> str:
    """Return an ASCII stand-in for `name`, for clients that ignore filename*."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem, ext = posixpath.splitext(ascii_only)
    stem = _FALLBACK_UNSAFE.sub("_", stem).strip(" _.-")
    ext = _FALLBACK_UNSAFE.sub("", ext)
    return (stem or "photo") + ext


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """Return a Content-Disposition value with an ASCII fallback and an RFC 5987 name."""
    kind = "attachment" if attachment else "inline"
    name = display_name(name)
    fallback = ascii_fallback(name)
    if fallback == name:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class UniqueNames:
    """Hand out names unique within one archive: a.jpg, a (2).jpg, a (3).jpg.

    Comparison ignores case, since Windows and macOS would overwrite A.jpg
    with a.jpg when the zip is extracted.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, name: str) -> str:
        stem, ext = posixpath.splitext(name)
        candidate, number = name, 1
        while posixpath.join(folder, candidate).casefold() in self._taken:
            number += 1
            candidate = f"{stem} ({number}){ext}"
        path = posixpath.join(folder, candidate)
        self._taken.add(path.casefold())
        return path
