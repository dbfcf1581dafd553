"""`/api/v1/libraries`: staff adopt, scan and forget libraries; their keys go in and never
come out (not in answers, not in the database's text, not in the log); everyone else is
answered 404 on every route; bad sources are 400 with the reason."""

from __future__ import annotations

import logging

import images
import pytest
import seaweedfs
from adopted import BucketLibrary, FolderLibrary

from myphoto.photos.models import Library, Photo


@pytest.fixture
def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def bucket(seaweed):
    adopted = BucketLibrary(seaweed)
    adopted.put("2019/a.jpg", images.jpeg_from(taken="2019:05:04 10:11:12", seed=1))
    adopted.put("2019/b.jpg", images.jpeg_from(taken="2019:05:05 10:11:12", seed=2))
    yield adopted
    assert adopted.state() == adopted.expected


def adopt_body(bucket, **extra):
    access = bucket.access
    return {
        "name": "Old app",
        "source": bucket.location,
        "s3": {
            "endpoint_url": access.endpoint_url,
            "region": access.region,
            "access_key_id": access.access_key_id,
            "secret_access_key": access.secret_access_key,
        },
        **extra,
    }


def test_staff_adopt_a_prefix_and_its_keys_never_come_back(
    staff, client, bucket, after_commit, caplog
):
    caplog.set_level(logging.DEBUG)
    with after_commit():
        answer = client.post(
            "/api/v1/libraries",
            adopt_body(bucket, albums_from_folders=True),
            content_type="application/json",
        )
    assert answer.status_code == 201, answer.content
    library = answer.json()
    assert library["source"] == bucket.location and library["owner"] == "alice"
    assert library["albums_from_folders"] is True

    shown = client.get(f"/api/v1/libraries/{library['id']}").json()
    assert shown["status"] == "idle" and shown["photo_count"] == 2
    assert shown["last_scan"]["listed"] == 2 and shown["last_scan"]["added"] == 2
    assert shown["last_scan"]["failed"] == []
    everything = answer.content + client.get("/api/v1/libraries").content
    stored = Library.objects.get(pk=library["id"])
    for secret in (seaweedfs.READER_SECRET_KEY, seaweedfs.READER_ACCESS_KEY):
        assert secret.encode() not in everything
        assert secret not in stored.s3_keys
        assert secret not in caplog.text

    with after_commit():
        scanned = client.post(
            f"/api/v1/libraries/{library['id']}/scan",
            {"full": True},
            content_type="application/json",
        )
    assert scanned.status_code == 202
    rescanned = client.get(f"/api/v1/libraries/{library['id']}").json()["last_scan"]
    assert rescanned["listed"] == 2 and rescanned["changed"] == rescanned["added"] == 0

    assert client.delete(f"/api/v1/libraries/{library['id']}").status_code == 204
    assert not Photo.objects.exists() and not Library.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "reason"),
    [
        ({"source": "s3://no-such-bucket-anywhere/x/"}, "source_unreachable", "does not exist"),
        ({"s3": {"secret_access_key": "wrong"}}, "source_unreachable", "refused"),
        ({"source": "/etc/"}, "source_not_allowed", "MYPHOTO_LIBRARY_ROOTS"),
        ({"source": "photos/relative"}, "source_not_allowed", "neither"),
        ({"source": "ftp://host/x"}, "source_not_allowed", "neither"),
        ({"name": ""}, "invalid", "name"),
        ({"scan_interval_minutes": 1}, "invalid", "scan_interval_minutes"),
        ({"owner": "nobody"}, "invalid", "nobody"),
        ({"name": "a\x00b"}, "invalid", "NUL"),
    ],
)
def test_bad_sources_are_400_with_the_reason(staff, client, bucket, change, code, reason):
    body = adopt_body(bucket)
    if "s3" in change:
        body["s3"] = {**body["s3"], **change.pop("s3")}
    body.update(change)

    answer = client.post("/api/v1/libraries", body, content_type="application/json")

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == code
    assert reason in answer.json()["detail"]
    assert not Library.objects.exists()


def test_folders_outside_the_roots_or_through_links_are_refused(staff, client, tmp_path, settings):
    nas = FolderLibrary(tmp_path / "nas")
    settings.MYPHOTO_LIBRARY_ROOTS = [str(tmp_path / "nas")]
    nas.unlock()
    (nas.folder / "out").symlink_to(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    for source in (
        str(tmp_path / "elsewhere"),
        str(nas.folder / "out"),
        f"{nas.folder}/../../elsewhere",
        (tmp_path / "elsewhere").as_uri(),
    ):
        answer = client.post(
            "/api/v1/libraries", {"name": "x", "source": source}, content_type="application/json"
        )
        assert answer.status_code == 400, source
        assert answer.json()["code"] == "source_not_allowed", source
    empty = client.post(
        "/api/v1/libraries",
        {"name": "Empty", "source": str(nas.folder)},
        content_type="application/json",
    )
    assert empty.status_code == 201  # a folder with nothing in it yet is a library still


def test_everyone_but_staff_is_answered_404(user, client, other_user, bucket, after_commit):
    other_user.is_staff = True
    other_user.save()
    with after_commit():
        from myphoto.photos.services.libraries import library_add

        library = library_add(
            name="Theirs", source=bucket.location, owner=other_user, s3=bucket.access
        )
    base = f"/api/v1/libraries/{library.pk}"
    answers = [
        client.get("/api/v1/libraries"),
        client.post("/api/v1/libraries", adopt_body(bucket), content_type="application/json"),
        client.get(base),
        client.post(f"{base}/scan", {}, content_type="application/json"),
        client.delete(base),
        client.get("/libraries/"),
        client.post(f"/libraries/{library.pk}/scan"),
        client.post(f"/libraries/{library.pk}/remove", {"confirm": "Theirs"}),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert Library.objects.filter(pk=library.pk).exists()
    # The owner of a library's photos sees them as theirs, not the library's settings.
    assert Photo.objects.filter(library=library).count() == 2


def test_keys_sealed_under_another_secret_key_say_so(
    staff, client, api, bucket, after_commit, settings
):
    with after_commit():
        answer = client.post(
            "/api/v1/libraries", adopt_body(bucket), content_type="application/json"
        )
    library = answer.json()
    photo = Photo.objects.filter(library_id=library["id"]).first()
    settings.SECRET_KEY = "another secret key entirely, after a careless restore"

    # (A bearer token: the change logs sessions out.)
    download = api.get(f"/api/v1/photos/{photo.pk}/download")
    with after_commit():
        api.post(f"/api/v1/libraries/{library['id']}/scan", {}, content_type="application/json")
    shown = api.get(f"/api/v1/libraries/{library['id']}").json()

    assert download.status_code == 503 and download.json()["code"] == "storage_unavailable"
    assert shown["status"] == "error" and "SECRET_KEY" in shown["error"]
    assert shown["photo_count"] == 2 and shown["offline_count"] == 0
