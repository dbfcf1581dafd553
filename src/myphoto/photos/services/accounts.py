"""Accounts: people who own photo libraries."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from .. import keys
from ..models import Library, Photo, User
from ..storage import get_storage
from .libraries import library_remove
from .multipart import multipart_uploads_abort_all
from .trash import trash_purge


def user_create(*, username: str, password: str, staff: bool = False) -> User:
    """Create a user (`staff`: who sees the Library health page); raise ValidationError
    for a weak password, ValueError if taken."""
    user = User(username=username, is_staff=staff)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    if User.objects.filter(username__iexact=username).exists():
        raise ValueError(f"A user named {username!r} already exists.")
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_create_first() -> tuple[User, str] | None:
    """Create an 'admin' user with a random password if there is no user yet."""
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username="admin", password=password)
    return user, password


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
