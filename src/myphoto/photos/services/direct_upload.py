"""Uploads that go from the browser straight to S3, then are checked and registered.

Big files then never pass through the app (nor through a proxy's body limit):
the app hands out a presigned POST for one key under `incoming/`, and when the
client says it is done, reads the object back, checks it like any upload, copies
it to its place inside the bucket and removes the incoming object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext

from ...common.filenames import display_name
from .. import keys
from ..limits import UploadTooLarge, check_size, max_upload_bytes
from ..models import User
from ..quotas import QuotaExceeded, check_quota
from ..storage import ObjectMissing, get_storage
from .upload import UploadRejected, UploadResult, photo_upload

logger = logging.getLogger(__name__)

# How long the browser has to send the file, and after which a forgotten one is removed.
LIFETIME = timedelta(hours=1)
STALE_AFTER = timedelta(days=1)


class DirectUploadUnavailable(Exception):
    """The storage cannot take files from browsers: they go to POST /photos instead."""


class DirectUploadNotFound(Exception):
    """No such upload for this user, or its file never arrived."""


@dataclass(frozen=True)
class DirectUpload:
    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


def direct_upload_start(*, owner: User, filename: str, size: int) -> DirectUpload:
    """Hand out a presigned POST for one file; raise UploadRejected if it is too large or
    past the owner's quota (checked again at completion)."""
    try:
        check_size(size)
        check_quota(owner, size)
    except (UploadTooLarge, QuotaExceeded) as err:
        raise UploadRejected(display_name(filename), err) from err
    key = keys.incoming_key(owner_id=owner.pk)
    post = get_storage().presigned_post(
        key, max_bytes=max_upload_bytes(), expires_in=int(LIFETIME.total_seconds())
    )
    if post is None:
        raise DirectUploadUnavailable(
            gettext("Direct uploads need S3 storage; POST the file to /photos.")
        )
    return DirectUpload(key, post.url, post.fields, timezone.now() + LIFETIME)


def direct_upload_complete(*, owner: User, key: str, filename: str) -> UploadResult:
    """Check the uploaded object like any upload and register it; always remove `key`.

    Raises DirectUploadNotFound or UploadRejected.
    """
    if not keys.is_incoming_key_of(key, owner_id=owner.pk):
        raise DirectUploadNotFound(gettext("No such upload."))
    storage = get_storage()
    try:
        try:
            local = storage.local_copy(key)
        except ObjectMissing:
            raise DirectUploadNotFound(
                gettext("The file never arrived in storage (or its upload expired); send it again.")
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
