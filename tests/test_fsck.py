"""`myphoto fsck`: planted damage found, repaired with care, and nothing else touched."""

from __future__ import annotations

import io
import os
import tracemalloc
import uuid
from datetime import timedelta

import pytest
import videos
from checks import found, fsck, orphan_key
from django.utils import timezone

from myphoto.photos import integrity, keys
from myphoto.photos.integrity.verify import READ_CHUNK
from myphoto.photos.models import IntegrityReport, MonthCount, MultipartUpload, Photo
from myphoto.photos.services import multipart
from myphoto.photos.storage import get_storage
from myphoto.photos.storage.local import LocalPhotoStorage

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_a_clean_library_is_clean(make_photo, photo_storage):
    photos = [make_photo(f"{n}.jpg")[0] for n in range(3)]

    code, report = fsck("--verify")

    assert code == 0, report
    assert report["problems"] == 0
    assert report["checked"]["originals"] == 3
    assert report["checked"]["derivatives"] == 6  # sm and md of each
    assert report["verify"]["verified"] == 3
    assert report["verify"]["bytes"] == sum(photo.size for photo in photos)
    assert IntegrityReport.objects.get().exit_code == 0


def test_planted_damage_is_found_by_name_and_owner(user, make_photo, photo_storage):
    deleted, _ = make_photo("deleted.jpg")
    flipped, data = make_photo("flipped.jpg")
    make_photo("fine.jpg")
    photo_storage.remove(deleted.storage_key)
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0x01  # one bit, the same size
    get_storage().put(flipped.storage_key, io.BytesIO(bytes(damaged)))
    orphan = orphan_key(user)
    get_storage().put(orphan, io.BytesIO(b"left by a crash"))
    MonthCount.objects.filter(owner=user).update(count=7)

    code, report = fsck("--verify", "--grace", "0")

    assert code == 1
    [missing] = found(report, "missing_original")
    assert (missing["name"], missing["owner"], missing["subject"]) == (
        "deleted.jpg",
        "alice",
        deleted.storage_key,
    )
    [corrupt] = found(report, "corrupt_original")
    assert (corrupt["name"], corrupt["photo_id"]) == ("flipped.jpg", str(flipped.pk))
    assert [item["subject"] for item in found(report, "untracked_object")] == [orphan]
    [count] = found(report, "wrong_count")
    assert count["owner"] == "alice" and "7 kept, 3 counted" in count["detail"]
    assert report["problems"] == 4


def test_an_object_younger_than_the_grace_period_is_an_upload_on_its_way(user, photo_storage):
    get_storage().put(orphan_key(user), io.BytesIO(b"being uploaded"))

    code, report = fsck("--repair")

    assert code == 0
    assert report["recent_untracked"] == 1
    assert len(photo_storage.keys()) == 1  # not deleted


def test_repair_removes_orphans_and_counts_again_but_never_an_original_or_a_row(
    user, make_photo, photo_storage
):
    deleted, _ = make_photo("deleted.jpg")
    flipped, data = make_photo("flipped.jpg")
    photo_storage.remove(deleted.storage_key)
    get_storage().put(flipped.storage_key, io.BytesIO(data[:-1] + bytes([data[-1] ^ 0xFF])))
    orphan = orphan_key(user)
    get_storage().put(orphan, io.BytesIO(b"left by a crash"))
    MonthCount.objects.filter(owner=user).delete()
    before = photo_storage.keys()

    code, report = fsck("--verify", "--repair", "--grace", "0")

    assert code == 1
    assert report["found"]["untracked_object"]["repaired"] == 1
    assert report["found"]["wrong_count"]["repaired"] == 1
    assert report["found"]["missing_original"]["repaired"] == 0
    assert report["found"]["corrupt_original"]["repaired"] == 0
    # Among originals: moved aside, not deleted (a row lost to an old backup can come back).
    assert photo_storage.keys() == before - {orphan} | {f"lost-and-found/{orphan}"}
    assert photo_storage.read(f"lost-and-found/{orphan}") == b"left by a crash"
    assert photo_storage.read(flipped.storage_key) != data  # left for a person to restore
    assert Photo.objects.filter(pk=deleted.pk).exists()
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 2

    code, report = fsck("--verify", "--grace", "0")
    assert code == 1
    assert set(report["found"]) == {"missing_original", "corrupt_original"}


