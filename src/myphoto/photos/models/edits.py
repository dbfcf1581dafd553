"""What an edit of many photos changed, kept a while so that it can be undone."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class EditUndo(models.Model):
    """The values an edit replaced, photo by photo: `previous` maps a photo's id to its
    values of the edited fields before the edit (as `services.edits` writes them)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    fields = models.JSONField()
    previous = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["owner", "made_at"], name="edit_undo_owner_made")]

    def __str__(self) -> str:
        return f"undo {self.id} of {self.owner_id}"
