"""Uploads that go from the browser straight to S3, then are checked and registered.

Big files then never pass through the app (nor through a proxy's body limit):
the app hands out a presigned POST for one key under `incoming/`, and when the
client says it is done, reads the object back, checks it like any upload, copies
it to its place inside the bucket and removes the incoming object.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.utils import timezone

from .. import storage
from ..models import User
from .upload import UploadResult, check_size, max_upload_bytes, photo_upload

logger = logging.getLogger(__name__)

INCOMING = "incoming"
# How long the browser has to send the file, and after which a forgotten one is removed.
LIFETIME = timedelta(hours=1)
STALE_AFTER = timedelta(days=1)


class DirectUploadUnavailable(Exception):
    """The storage is not S3: files go to POST /photos instead."""


class DirectUploadNotFound(Exception):
    """No such upload for this user, or its file never arrived."""


@dataclass(frozen=True)
class DirectUpload:
    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


def direct_upload_threshold_bytes() -> int:
    """Files above this go straight to S3 from the browser (0: never, off S3)."""
    if not storage.uses_s3():
        return 0
    return settings.MYPHOTO_DIRECT_UPLOAD_MB * 1024 * 1024


def direct_upload_start(*, owner: User, size: int) -> DirectUpload:
    check_size(size)
    key = f"{INCOMING}/{owner.pk}/{uuid.uuid4()}"
    post = storage.presigned_post(
        key, max_bytes=max_upload_bytes(), expires_in=int(LIFETIME.total_seconds())
    )
    if post is None:
        raise DirectUploadUnavailable("Direct uploads need S3 storage; POST the file to /photos.")
    return DirectUpload(key, post["url"], post["fields"], timezone.now() + LIFETIME)


def _owned_key(owner: User, key: str) -> str:
    prefix = f"{INCOMING}/{owner.pk}/"
    try:
        if key.startswith(prefix) and str(uuid.UUID(key[len(prefix) :])) == key[len(prefix) :]:
            return key
    except ValueError:
        pass
    raise DirectUploadNotFound("No such upload.")


def direct_upload_complete(*, owner: User, key: str, filename: str) -> UploadResult:
    """Check the uploaded object like any upload and register it; always remove `key`.

    Raises DirectUploadNotFound, UploadTooLarge or imaging.UnsupportedImage.
    """
    key = _owned_key(owner, key)
    try:
        try:
            local = storage.local_copy(key)
        except storage.ObjectMissing:
            raise DirectUploadNotFound(
                "The file never arrived in storage (or its upload expired); send it again."
            ) from None
        with local:
            return photo_upload(
                owner=owner,
                file=File(local, name=filename),
                filename=filename,
                write=lambda target: storage.copy(key, target),
            )
    finally:
        storage.delete_many([key])


def direct_uploads_purge_stale(now: datetime | None = None) -> int:
    """Remove incoming objects that nobody completed; return how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = [
        entry.key
        for entry in storage.list_objects(f"{INCOMING}/")
        if entry.modified is not None and entry.modified < cutoff
    ]
    storage.delete_many(stale)
    if stale:
        logger.info("removed %d incomplete direct uploads", len(stale))
    return len(stale)
