"""RAW+JPEG pairs: a camera's RAW and the JPEG of the same shot become one item, whichever
arrives first; the timeline shows the JPEG, the viewer, the zip and the mirror hold both,
the trash takes both, albums hold the item. A burst's frames stay photos of their own."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import dngs
import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from together import upload_together

from myphoto.photos.models import AlbumPhoto, MonthCount, Photo
from myphoto.photos.selectors import timeline_count
from myphoto.photos.services import albums as album_services
from myphoto.photos.services.trash import trash_purge

pytestmark = pytest.mark.django_db

SHOT = "2024:05:04 10:11:12"  # dngs.TAKEN: the RAW's capture second


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


def shot(seed: int = 1, *, taken: str = SHOT) -> tuple[bytes, bytes]:
    """The RAW and the JPEG a camera writes of one shot (neither says its offset)."""
    jpeg = images.jpeg_from(taken=taken, make=dngs.CAMERA_MAKE, model=dngs.CAMERA_MODEL, seed=seed)
    return dngs.dng(640, 480, seed=seed, preview=None, taken=taken, offset="").data, jpeg


@pytest.mark.parametrize("order", ["RAW first", "JPEG first", "together"])
def test_a_raw_and_its_jpeg_become_one_item_in_any_order(
    client, user, photo_storage, after_commit, order
):
    raw, jpeg = shot()
    files = [("DSC_0042.DNG", raw), ("DSC_0042.JPG", jpeg)]
    if order == "JPEG first":
        files.reverse()
    if order == "together":
        upload(client, after_commit, *files)
    else:
        for file in files:
            upload(client, after_commit, file)

    items = timeline(client)

    assert [item["filename"] for item in items] == ["DSC_0042.JPG"]
    stack = items[0]["stack"]
    assert stack["count"] == 2 and stack["id"] == items[0]["id"]
    assert [(p["filename"], p["content_type"]) for p in stack["photos"]] == [
        ("DSC_0042.JPG", "image/jpeg"),
        ("DSC_0042.DNG", "image/x-adobe-dng"),
    ]
    raw_row = Photo.objects.get(original_name="DSC_0042.DNG")
    assert str(raw_row.part_of_id) == items[0]["id"]
    assert timeline_count(user=user) == 1
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 1
    download = client.get(f"/api/v1/photos/{raw_row.pk}/download")
    assert body_of(download) == raw


def test_a_burst_and_other_seconds_stay_photos_of_their_own(client, photo_storage, after_commit):
    raw, jpeg = shot(2)
    _, later = shot(3, taken="2024:05:04 10:11:13")
    upload(
        client,
        after_commit,
        ("DSC_0043.DNG", raw),
        ("DSC_0044.JPG", jpeg),  # the next frame of a burst: the same second, its own name
        ("DSC_0043.JPG", later),  # the same name a second later: another shot
    )

    items = timeline(client)

    assert sorted(item["filename"] for item in items) == [
        "DSC_0043.DNG",
        "DSC_0043.JPG",
        "DSC_0044.JPG",
    ]
    assert all(item["stack"] is None for item in items)


def test_the_zip_holds_both_and_the_trash_takes_both(client, user, photo_storage, after_commit):
    raw, jpeg = shot(4)
    item, _ = upload(client, after_commit, ("DSC_0045.JPG", jpeg), ("DSC_0045.DNG", raw))

    response = client.post(
        "/api/v1/photos/download", {"ids": [item["id"]]}, content_type="application/json"
    )

    archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
    assert archive.namelist() == ["DSC_0045.JPG", "DSC_0045.DNG"]
    assert archive.read("DSC_0045.DNG") == raw and archive.read("DSC_0045.JPG") == jpeg

    assert client.delete(f"/api/v1/photos/{item['id']}").status_code == 204
    raw_row = Photo.objects.get(original_name="DSC_0045.DNG")
    assert raw_row.in_trash
    assert [i["id"] for i in client.get("/api/v1/trash").json()["items"]] == [item["id"]]
    assert client.post(f"/api/v1/photos/{item['id']}/restore").status_code == 200
    raw_row.refresh_from_db()
    assert not raw_row.in_trash and timeline_count(user=user) == 1

    client.delete(f"/api/v1/photos/{item['id']}")
    assert trash_purge(owner=user) == 1
    assert Photo.objects.count() == 0 and photo_storage.keys() == set()


def test_an_album_of_the_raw_holds_the_item_once_its_jpeg_arrives(
    client, user, photo_storage, after_commit
):
    raw, jpeg = shot(5)
    (alone,) = upload(client, after_commit, ("DSC_0046.DNG", raw))
    album = album_services.album_create(owner=user, title="Trip", photo_ids=[alone["id"]])

    (item,) = upload(client, after_commit, ("DSC_0046.JPG", jpeg))

    assert [str(e.photo_id) for e in AlbumPhoto.objects.filter(album=album)] == [item["id"]]
    listed = client.get(f"/api/v1/photos?album={album.pk}").json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert listed[0]["stack"]["count"] == 2


def test_the_viewer_and_the_photo_page_offer_the_raw(client, photo_storage, after_commit):
    raw, jpeg = shot(6)
    item, _ = upload(client, after_commit, ("DSC_0047.JPG", jpeg), ("DSC_0047.DNG", raw))
    raw_id = Photo.objects.get(original_name="DSC_0047.DNG").pk

    page = client.get("/").content.decode()
    detail = client.get(f"/photos/{item['id']}/").content.decode()

    assert f'data-raw="/photos/{raw_id}/download"' in page
    assert "RAW+JPEG" in page
    assert f'href="/photos/{raw_id}/download"' in detail
    assert body_of(client.get(f"/photos/{raw_id}/download")) == raw


def test_the_mirror_holds_both_files_of_a_stack():
    from myphoto.client.download import plan

    item = {
        "id": "a",
        "filename": "DSC_0048.JPG",
        "content_type": "image/jpeg",
        "taken_at": "2024-05-04T10:11:12+09:00",
        "size": 10,
        "sha256": "j",
        "stack": {
            "id": "a",
            "count": 2,
            "photos": [
                {"id": "a", "filename": "DSC_0048.JPG", "content_type": "image/jpeg"},
                {"id": "b", "filename": "DSC_0048.DNG", "content_type": "image/x-adobe-dng"},
            ],
        },
    }

    planned = plan([item], dest=Path("/backup"))

    assert [p.target.as_posix() for p in planned] == [
        "/backup/2024/05/DSC_0048.JPG",
        "/backup/2024/05/DSC_0048.DNG",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_raw_and_its_jpeg_uploaded_at_the_same_moment_pair(user, photo_storage):
    """As `myphoto upload --jobs 4` sends them: on PostgreSQL both rows are inserted at
    once, neither transaction seeing the other; the pairing after each commit finds them."""
    raw, jpeg = shot(7)

    failures = upload_together(user, {"DSC_0049.DNG": raw, "DSC_0049.JPG": jpeg})

    assert failures == []
    raw_row = Photo.objects.get(original_name="DSC_0049.DNG")
    assert raw_row.part_of_id == Photo.objects.get(original_name="DSC_0049.JPG").pk
    assert timeline_count(user=user) == 1
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 1


def camera_jpeg(seed: int, *, count: int | None, model: str = dngs.CAMERA_MODEL) -> bytes:
    """The camera's JPEG of a shot at SHOT, with its count of the shot (EXIF ImageNumber)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = dngs.CAMERA_MAKE, model
    taken = exif.get_ifd(ExifTags.IFD.Exif)
    taken[ExifTags.Base.DateTimeOriginal] = SHOT
    if count:
        taken[ExifTags.Base.ImageNumber] = count
    return images.jpeg(32, 24, seed=seed, exif=exif)


