"""Accounts: people who own photo libraries."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from ..models import User


def user_create(*, username: str, password: str) -> User:
    """Create a user; raise ValidationError for a weak password, ValueError if taken."""
    user = User(username=username)
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
