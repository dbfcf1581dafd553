"""Live Photos: an iPhone's still and its motion, uploaded together or apart, are one item."""

from __future__ import annotations

import io
import zipfile

import av
import images
import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from together import upload_together

from myphoto.photos.models import AlbumPhoto, Photo
from myphoto.photos.selectors import timeline_count
from myphoto.photos.services import albums as album_services
from myphoto.photos.services.trash import trash_purge

CONTENT_ID = "5B5C4A0E-1E1B-4C8E-9C59-2B9A1C5F1E77"


def upload(client, after_commit, *files: tuple[str, bytes]) -> list[dict]:
    with after_commit():
        response = client.post(
            "/api/v1/photos", {"file": [SimpleUploadedFile(n, d) for n, d in files]}
        )
    assert response.status_code == 201, response.content
    return response.json()["items"]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def timeline(client) -> list[dict]:
    return client.get("/api/v1/photos").json()["items"]


def codec_of(data: bytes) -> str:
    with av.open(io.BytesIO(data)) as container:
        return container.streams.video[0].codec_context.name


@pytest.mark.parametrize("order", ["still first", "motion first", "together"])
def test_still_and_motion_become_one_item_in_any_order(
    client, user, photo_storage, after_commit, order
):
    still, motion = images.live_still(CONTENT_ID), videos.live_motion(CONTENT_ID)
    files = [("IMG_0007.JPG", still), ("IMG_0007.MOV", motion)]
    if order == "motion first":
        files.reverse()
    if order == "together":
        upload(client, after_commit, *files)
    else:
        for file in files:
            upload(client, after_commit, file)

    items = timeline(client)

    assert [item["filename"] for item in items] == ["IMG_0007.JPG"]
    (item,) = items
    assert item["live"] is True and item["kind"] == "photo"
    assert item["playback_url"] == f"/api/v1/photos/{item['id']}/playback"
    # The motion plays (an HEVC MOV: through its H.264 copy); the still's bytes stay its own.
    assert codec_of(body_of(client.get(item["playback_url"]))) == "h264"
    assert body_of(client.get(item["download_url"])) == still
    assert timeline_count(user=user) == 1
    assert client.get("/api/v1/timeline/buckets").json()["buckets"][0]["count"] == 1
    assert client.get("/api/v1/photos?kind=video").json()["items"] == []
    motion_row = Photo.objects.get(original_name="IMG_0007.MOV")
    assert str(motion_row.part_of_id) == item["id"]


def test_an_album_of_the_motion_holds_the_still_once_it_arrives(
    client, user, photo_storage, after_commit
):
    (motion,) = upload(client, after_commit, ("IMG_0008.MOV", videos.live_motion(CONTENT_ID)))
    album = album_services.album_create(owner=user, title="Trip", photo_ids=[motion["id"]])

    heic = images.live_still(CONTENT_ID, fmt="HEIF")
    (still,) = upload(client, after_commit, ("IMG_0008.HEIC", heic))

    assert still["content_type"] == "image/heic" and still["live"] is True
    entries = AlbumPhoto.objects.filter(album=album)
    assert [str(entry.photo_id) for entry in entries] == [still["id"]]
    assert client.get(f"/api/v1/albums/{album.pk}").json()["cover_photo"] == still["id"]
    listed = client.get(f"/api/v1/photos?album={album.pk}").json()["items"]
    assert [item["id"] for item in listed] == [still["id"]]
    assert listed[0]["live"] is True


def test_trash_restore_and_purge_take_the_motion_with_the_still(
    client, user, photo_storage, after_commit
):
    still, _ = upload(
        client,
        after_commit,
        ("IMG_0009.JPG", images.live_still(CONTENT_ID)),
        ("IMG_0009.MOV", videos.live_motion(CONTENT_ID)),
    )
    motion = Photo.objects.get(original_name="IMG_0009.MOV")

    assert client.delete(f"/api/v1/photos/{still['id']}").status_code == 204

    motion.refresh_from_db()
    assert motion.in_trash
    assert [item["id"] for item in client.get("/api/v1/trash").json()["items"]] == [still["id"]]
    assert client.post(f"/api/v1/photos/{still['id']}/restore").status_code == 200
    motion.refresh_from_db()
    assert not motion.in_trash
    assert timeline_count(user=user) == 1

    client.delete(f"/api/v1/photos/{still['id']}")
    keys = {key for photo in Photo.objects.all() for key in photo.storage_keys}
    assert keys <= photo_storage.keys() and len(keys) >= 6  # originals, posters, a copy

    assert trash_purge(owner=user) == 1

    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_a_zip_holds_the_still_and_its_motion(client, user, photo_storage, after_commit):
    still_bytes, motion_bytes = images.live_still(CONTENT_ID), videos.live_motion(CONTENT_ID)
    still, _ = upload(
        client, after_commit, ("IMG_0010.JPG", still_bytes), ("IMG_0010.MOV", motion_bytes)
    )
    plain = upload(client, after_commit, ("other.jpg", images.jpeg()))[0]

    response = client.post(
        "/api/v1/photos/download",
        {"ids": [still["id"], plain["id"]]},
        content_type="application/json",
    )

    archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
    assert archive.namelist() == ["IMG_0010.JPG", "IMG_0010.MOV", "other.jpg"]
    assert archive.read("IMG_0010.MOV") == motion_bytes
    assert archive.read("IMG_0010.JPG") == still_bytes


