"""Big files in parts (API.md "Big files"): straight to the bucket on S3, to the app on
disk; resumed from the parts received, checked once whole, nothing kept when refused."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import httpx
import images
import pytest
import videos
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from myphoto.photos.models import MultipartUpload, Photo
from myphoto.photos.services.unfinished import unfinished_uploads_purge

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _parts_of_5_mib(settings) -> None:
    settings.MYPHOTO_UPLOAD_PART_MB = 5


def start(api, name: str, data: bytes, *, sha256: bool = True, status: int = 201) -> dict:
    body = {"filename": name, "size": len(data)}
    if sha256:
        body["sha256"] = hashlib.sha256(data).hexdigest()
    answer = api.post("/api/v1/uploads/multipart", body, content_type="application/json")
    assert answer.status_code == status, answer.content
    return answer.json()


def targets(api, upload_id: str, numbers: list[int]) -> list[dict]:
    answer = api.post(
        f"/api/v1/uploads/multipart/{upload_id}/parts",
        {"numbers": numbers},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["parts"]


def put(target: dict, body: bytes) -> int:
    """PUT a part where the API said, as a client does: with nothing but the URL."""
    assert target["method"] == "PUT" and target["headers"] == {}
    if target["url"].startswith("/"):  # the app's own (storage on disk)
        answer = Client().put(target["url"], body, content_type="application/octet-stream")
        assert answer.status_code == 200 and answer["ETag"], answer.content
        return answer.status_code
    answer = httpx.put(target["url"], content=body)
    assert answer.status_code == 200 and answer.headers["ETag"], answer.text
    return answer.status_code


def part(data: bytes, number: int, part_size: int) -> bytes:
    return data[(number - 1) * part_size : number * part_size]


def send(api, started: dict, data: bytes, numbers: list[int]) -> int:
    """Send these parts; return how many bytes went."""
    sent = 0
    for target in targets(api, started["id"], numbers):
        body = part(data, target["number"], started["part_size"])
        put(target, body)
        sent += len(body)
    return sent


def status(api, upload_id: str) -> dict:
    answer = api.get(f"/api/v1/uploads/multipart/{upload_id}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def complete(api, upload_id: str, after_commit, **body):
    with after_commit():
        return api.post(
            f"/api/v1/uploads/multipart/{upload_id}/complete", body, content_type="application/json"
        )


def open_uploads(photo_storage) -> list:
    """The storage's own list of unfinished multipart uploads (parts on disk)."""
    if photo_storage.kind == "s3":
        answer = photo_storage.client.list_multipart_uploads(Bucket=photo_storage.name)
        return answer.get("Uploads", [])
    return sorted((photo_storage.root / "multipart").glob("*"))


def test_a_200_mib_video_in_5_mib_parts_resumed_after_half(api, user, photo_storage, after_commit):
    data = videos.padded_video(200 * MiB)
    started = start(api, "IMG_0001.MOV", data)
    assert started["part_size"] == 5 * MiB and started["part_count"] == 40
    upload_id = started["id"]

    first = send(api, started, data, list(range(1, 21)))
    assert status(api, upload_id)["received"] == list(range(1, 21))
    # The connection dropped; the client comes back, asks what arrived, sends the rest.
    missing = [n for n in range(1, 41) if n not in status(api, upload_id)["received"]]
    second = send(api, started, data, missing)
    assert first == 100 * MiB and second == len(data) - first

    done = complete(api, upload_id, after_commit)

    assert done.status_code == 201, done.content
    [item] = done.json()["items"]
    assert item["kind"] == "video" and item["size"] == len(data) and not item["duplicate"]
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    photo = Photo.objects.get(pk=item["id"])
    assert photo.storage_key == f"originals/{user.pk}/{photo.pk}.mov"
    assert photo_storage.read(photo.storage_key) == data
    assert photo_storage.keys() == set(photo.storage_keys)  # no parts left behind
    assert open_uploads(photo_storage) == []
    assert not MultipartUpload.objects.exists()
    assert api.get(f"/api/v1/uploads/multipart/{upload_id}").status_code == 404
    # Its answer lost on the way, the client completes again: the same photo, nothing new.
    again = complete(api, upload_id, after_commit)
    assert again.status_code == 201 and again.json()["items"][0]["id"] == item["id"]
    assert Photo.objects.count() == 1


def test_a_photo_in_one_part_and_its_crc_recorded(api, photo_storage, after_commit):
    data = images.camera_photo("JPEG", seed=3)
    started = start(api, "사진.jpg", data, sha256=False)
    assert started["part_count"] == 1
    send(api, started, data, [1])

    done = complete(api, started["id"], after_commit)

    assert done.status_code == 201, done.content
    [item] = done.json()["items"]
    assert item["filename"] == "사진.jpg" and item["camera"] == "Apple iPhone 15 Pro"
    photo = Photo.objects.get(pk=item["id"])
    import zlib

    assert photo.crc32 == zlib.crc32(data) and photo.derivatives_ready


