"""Object storage for originals and derivatives.

`get_storage()` returns the backend for `STORAGES["default"]`, chosen once:
`local.LocalPhotoStorage` for Django's `FileSystemStorage`, `s3.S3PhotoStorage`
for django-storages' `S3Storage`. Code outside this package talks to storage
only through the `PhotoStorage` interface, and never to boto3.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver

from .base import (
    CHUNK_SIZE,
    ObjectMissing,
    OpenUpload,
    PartsChanged,
    PhotoStorage,
    PresignedPost,
    Readable,
    StorageUnavailable,
    StoredObject,
    UploadedPart,
)

__all__ = [
    "CHUNK_SIZE",
    "ObjectMissing",
    "OpenUpload",
    "PartsChanged",
    "PhotoStorage",
    "PresignedPost",
    "Readable",
    "StorageUnavailable",
    "StoredObject",
    "UploadedPart",
    "get_storage",
]


@cache
def get_storage() -> PhotoStorage:
    """The photo storage configured in `STORAGES["default"]`."""
    configured = storages["default"]
    if isinstance(configured, FileSystemStorage):
        from .local import LocalPhotoStorage

        return LocalPhotoStorage(configured.location)
    if _is_django_storages_s3(configured):
        from .s3 import S3PhotoStorage

        return S3PhotoStorage.from_django_storage(
            configured, public_endpoint_url=settings.MYPHOTO_S3_PUBLIC_ENDPOINT_URL
        )
    raise ImproperlyConfigured(
        f"STORAGES['default'] is a {type(configured).__name__}; MyPhoto keeps photos on "
        "Django's FileSystemStorage or django-storages' S3Storage."
    )


def _is_django_storages_s3(configured: Any) -> bool:
    # Imported only here: it pulls in boto3, which a local-disk install never needs.
    from storages.backends.s3 import S3Storage

    return isinstance(configured, S3Storage)


@receiver(setting_changed)
def _forget_storage(*, setting: str, **kwargs: Any) -> None:
    """Tests switch STORAGES (disk, then a SeaweedFS bucket): choose again then."""
    if setting in {"STORAGES", "MYPHOTO_S3_PUBLIC_ENDPOINT_URL"}:
        get_storage.cache_clear()
