"""Share links: make, change and revoke them; count their use; add a guest's upload."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Album, AlbumPhoto, ShareLink
from .upload import UploadResult, photos_upload

# 32 random bytes: 256 bits, 43 URL-safe characters.
KEY_BYTES = 32


class InvalidExpiry(ValueError):
    """The expiry asked for is in the past (or two were given)."""


def _expiry(expires_at: datetime | None, expires_in_days: int | None) -> datetime | None:
    if expires_at is not None and expires_in_days is not None:
        raise InvalidExpiry(gettext("Give expires_at or expires_in_days, not both."))
    if expires_in_days is not None:
        return timezone.now() + timedelta(days=expires_in_days)
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidExpiry(
            gettext("expires_at is in the past: a link must expire later than now.")
        )
    return expires_at


def share_create(
    *,
    album: Album,
    expires_at: datetime | None = None,
    expires_in_days: int | None = None,
    allow_download: bool = True,
    allow_upload: bool = False,
    show_location: bool = False,
    password: str = "",
) -> ShareLink:
    """A new link to the album, with a key of 256 random bits."""
    return ShareLink.objects.create(
        album=album,
        key=secrets.token_urlsafe(KEY_BYTES),
        expires_at=_expiry(expires_at, expires_in_days),
        allow_download=allow_download,
        allow_upload=allow_upload,
        show_location=show_location,
        password=make_password(password) if password else "",
    )


def share_update(
    *,
    share: ShareLink,
    set_expiry: bool = False,
    expires_at: datetime | None = None,
    expires_in_days: int | None = None,
    allow_download: bool | None = None,
    allow_upload: bool | None = None,
    show_location: bool | None = None,
    password: str | None = None,
) -> ShareLink:
    """Change what the link allows; None leaves a setting as it is. With `set_expiry`, the
    expiry becomes `expires_at` or `expires_in_days` from now (neither: never expires);
    `password=""` removes the password (a new one locks out browsers unlocked before)."""
    if set_expiry:
        share.expires_at = _expiry(expires_at, expires_in_days)
    if allow_download is not None:
        share.allow_download = allow_download
    if allow_upload is not None:
        share.allow_upload = allow_upload
    if show_location is not None:
        share.show_location = show_location
    if password is not None:
        share.password = make_password(password) if password else ""
    share.save()
    return share


def share_revoke(*, share: ShareLink) -> None:
    """Revoke the link: from now on its key answers 404 everywhere."""
    share.delete()


def share_record_view(*, share: ShareLink) -> None:
    ShareLink.objects.filter(pk=share.pk).update(
        views=F("views") + 1, last_accessed_at=timezone.now()
    )


def share_record_download(*, share: ShareLink) -> None:
    ShareLink.objects.filter(pk=share.pk).update(
        downloads=F("downloads") + 1, last_accessed_at=timezone.now()
    )


def share_upload(*, share: ShareLink, files: Sequence[File[bytes]]) -> list[UploadResult]:
    """A guest's photos: checked like any upload, stored in the album owner's library and
    added to the album, marked as added through this link."""
    album = share.album
    results = photos_upload(owner=album.owner, files=files, guest_album=album)
    with transaction.atomic():
        for result in results:
            photo = result.photo
            AlbumPhoto.objects.get_or_create(
                album=album,
                photo=photo,
                defaults={
                    "added_by": None,
                    "added_by_guest": True,
                    "added_through": share,
                    "taken_at": photo.taken_at,
                },
            )
        Album.objects.filter(pk=album.pk).update(updated_at=timezone.now())
    return results
