"""Photo ids on a command line: printed whole or as short prefixes, and taken back as either."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .http import ClientError, Server

WHOLE_ID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
PREFIX = re.compile(r"^[0-9a-f][0-9a-f-]{3,35}$")
SHORTEST = 8  # as git's short hashes: unique in libraries of millions, almost always


def ids_shortened(ids: list[str]) -> list[str]:
    """Each id cut to the shortest prefix (at least 8 characters) no other listed id shares."""
    length = SHORTEST
    while length < 36 and len({photo_id[:length] for photo_id in ids}) < len(set(ids)):
        length += 1
    return [photo_id[:length] for photo_id in ids]


def resolve_ids(server: Server, given: Iterable[str], *, in_trash: bool = False) -> list[str]:
    """Whole ids as they are; a prefix becomes the one photo whose id begins with it (a
    prefix that matches none, or several, stops the command before anything is done)."""
    resolved = []
    for text in given:
        wanted = text.strip().lower()
        if WHOLE_ID.match(wanted):
            resolved.append(wanted)
            continue
        if not PREFIX.match(wanted):
            raise ClientError(f"{text!r} is not a photo id (hexadecimal, at least 4 characters).")
        params = {"prefix": wanted, "trash": "true" if in_trash else "false"}
        found = server.json("GET", "/photos/ids", params=params)["ids"]
        where = "in the trash" if in_trash else "in your library"
        if not found:
            raise ClientError(f"No photo {where} has an id beginning with {text!r}.")
        if len(found) > 1:
            raise ClientError(
                f"More than one photo {where} has an id beginning with {text!r}: "
                "give more characters of it."
            )
        resolved.append(str(found[0]))
    return resolved
