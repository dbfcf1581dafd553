"""Fixtures: users, clients, and photo storage on local disk and on real SeaweedFS."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import passes
import placed
import pytest
import seaweedfs
from buckets import DiskBucket, S3Bucket, use_storage
from django.test import Client
from django.utils import translation

from myphoto.photos.models import User
from myphoto.photos.services.tokens import token_create
from myphoto.settings import s3_storage_options

# The servers and workers tests start as processes find no faces either (each would load
# dlib's models and look at every photo uploaded), unless a test says otherwise.
os.environ.setdefault("MYPHOTO_FACES", "0")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the test database commits without waiting for the disk: a commit
    takes 0.4 ms here instead of 2.4, and the suite commits tens of thousands of times.
    Only a crash of the machine's PostgreSQL could lose a commit, which no test makes."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
            connection.close()  # its next connection, and every other, takes it


@pytest.fixture(scope="session")
def seaweed() -> Iterator[seaweedfs.SeaweedFS]:
    server = seaweedfs.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _cache_of_its_own() -> Iterator[None]:
    """Counts cached for one test's user never answer another's (ids come round again)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _the_default_language_after_each_test() -> Iterator[None]:
    # A request in Korean leaves its language active in this thread, as a server's thread
    # keeps it until its next request sets one; a command run next in a test would speak it.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _passwords_hashed_quickly(settings) -> None:
    settings.PASSWORD_HASHERS = ["hashers.QuickPBKDF2"]


@pytest.fixture(autouse=True)
def _jobs_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _faces_where_looked_at(settings) -> None:
    """Faces are found by the tests of People (`faces_on`): elsewhere each upload's job
    would load dlib's models and look at thumbnails no test of theirs reads faces in."""
    settings.MYPHOTO_FACES = False


@pytest.fixture
def faces_on(settings) -> None:
    settings.MYPHOTO_FACES = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    """Every test writes to its own folder, never to ./data."""
    use_storage(
        settings,
        {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "allow_overwrite": True},
        },
    )


@pytest.fixture(params=passes.STORAGES)
def photo_storage(request, settings, tmp_path: Path, _media_in_tmp):
    """The test's photos on local disk (the SQLite pass) or in a fresh SeaweedFS bucket (the
    PostgreSQL pass): `passes.STORAGES`. `indirect` parametrizing asks for one of them."""
    if request.param == "disk":
        root = tmp_path / "media"
        root.mkdir(exist_ok=True)
        return DiskBucket(root)
    server = request.getfixturevalue("seaweed")
    name = f"test-{uuid.uuid4().hex[:16]}"
    seaweedfs.create_bucket(server.client(), name)
    use_storage(
        settings,
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket=name,
                endpoint_url=server.endpoint_url,
                region=seaweedfs.REGION,
                access_key=seaweedfs.ACCESS_KEY,
                secret_key=seaweedfs.SECRET_KEY,
            ),
        },
    )
    return S3Bucket(server, name)


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(username="alice", password="correct horse battery")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user(username="mallory", password="correct horse battery")


@pytest.fixture
def client(user) -> Client:
    """A browser session logged in as alice."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def token(user) -> str:
    return token_create(user=user, name="test")[1]


@pytest.fixture
def api(token) -> Client:
    """A script with alice's bearer token and no session."""
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """`with after_commit():` runs the on_commit hooks (the enqueued jobs) at its end.

    Tests run inside a transaction that never commits, so without it an upload's
    derivative job would never be enqueued.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_photo(user, after_commit):
    """Upload a generated JPEG through the upload service, jobs and all; return (photo, bytes)."""
    import images
    from django.core.files.uploadedfile import SimpleUploadedFile

    from myphoto.photos.services.upload import photo_upload

    counter = iter(range(1, 1_000_000))

    def make(name: str = "photo.jpg", *, owner=None, data: bytes | None = None):
        data = data if data is not None else images.jpeg(seed=next(counter))
        with after_commit():
            result = photo_upload(owner=owner or user, file=SimpleUploadedFile(name, data))
        result.photo.refresh_from_db()
        return result.photo, data

    return make


@pytest.fixture
def logged_in(live_server, token, monkeypatch, tmp_path):
    """The client pointed at the live server with alice's token, config kept in tmp."""
    monkeypatch.setenv("MYPHOTO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MYPHOTO_URL", live_server.url)
    monkeypatch.setenv("MYPHOTO_TOKEN", token)
    return live_server.url


@pytest.fixture
def library(user, after_commit) -> dict:
    """Four photos from three continents and the middle of the Pacific (`placed`)."""
    return placed.four_photos(user, after_commit)
