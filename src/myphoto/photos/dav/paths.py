"""A path under /dav/ as names, or why it cannot be one."""

from __future__ import annotations

from django.utils.translation import gettext

MAX_PATH = 1024  # characters, the whole path
MAX_NAME = 255  # characters, one name (what file systems allow)


class BadPath(ValueError):
    pass


def dav_path(raw: str) -> tuple[str, ...]:
    """The names of `raw` ("/DCIM/Camera/a.jpg" → ("DCIM", "Camera", "a.jpg")); the root
    is (). Raises BadPath for `..`, `.`, NUL or other control characters, and lengths no
    file system would take."""
    if len(raw) > MAX_PATH:
        raise BadPath(gettext("The path is longer than %(most)d characters.") % {"most": MAX_PATH})
    names = tuple(name for name in raw.split("/") if name)
    for name in names:
        if name in (".", ".."):
            raise BadPath(gettext("A path may not climb with “..” or “.”."))
        if any(ord(character) < 32 or ord(character) == 127 for character in name):
            raise BadPath(gettext("A name may not hold control characters."))
        if len(name) > MAX_NAME:
            raise BadPath(
                gettext("A name is longer than %(most)d characters.") % {"most": MAX_NAME}
            )
    return names