def test_lost_and_found_is_kept_for_its_days_then_deleted(settings, user, photo_storage):
    orphan = orphan_key(user)
    get_storage().put(orphan, io.BytesIO(b"a photo whose row was lost"))

    assert fsck("--repair", "--grace", "0")[0] == 1
    code, report = fsck("--repair", "--grace", "0")
    assert (code, report["lost_and_found"]) == (0, {"kept": 1, "deleted": 0})
    assert photo_storage.keys() == {f"lost-and-found/{orphan}"}

    settings.MYPHOTO_LOST_FOUND_DAYS = 0
    code, report = fsck("--repair")
    assert (code, report["lost_and_found"]) == (0, {"kept": 0, "deleted": 1})
    assert photo_storage.keys() == set()


def test_a_file_of_the_wrong_size_is_found_without_reading_it(make_photo, photo_storage):
    cut, data = make_photo("cut.jpg")
    get_storage().put(cut.storage_key, io.BytesIO(data[:100]))

    code, report = fsck()

    assert code == 1
    [wrong] = found(report, "wrong_size")
    assert wrong["name"] == "cut.jpg"
    assert wrong["detail"] == f"100 bytes stored, {len(data)} uploaded"


def test_missing_thumbnails_are_made_again_and_earlier_ones_removed(
    user, make_photo, photo_storage, after_commit
):
    photo, _ = make_photo()
    photo_storage.remove(photo.thumbnail_key)
    earlier = keys.derivative_key(owner_id=user.pk, photo_id=photo.pk, size="sm", run="earlier")
    get_storage().put(earlier, io.BytesIO(b"RIFF an earlier run"))
    of_a_purged_photo = keys.derivative_key(
        owner_id=user.pk, photo_id=uuid.uuid4(), size="sm", run="x"
    )
    get_storage().put(of_a_purged_photo, io.BytesIO(b"RIFF"))

    with after_commit():
        code, report = fsck("--repair", "--grace", "0")

    assert code == 1
    [missing] = found(report, "missing_derivative")
    assert (missing["subject"], missing["repaired"]) == (photo.thumbnail_key, True)
    assert [item["subject"] for item in found(report, "stale_derivative")] == [earlier]
    assert [item["subject"] for item in found(report, "untracked_object")] == [of_a_purged_photo]
    photo.refresh_from_db()
    assert photo.derivatives_ready
    assert photo_storage.read(photo.thumbnail_key)[:4] == b"RIFF"
    assert not {earlier, of_a_purged_photo} & photo_storage.keys()
    # The preview of the first run is now of an earlier run: the next repair removes it.
    assert fsck("--repair", "--grace", "0")[0] == 1
    assert fsck()[0] == 0


def test_thumbnails_never_made_are_queued_again(make_photo, photo_storage, after_commit):
    photo, _ = make_photo()
    Photo.objects.filter(pk=photo.pk).update(
        derivatives_ready=False, uploaded_at=timezone.now() - timedelta(days=2)
    )

    with after_commit():
        code, report = fsck("--repair")

    assert code == 1
    assert found(report, "missing_derivative")[0]["detail"].startswith("never made")
    assert Photo.objects.get(pk=photo.pk).derivatives_ready


