"""Big files arriving in parts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class MultipartUpload(models.Model):
    """A big file arriving in parts (API.md "Big files"), until it is completed or expires.

    The parts build the object at `storage_key`, the original's final key (the photo
    takes the upload's id), so completing never copies the bytes: the check reads them
    where they are, and a file refused is deleted there.
    """

    # The id clients resume with; the storage's own upload id stays on the server.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="multipart_uploads"
    )
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    part_size = models.BigIntegerField()
    # The whole file's SHA-256 when the client gave it: completing checks it.
    sha256 = models.CharField(max_length=64, blank=True)
    storage_key = models.CharField(max_length=255, unique=True)
    storage_upload_id = models.CharField(max_length=1024)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Set while one request completes it: a second one is told to wait.
    completing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="multipart_by_owner"),
            models.Index(fields=["expires_at"], name="multipart_by_expiry"),
        ]

    def __str__(self) -> str:
        return f"multipart upload {self.pk} of {self.filename}"

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def part_length(self, number: int) -> int:
        """How many bytes part `number` (1-based) holds: the part size, the last the rest."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)
