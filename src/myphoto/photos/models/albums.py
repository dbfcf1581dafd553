"""Albums: their photos, their members and what each member may do."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .photos import Photo


class Album(models.Model):
    """Photos put together by their owner; a photo may be in many albums."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Chosen by the owner; None means the first photo added that is still there.
    cover = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Made from a folder of an adopted library (`albums_from_folders`) and kept in step
    # with it by its scans; albums made by hand have none and scans never touch them.
    library = models.ForeignKey(
        "Library", null=True, blank=True, on_delete=models.CASCADE, related_name="albums"
    )
    library_folder = models.TextField(blank=True, default="", db_default="")

    class Meta:
        indexes = [models.Index(fields=["owner", "-created_at"], name="album_by_owner")]
        constraints = [
            models.UniqueConstraint(
                fields=["library", "library_folder"],
                condition=Q(library__isnull=False),
                name="album_one_per_library_folder",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AlbumPhoto(models.Model):
    """A photo in an album. A purged photo leaves its albums with it (CASCADE).

    The photo's capture time and trash state are copied here, in the same
    transaction as each change to them (adding, trash, restore), so that an
    album pages by its own index like the timeline, never sorting its photos.
    """

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="entries")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="album_entries")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField()
    photo_in_trash = models.BooleanField(default=False)
    # Uploaded by a guest through a share link (kept after the link is revoked). A default
    # in the database too: rows inserted by code that predates the column (a server not
    # yet upgraded, during a rolling deploy) are not guests'.
    added_by_guest = models.BooleanField(default=False, db_default=False)
    added_through = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["album", "photo"], name="album_photo_unique"),
        ]
        indexes = [
            models.Index(fields=["album", "added_at"], name="album_photo_by_added"),
            models.Index(
                fields=["album", "-taken_at", "-photo"],
                condition=Q(photo_in_trash=False),
                name="album_timeline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} in {self.album_id}"


class AlbumRole(models.TextChoices):
    """What a person may do with an album, each role allowing what the one before it does."""

    VIEWER = "viewer", "Viewer"
    CONTRIBUTOR = "contributor", "Contributor"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return list(AlbumRole).index(self)


class AlbumMember(models.Model):
    """Another account of this server that the owner shares the album with."""

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="album_memberships"
    )
    role = models.CharField(
        max_length=16,
        choices=[(AlbumRole.VIEWER, "Viewer"), (AlbumRole.CONTRIBUTOR, "Contributor")],
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["album", "user"], name="album_member_unique"),
        ]
        indexes = [models.Index(fields=["user", "album"], name="album_member_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.album_id}"