def test_uploads_never_completed_are_removed(user, photo_storage):
    upload = multipart.multipart_start(owner=user, filename="clip.mp4", size=20 * 2**20)
    assert isinstance(upload, MultipartUpload)
    MultipartUpload.objects.filter(pk=upload.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    no_row = get_storage().multipart_start(orphan_key(user), part_size=5 * 2**20)

    code, report = fsck("--repair", "--grace", "0")

    assert code == 1
    assert [item["subject"] for item in found(report, "stale_upload")] == [upload.storage_key]
    [parts] = found(report, "untracked_object")
    assert no_row in parts["detail"]
    assert not MultipartUpload.objects.exists()
    assert list(get_storage().multipart_open_uploads()) == []


def test_a_stale_direct_upload_is_removed(user, tmp_path):
    stale = keys.incoming_key(owner_id=user.pk)
    fresh = keys.incoming_key(owner_id=user.pk)
    for key in (stale, fresh):
        get_storage().put(key, io.BytesIO(b"bytes"))
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(tmp_path / "media" / stale, (two_hours_ago, two_hours_ago))

    code, report = fsck("--repair", "--grace", "1")

    assert code == 1
    assert [item["subject"] for item in found(report, "stale_upload")] == [stale]
    assert [entry.key for entry in get_storage().list_objects(keys.INCOMING)] == [fresh]


def test_an_album_entry_out_of_step_is_copied_again(user, make_photo, photo_storage):
    from myphoto.photos.models import AlbumPhoto
    from myphoto.photos.services.albums import album_create

    photo, _ = make_photo()
    album_create(owner=user, title="Summer", photo_ids=[photo.pk])
    AlbumPhoto.objects.update(photo_in_trash=True)

    code, report = fsck("--repair")

    assert code == 1
    assert found(report, "album_entry")[0]["name"] == photo.original_name
    assert AlbumPhoto.objects.get().photo_in_trash is False


def test_verify_with_a_budget_goes_on_where_it_stopped(make_photo, photo_storage):
    photos = sorted((make_photo(f"{n}.jpg")[0] for n in range(3)), key=lambda p: p.pk)

    verified = []
    for _ in range(3):
        code, report = fsck("--verify", "--budget", "0")
        assert code == 0
        verified.append(report["verify"])

    # A spent budget still verifies one original a run, and each run goes on after it.
    assert [v["verified"] for v in verified] == [1, 1, 1]
    assert [v["resume_after"] for v in verified] == [str(photos[0].pk), str(photos[1].pk), ""]
    assert [v["pass_finished"] for v in verified] == [False, False, True]
    assert fsck("--verify")[1]["verify"]["verified"] == 3  # a new pass


def test_verify_reads_a_big_original_in_flat_memory(user, photo_storage, after_commit, tmp_path):
    from django.core.files import File

    from myphoto.photos.services.upload import photo_upload

    data = videos.padded_video(96 * 2**20)
    path = tmp_path / "big.mp4"
    path.write_bytes(data)
    with path.open("rb") as handle, after_commit():
        photo_upload(owner=user, file=File(handle, name="big.mp4"))
    path.unlink()

    tracemalloc.start()
    try:
        record = integrity.check(verify=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert record.exit_code == 0, record.report
    assert record.report["verify"]["bytes"] == len(data)
    assert peak < 3 * READ_CHUNK  # a chunk or two in flight, not the file


def test_the_disk_lists_keys_in_byte_order_like_s3(tmp_path):
    storage = LocalPhotoStorage(tmp_path)
    wanted = ["a-b", "a/b", "a/c/d", "a0", "a/b0", "b", "a.b/c", "a/b!"]
    for key in wanted:
        storage.put(key, io.BytesIO(b"x"))

    assert [entry.key for entry in storage.list_objects()] == sorted(wanted)


def test_both_storages_list_the_library_layout_in_byte_order(photo_storage):
    """fsck merges listings with sorted rows: owners 1, 10 and 2 as the bytes sort them."""
    wanted = []
    for owner in (1, 2, 10, 11):
        for photo_id in ("0a", "f0"):
            wanted.append(f"originals/{owner}/{photo_id}.jpg")
            wanted += [f"derivatives/{owner}/{photo_id}/{size}-r.webp" for size in ("md", "sm")]
    for key in wanted:
        get_storage().put(key, io.BytesIO(b"x"))

    for prefix in (keys.ORIGINALS, keys.DERIVATIVES):
        listed = [entry.key for entry in get_storage().list_objects(prefix)]
        assert listed == sorted(key for key in wanted if key.startswith(prefix))
