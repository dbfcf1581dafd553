"""Accounts: people who own photo libraries, made and changed by the server's staff."""

from __future__ import annotations

import enum
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from .. import keys
from ..models import Library, Photo, User
from ..quotas import MAX_QUOTA_BYTES
from ..storage import get_storage
from .libraries import library_remove
from .multipart import multipart_uploads_abort_all
from .trash import trash_purge

# A link to choose a password (an invite, or a reset) lasts this long, and only until used.
PASSWORD_LINK_LIFETIME = timedelta(days=7)
_LINK_SALT = "myphoto.accounts.password-link"  # a signing namespace, no secret


class UsernameTaken(ValueError):
    """Another account has this name (in any case: "Mom" and "mom" are one person's)."""


class EmailTaken(ValueError):
    """Another account has this email: single sign-on would not know which one is theirs."""


class InvalidAccountChange(ValueError):
    """A quota out of range, or staff taking away their own way in."""


class _Keep(enum.Enum):
    KEEP = enum.auto()


KEEP = _Keep.KEEP  # a field a change leaves as it is


def password_generate() -> str:
    return secrets.token_urlsafe(12)


def user_create(
    *,
    username: str,
    password: str | None,
    staff: bool = False,
    quota_bytes: int | None = None,
    email: str = "",
) -> User:
    """Create a user (`staff`: who manages accounts and sees the Library health page);
    without a password, one who can only get in by a password link (an invite) or by
    single sign-on with their email. Raises ValidationError for a bad name, email or a
    weak password, UsernameTaken, EmailTaken, InvalidAccountChange."""
    _check_quota(quota_bytes)
    user = User(username=username, is_staff=staff, quota_bytes=quota_bytes, email=email)
    user.full_clean(exclude=["password"], validate_unique=False)
    _check_email_free(user)
    if password is not None:
        validate_password(password, user)
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(
            gettext("An account named “%(name)s” already exists.") % {"name": username}
        )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def _check_email_free(user: User) -> None:
    if user.email and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
        raise EmailTaken(
            gettext("Another account has the email “%(email)s”.") % {"email": user.email}
        )


def _check_quota(quota_bytes: int | None) -> None:
    if quota_bytes is not None and not 0 <= quota_bytes <= MAX_QUOTA_BYTES:
        raise InvalidAccountChange(
            gettext("A quota is from 0 bytes to %(most)d bytes, or none.")
            % {"most": MAX_QUOTA_BYTES}
        )


def user_change(
    *,
    user: User,
    by: User,
    is_active: bool | _Keep = KEEP,
    is_staff: bool | _Keep = KEEP,
    quota_bytes: int | None | _Keep = KEEP,
    password: str | _Keep = KEEP,
    email: str | _Keep = KEEP,
) -> User:
    """Change an account as `by` (staff) asks. Disabled, its sessions and tokens stop at
    once; a new password ends its sessions; the email is what single sign-on knows them
    by. Staff cannot disable themselves or take their own staff away (someone must stay to
    undo it). Raises InvalidAccountChange, EmailTaken or ValidationError (a weak password,
    an email that is not one)."""
    if user.pk == by.pk and (is_active is False or is_staff is False):
        raise InvalidAccountChange(
            gettext("You cannot disable your own account or take away your own staff role.")
        )
    if quota_bytes is not KEEP:
        _check_quota(quota_bytes)
        user.quota_bytes = quota_bytes
    if password is not KEEP:
        validate_password(password, user)
        user.set_password(password)
    if is_active is not KEEP:
        user.is_active = is_active
    if is_staff is not KEEP:
        user.is_staff = is_staff
    if email is not KEEP:
        user.email = email.strip()
        user.full_clean(exclude=["password"], validate_unique=False)
        _check_email_free(user)
    user.save()
    return user


def _link_state(user: User) -> str:
    """Changes once the password does (or the account is disabled): a used link is spent."""
    return salted_hmac(_LINK_SALT, f"{user.password}{user.is_active}").hexdigest()[:20]


def password_link_token(*, user: User) -> str:
    """A token for a link that lets the person choose a password (for PASSWORD_LINK_LIFETIME,
    once); their current password, if any, works until they do."""
    return signing.dumps([str(user.pk), _link_state(user)], salt=_LINK_SALT)


def user_for_password_link(token: str) -> User | None:
    """The active account the link is for; None if it is forged, spent or out of date."""
    try:
        user_id, state = signing.loads(token, salt=_LINK_SALT, max_age=PASSWORD_LINK_LIFETIME)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not secrets.compare_digest(state, _link_state(user)):
        return None
    return user


@transaction.atomic
def user_create_first() -> tuple[User, str] | None:
    """Create an 'admin' user with a random password if there is no user yet."""
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username="admin", password=password)
    return user, password


def user_delete_by_staff(*, user: User, by: User) -> int:
    """`user_delete` as staff ask for it: never their own account."""
    if user.pk == by.pk:
        raise InvalidAccountChange(gettext("You cannot delete your own account."))
    return user_delete(user=user)


def user_delete(*, user: User) -> int:
    """Delete a user and everything of theirs; return how many photos went.

    Photos go through the purge (their objects, then their rows, in batches that
    can be re-run), then whatever else is under the user's prefixes (direct uploads
    never completed, leftovers of jobs), then the user, tokens and counts. If the
    storage fails half-way, the user stays, with what is left: run it again.
    """
    # Their adopted libraries are forgotten first (the files stay in their sources).
    forgotten = sum(
        library_remove(library=library) for library in Library.objects.filter(owner=user)
    )
    Photo.objects.filter(owner=user, deleted_at__isnull=True).update(deleted_at=timezone.now())
    purged = forgotten + trash_purge(owner=user)
    multipart_uploads_abort_all(owner=user)
    storage = get_storage()
    for prefix in keys.owner_prefixes(owner_id=user.pk):
        storage.delete_many([stored.key for stored in storage.list_objects(prefix)])
    user.delete()
    return purged