def test_a_renamed_jpeg_pairs_by_the_cameras_count_of_the_shot(client, photo_storage, after_commit):
    raw = dngs.dng(640, 480, seed=5, preview=None, taken=SHOT, offset="", shot_number=4242)
    upload(client, after_commit, ("DSC_4242.DNG", raw.data))
    upload(
        client,
        after_commit,
        ("Seoul trip 1.jpg", camera_jpeg(5, count=4242)),  # renamed since
        ("DSC_4242.JPG", camera_jpeg(6, count=4243)),  # the burst's next frame, same second
        ("DSC_4242.jpeg", camera_jpeg(7, count=None, model="Another Body")),  # another camera
    )

    items = {item["filename"]: item for item in timeline(client)}

    assert set(items) == {"Seoul trip 1.jpg", "DSC_4242.JPG", "DSC_4242.jpeg"}
    files = [p["filename"] for p in items["Seoul trip 1.jpg"]["stack"]["photos"]]
    assert files == ["Seoul trip 1.jpg", "DSC_4242.DNG"]
    assert items["DSC_4242.JPG"]["stack"] is None and items["DSC_4242.jpeg"]["stack"] is None
    assert Photo.objects.get(original_name="DSC_4242.DNG").shot_number == 4242


@pytest.mark.django_db(transaction=True)
def test_the_command_line_client_sends_a_cards_raws_as_shots(logged_in, user, tmp_path):
    from myphoto.client.main import main as myphoto

    raw, jpeg = shot(8)
    card = tmp_path / "DCIM" / "100NIKON"
    card.mkdir(parents=True)
    (card / "DSC_0042.NEF").write_bytes(raw)  # named by its maker, told by its content
    (card / "DSC_0042.JPG").write_bytes(jpeg)

    assert myphoto(["upload", str(tmp_path / "DCIM")]) == 0

    kept = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert kept["DSC_0042.NEF"].part_of_id == kept["DSC_0042.JPG"].pk
    assert kept["DSC_0042.NEF"].content_type == "image/x-adobe-dng"
    assert timeline_count(user=user) == 1
