"""API tokens: created once, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from uuid import UUID

from django.utils import timezone

from ..models import ApiToken, User

TOKEN_PREFIX = "mp_"  # noqa: S105  a public marker that tells tokens apart, not a secret
# Writing last_used_at on every request would turn reads into writes.
_LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; return it and the secret, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=_hash(raw), prefix=raw[: len(TOKEN_PREFIX) + 6]
    )
    return token, raw


def token_authenticate(raw: str) -> User | None:
    """Return the active user a token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: UUID | str) -> bool:
    """Delete one of the user's tokens; return False if they have no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
