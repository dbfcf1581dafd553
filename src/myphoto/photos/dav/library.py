"""`Library/YYYY/MM/`: every photo the person keeps, by the month it was taken (the
library's time zone), read-only: a mirror to copy from, never a place to write."""

from __future__ import annotations

from typing import Any

from wsgidav.dav_error import HTTP_FORBIDDEN, DAVError
from wsgidav.dav_provider import DAVCollection, DAVNonCollection

from ..models import Photo
from ..selectors.dav import library_month, library_months, library_years
from ..services.dav import LIBRARY
from .content import PhotoFile
from .uploads import owner_of

_READ_ONLY = "Library is a view of your photos: nothing is written there."


class _ReadOnly:
    def handle_delete(self) -> bool:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)

    def handle_move(self, dest_path: str) -> bool:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)

    def set_last_modified(self, dest_path: str, time_stamp: object, *, dry_run: bool) -> bool:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)

    def prevent_locking(self) -> bool:
        return True


class LibraryFolder(_ReadOnly, DAVCollection):  # type: ignore[misc]
    """`Library` (its years), `Library/2023` (its months) or `Library/2023/07` (photos)."""

    def __init__(self, path: str, environ: dict[str, Any], year: int = 0, month: int = 0):
        super().__init__(path, environ)
        self.year, self.month = year, month

    def get_display_name(self) -> str:
        return str(self.path).rstrip("/").rsplit("/", 1)[-1]

    def get_member_names(self) -> list[str]:
        owner = owner_of(self.environ)
        if not self.year:
            return [f"{year:04d}" for year in library_years(owner=owner)]
        if not self.month:
            return [f"{month:02d}" for month in library_months(owner=owner, year=self.year)]
        return list(library_month(owner=owner, year=self.year, month=self.month))

    def get_member_list(self) -> list[Any]:
        if not self.month:
            return [self.get_member(name) for name in self.get_member_names()]
        photos = library_month(owner=owner_of(self.environ), year=self.year, month=self.month)
        base = self.path.rstrip("/")
        return [
            LibraryFile(f"{base}/{name}", self.environ, photo) for name, photo in photos.items()
        ]

    def get_member(self, name: str) -> Any:
        return library_resource(f"{self.path.rstrip('/')}/{name}", self.environ)

    def create_collection(self, name: str) -> None:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)


class LibraryFile(_ReadOnly, PhotoFile, DAVNonCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], photo: Photo) -> None:
        super().__init__(path, environ)
        self._photo = photo

    @property
    def photo(self) -> Photo:
        return self._photo

    def get_content_length(self) -> int:
        return self.photo.size

    def get_last_modified(self) -> float:
        return self.photo.taken_at.timestamp()

    def get_creation_date(self) -> float:
        return self.photo.taken_at.timestamp()

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        raise DAVError(HTTP_FORBIDDEN, _READ_ONLY)


def library_resource(path: str, environ: dict[str, Any]) -> Any:
    """The Library view's resource at `path` ("/Library/2023/07/a.jpg"), or None."""
    names = [name for name in path.split("/") if name]
    if not names or names[0] != LIBRARY:
        return None
    numbers = names[1:3]
    if not all(len(number) in (2, 4) and number.isdigit() for number in numbers):
        return None
    year = int(names[1]) if len(names) > 1 else 0
    month = int(names[2]) if len(names) > 2 else 0
    owner = owner_of(environ)
    if year and year not in library_years(owner=owner):
        return None
    if month and (not 1 <= month <= 12 or month not in library_months(owner=owner, year=year)):
        return None
    if len(names) <= 3:
        return LibraryFolder(path, environ, year, month)
    if len(names) > 4:
        return None
    photo = library_month(owner=owner, year=year, month=month).get(names[3])
    return None if photo is None else LibraryFile(path, environ, photo)
