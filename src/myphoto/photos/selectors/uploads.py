"""Big files on their way: a user's unfinished multipart uploads, and what they became."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from ..models import MultipartUpload, Photo, User


def multipart_upload_get_for_user(*, user: User, upload_id: UUID | str) -> MultipartUpload:
    """The user's unfinished multipart upload, or Http404 (another's, expired or done)."""
    try:
        return MultipartUpload.objects.get(pk=upload_id, owner=user, expires_at__gt=timezone.now())
    except (MultipartUpload.DoesNotExist, ValidationError):
        raise Http404(gettext("No such upload (finished, aborted or expired).")) from None


def photo_completed_from_upload(*, user: User, upload_id: UUID | str) -> Photo:
    """The photo a finished multipart upload of the user's became (it takes the upload's
    id), so that completing again, after an answer lost on the way, answers the same;
    Http404 if there is none."""
    photo = Photo.objects.visible().filter(owner=user, pk=upload_id).first()
    if photo is None:
        raise Http404(gettext("No such upload (finished, aborted or expired)."))
    return photo
