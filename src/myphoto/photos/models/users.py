"""The people of this server."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person with a photo library. Custom from the first migration."""
