"""The files and folders backup apps made, as wsgidav resources: listed from one query
per folder, moved and deleted by services.dav (deleting moves photos to the trash)."""

from __future__ import annotations

import io
from typing import Any

from wsgidav.dav_error import HTTP_CONFLICT, HTTP_FORBIDDEN, HTTP_NOT_FOUND, DAVError
from wsgidav.dav_provider import DAVCollection, DAVNonCollection

from ..models import DavEntry, Photo, User
from ..selectors.dav import dav_children, dav_entry
from ..services import dav as dav_service
from .content import PhotoFile, moment
from .paths import BadPath, dav_path


def owner_of(environ: dict[str, Any]) -> User:
    user: User = environ["myphoto.user"]
    return user


def _target(dest_path: str) -> tuple[str, ...]:
    try:
        return dav_path(dest_path)
    except BadPath as err:
        raise DAVError(HTTP_FORBIDDEN, str(err)) from err


def _done(call: Any, **kwargs: Any) -> Any:
    """A service's refusals as WebDAV answers."""
    try:
        return call(**kwargs)
    except dav_service.DavReadOnly as err:
        raise DAVError(HTTP_FORBIDDEN, str(err)) from err
    except dav_service.DavConflict as err:
        raise DAVError(HTTP_CONFLICT, str(err)) from err
    except dav_service.DavNotFound as err:
        raise DAVError(HTTP_NOT_FOUND) from err
    except dav_service.DavExists as err:
        raise DAVError(HTTP_FORBIDDEN, str(err)) from err


def lock_space(owner: User) -> str:
    """Where a person's locks are kept: everyone's /DCIM/a.jpg is their own."""
    return f"/~{owner.pk}"


class _Entry:
    """What files and folders of the uploads share: their entry, their moves and deletes."""

    entry: DavEntry
    path: str
    environ: dict[str, Any]

    def get_ref_url(self) -> str:
        # The key locks are kept by: the person's own, so that one's lock never
        # shows in, or blocks, another's folder of the same name.
        return lock_space(owner_of(self.environ)) + str(super().get_ref_url())  # type: ignore[misc]

    @property
    def names(self) -> tuple[str, ...]:
        return dav_path(self.path)

    def get_display_name(self) -> str:
        return self.entry.name

    def get_last_modified(self) -> float | None:
        return self.entry.modified_at.timestamp()

    def get_creation_date(self) -> float | None:
        return self.entry.modified_at.timestamp()

    def handle_delete(self) -> bool:
        _done(dav_service.dav_remove, owner=owner_of(self.environ), path=self.names)
        return True

    def support_recursive_delete(self) -> bool:
        return True

    def handle_move(self, dest_path: str) -> bool:
        _done(
            dav_service.dav_move,
            owner=owner_of(self.environ),
            source=self.names,
            target=_target(dest_path),
            overwrite=self.environ.get("HTTP_OVERWRITE", "T") == "T",
        )
        return True

    def support_recursive_move(self, dest_path: str) -> bool:
        return True


class UploadedFile(_Entry, PhotoFile, DAVNonCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], entry: DavEntry) -> None:
        super().__init__(path, environ)
        self.entry = entry

    def get_content_length(self) -> int:
        return self.entry.size

    @property
    def photo(self) -> Photo:
        if self.entry.photo is None:
            raise DAVError(HTTP_NOT_FOUND)
        return self.entry.photo

    def set_last_modified(self, dest_path: str, time_stamp: object, *, dry_run: bool) -> bool:
        when = moment(time_stamp)
        if when is None:
            raise DAVError(HTTP_CONFLICT, "not a time")
        if not dry_run:
            dav_service.dav_modified_set(entry=self.entry, when=when)
        return True

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        _done(
            dav_service.dav_file_copy,
            owner=owner_of(self.environ),
            source=self.entry,
            target=_target(dest_path),
        )
        return True


class Folder(_Entry, DAVCollection):  # type: ignore[misc]
    """A folder a client made (MKCOL), or the root (`entry` None)."""

    def __init__(self, path: str, environ: dict[str, Any], entry: DavEntry | None) -> None:
        super().__init__(path, environ)
        if entry is not None:
            self.entry = entry

    def _members(self) -> list[DavEntry]:
        return dav_children(owner=owner_of(self.environ), path=self.names)

    def get_member_names(self) -> list[str]:
        return [entry.name for entry in self._members()]

    def get_member_list(self) -> list[Any]:
        return [member_of(self.path, self.environ, entry) for entry in self._members()]

    def get_member(self, name: str) -> Any:
        found = dav_entry(owner=owner_of(self.environ), path=(*self.names, name))
        return None if found is None else member_of(self.path, self.environ, found)

    def create_collection(self, name: str) -> None:
        _done(dav_service.dav_folder_make, owner=owner_of(self.environ), path=(*self.names, name))

    def create_empty_resource(self, name: str) -> PendingFile:
        """A LOCK of a name not there yet (macOS Finder's way before it writes a file)."""
        path = (*self.names, name)
        _done(dav_service.dav_file_check, owner=owner_of(self.environ), path=path)
        return PendingFile(f"{self.path.rstrip('/')}/{name}", self.environ)

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        raise DAVError(HTTP_FORBIDDEN, "Folders are not copied; move them, or copy each file.")


class PendingFile(DAVNonCollection):  # type: ignore[misc]
    """A locked name whose file has not arrived: the lock is kept, in the person's lock
    space; the file is there once its PUT is stored (an empty file is no photo)."""

    def get_ref_url(self) -> str:
        return lock_space(owner_of(self.environ)) + str(super().get_ref_url())

    def get_content_length(self) -> int:
        return 0

    def get_content_type(self) -> str:
        return "application/octet-stream"

    def get_content(self) -> io.BytesIO:
        return io.BytesIO()

    def support_etag(self) -> bool:
        return False

    def get_etag(self) -> None:
        return None


def member_of(parent_path: str, environ: dict[str, Any], entry: DavEntry) -> Any:
    path = f"{parent_path.rstrip('/')}/{entry.name}"
    if entry.is_folder:
        return Folder(path, environ, entry)
    return UploadedFile(path, environ, entry)