def test_complete_with_parts_missing_lists_them_and_keeps_the_upload(
    api, photo_storage, after_commit
):
    data = videos.padded_video(12 * MiB + 5)
    started = start(api, "clip.mp4", data)
    send(api, started, data, [2])

    early = complete(api, started["id"], after_commit)

    assert early.status_code == 409
    assert early.json()["code"] == "parts_missing" and early.json()["missing"] == [1, 3]
    send(api, started, data, [1, 3])
    assert complete(api, started["id"], after_commit).status_code == 201


def test_a_part_cut_short_is_not_kept(api, photo_storage, after_commit):
    if photo_storage.kind != "disk":
        pytest.skip("parts go through the app on disk; on S3 the bucket takes them")
    data = videos.padded_video(6 * MiB)
    started = start(api, "clip.mp4", data)
    [first] = targets(api, started["id"], [1])

    short = Client().put(first["url"], data[:MiB], content_type="application/octet-stream")

    assert short.status_code == 400 and short.json()["code"] == "invalid_part"
    assert status(api, started["id"])["received"] == []
    # No note that part 1 is whole, nothing under originals/: only the upload's own files.
    stored = photo_storage.keys()
    assert {key.split("/")[-1] for key in stored} == {"target", "part-size", "data"}


def test_a_part_url_is_its_own_permission_and_only_for_its_part(api, photo_storage):
    if photo_storage.kind != "disk":
        pytest.skip("parts go through the app on disk; on S3 the bucket checks its signature")
    data = videos.padded_video(11 * MiB)
    started = start(api, "clip.mp4", data)
    [one, two] = targets(api, started["id"], [1, 2])
    forged = one["url"].replace("/parts/1?", "/parts/2?")

    answer = Client().put(forged, part(data, 2, 5 * MiB), content_type="application/octet-stream")

    assert answer.status_code == 404 and "another part" in answer.json()["detail"]
    unsigned = two["url"].split("?")[0] + "?token=x"
    assert Client().put(unsigned, b"x", content_type="application/octet-stream").status_code == 404
    assert status(api, started["id"])["received"] == []


def test_a_wrong_sha256_is_refused_and_nothing_is_kept(api, photo_storage, after_commit):
    data = videos.padded_video(7 * MiB)
    started = start(api, "clip.mp4", data, sha256=False)
    send(api, started, data, [1, 2])

    done = complete(api, started["id"], after_commit, sha256="0" * 64)

    assert done.status_code == 400 and done.json()["code"] == "checksum_mismatch"
    assert photo_storage.keys() == set() and open_uploads(photo_storage) == []
    assert not Photo.objects.exists() and not MultipartUpload.objects.exists()


def test_a_file_that_is_no_photo_or_video_is_refused_and_removed(api, photo_storage, after_commit):
    data = videos.random_bytes(6 * MiB, seed=1)
    started = start(api, "IMG_0002.MOV", data)
    send(api, started, data, [1, 2])

    done = complete(api, started["id"], after_commit)

    assert done.status_code == 415 and done.json()["code"] == "unsupported_image"
    assert photo_storage.keys() == set() and not MultipartUpload.objects.exists()


def test_known_bytes_answer_at_start_and_at_complete(api, photo_storage, after_commit):
    data = videos.padded_video(6 * MiB, seed=4)
    started = start(api, "clip.mp4", data)
    send(api, started, data, [1, 2])
    first = complete(api, started["id"], after_commit).json()["items"][0]

    again = start(api, "copy.mp4", data, status=200)
    assert again["duplicate"] is True and again["photo"]["id"] == first["id"]

    # Without the hash up front, the duplicate is found at complete, and the copy removed.
    blind = start(api, "copy.mp4", data, sha256=False)
    send(api, blind, data, [1, 2])
    done = complete(api, blind["id"], after_commit)
    assert done.status_code == 201
    item = done.json()["items"][0]
    assert item["duplicate"] and item["id"] == first["id"] and item["filename"] == "clip.mp4"
    assert photo_storage.keys() == set(Photo.objects.get().storage_keys)


def test_abort_leaves_no_object_and_no_open_upload(api, photo_storage):
    data = videos.padded_video(11 * MiB)
    started = start(api, "clip.mp4", data)
    send(api, started, data, [1, 3])
    assert open_uploads(photo_storage)

    assert api.delete(f"/api/v1/uploads/multipart/{started['id']}").status_code == 204

    assert open_uploads(photo_storage) == [] and photo_storage.keys() == set()
    assert api.get(f"/api/v1/uploads/multipart/{started['id']}").status_code == 404


