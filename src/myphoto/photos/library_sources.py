"""The source of an adopted library, built once per process from its row (its keys
decrypted only here, into the client that uses them)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext

from .models import Library
from .secrets import SecretUnreadable, unseal
from .storage.sources import S3Access, Source, SourceUnreachable, source_for


def source_of(library: Library) -> Source:
    """The library's source. SourceNotAllowed / SourceUnreachable when it cannot be built
    (a folder no longer under the roots, or gone; keys sealed under another SECRET_KEY)."""
    try:
        return _built(
            library.source,
            library.s3_endpoint_url,
            library.s3_region,
            library.s3_keys,
            tuple(str(root) for root in settings.MYPHOTO_LIBRARY_ROOTS),
            settings.SECRET_KEY,
        )
    except SecretUnreadable as err:
        # As a source that cannot be read: a scan says why, a download is a 503.
        raise SourceUnreachable(
            gettext("%(source)s cannot be read: %(why)s") % {"source": library.source, "why": err}
        ) from err


@lru_cache(maxsize=64)
def _built(
    location: str,
    endpoint_url: str,
    region: str,
    sealed: str,
    roots: tuple[str, ...],
    secret_key: str,
) -> Source:
    # Keyed by everything it is built from (the server's SECRET_KEY unseals the keys): a
    # library whose keys change gets a new client.
    keys = unseal(sealed, secret_key=secret_key)
    access = S3Access(
        endpoint_url or None,
        region or "us-east-1",
        keys.get("access_key_id") or None,
        keys.get("secret_access_key") or None,
    )
    return source_for(location, roots=roots, s3=access)


def source_by_id(library_id: int) -> Source:
    return source_of(Library.objects.get(pk=library_id))
