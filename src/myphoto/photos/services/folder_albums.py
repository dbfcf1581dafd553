"""Albums made from an adopted library's folders, kept in step by its scans."""

from __future__ import annotations

from pathlib import PurePosixPath
from uuid import UUID

from ..models import Album, AlbumPhoto, Library, LibraryFile


class FolderAlbums:
    """Albums made from a library's folders ("Trips/2019 Jeju/" → "2019 Jeju"), kept in
    step with them: files found join, files gone leave. Albums made by hand are never
    touched (they have no library)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.by_folder: dict[str, Album] = {}

    def _album(self, folder: str) -> Album:
        if folder not in self.by_folder:
            title = PurePosixPath(folder).name[:200]
            self.by_folder[folder], _ = Album.objects.get_or_create(
                library=self.library,
                library_folder=folder,
                defaults={"owner_id": self.library.owner_id, "title": title},
            )
        return self.by_folder[folder]

    def add(self, photo_ids: list[UUID]) -> None:
        if not photo_ids:
            return
        found = LibraryFile.objects.filter(photo_id__in=photo_ids).values_list(
            "photo_id", "path", "photo__taken_at", "photo__deleted_at"
        )
        entries = []
        for photo_id, path, taken_at, deleted_at in found:
            folder = path.rpartition("/")[0]
            if not folder:
                continue  # files at the top of the source are in no album
            entries.append(
                AlbumPhoto(
                    album=self._album(folder),
                    photo_id=photo_id,
                    taken_at=taken_at,
                    photo_in_trash=deleted_at is not None,
                )
            )
        AlbumPhoto.objects.bulk_create(entries, ignore_conflicts=True)

    def remove(self, photo_ids: list[UUID]) -> None:
        if photo_ids:
            AlbumPhoto.objects.filter(album__library=self.library, photo_id__in=photo_ids).delete()

    def drop_empty(self) -> None:
        """A folder left with no photo (all gone, or none readable) has no album."""
        folder_albums_drop_empty(library_id=self.library.pk)


def folder_albums_drop_empty(*, library_id: int) -> None:
    Album.objects.filter(library_id=library_id).exclude(
        pk__in=AlbumPhoto.objects.filter(album__library_id=library_id).values("album_id")
    ).delete()
