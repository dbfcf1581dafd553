"""What each person keeps in MyPhoto's storage."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Usage(models.Model):
    """A person's photos and videos (out of the trash, whole items: a Live Photo's motion
    is part of its still) and the bytes of everything of theirs in storage: originals,
    thumbnails and previews, playback copies, the trash until it is emptied. Adopted
    libraries are not counted: their files stay in their own sources.

    Kept by the database, by triggers on the photos table (`counting_sql`), as
    `PlaceCount`: an upload, a thumbnail made, the trash, a purge, a library adopted or
    forgotten, and bulk updates all move it in the same statement, so concurrent uploads
    and deletes leave it exact without anyone summing the rows.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    photos = models.BigIntegerField(default=0)
    videos = models.BigIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.photos} photos, {self.videos} videos, {self.bytes} bytes"
