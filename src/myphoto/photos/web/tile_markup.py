"""A grid tile's HTML, written in Python.

A page of 120 tiles through the template language (an include, a `with` and some sixty
nodes each) took two thirds of the timeline page's time; the same markup from one
function per tile takes a tenth of that. What each attribute is for is said where the
scripts read it (`static/js/`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..models import ShareLink
from .tiles import Tile

Attribute = tuple[str, object]


def escape(value: object) -> str:
    # The standard library's: Django's own is the same behind a lazy-string check that
    # cost as much as the escaping, some forty times a tile.
    return _escape(str(value))


def _attributes(pairs: Iterable[Attribute]) -> str:
    """` name="value"` for each pair whose value is not None, the value escaped."""
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs if value is not None)


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _viewer_data(tile: Tile) -> list[Attribute]:
    """What the viewer shows of the photo and what the owner's scripts change."""
    photo = tile.photo
    data: list[Attribute] = [
        ("data-taken", tile.taken),
        ("data-taken-source", photo.taken_at_source),
        ("data-camera", photo.camera or ""),
        ("data-lens", photo.lens or None),
        ("data-size", tile.size),
        ("data-dimensions", f"{photo.width} × {photo.height}"),
    ]
    if tile.lat is not None:
        data += [("data-lat", tile.lat), ("data-lon", tile.lon)]
    data += [
        ("data-place", tile.place or None),
        ("data-preview", tile.preview if photo.derivatives_ready else ""),
        ("data-download", tile.download),
    ]
    if tile.playback:
        data += [("data-playback", tile.playback), ("data-duration", tile.duration)]
    data += [
        ("data-motion", tile.motion or None),
        ("data-raw", tile.raw or None),
        ("data-library", tile.library or None),
        ("data-description", photo.description or None),
    ]
    if tile.api:
        data += [
            ("data-api", tile.api),
            ("data-tile", tile.refresh),
            ("data-taken-iso", tile.taken_iso),
            ("data-favorite", _yes_no(photo.favorite)),
            ("data-archived", _yes_no(photo.archived)),
        ]
    if tile.refresh and not photo.derivatives_ready and not photo.derivatives_error:
        # Polled until its thumbnail is made.
        data += [("hx-get", tile.refresh), ("hx-trigger", "every 2s"), ("hx-swap", "outerHTML")]
    return data


def _picture(tile: Tile) -> str:
    """The thumbnail, or what stands in for it while it is made (or when it cannot be)."""
    photo = tile.photo
    name = escape(photo.original_name)
    if photo.derivatives_ready:
        alt = photo.original_name
        if photo.is_video:
            alt += " " + _("(video)")
        return (
            f'<img src="{escape(tile.thumbnail)}" alt="{escape(alt)}" width="{photo.width}"'
            f' height="{photo.height}" loading="lazy" decoding="async">'
        )
    error = photo.derivatives_error
    said = _("No preview") if error else _("Preparing…")
    title = _attributes([("title", error or None)])
    return f'<span class="placeholder"{title}>{escape(said)}<br><small>{name}</small></span>'


def _mark(tile: Tile) -> str:
    """A video's length, or that a still is a Live Photo or has its RAW, over the picture."""
    if tile.playback:
        return (
            '<span class="video-mark"><span aria-hidden="true">▶</span>'
            f" {escape(tile.duration)}</span>"
        )
    if tile.motion:
        return f'<span class="video-mark live-mark">{escape(_("Live"))}</span>'
    if tile.raw:
        both = _("RAW+JPEG")  # outside the f-string: makemessages reads no calls inside one
        return f'<span class="video-mark raw-mark">{escape(both)}</span>'
    return ""


def _heart(tile: Tile, share: ShareLink | None) -> str:
    """The owner's favorite button; a heart shown to a member; nothing on a share link."""
    photo = tile.photo
    if tile.api:
        attributes = _attributes(
            [
                ("aria-pressed", _yes_no(photo.favorite)),
                ("aria-label", tile.favorite_label),
                ("title", tile.favorite_word),
            ]
        )
        return f'<button type="button" class="heart" tabindex="-1"{attributes}>♥</button>'
    if photo.favorite and share is None:
        return '<span class="heart" aria-hidden="true">♥</span>'
    return ""


def tile_html(tile: Tile, *, share: ShareLink | None = None, in_trash: bool = False) -> SafeString:
    """One photo of a grid: in the trash its picture ticks it; elsewhere it opens it."""
    photo = tile.photo
    pk = photo.pk
    head: list[Attribute] = [
        ("class", "tile"),
        ("id", f"tile-{pk}"),
        ("data-ar", f"{photo.aspect_ratio:.4g}"),
        ("data-id", pk),
        ("data-name", photo.original_name),
    ]
    if not in_trash:
        head += _viewer_data(tile)
    parts = [f"<li{_attributes(head)}>"]
    if share is None or share.allow_download:
        check = _attributes(
            [
                ("type", "checkbox"),
                ("class", "check"),
                ("name", "ids"),
                ("value", pk),
                ("id", f"pick-{pk}"),
                ("aria-label", tile.select_label),
            ]
        )
        parts.append(f"<input{check}>")
    if in_trash:
        purge_after = photo.purge_after
        when = date_format(timezone.localtime(purge_after), "DATE_FORMAT") if purge_after else ""
        caption = _("Deleted for good after %(date)s") % {"date": when}
        parts.append(
            f'<label class="open" for="pick-{pk}"{_attributes([("title", photo.original_name)])}>'
            f'{_picture(tile)}</label><span class="caption">{escape(caption)}</span>'
        )
    else:
        title = tile.shared_title if share is not None else tile.title
        opening = _attributes([("class", "open"), ("href", tile.detail), ("title", title)])
        parts.append(f"<a{opening}>{_picture(tile)}{_mark(tile)}</a>{_heart(tile, share)}")
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
