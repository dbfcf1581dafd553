"""Libraries adopted in place: a folder or an S3 prefix whose files MyPhoto indexes
without copying, and each file it has seen there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class LibraryStatus(models.TextChoices):
    IDLE = "idle", "Idle"
    SCANNING = "scanning", "Scanning"
    ERROR = "error", "Error"


class Library(models.Model):
    """A source read in place for one owner: its photos are the owner's like any other,
    their originals stay where they are and are never written."""

    name = models.CharField(max_length=100, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="libraries"
    )
    # "s3://bucket/prefix/" or "file:///abs/path/": never a secret.
    source = models.CharField(max_length=2000)
    s3_endpoint_url = models.CharField(max_length=500, blank=True)
    s3_region = models.CharField(max_length=64, blank=True)
    # The access key id and secret, as one Fernet token under a key derived from the
    # server's SECRET_KEY (`myphoto.photos.secrets`): never answered back or logged.
    s3_keys = models.TextField(blank=True)
    scan_interval_minutes = models.PositiveIntegerField(default=60)
    albums_from_folders = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=LibraryStatus.choices, default=LibraryStatus.IDLE
    )
    error = models.TextField(blank=True)
    # The scan running now, and until when its lease holds (renewed as it goes): one
    # scanner per library across processes and machines; an expired lease is taken over.
    scan_claim = models.CharField(max_length=32, blank=True)
    scan_claimed_until = models.DateTimeField(null=True, blank=True)
    # When the worker starts the next scan on its own; asked for sooner by "Scan now".
    next_scan_at = models.DateTimeField(null=True, blank=True)
    # What the last scan (or the one running) did: started_at, finished_at, listed, added,
    # changed, removed, failed (a count; the files are LibraryFile rows).
    last_scan = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "libraries"
        indexes = [models.Index(fields=["next_scan_at"], name="library_next_scan")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_s3(self) -> bool:
        return self.source.startswith("s3://")


class FileState(models.TextChoices):
    PHOTO = "photo", "a photo or video of the library"
    # Not a photo or video MyPhoto reads, or cut short: kept with the reason, read again
    # when it changes.
    FAILED = "failed", "refused"
    # Purged from MyPhoto's trash: the file stays in the source and is not added again.
    FORGOTTEN = "forgotten", "forgotten"
    # The same bytes as a photo the owner has already: shown once, as that photo.
    DUPLICATE = "duplicate", "the same as another photo"


class LibraryFile(models.Model):
    """A file of a library's source as the last scan saw it."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="files")
    # Relative to the source, folders separated by "/": "Trips/2019 Jeju/IMG_0001.JPG".
    path = models.TextField()
    size = models.BigIntegerField()
    # Changes when the file does: its ETag, or its modification time and size.
    version = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=FileState.choices)
    reason = models.CharField(max_length=500, blank=True)
    # Gone from the source at the last scan (its photo, if any, is offline).
    missing = models.BooleanField(default=False)
    photo = models.OneToOneField(
        "Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="library_file"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["library", "path"], name="library_file_unique_path"),
        ]
        indexes = [
            models.Index(
                fields=["library", "id"], condition=~Q(state="photo"), name="library_file_not_photo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.state})"

    @property
    def folder(self) -> str:
        """The folder the file is in, relative to the source ("" at the top)."""
        return self.path.rpartition("/")[0]
