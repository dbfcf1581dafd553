"""Data and invariants of the photo library, one module per aggregate. No I/O here:
services do that. Imported from here (`from myphoto.photos.models import Photo`), as
Django's own apps are."""

from .albums import Album, AlbumMember, AlbumPhoto, AlbumRole
from .backups import BackupRun
from .dav import DavEntry, DavLock
from .edits import EditUndo
from .integrity import IntegrityReport
from .libraries import FileState, Library, LibraryFile, LibraryStatus
from .maps import MapCell
from .people import Face, Person
from .photos import (
    ROTATIONS,
    Kind,
    MonthCount,
    Photo,
    PhotoManager,
    PhotoQuerySet,
    TakenAtSource,
    camera_name,
)
from .places import Place, PlaceCount
from .shares import ShareLink
from .tokens import ApiToken
from .uploads import MultipartUpload
from .usage import Usage
from .users import Language, Theme, User

__all__ = [
    "ROTATIONS",
    "Album",
    "AlbumMember",
    "AlbumPhoto",
    "AlbumRole",
    "ApiToken",
    "BackupRun",
    "DavEntry",
    "DavLock",
    "EditUndo",
    "Face",
    "FileState",
    "IntegrityReport",
    "MapCell",
    "Kind",
    "Library",
    "LibraryFile",
    "LibraryStatus",
    "MonthCount",
    "MultipartUpload",
    "Photo",
    "PhotoManager",
    "PhotoQuerySet",
    "Person",
    "Place",
    "PlaceCount",
    "ShareLink",
    "TakenAtSource",
    "Language",
    "Theme",
    "Usage",
    "User",
    "camera_name",
]
