"""What backup apps sent over WebDAV, at the paths they chose."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models


class DavEntry(models.Model):
    """A file (its photo) or a folder under a person's `/dav/`, where a backup app put it.

    A backup app lists these to skip what it sent before: the path, the size and the time
    it gave (X-OC-Mtime, a PROPPATCH) must come back as it left them. The photo itself is
    the library's like any other; the same bytes at two paths are two entries, one photo.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The folder's path under the root ("" for the root itself, "DCIM/Camera" below it).
    parent = models.TextField(blank=True)
    name = models.TextField()
    # None: a folder.
    photo = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    size = models.BigIntegerField(default=0)
    modified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "parent", "name"], name="dav_entry_path")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} /{self.path}"

    @staticmethod
    def at(owner: Any, path: Sequence[str]) -> dict[str, Any]:
        """The fields that name the entry at `path` (names under the root) of `owner`:
        for filter(), get_or_create() and create() alike."""
        return {"owner": owner, "parent": "/".join(path[:-1]), "name": path[-1]}

    @property
    def is_folder(self) -> bool:
        return self.photo_id is None

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.name}" if self.parent else self.name


class DavLock(models.Model):
    """A WebDAV lock, kept in the database so that every server process sees it (a LOCK
    answered by one gunicorn worker, its UNLOCK by another)."""

    token = models.CharField(primary_key=True, max_length=100)
    # The locked path in its owner's lock space ("/~12/DCIM/a.jpg").
    root = models.TextField(db_index=True)
    expires = models.FloatField(help_text="Seconds since 1970; -1: never.")
    # wsgidav's lock: scope, depth, owner (its XML), principal, timeout.
    lock = models.JSONField()

    def __str__(self) -> str:
        return f"{self.root} ({self.lock.get('scope')})"
