"""The daily backups of the database, as the job worker ran them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class BackupRun(models.Model):
    """One daily backup: claimed by inserting its day (unique), so that of several workers
    on several machines exactly one makes it; what it made, or why it failed."""

    scheduled_for = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    name = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"backup of {self.scheduled_for}: {self.name or self.error or 'running'}"
