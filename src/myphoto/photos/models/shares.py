"""Share links: an album for anyone who has the link."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.utils import timezone

from .albums import Album


class ShareLink(models.Model):
    """A link to an album for anyone who has it: `/s/<key>`. Revoking deletes the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="shares")
    # secrets.token_urlsafe(32): 256 random bits in 43 characters.
    key = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Django's password hash, or "" for a link without a password.
    password = models.CharField(max_length=256, blank=True)
    allow_download = models.BooleanField(default=True)
    allow_upload = models.BooleanField(default=False)
    show_location = models.BooleanField(default=False)
    views = models.PositiveBigIntegerField(default=0)
    downloads = models.PositiveBigIntegerField(default=0)
    last_accessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["album", "-created_at"], name="share_by_album")]

    def __str__(self) -> str:
        return f"link to {self.album_id}"

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
