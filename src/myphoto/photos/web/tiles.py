"""What the grid shows of each photo, worked out once in Python for a whole page.

Template filters (`date`, `filesizeformat`) and `{% url %}` per tile made most
of a 120-photo page's rendering time; the tiles and day headings carry their
text and links ready to print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ..links import photo_path, share_photo_path
from ..models import Photo, ShareLink
from ..selectors import MonthBucket, library_name, live_motion_of, stack_of
from .dates import day_heading, day_short, day_spoken, month_label, taken_text


@dataclass(frozen=True)
class Tile:
    photo: Photo
    taken: str  # "Wednesday 11 October 2023, 14:15", as the camera's clock showed it
    taken_iso: str  # "2023-10-11T14:15:16+09:00", for editing it
    size: str  # "2.9 MB"
    thumbnail: str
    preview: str
    download: str
    detail: str
    refresh: str  # the tile itself, polled while its thumbnail is being made ("": not polled)
    # The photo in the API, for the owner's edits ("": not the viewer's to edit).
    api: str = ""
    lat: float | None = None  # where it was taken, when the page may show it
    lon: float | None = None
    place: str = ""  # "Arezzo, Tuscany, Italy", when the page may show it
    playback: str = ""  # a video's, as browsers play it
    motion: str = ""  # a Live Photo's motion, played while the still is hovered or pressed
    library: str = ""  # the adopted library its file is kept in, on its owner's pages
    raw: str = ""  # the download of the RAW taken with this JPEG, on its owner's pages

    @property
    def select_label(self) -> str:
        return _("Select %(name)s") % {"name": self.photo.original_name}

    @property
    def favorite_word(self) -> str:
        return _("Favorite")

    @property
    def favorite_label(self) -> str:
        return _("Favorite: %(name)s") % {"name": self.photo.original_name}

    @property
    def shared_title(self) -> str:
        """The picture's tooltip on a share link's page: what it is, a heart kept private."""
        if self.photo.is_video:
            return _("%(name)s, video, %(length)s") % {
                "name": self.photo.original_name,
                "length": self.duration,
            }
        if self.motion:
            return _("%(name)s, Live Photo") % {"name": self.photo.original_name}
        return self.photo.original_name

    @property
    def title(self) -> str:
        """The picture's tooltip on its owner's pages: a favorite says so."""
        if self.photo.favorite:
            return _("%(what)s, favorite") % {"what": self.shared_title}
        return self.shared_title

    @property
    def duration(self) -> str:
        """A video's length as players show it: "0:07", "12:48", "1:02:03"."""
        return clock(self.photo.duration) if self.photo.is_video else ""


def clock(seconds: float | None) -> str:
    total = round(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class Day:
    date: date
    tiles: list[Tile] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def heading(self) -> str:
        """Wed, 11 Oct 2023"""
        return day_heading(self.date)

    @property
    def short(self) -> str:
        """11 Oct: where the day shares a narrow row"""
        return day_short(self.date)

    @property
    def spoken(self) -> str:
        """Wednesday 11 October 2023"""
        return day_spoken(self.date)


def _tile(photo: Photo, *, thumbnail: str, playback: str, located: bool, **links: str) -> Tile:
    """A tile whose thumbnails are at `thumbnail`, and whose video or Live Photo plays from
    `playback`; where it was taken only if `located`."""
    taken = photo.taken_at_local
    return Tile(
        photo=photo,
        taken=taken_text(taken),
        taken_iso=taken.isoformat(timespec="seconds"),
        size=str(filesizeformat(photo.size)),
        thumbnail=f"{thumbnail}{photo.derivative_query('sm')}",
        preview=f"{thumbnail}{photo.derivative_query('md')}",
        lat=photo.gps_lat if located else None,
        lon=photo.gps_lon if located else None,
        place=str(photo.place.name) if located and photo.place else "",
        playback=playback if photo.is_video else "",
        motion=playback if live_motion_of(photo) else "",
        **links,
    )


def tile_for(photo: Photo, *, owner_id: int | None = None) -> Tile:
    """A tile of the owner's (or a member's) pages; `owner_id` is whose page it is (the
    owner edits their photo from it, a member does not)."""
    stack = stack_of(photo) if photo.owner_id == owner_id else []
    return _tile(
        photo,
        thumbnail=photo_path("api:photo-thumbnail", photo.pk),
        playback=photo_path("api:photo-playback", photo.pk),
        located=True,
        download=photo_path("photo-download", photo.pk),
        detail=photo_path("photo-detail", photo.pk),
        refresh=photo_path("photo-tile", photo.pk),
        api=photo_path("api:photo-detail", photo.pk) if photo.owner_id == owner_id else "",
        library=library_name(photo.library_id)
        if photo.library_id and photo.owner_id == owner_id
        else "",
        raw=photo_path("photo-download", stack[1].pk) if stack else "",
    )


def shared_tile_for(photo: Photo, share: ShareLink) -> Tile:
    """A tile of a share link's page: every link through the key, a download only when the
    link allows it, the place only when it shows it."""
    thumbnail = share_photo_path("api:shared-photo-thumbnail", share.key, photo.pk)
    download = share_photo_path("api:shared-photo-download", share.key, photo.pk)
    return _tile(
        photo,
        thumbnail=thumbnail,
        playback=share_photo_path("api:shared-photo-playback", share.key, photo.pk),
        located=share.show_location,
        download=download if share.allow_download else "",
        detail=f"{thumbnail}{photo.derivative_query('md')}",
        refresh="",
    )


def tiles_by_day(
    photos: Iterable[Photo], share: ShareLink | None = None, *, owner_id: int | None = None
) -> list[Day]:
    """Tiles of photos (newest first), split into days of the library's time zone; with
    `share`, as that link shows them; `owner_id`: whose page it is."""
    days: list[Day] = []
    for photo in photos:
        if share is not None:
            tile = shared_tile_for(photo, share)
        else:
            tile = tile_for(photo, owner_id=owner_id)
        day = timezone.localtime(photo.taken_at).date()
        if not days or days[-1].date != day:
            days.append(Day(day))
        days[-1].tiles.append(tile)
    return days


@dataclass(frozen=True)
class ScrubberYear:
    year: int
    count: int
    first_month: str  # its newest month with photos, "2023-10": where the year's link leads


@dataclass(frozen=True)
class Scrubber:
    """The months of the library for the scrubber along the page's edge, newest first."""

    years: list[ScrubberYear]
    months: list[dict[str, object]]  # {"month": "2023-10", "label": "October 2023", "count": 12}
    current: str | None  # the month the page starts at, if it was jumped to


def count_and_scrubber(buckets: list[MonthBucket], *, current: date | None) -> dict[str, object]:
    """A timeline page's "N photos" and its scrubber, from the months' buckets."""
    return {
        "count": sum(bucket.count for bucket in buckets),
        "scrubber": scrubber_for(buckets, current=current),
    }


def scrubber_for(buckets: Iterable[MonthBucket], *, current: date | None) -> Scrubber:
    months: list[dict[str, object]] = []
    years: list[ScrubberYear] = []
    for bucket in buckets:
        month = f"{bucket.month:%Y-%m}"
        months.append({"month": month, "label": month_label(bucket.month), "count": bucket.count})
        if years and years[-1].year == bucket.month.year:
            last = years[-1]
            years[-1] = ScrubberYear(last.year, last.count + bucket.count, last.first_month)
        else:
            years.append(ScrubberYear(bucket.month.year, bucket.count, month))
    return Scrubber(years, months, f"{current:%Y-%m}" if current else None)
