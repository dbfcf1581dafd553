"""Photo ids on a command line: printed whole or as short prefixes, and taken back as either."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from .http import ClientError, Server
from .speech import gettext

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
            resolved.append(str(uuid.UUID(wanted)))  # with its dashes, as the API's paths take
            continue
        if not PREFIX.match(wanted):
            raise ClientError(
                gettext("“%(text)s” is not a photo id (hexadecimal, at least 4 characters).")
                % {"text": text}
            )
        params = {"prefix": wanted, "trash": "true" if in_trash else "false"}
        found = server.json("GET", "/photos/ids", params=params)["ids"]
        if not found:
            if in_trash:
                none = gettext("No photo in the trash has an id beginning with “%(text)s”.")
            else:
                none = gettext("No photo in your library has an id beginning with “%(text)s”.")
            raise ClientError(none % {"text": text})
        if len(found) > 1:
            if in_trash:
                many = gettext(
                    "More than one photo in the trash has an id beginning with “%(text)s”: "
                    "give more characters of it."
                )
            else:
                many = gettext(
                    "More than one photo in your library has an id beginning with “%(text)s”: "
                    "give more characters of it."
                )
            raise ClientError(many % {"text": text})
        resolved.append(str(found[0]))
    return resolved
