"""What one person may send: a file in one request up to MYPHOTO_MAX_SINGLE_UPLOAD_MB (bigger
ones in parts, which resume), and unfinished uploads in parts up to a count and a size."""

from __future__ import annotations

import contextlib
import hashlib

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from myphoto.photos.models import MultipartUpload, Photo

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024


def padded_jpeg(size: int) -> bytes:
    """A JPEG of `size` bytes: a comment segment's worth of padding after the image."""
    jpeg = images.jpeg(seed=8)
    return jpeg + b"\x00" * (size - len(jpeg))


def start(api, name: str, size: int, sha256: str = ""):
    body = {"filename": name, "size": size, **({"sha256": sha256} if sha256 else {})}
    return api.post("/api/v1/uploads/multipart", body, content_type="application/json")


def test_one_request_takes_a_file_up_to_its_limit_and_bigger_ones_go_in_parts(
    api, settings, photo_storage, after_commit
):
    settings.MYPHOTO_MAX_SINGLE_UPLOAD_MB = 1
    # Over the limit by more than a request's envelope: refused before its body is read.
    big = api.post("/api/v1/photos", {"file": SimpleUploadedFile("big.jpg", padded_jpeg(2 * MiB))})
    assert (big.status_code, big.json()["code"]) == (413, "too_large")
    # Just over it: the file itself is refused, saying what to do.
    data = padded_jpeg(MiB + 10_000)
    over = api.post("/api/v1/photos", {"file": SimpleUploadedFile("over.jpg", data)})
    assert (over.status_code, over.json()["code"]) == (413, "too_large")
    assert "in parts" in over.json()["detail"]
    assert not Photo.objects.exists()

    # In parts, the same file is taken.
    upload = start(api, "over.jpg", len(data), hashlib.sha256(data).hexdigest()).json()
    [target] = api.post(
        f"/api/v1/uploads/multipart/{upload['id']}/parts",
        {"numbers": [1]},
        content_type="application/json",
    ).json()["parts"]
    if target["url"].startswith("/"):
        put = api.generic("PUT", target["url"], data, content_type="application/octet-stream")
        assert put.status_code == 200
    else:
        import httpx

        assert httpx.put(target["url"], content=data).status_code == 200
    with after_commit():
        done = api.post(
            f"/api/v1/uploads/multipart/{upload['id']}/complete",
            {},
            content_type="application/json",
        )
    assert done.status_code == 201, done.content
    assert Photo.objects.get().size == len(data)


def test_unfinished_uploads_in_parts_are_capped_by_count_and_by_size(api, settings):
    settings.MYPHOTO_MAX_OPEN_UPLOADS = 2
    settings.MYPHOTO_MAX_OPEN_UPLOAD_GB = 1
    first = start(api, "a.mov", 400 * MiB)
    assert start(api, "b.mov", 400 * MiB).status_code == 201
    third = start(api, "c.mov", MiB)
    assert (third.status_code, third.json()["code"]) == (429, "too_many_uploads")
    assert "2 uploads in parts unfinished" in third.json()["detail"]

    # One aborted makes room for another, but not for more bytes than the size allows.
    assert api.delete(f"/api/v1/uploads/multipart/{first.json()['id']}").status_code == 204
    assert start(api, "too much.mov", 700 * MiB).status_code == 429
    assert start(api, "c.mov", 300 * MiB).status_code == 201
    assert MultipartUpload.objects.count() == 2


@pytest.mark.parametrize("cut_short", [False, True], ids=["sent whole", "cut short"])
def test_a_part_still_being_written_on_disk_holds_off_completing(tmp_path, cut_short):
    """A part sent again while the upload completes: completing waits for it; then the
    object holds the part as sent again, or (cut short) the parts are listed again. Never
    a part written into the object once it is made."""
    import io
    import threading

    from myphoto.photos.storage import PartsChanged, StorageUnavailable
    from myphoto.photos.storage.local import LocalPhotoStorage

    storage = LocalPhotoStorage(tmp_path)
    key = "originals/1/clip.mp4"
    upload = storage.multipart_start(key, part_size=4)
    for number, body in ((1, b"aaaa"), (2, b"bb")):
        storage.multipart_put_part(key, upload, number, io.BytesIO(body))
    listed = storage.multipart_parts(key, upload)
    started, go_on = threading.Event(), threading.Event()

    class Slow(io.BytesIO):
        """Part 2 again: its first byte, then a wait (then a broken connection, or more)."""

        def read(self, size: int = -1) -> bytes:
            if self.tell() == 1:
                started.set()
                go_on.wait(10)
                if cut_short:
                    raise OSError("the connection broke")
            return super().read(1)

    def send_again() -> None:
        # Cut short, the storage says it could not write the part (the service has said
        # why to the client: an InvalidPart read from the request).
        with contextlib.suppress(StorageUnavailable):
            storage.multipart_put_part(key, upload, 2, Slow(b"BB"))

    def complete() -> None:
        try:
            storage.multipart_complete(key, upload, listed)
            outcome.append(storage.read_bytes(key))
        except PartsChanged:
            outcome.append(PartsChanged)

    outcome: list[object] = []
    writer = threading.Thread(target=send_again)
    writer.start()
    assert started.wait(10)
    completing = threading.Thread(target=complete)
    completing.start()
    completing.join(0.5)
    assert completing.is_alive() and outcome == []  # it waits for the part on its way
    go_on.set()
    writer.join(10)
    completing.join(10)

    assert outcome == ([PartsChanged] if cut_short else [b"aaaaBB"])
