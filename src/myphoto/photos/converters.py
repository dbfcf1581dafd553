"""Path converters of our own."""

from __future__ import annotations

import uuid


class AnyCaseUUIDConverter:
    """A UUID in any letter case (Django's own `uuid` takes lower case only)."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: uuid.UUID | str) -> str:
        return str(value)


class ShareKeyConverter:
    """A share link's key: URL-safe base64 (secrets.token_urlsafe), nothing else."""

    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
