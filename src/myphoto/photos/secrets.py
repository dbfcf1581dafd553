"""Secrets MyPhoto must keep and use again (an adopted library's S3 keys): encrypted with
Fernet under a key derived from the server's SECRET_KEY, so that a copy of the database
alone does not hand them out. Changing SECRET_KEY makes them unreadable: the library then
says so and asks for its keys again."""

from __future__ import annotations

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """Encrypted under another SECRET_KEY (or altered)."""


@cache
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"myphoto stored secrets v1"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(values: dict[str, str]) -> str:
    """The values as one token to store."""
    return _fernet(settings.SECRET_KEY).encrypt(json.dumps(values).encode()).decode()


def unseal(token: str, *, secret_key: str | None = None) -> dict[str, str]:
    """The values a token holds (sealed under `secret_key`, by default the server's);
    {} for no token."""
    if not token:
        return {}
    try:
        values = json.loads(_fernet(secret_key or settings.SECRET_KEY).decrypt(token.encode()))
    except InvalidToken as err:
        raise SecretUnreadable(
            "The stored keys cannot be read with this server's SECRET_KEY; give them again."
        ) from err
    return {str(name): str(value) for name, value in values.items()}
