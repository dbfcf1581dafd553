"""The OpenID provider's own description of itself (`.well-known/openid-configuration`).

Read when someone first signs in, not at startup (a provider that is down must not stop
the server, or the password login), and kept an hour. Its `issuer` must be the one the
admin configured: a provider answering for another is not the one trusted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

_KEPT_SECONDS = 3600
_TIMEOUT_SECONDS = 10
# Algorithms whose keys the provider publishes (mozilla-django-oidc checks RS* and ES*
# against the JWKS), in the order we prefer them; HS256 would sign with our secret.
_ALGORITHMS = ("RS256", "ES256", "RS384", "ES384", "RS512", "ES512")


class ProviderUnavailable(Exception):
    """The provider could not be asked, or described itself as something else."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    signing_algorithm: str
    # Where a sign-out at MyPhoto ends the provider's session too ("" if it has none).
    end_session_endpoint: str = ""


_lock = threading.Lock()
_kept: dict[str, tuple[float, Provider]] = {}


def provider_name() -> str:
    """What the login page's button names: the admin's word for the provider, else its
    host; empty when single sign-on is not set up."""
    if not settings.MYPHOTO_OIDC_ISSUER:
        return ""
    return settings.MYPHOTO_OIDC_NAME or urlsplit(settings.MYPHOTO_OIDC_ISSUER).hostname or ""


def provider() -> Provider:
    """The configured provider, asked at most once an hour. Raises ProviderUnavailable."""
    issuer = settings.MYPHOTO_OIDC_ISSUER
    with _lock:
        kept = _kept.get(issuer)
        if kept is not None and time.monotonic() - kept[0] < _KEPT_SECONDS:
            return kept[1]
    found = _discover(issuer)
    with _lock:
        _kept[issuer] = (time.monotonic(), found)
    return found


def forget() -> None:
    """Ask the provider again next time (its keys or address changed; tests)."""
    with _lock:
        _kept.clear()


def _discover(issuer: str) -> Provider:
    address = f"{issuer}/.well-known/openid-configuration"
    try:
        answer = httpx.get(address, timeout=_TIMEOUT_SECONDS, follow_redirects=True)
        answer.raise_for_status()
        described = answer.json()
    except (httpx.HTTPError, ValueError) as err:
        raise ProviderUnavailable(f"{address}: {err}") from err
    if not isinstance(described, dict):
        raise ProviderUnavailable(f"{address} is not a provider's description")
    said = str(described.get("issuer", ""))
    if said.rstrip("/") != issuer:
        raise ProviderUnavailable(f"{address} describes the issuer {said!r}, not {issuer!r}")
    offered = described.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithm = next((name for name in _ALGORITHMS if name in offered), None)
    if algorithm is None:
        raise ProviderUnavailable(f"{issuer} signs ID tokens only with {offered}")
    try:
        return Provider(
            issuer=said,
            authorization_endpoint=str(described["authorization_endpoint"]),
            token_endpoint=str(described["token_endpoint"]),
            userinfo_endpoint=str(described["userinfo_endpoint"]),
            jwks_uri=str(described["jwks_uri"]),
            signing_algorithm=algorithm,
            end_session_endpoint=str(described.get("end_session_endpoint") or ""),
        )
    except KeyError as err:
        raise ProviderUnavailable(f"{address} names no {err.args[0]}") from err
