"""Backups of the database: made into storage while uploads go on, restored by `myphoto
restore` into an empty database (a new one: the old is gone), after which `fsck --verify`
is clean and every photo, album, share and edit is as it was; never over a database that
has tables; never from a damaged file. On both databases (the suite runs on each), on
disk and on SeaweedFS."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import images
import psycopg
import pytest
import seaweedfs
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from myphoto.photos.models import Album, AlbumPhoto, BackupRun, Photo, ShareLink
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.backups import (
    backup_daily_if_due,
    backup_make,
    backups_list,
)
from myphoto.photos.services.edit_values import Edit
from myphoto.photos.services.edits import photo_edit
from myphoto.photos.services.shares import share_create
from myphoto.photos.services.upload import photo_upload
from myphoto.photos.storage import get_storage

pytestmark = pytest.mark.django_db(transaction=True)

# What must come back: the rows' facts that a person would miss.
READ_BACK = {
    "photos": "SELECT id, original_name, description, storage_key FROM photos_photo",
    "albums": "SELECT id, title FROM photos_album",
    "entries": "SELECT album_id, photo_id FROM photos_albumphoto",
    "shares": "SELECT key, album_id FROM photos_sharelink",
    "users": "SELECT username, quota_bytes FROM photos_user",
}


def rows_of(cursor) -> dict[str, set[tuple]]:
    found = {}
    for name, query in READ_BACK.items():
        cursor.execute(query)
        found[name] = {tuple(str(value) for value in row) for row in cursor.fetchall()}
    return found


@contextmanager
def empty_database(tmp_path) -> Iterator[tuple[str, object]]:
    """A new, empty database of the kind the suite runs on: its URL and a way to read it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    settings = connection.settings_dict
    name = f"restored_{uuid.uuid4().hex[:12]}"
    server = {
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    try:
        yield url, lambda: psycopg.connect(dbname=name, **server)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def storage_environment(photo_storage, settings) -> dict[str, str]:
    """The settings' storage, as the environment tells a `myphoto` command."""
    if photo_storage.kind == "disk":
        return {"MYPHOTO_MEDIA_DIR": str(photo_storage.root)}
    return {
        "MYPHOTO_S3_BUCKET": photo_storage.name,
        "MYPHOTO_S3_ENDPOINT_URL": photo_storage.server.endpoint_url,
        "MYPHOTO_S3_REGION": seaweedfs.REGION,
        "MYPHOTO_S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
        "MYPHOTO_S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
    }


def myphoto(*arguments: str, environment: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """Run a `myphoto` command as the server's operator would, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "myphoto", *arguments],
        env={
            **os.environ,
            "MYPHOTO_DATA_DIR": str(tmp_path / "data"),
            "MYPHOTO_SECRET_KEY": "restore-test",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def family_library(user, other_user, make_photo):
    """Photos of two people, an album with a share link, a hand-made edit, a quota."""
    photos = [make_photo(f"{n}.jpg")[0] for n in range(4)]
    make_photo("theirs.jpg", owner=other_user)
    photo_edit(owner=user, photo_id=photos[0].pk, edit=Edit(description="엄마 생일 🎂"))
    album = album_create(owner=user, title="제주 2023", photo_ids=[p.pk for p in photos[:3]])
    share_create(album=album, allow_upload=True)
    user.quota_bytes = 10 * 1024**3
    user.save(update_fields=["quota_bytes"])
    return photos


def test_a_backup_made_while_uploads_run_restores_everything_into_an_empty_database(
    user, photo_storage, family_library, settings, tmp_path
):
    before = rows_of(connection.cursor())
    uploading = threading.Event()
    uploaded: list[Photo] = []
    errors: list[BaseException] = []

    def uploads() -> None:
        try:
            for n in range(12):
                file = SimpleUploadedFile(f"during-{n}.jpg", images.jpeg(seed=500 + n))
                uploaded.append(photo_upload(owner=user, file=file).photo)
                uploading.set()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)
        finally:
            connections.close_all()

    thread = threading.Thread(target=uploads)
    thread.start()
    uploading.wait(timeout=30)
    call_command("backup")
    thread.join()
    assert not errors, errors
    [made] = backups_list()
    stored = get_storage().read_bytes(f"backups/{made.name}.sha256").decode()
    assert stored.endswith(f"  {made.name}\n") and len(stored.split()[0]) == 64

    environment = storage_environment(photo_storage, settings)
    with empty_database(tmp_path) as (url, reader):
        environment["DATABASE_URL"] = url
        restored = myphoto(
            "backup", "restore", made.name, environment=environment, tmp_path=tmp_path
        )
        assert restored.returncode == 0, restored.stderr
        assert f"Restored {made.name}" in restored.stdout
        checked = myphoto("fsck", "--verify", environment=environment, tmp_path=tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        with reader() as database:
            after = rows_of(database.cursor())
        # Again, over what is there now: refused, and it stays as it is.
        again = myphoto("backup", "restore", made.name, environment=environment, tmp_path=tmp_path)
        assert again.returncode != 0 and "not empty" in again.stderr
    # Everything made before the backup, exactly; of the uploads at the time, those it saw.
    for name in ("albums", "entries", "shares", "users"):
        assert after[name] == before[name], name
    assert before["photos"] <= after["photos"]
    during = after["photos"] - before["photos"]
    assert {uuid.UUID(row[0]) for row in during} <= {photo.pk for photo in uploaded}
    assert any(row[2] == "엄마 생일 🎂" for row in after["photos"])


def test_restore_refuses_a_database_with_tables_and_what_is_no_backup(
    photo_storage, family_library
):
    made = backup_make()
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "restore", made.name)
    assert Photo.objects.count() == 5  # untouched
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("backup", "restore", "../originals/1/x.jpg")
    with pytest.raises(CommandError, match="Name the backup"):
        call_command("backup", "restore")


def test_a_damaged_backup_is_refused_before_anything_is_written(
    photo_storage, family_library, settings, tmp_path
):
    made = backup_make()
    storage = get_storage()
    data = bytearray(storage.read_bytes(made.key))
    data[len(data) // 2] ^= 0xFF
    storage.put(made.key, io.BytesIO(bytes(data)), size=len(data))
    environment = storage_environment(photo_storage, settings)
    with empty_database(tmp_path) as (url, reader):
        environment["DATABASE_URL"] = url
        refused = myphoto(
            "backup", "restore", made.name, environment=environment, tmp_path=tmp_path
        )
        absent = "myphoto-20000101-000000." + made.name.rsplit(".", 1)[1]
        missing = myphoto("backup", "restore", absent, environment=environment, tmp_path=tmp_path)
        with reader() as database:
            cursor = database.cursor()
            if connection.vendor == "sqlite":
                cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            else:
                cursor.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                )
            tables = cursor.fetchone()[0]
    assert refused.returncode != 0 and "damaged" in refused.stderr
    assert missing.returncode != 0 and "no backup named" in missing.stderr
    assert tables == 0


def test_the_worker_backs_up_daily_at_its_hour_once_and_keeps_the_newest(
    photo_storage, family_library, settings
):
    settings.MYPHOTO_BACKUP_HOUR = 2
    settings.MYPHOTO_BACKUP_KEEP = 2
    day = timezone.localtime().replace(hour=1, minute=0, second=0, microsecond=0)
    assert backup_daily_if_due(day) is None  # before the hour
    names = []
    for days in range(4):
        at = day + timedelta(days=days, hours=2)
        run = backup_daily_if_due(at)
        assert run is not None and run.error == "" and run.finished_at is not None
        assert backup_daily_if_due(at + timedelta(minutes=5)) is None  # once a day
        names.append(run.name)
    kept = [backup.name for backup in backups_list()]
    assert len(kept) == 2 and set(kept) <= set(names)
    assert BackupRun.objects.count() == 4


def test_the_health_page_lists_the_backups(client, user, family_library):
    user.is_staff = True
    user.save()
    made = backup_make()
    page = client.get("/library-health/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert made.name in page
    assert Album.objects.count() == 1 and AlbumPhoto.objects.count() == 3
    assert ShareLink.objects.count() == 1
