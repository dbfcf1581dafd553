"""PROPFIND of an upload folder, written straight from one query.

A backup app lists the folder it backs up into before every run, and that folder holds
every photo it ever sent: wsgidav builds an XML tree of objects for each (10,000 files
took 3.7 s); this writes the same multistatus as text from one query's rows. It answers
Depth 0 and 1 of the uploads and of a month of the Library view, for the live
properties clients ask (names, sizes, types, times, ETags), unknown ones as 404;
anything else (the Library's years and months, quota properties, `propname`, a folder
with a lock in it) is wsgidav's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree
from django.http import HttpRequest, HttpResponse

from ..models import DavEntry, User
from ..selectors.dav import library_month_rows, library_months
from ..services.dav import LIBRARY

_DAV = "{DAV:}"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SUPPORTED_LOCK = (
    "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/>"
    "</D:locktype></D:lockentry><D:lockentry><D:lockscope><D:shared/></D:lockscope>"
    "<D:locktype><D:write/></D:locktype></D:lockentry>"
)
# What this answers; asked for anything else of DAV: (quota, ...), wsgidav answers.
KNOWN = {
    "resourcetype",
    "displayname",
    "getcontentlength",
    "getcontenttype",
    "getetag",
    "getlastmodified",
    "creationdate",
    "lockdiscovery",
    "supportedlock",
}
_ALL = sorted(KNOWN)


class NotHere(Exception):
    """wsgidav's to answer."""


def _http_date(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return (
        f"{_DAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT"
    )


def _asked(body: bytes) -> tuple[list[str], list[str]]:
    """The DAV: properties asked for that this answers, and the others (as Clark names)."""
    if not body.strip():
        return _ALL, []
    root = ElementTree.fromstring(body)
    if root.tag != f"{_DAV}propfind":
        raise NotHere
    for child in root:
        if child.tag == f"{_DAV}allprop":
            return _ALL, []
        if child.tag == f"{_DAV}prop":
            ours = [c.tag[len(_DAV) :] for c in child if c.tag[len(_DAV) :] in KNOWN]
            others = [c.tag for c in child if c.tag[len(_DAV) :] not in KNOWN]
            if any(name.startswith(_DAV) for name in others):
                raise NotHere  # quota and other live properties of DAV:
            return ours, others
    raise NotHere


def _unknown(names: Sequence[str]) -> str:
    if not names:
        return ""
    props = []
    for clark in names:
        namespace, _, local = clark[1:].partition("}") if clark.startswith("{") else ("", "", clark)
        props.append(f"<x:{local} xmlns:x={quoteattr(namespace)}/>" if namespace else f"<{local}/>")
    return (
        f"<D:propstat><D:prop>{''.join(props)}</D:prop>"
        "<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>"
    )


def _response(href: str, values: dict[str, str], asked: Sequence[str], missing: str) -> str:
    props = "".join(
        f"<D:{name}>{values[name]}</D:{name}>" if values.get(name) else f"<D:{name}/>"
        for name in asked
        if name in values
    )
    return (
        f"<D:response><D:href>{href}</D:href><D:propstat><D:prop>{props}</D:prop>"
        f"<D:status>HTTP/1.1 200 OK</D:status></D:propstat>{missing}</D:response>\n"
    )


def _folder_values(name: str, modified: datetime | None) -> dict[str, str]:
    values = {
        "resourcetype": "<D:collection/>",
        "displayname": escape(name),
        "lockdiscovery": "",
        "supportedlock": _SUPPORTED_LOCK,
    }
    if modified is not None:
        values["getlastmodified"] = _http_date(modified)
        values["creationdate"] = modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return values


def _file_values(row: tuple[Any, ...]) -> dict[str, str]:
    name, _photo, size, modified, content_type, sha256 = row
    return {
        "resourcetype": "",
        "displayname": escape(name),
        "getcontentlength": str(size),
        "getcontenttype": escape(content_type),
        "getetag": f'"{sha256[:32]}"',
        "getlastmodified": _http_date(modified),
        "creationdate": modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lockdiscovery": "",
        "supportedlock": _SUPPORTED_LOCK,
    }


_FIELDS = ("name", "photo_id", "size", "modified_at", "photo__content_type", "photo__sha256")


def _rows(owner: User, parent: str) -> Iterator[tuple[Any, ...]]:
    return (
        DavEntry.objects.filter(owner=owner, parent=parent)
        .order_by("name")
        .values_list(*_FIELDS)
        .iterator(chunk_size=2000)
    )


def propfind(
    request: HttpRequest, owner: User, names: tuple[str, ...], *, mount: str, locked: bool
) -> HttpResponse:
    """The multistatus of `names` (Depth 0 or 1). Raises NotHere for wsgidav's cases."""
    depth = request.headers.get("Depth", "1")
    month = _library_month(names)
    if locked or depth not in ("0", "1") or (names and names[0] == LIBRARY and not month):
        raise NotHere
    try:
        asked, others = _asked(request.body)
    except (ElementTree.ParseError, ValueError) as err:
        raise NotHere from err
    missing = _unknown(others)
    joined = "/".join(names)
    href = quote(f"{mount}/{joined}")
    parts = ['<?xml version="1.0" encoding="utf-8" ?>\n<D:multistatus xmlns:D="DAV:">\n']
    if month:
        year, number = month
        if number not in library_months(owner=owner, year=year):
            raise NotHere  # wsgidav's 404
        parts.append(_response(f"{href}/", _folder_values(names[-1], None), asked, missing))
        if depth == "1":
            for row in library_month_rows(owner=owner, year=year, month=number):
                parts.append(
                    _response(
                        quote(f"{mount}/{joined}/{row[0]}"), _file_values(row), asked, missing
                    )
                )
        return _multistatus(parts)
    if names:
        entry = DavEntry.objects.filter(**DavEntry.at(owner, names)).values_list(*_FIELDS).first()
        if entry is None:
            return HttpResponse(status=404)
        if entry[1] is not None:  # a file
            parts.append(_response(href, _file_values(entry), asked, missing))
            return _multistatus(parts)
        parts.append(_response(f"{href}/", _folder_values(names[-1], entry[3]), asked, missing))
    else:
        parts.append(_response(f"{href.rstrip('/')}/", _folder_values("", None), asked, missing))
        if depth == "1":
            library = _folder_values(LIBRARY, None)
            parts.append(_response(quote(f"{mount}/{LIBRARY}/"), library, asked, missing))
    if depth == "1":
        base = f"{mount}/{joined}/" if joined else f"{mount}/"
        for row in _rows(owner, joined):
            child = quote(base + row[0])
            if row[1] is None:
                parts.append(_response(f"{child}/", _folder_values(row[0], row[3]), asked, missing))
            else:
                parts.append(_response(child, _file_values(row), asked, missing))
    return _multistatus(parts)


def _library_month(names: tuple[str, ...]) -> tuple[int, int] | None:
    """(year, month) of a path to a month of the Library view ("Library/2023/07")."""
    if len(names) != 3 or names[0] != LIBRARY:
        return None
    year, month = names[1], names[2]
    if not (len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        return None
    return int(year), int(month)


def _multistatus(parts: list[str]) -> HttpResponse:
    parts.append("</D:multistatus>\n")
    return HttpResponse(
        "".join(parts).encode(), status=207, content_type="application/xml; charset=utf-8"
    )
