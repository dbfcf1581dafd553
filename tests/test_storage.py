"""The storage package's own guarantees, against local disk and a real SeaweedFS bucket."""

from __future__ import annotations

import io
import threading
import uuid

import images
import pytest
import seaweedfs
from botocore.config import Config
from buckets import S3Bucket, use_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from myphoto.photos.models import Photo
from myphoto.photos.storage import ObjectMissing, StorageUnavailable, get_storage, s3
from myphoto.settings import s3_storage_options


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_threads_first_touching_s3_together_build_one_client(photo_storage):
    """A fresh gunicorn worker's first burst must not build a boto3 client per thread.

    Each build costs about 150 ms of CPU; unshared, they also mean one connection
    pool per thread.
    """
    s3._new_client.cache_clear()
    backend = get_storage()
    assert isinstance(backend, s3.S3PhotoStorage)
    start = threading.Barrier(8)
    clients = []

    def first_touch() -> None:
        start.wait()
        clients.append(backend.client)

    threads = [threading.Thread(target=first_touch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(clients) == 8
    assert len({id(client) for client in clients}) == 1
    # The shared client works: it reads the bucket it was built for.
    assert backend.exists("missing/key") is False


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_s3_refuses_bytes_that_do_not_match_the_checksum_sent_with_them(photo_storage):
    import hashlib

    storage = get_storage()
    data = b"the photo as it left" * 1000
    altered = b"the photo as it came" * 1000

    storage.put("originals/1/good.jpg", io.BytesIO(data), size=len(data), sha256=None)
    with pytest.raises(StorageUnavailable, match="BadDigest"):
        sent = hashlib.sha256(data).hexdigest()
        storage.put("originals/1/bad.jpg", io.BytesIO(altered), size=len(altered), sha256=sent)

    assert photo_storage.keys() == {"originals/1/good.jpg"}
    assert photo_storage.read("originals/1/good.jpg") == data


def test_every_backend_keeps_the_same_promises(photo_storage):
    storage = get_storage()
    data = bytes(range(256)) * 40

    storage.put("originals/1/a.jpg", io.BytesIO(data), size=len(data))
    storage.copy("originals/1/a.jpg", "originals/1/b.jpg")

    assert photo_storage.read("originals/1/b.jpg") == data
    assert b"".join(storage.stream("originals/1/a.jpg", start=10, end=19)) == data[10:20]
    assert b"".join(storage.stream("originals/1/a.jpg", start=10_000)) == data[10_000:]
    assert storage.size("originals/1/a.jpg") == len(data)
    assert [o.key for o in storage.list_objects("originals/1/")] == [
        "originals/1/a.jpg",
        "originals/1/b.jpg",
    ]
    assert list(storage.list_objects("originals/1/b")) == [
        storage_object
        for storage_object in storage.list_objects("originals/")
        if storage_object.key == "originals/1/b.jpg"
    ]
    with pytest.raises(ObjectMissing):
        storage.stream("originals/1/nothing.jpg")
    with pytest.raises(ObjectMissing):
        storage.size("originals/1/nothing.jpg")

    storage.delete_many(["originals/1/a.jpg", "originals/1/b.jpg", "originals/1/never.jpg"])

    assert photo_storage.keys() == set()
    assert storage.exists("originals/1/a.jpg") is False


def test_a_local_write_never_leaves_a_half_file(photo_storage, tmp_path):
    if photo_storage.kind != "disk":
        pytest.skip("the disk case")

    class BreaksHalfWay(io.BytesIO):
        def read(self, size: int = -1) -> bytes:
            if self.tell() > 0:
                raise OSError(28, "No space left on device")
            return super().read(4)

    with pytest.raises(StorageUnavailable, match="No space left"):
        get_storage().put("originals/1/a.jpg", BreaksHalfWay(b"12345678"))

    assert photo_storage.keys() == set()


@pytest.fixture
def stoppable_seaweed(settings):
    """A SeaweedFS of the test's own, so that stopping it leaves the others' alone."""
    server = seaweedfs.start()
    try:
        yield server, own_bucket(server, settings)
    finally:
        server.stop()


def own_bucket(server: seaweedfs.SeaweedFS, settings) -> S3Bucket:
    """A fresh bucket on `server`, made the photo storage, with one attempt per request."""
    bucket = f"outage-{uuid.uuid4().hex[:12]}"
    seaweedfs.create_bucket(server.client(), bucket)
    options = s3_storage_options(
        bucket=bucket,
        endpoint_url=server.endpoint_url,
        region=seaweedfs.REGION,
        access_key=seaweedfs.ACCESS_KEY,
        secret_key=seaweedfs.SECRET_KEY,
    )
    # One attempt a request: boto3's backoff between retries would only slow the test.
    options["client_config"] = options["client_config"].merge(Config(retries={"max_attempts": 1}))
    use_storage(settings, {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options})
    return S3Bucket(server, bucket)


@pytest.mark.django_db
def test_storage_down_is_a_503_and_loses_nothing(api, make_photo, stoppable_seaweed):
    server, bucket = stoppable_seaweed
    kept, _ = make_photo("kept.jpg")
    doomed, _ = make_photo("doomed.jpg")
    assert api.post(
        "/api/v1/photos/delete", {"ids": [str(doomed.pk)]}, content_type="application/json"
    ).json() == {"deleted": 1}
    objects_before = bucket.keys()

    server.stop(keep_data=True)
    try:
        answers = {
            "empty the trash": api.delete("/api/v1/trash"),
            "download": api.get(f"/api/v1/photos/{kept.pk}/download"),
            "upload": api.post(
                "/api/v1/photos", {"file": SimpleUploadedFile("new.jpg", images.jpeg(seed=99))}
            ),
        }
    finally:
        server.restart()

    for what, answer in answers.items():
        assert answer.status_code == 503, what
        assert answer["Content-Type"].startswith("application/json"), what
        assert answer.json()["code"] == "storage_unavailable", what
    # Nothing was lost or half done while the storage was away.
    assert bucket.keys() == objects_before
    assert set(Photo.objects.values_list("original_name", flat=True)) == {"kept.jpg", "doomed.jpg"}

    assert api.delete("/api/v1/trash").json() == {"purged": 1}
    assert bucket.keys() == set(Photo.objects.get().storage_keys)


MIB = 1024 * 1024


def send_part(backend, key: str, upload_id: str, number: int, data: bytes) -> None:
    """As a client sends a part: to the bucket by its URL where there is one, else through
    the storage (the app, on local disk)."""
    import httpx

    url = backend.multipart_part_url(key, upload_id, number, expires_in=300)
    if url is None:
        backend.multipart_put_part(key, upload_id, number, io.BytesIO(data))
    else:
        answer = httpx.put(url, content=data)
        assert answer.status_code == 200, answer.text
        assert answer.headers["ETag"]


def test_a_multipart_upload_assembles_its_parts_in_order(photo_storage):
    backend = get_storage()
    key = f"originals/1/{uuid.uuid4()}.mov"
    parts = [bytes([n]) * (5 * MIB) for n in range(1, 3)] + [b"the rest"]
    upload_id = backend.multipart_start(key, part_size=5 * MIB)

    # Sent out of order, one of them twice (a retry after a dropped answer).
    send_part(backend, key, upload_id, 3, parts[2])
    send_part(backend, key, upload_id, 1, parts[0])
    send_part(backend, key, upload_id, 1, parts[0])
    received = backend.multipart_parts(key, upload_id)
    assert [(part.number, part.size) for part in received] == [(1, 5 * MIB), (3, 8)]
    assert not backend.exists(key)  # nothing is an object until it is assembled
    assert [(u.key, u.upload_id) for u in backend.multipart_open_uploads("originals/1/")] == [
        (key, upload_id)
    ]
    send_part(backend, key, upload_id, 2, parts[1])

    backend.multipart_complete(key, upload_id, backend.multipart_parts(key, upload_id))

    assert b"".join(backend.stream(key)) == b"".join(parts)
    assert list(backend.multipart_open_uploads("originals/1/")) == []
    assert set(photo_storage.keys()) == {key}  # no part left behind, on disk either
    with pytest.raises(ObjectMissing):
        backend.multipart_parts(key, upload_id)


def test_an_aborted_multipart_upload_leaves_nothing(photo_storage):
    backend = get_storage()
    key = f"originals/1/{uuid.uuid4()}.mp4"
    upload_id = backend.multipart_start(key, part_size=5 * MIB)
    send_part(backend, key, upload_id, 1, b"x" * (5 * MIB))

    backend.multipart_abort(key, upload_id)
    backend.multipart_abort(key, upload_id)  # twice: closed already is no error

    assert list(backend.multipart_open_uploads()) == []
    assert photo_storage.keys() == set()
    assert not backend.exists(key)
    with pytest.raises(ObjectMissing):
        backend.multipart_put_part(key, upload_id, 2, io.BytesIO(b"late"))


def test_on_disk_parts_land_in_place_and_completing_copies_nothing(photo_storage):
    if photo_storage.kind != "disk":
        pytest.skip("the disk case")
    backend = get_storage()
    key = f"originals/1/{uuid.uuid4()}.mov"
    upload_id = backend.multipart_start(key, part_size=5 * MIB)
    send_part(backend, key, upload_id, 2, b"2" * 100)
    send_part(backend, key, upload_id, 1, b"1" * (5 * MIB))

    class CutShort(io.BytesIO):
        def read(self, size: int = -1, /) -> bytes:
            if self.tell() >= MIB:
                raise OSError("connection reset")
            return super().read(size)

    # A retry of part 1 that breaks off: the part is no longer whole, so it is not listed.
    with pytest.raises(StorageUnavailable):
        backend.multipart_put_part(key, upload_id, 1, CutShort(b"1" * (5 * MIB)))
    assert [part.number for part in backend.multipart_parts(key, upload_id)] == [2]
    send_part(backend, key, upload_id, 1, b"1" * (5 * MIB))
    data = photo_storage.root / "multipart" / upload_id / "data"
    inode = data.stat().st_ino

    backend.multipart_complete(key, upload_id, backend.multipart_parts(key, upload_id))

    assert (photo_storage.root / key).stat().st_ino == inode  # renamed, not copied
    assert b"".join(backend.stream(key)) == b"1" * (5 * MIB) + b"2" * 100


def test_a_part_on_its_way_when_the_upload_is_aborted_leaves_nothing(photo_storage):
    """The abort waits for the part being written, then removes it with the rest; a part
    that comes after finds the upload gone."""
    import threading

    if photo_storage.kind != "disk":
        pytest.skip("the disk case: on S3 the bucket keeps its own parts")
    backend = get_storage()
    key = f"originals/1/{uuid.uuid4()}.mp4"
    upload_id = backend.multipart_start(key, part_size=5 * MIB)
    halfway, go_on = threading.Event(), threading.Event()

    class Slow(io.BytesIO):
        def read(self, size: int = -1, /) -> bytes:
            if self.tell() == MIB:
                halfway.set()
                go_on.wait(10)
            return super().read(MIB)

    writer = threading.Thread(
        target=backend.multipart_put_part, args=(key, upload_id, 1, Slow(b"x" * (3 * MIB)))
    )
    writer.start()
    assert halfway.wait(10)
    aborting = threading.Thread(target=backend.multipart_abort, args=(key, upload_id))
    aborting.start()
    aborting.join(0.3)
    assert aborting.is_alive()  # it waits for the part on its way
    go_on.set()
    writer.join(10)
    aborting.join(10)

    with pytest.raises(ObjectMissing):
        backend.multipart_put_part(key, upload_id, 2, io.BytesIO(b"y" * MIB))
    assert photo_storage.keys() == set()
    assert list((photo_storage.root / "multipart").iterdir()) == []


def test_a_reader_over_an_object_reads_what_is_asked_anywhere(photo_storage):
    import random

    backend = get_storage()
    data = random.Random(3).randbytes(9 * MIB + 12345)
    backend.put("originals/1/big.bin", io.BytesIO(data), size=len(data))
    rng = random.Random(4)

    with backend.open_reader("originals/1/big.bin") as reader:
        for _ in range(40):
            start, length = rng.randrange(len(data)), rng.randrange(1, 3 * MIB)
            reader.seek(start)
            assert reader.read(length) == data[start : start + length]
        reader.seek(-10, io.SEEK_END)
        assert reader.read() == data[-10:]
        assert reader.read(5) == b""
    with pytest.raises(ObjectMissing):
        backend.open_reader("originals/1/none.bin")


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_a_videos_posters_fetch_a_small_part_of_it(user, photo_storage, settings):
    """A big camera video (its index last): the job's posters read its index and a few
    frames from the bucket, not the whole file."""
    import videos

    from myphoto.photos import media
    from myphoto.photos.storage import base

    data = videos.noisy_video()
    assert len(data) > 30 * MIB
    photo_storage.client.put_object(Bucket=photo_storage.name, Key="originals/1/v.mp4", Body=data)

    with get_storage().open_reader("originals/1/v.mp4") as reader:
        posters = media.make_derivatives(reader, video=True)
        fetched = reader.raw.fetched

    assert [poster.size for poster in posters] == ["md", "sm"]
    assert fetched <= 3 * base.RangeReader.block < len(data) / 2
