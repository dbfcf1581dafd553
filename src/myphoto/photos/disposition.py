"""Content-Disposition headers that carry any file name intact, with an ASCII fallback."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote

from ..common.filenames import display_name

_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()\[\]+,=@&#!-]+")


def ascii_fallback(name: str) -> str:
    """Return an ASCII stand-in for `name`, for clients that ignore filename*."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem, ext = posixpath.splitext(ascii_only)
    stem = _FALLBACK_UNSAFE.sub("_", stem).strip(" _.-")
    ext = _FALLBACK_UNSAFE.sub("", ext)
    return (stem or "photo") + ext


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """Return a Content-Disposition value with an ASCII fallback and an RFC 5987 name.

    Django's `content_disposition_header` gives `filename*` alone for non-ASCII
    names, which some clients ignore.
    """
    kind = "attachment" if attachment else "inline"
    name = display_name(name)
    fallback = ascii_fallback(name)
    if fallback == name:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
