"""The one way in through a share link: every page and endpoint reached by a key calls
`share_get_for_key` (revocation, expiry, password), then reaches photos only through
`share_photo` or `selectors.album_photos` of its album (in that album, not in the
trash).

A peer product checked the password only on the album page: with the key alone, the
thumbnails and EXIF of a locked album were readable. Here no request holding a key
gets past `share_get_for_key` without the password, whatever it asks for.

A password is unlocked for one browser by a signed cookie whose value is derived from
the password's hash: changing the password locks out every browser unlocked before.
Unlock attempts are throttled by django-axes, as logins are, per link and address, and
per link for everyone only past a much higher count (MYPHOTO_SHARE_LINK_ATTEMPTS).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from .models import AlbumPhoto, Photo, ShareLink

_COOKIE_SALT = "myphoto.share-unlock"
UNLOCK_MAX_AGE = timedelta(days=30)
# Writing the last access on every thumbnail would be a write per tile.
_TOUCH_EVERY = timedelta(minutes=1)


class ShareLocked(Exception):
    """The link has a password and this browser has not unlocked it."""


class WrongPassword(Exception):
    """The password given to unlock a link is not its password."""


class UnlockThrottled(Exception):
    """Too many wrong passwords for this link from this address: wait."""


class DownloadsDisabled(Exception):
    """The link does not allow downloads."""


class UploadsDisabled(Exception):
    """The link does not allow uploads."""


def share_get_for_key(*, key: str, request: HttpRequest) -> ShareLink:
    """The live share with this key, unlocked for this browser.

    Raises Http404 for an unknown, revoked or expired key (the same answer for all
    three, naming nothing) and ShareLocked for a password the browser has not given.
    """
    share = share_get_for_unlock(key=key)
    if share.has_password and not _unlocked(request, share):
        raise ShareLocked(gettext("This link is protected by a password."))
    now = timezone.now()
    stale = Q(last_accessed_at__isnull=True) | Q(last_accessed_at__lt=now - _TOUCH_EVERY)
    ShareLink.objects.filter(stale, pk=share.pk).update(last_accessed_at=now)
    return share


def share_get_for_unlock(*, key: str) -> ShareLink:
    """The live share with this key, locked or not: for the password page and the unlock
    endpoint only. Http404 for an unknown, revoked or expired key."""
    try:
        share = ShareLink.objects.select_related("album", "album__owner").get(key=key)
    except (ShareLink.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such link.")) from None
    if share.expired():
        raise Http404(gettext("No such link."))
    return share


def share_photo(*, share: ShareLink, photo_id: UUID | str) -> Photo:
    """A photo of the shared album (not in the trash), or Http404."""
    try:
        entry = AlbumPhoto.objects.select_related("photo").get(
            album_id=share.album_id, photo_id=photo_id, photo_in_trash=False
        )
    except (AlbumPhoto.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("No such photo.")) from None
    return entry.photo


def require_download(share: ShareLink) -> None:
    if not share.allow_download:
        raise DownloadsDisabled(gettext("This link does not allow downloads."))


def require_upload(share: ShareLink) -> None:
    if not share.allow_upload:
        raise UploadsDisabled(gettext("This link does not allow uploads."))


def _cookie_name(share: ShareLink) -> str:
    return f"myphoto_share_{share.pk.hex}"


def _cookie_value(share: ShareLink) -> str:
    return salted_hmac(_COOKIE_SALT, share.password, algorithm="sha256").hexdigest()


def _unlocked(request: HttpRequest, share: ShareLink) -> bool:
    value = request.get_signed_cookie(
        _cookie_name(share),
        default=None,
        salt=_COOKIE_SALT,
        max_age=UNLOCK_MAX_AGE,
    )
    return value is not None and constant_time_compare(value, _cookie_value(share))


def share_unlock(*, share: ShareLink, password: str, request: HttpRequest) -> None:
    """Check the password (throttled as logins are); raise WrongPassword or UnlockThrottled.

    On success the caller sends `remember_unlocked` with its response.
    """
    # Counted per link and address: one visitor's guesses lock out that visitor, not the
    # link for everyone; only many addresses' together lock the link.
    credentials = {"username": f"{_attempts_of(share)}{get_client_ip_address(request)}"}
    if not AxesProxyHandler.is_allowed(request, credentials) or _link_guessed_too_often(share):
        raise UnlockThrottled(_throttled_message())
    if share.has_password and not check_password(password, share.password):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            raise UnlockThrottled(_throttled_message())
        raise WrongPassword(gettext("That is not the link's password."))
    AxesProxyHandler.reset_attempts(
        ip_address=getattr(request, "axes_ip_address", None), username=credentials["username"]
    )


def _attempts_of(share: ShareLink) -> str:
    return f"share-link:{share.pk}:"


def _link_guessed_too_often(share: ShareLink) -> bool:
    """Whether all addresses together have failed MYPHOTO_SHARE_LINK_ATTEMPTS times within
    the lockout's time (a guess spread over many addresses)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failed = AccessAttempt.objects.filter(
        username__startswith=_attempts_of(share), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failed or 0) >= settings.MYPHOTO_SHARE_LINK_ATTEMPTS


def _throttled_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return gettext("Too many wrong passwords: try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }


def remember_unlocked(
    response: HttpResponseBase, *, share: ShareLink, request: HttpRequest
) -> None:
    """Set the cookie that unlocks the link for this browser."""
    response.set_signed_cookie(
        _cookie_name(share),
        _cookie_value(share),
        salt=_COOKIE_SALT,
        max_age=int(UNLOCK_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
