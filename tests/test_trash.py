"""Trash: hidden everywhere, restorable, and purged for good from the storage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def timeline_ids(client) -> list[str]:
    return [item["id"] for item in client.get("/api/v1/photos").json()["items"]]


def test_trash_hides_restore_brings_back(client, make_photo, photo_storage):
    kept, _ = make_photo("kept.jpg")
    gone, _ = make_photo("gone.jpg")

    assert client.delete(f"/api/v1/photos/{gone.pk}").status_code == 204

    assert timeline_ids(client) == [str(kept.pk)]
    assert client.get(f"/api/v1/photos/{gone.pk}").status_code == 404
    assert client.get(f"/api/v1/photos/{gone.pk}/download").status_code == 404
    trash = client.get("/api/v1/trash").json()["items"]
    assert [item["id"] for item in trash] == [str(gone.pk)]
    assert "deleted_at" in trash[0] and "purge_after" in trash[0]

    restored = client.post(f"/api/v1/photos/{gone.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["id"] == str(gone.pk)
    assert set(timeline_ids(client)) == {str(kept.pk), str(gone.pk)}
    assert client.get("/api/v1/trash").json()["items"] == []


def test_bulk_delete_counts_only_own_visible_photos(client, make_photo, other_user, photo_storage):
    mine = [make_photo(f"{n}.jpg")[0] for n in range(3)]
    theirs, _ = make_photo("theirs.jpg", owner=other_user)

    response = client.post(
        "/api/v1/photos/delete",
        {"ids": [str(p.pk) for p in [*mine, theirs]]},
        content_type="application/json",
    )

    assert response.json() == {"deleted": 3}
    assert Photo.objects.get(pk=theirs.pk).deleted_at is None


def test_bulk_restore_undoes_a_bulk_delete_of_own_photos_only(client, make_photo, other_user):
    mine = [make_photo(f"{n}.jpg")[0] for n in range(3)]
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    Photo.objects.filter(pk=theirs.pk).update(deleted_at=timezone.now())
    ids = [str(p.pk) for p in mine]
    client.post("/api/v1/photos/delete", {"ids": ids}, content_type="application/json")

    response = client.post(
        "/api/v1/photos/restore", {"ids": [*ids, str(theirs.pk)]}, content_type="application/json"
    )

    assert response.json() == {"restored": 3}
    assert set(timeline_ids(client)) == set(ids)
    assert Photo.objects.get(pk=theirs.pk).deleted_at is not None  # not mine to restore
    again = client.post("/api/v1/photos/restore", {"ids": ids}, content_type="application/json")
    assert again.json() == {"restored": 0}
    bad = client.post("/api/v1/photos/restore", {"ids": ["nope"]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_empty_trash_removes_objects_then_rows(client, make_photo, photo_storage):
    kept, _ = make_photo("kept.jpg")
    gone, _ = make_photo("gone.jpg")
    client.delete(f"/api/v1/photos/{gone.pk}")

    response = client.delete("/api/v1/trash")

    assert response.json() == {"purged": 1}
    assert not Photo.objects.filter(pk=gone.pk).exists()
    assert photo_storage.keys() == set(kept.storage_keys)


def test_purge_is_idempotent_when_an_object_is_already_gone(client, make_photo, photo_storage):
    gone, _ = make_photo("gone.jpg")
    client.delete(f"/api/v1/photos/{gone.pk}")
    photo_storage.remove(gone.storage_key)

    assert client.delete("/api/v1/trash").json() == {"purged": 1}
    assert photo_storage.keys() == set()


def test_expired_trash_is_purged_by_the_command(user, make_photo, photo_storage, settings):
    settings.MYPHOTO_TRASH_DAYS = 30
    old, _ = make_photo("old.jpg")
    recent, _ = make_photo("recent.jpg")
    Photo.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    Photo.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - timedelta(days=1))

    call_command("purge_trash")

    assert list(Photo.objects.values_list("pk", flat=True)) == [recent.pk]
    assert photo_storage.keys() == set(recent.storage_keys)


def test_web_delete_undo_and_trash_page(client, make_photo, photo_storage):
    photo, _ = make_photo("web.jpg")

    response = client.post("/photos/delete", {"ids": [str(photo.pk)]})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Moved 1 photo to the trash." in page and "Undo" in page
    assert "web.jpg" not in page

    client.post("/photos/undo-delete")
    assert "web.jpg" in client.get("/").content.decode()

    client.post("/photos/delete", {"ids": [str(photo.pk)]})
    assert "web.jpg" in client.get("/trash/").content.decode()
    client.post("/trash/restore", {"ids": [str(photo.pk)]})
    assert Photo.objects.get(pk=photo.pk).deleted_at is None

    client.post("/photos/delete", {"ids": [str(photo.pk)]})
    asked = client.post("/trash/empty")
    assert asked.status_code == 200 and "Empty the trash?" in asked.content.decode()
    assert Photo.objects.filter(pk=photo.pk).exists()  # nothing yet
    response = client.post("/trash/empty", {"confirmed": "yes"}, follow=True)
    assert "Deleted 1 photo for good." in response.content.decode()
    assert photo_storage.keys() == set()