def test_expired_uploads_and_uploads_no_row_knows_are_removed(api, user, photo_storage):
    data = videos.padded_video(6 * MiB)
    expired = start(api, "old.mp4", data)
    send(api, expired, data, [1])
    fresh = start(api, "new.mp4", data)
    MultipartUpload.objects.filter(pk=expired["id"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # A crash between beginning the upload in storage and saving its row.
    from myphoto.photos.storage import get_storage

    get_storage().multipart_start(f"originals/{user.pk}/lost.mp4", part_size=5 * MiB)

    assert api.get(f"/api/v1/uploads/multipart/{expired['id']}").status_code == 404
    assert unfinished_uploads_purge() == {"multipart": 1}  # the lost one is too recent
    assert len(open_uploads(photo_storage)) == 2
    later = timezone.now() + timedelta(days=8)
    MultipartUpload.objects.filter(pk=fresh["id"]).update(expires_at=later + timedelta(days=1))
    assert unfinished_uploads_purge(now=later) == {"leftover": 1}
    assert len(open_uploads(photo_storage)) == 1
    assert list(MultipartUpload.objects.values_list("pk", flat=True)) == [uuid.UUID(fresh["id"])]


def test_the_daily_command_removes_expired_uploads(api, photo_storage, capsys):
    data = videos.padded_video(6 * MiB)
    started = start(api, "old.mp4", data)
    send(api, started, data, [1])
    MultipartUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    call_command("purge_trash")

    assert "Removed 1 multipart uploads" in capsys.readouterr().out
    assert open_uploads(photo_storage) == []


def test_another_users_upload_is_not_found(api, other_user, photo_storage, after_commit):
    from myphoto.photos.services.tokens import token_create

    data = videos.padded_video(6 * MiB)
    started = start(api, "mine.mp4", data)
    intruder = Client(headers={"Authorization": f"Bearer {token_create(user=other_user)[1]}"})
    base = f"/api/v1/uploads/multipart/{started['id']}"

    assert intruder.get(base).status_code == 404
    assert intruder.delete(base).status_code == 404
    asked = intruder.post(f"{base}/parts", {"numbers": [1]}, content_type="application/json")
    assert asked.status_code == 404
    assert complete(intruder, started["id"], after_commit).status_code == 404
    assert status(api, started["id"])["received"] == []  # still mine, untouched


def test_limits_and_bad_requests(api, settings):
    settings.MYPHOTO_MAX_UPLOAD_MB = 100
    too_big = api.post(
        "/api/v1/uploads/multipart",
        {"filename": "huge.mov", "size": 101 * MiB},
        content_type="application/json",
    )
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    bad_hash = api.post(
        "/api/v1/uploads/multipart",
        {"filename": "a.mov", "size": 10, "sha256": "xyz"},
        content_type="application/json",
    )
    assert bad_hash.status_code == 400
    started = start(api, "a.mov", b"x" * (11 * MiB))
    out_of_range = api.post(
        f"/api/v1/uploads/multipart/{started['id']}/parts",
        {"numbers": [0, 4]},
        content_type="application/json",
    )
    assert out_of_range.status_code == 400 and out_of_range.json()["code"] == "invalid_part"


def test_a_file_of_20_gb_gets_parts_within_the_rules(api, settings):
    settings.MYPHOTO_UPLOAD_PART_MB = 8
    start(api, "empty.mov", b"", sha256=False, status=400)
    answer = api.post(
        "/api/v1/uploads/multipart",
        {"filename": "4k.mov", "size": 20 * 1024 * MiB},
        content_type="application/json",
    )
    assert answer.status_code == 201
    started = answer.json()
    assert started["part_size"] == 8 * MiB and started["part_count"] == 2560
    settings.MYPHOTO_MAX_UPLOAD_MB = 200 * 1024
    settings.MYPHOTO_MAX_OPEN_UPLOAD_GB = 400
    huge = api.post(
        "/api/v1/uploads/multipart",
        {"filename": "4k.mov", "size": 200 * 1024 * MiB},
        content_type="application/json",
    ).json()
    assert huge["part_count"] <= 10_000 and huge["part_size"] % MiB == 0


def test_deleting_a_user_aborts_their_uploads(api, user, photo_storage):
    from myphoto.photos.services.accounts import user_delete

    data = videos.padded_video(6 * MiB)
    started = start(api, "mine.mp4", data)
    send(api, started, data, [1])

    user_delete(user=user)

    assert open_uploads(photo_storage) == [] and photo_storage.keys() == set()
    assert not MultipartUpload.objects.exists()