def test_another_users_motion_with_the_same_identifier_stays_apart(
    client, other_user, photo_storage, after_commit
):
    from myphoto.photos.services.upload import photo_upload

    with after_commit():
        theirs = photo_upload(
            owner=other_user,
            file=SimpleUploadedFile("IMG_0011.MOV", videos.live_motion(CONTENT_ID)),
        ).photo

    (mine,) = upload(client, after_commit, ("IMG_0011.JPG", images.live_still(CONTENT_ID)))

    theirs.refresh_from_db()
    assert theirs.part_of_id is None
    assert mine["live"] is False and mine["playback_url"] is None


def test_adding_a_motion_to_an_album_adds_its_still(client, user, photo_storage, after_commit):
    still, _ = upload(
        client,
        after_commit,
        ("IMG_0012.JPG", images.live_still(CONTENT_ID)),
        ("IMG_0012.MOV", videos.live_motion(CONTENT_ID)),
    )
    motion = Photo.objects.get(original_name="IMG_0012.MOV")
    album = album_services.album_create(owner=user, title="Trip")

    response = client.post(
        f"/api/v1/albums/{album.pk}/photos",
        {"ids": [str(motion.pk), still["id"]]},
        content_type="application/json",
    )

    assert response.json() == {"added": 1}
    assert [str(e.photo_id) for e in AlbumPhoto.objects.filter(album=album)] == [still["id"]]


def test_uploading_a_trashed_motion_again_brings_its_live_photo_back(
    client, user, photo_storage, after_commit
):
    motion_bytes = videos.live_motion(CONTENT_ID)
    still, _ = upload(
        client,
        after_commit,
        ("IMG_0013.JPG", images.live_still(CONTENT_ID)),
        ("IMG_0013.MOV", motion_bytes),
    )
    client.delete(f"/api/v1/photos/{still['id']}")

    (again,) = upload(client, after_commit, ("IMG_0013.MOV", motion_bytes))

    assert again["duplicate"] is True
    assert [item["id"] for item in timeline(client)] == [still["id"]]
    assert not Photo.objects.filter(deleted_at__isnull=False).exists()
    assert timeline_count(user=user) == 1


@pytest.mark.django_db(transaction=True)
def test_a_still_and_its_motion_uploaded_at_the_same_moment_pair(user, photo_storage):
    """As `myphoto upload --jobs 4` sends them. On PostgreSQL both uploads reach the
    insert of their row at the same moment; the owner's usage row, which the insert
    moves, makes the second wait for the first's commit (SQLite has one writer at a
    time: there they pair one after the other)."""
    files = {
        "IMG_0014.JPG": images.live_still(CONTENT_ID),
        "IMG_0014.MOV": videos.live_motion(CONTENT_ID),
    }

    failures = upload_together(user, files)

    assert failures == []
    motion = Photo.objects.get(original_name="IMG_0014.MOV")
    still = Photo.objects.get(original_name="IMG_0014.JPG")
    assert motion.part_of_id == still.pk
    assert timeline_count(user=user) == 1


def test_the_photo_page_offers_the_motion_without_javascript(client, photo_storage, after_commit):
    still, _ = upload(
        client,
        after_commit,
        ("IMG_0015.JPG", images.live_still(CONTENT_ID)),
        ("IMG_0015.MOV", videos.live_motion(CONTENT_ID)),
    )

    html = client.get(f"/photos/{still['id']}/").content.decode()

    assert "Live Photo: play its motion" in html
    assert f'src="/api/v1/photos/{still["id"]}/playback"' in html


def test_recounting_counts_a_live_photo_once(client, user, photo_storage, after_commit):
    from myphoto.photos.services.counts import month_counts_rebuild

    upload(
        client,
        after_commit,
        ("IMG_0016.JPG", images.live_still(CONTENT_ID)),
        ("IMG_0016.MOV", videos.live_motion(CONTENT_ID)),
    )

    month_counts_rebuild(owner=user)

    assert timeline_count(user=user) == 1
    assert client.get("/api/v1/timeline/buckets").json()["buckets"] == [
        {"month": "2023-10", "count": 1}
    ]


def test_a_motion_photo_whose_files_say_nothing_is_paired_by_hand(
    client, user, other_user, after_commit, make_photo
):
    """A Pixel's motion photo and its video, as a Takeout gives them: one item once paired."""
    still, clip = upload(
        client,
        after_commit,
        ("PXL_20230815_101010123.MP.jpg", images.jpeg(seed=1)),
        ("PXL_20230815_101010123.MP", videos.phone_video(seconds=1.0)),
    )
    assert len(timeline(client)) == 2
    foreign, _ = make_photo("theirs.jpg", owner=other_user)

    def pair(photo_id: str, video_id: str):
        return client.post(
            f"/api/v1/photos/{photo_id}/motion",
            {"video": video_id},
            content_type="application/json",
        )

    assert pair(still["id"], str(foreign.pk)).status_code == 404
    wrong_way = pair(clip["id"], still["id"])
    assert (wrong_way.status_code, wrong_way.json()["code"]) == (400, "not_a_pair")
    answer = pair(still["id"], clip["id"])

    assert answer.status_code == 200, answer.content
    assert answer.json()["live"] is True
    assert [item["id"] for item in timeline(client)] == [still["id"]]
    assert timeline_count(user=user) == 1
    assert pair(still["id"], clip["id"]).status_code == 200  # again: nothing changes
