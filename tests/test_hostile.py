"""Hostile and broken input: a clear 4xx (JSON on the API), never a 500, nothing stored."""

from __future__ import annotations

import base64
import io
import json
import os
import random
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import ExifTags, Image

from myphoto.common.media.facts import UnsupportedImage
from myphoto.photos import media
from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def sample_files() -> dict[str, bytes]:
    """One file of each supported format, with EXIF where the format carries it."""
    image = images.make_image(120, 80, seed=4)
    files = {
        "photo.jpg": images.camera_photo("JPEG", seed=1),
        "photo.heic": images.camera_photo("HEIF", seed=2),
        "photo.tif": images.camera_photo("TIFF", seed=3),
        "plain.png": images.png(120, 80, seed=5),
        "photo.gif": images.encode(image, "GIF"),
        "photo.avif": images.encode(image, "AVIF"),
    }
    for name, fmt in (("exif.png", "PNG"), ("photo.webp", "WEBP")):
        out = io.BytesIO()
        image.save(out, fmt, exif=images.camera_exif())
        files[name] = out.getvalue()
    return files


def cuts(size: int) -> list[int]:
    """Where to cut: inside the header, after it, a tenth, half, nine tenths, the last byte."""
    return sorted({12, 40, size // 10, size // 2, size * 9 // 10, size - 1})


@pytest.mark.parametrize("name", sorted(sample_files()))
def test_every_format_truncated_anywhere_is_a_415_and_nothing_is_stored(api, name, photo_storage):
    data = sample_files()[name]
    answers = {
        cut: api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, data[:cut])})
        for cut in cuts(len(data))
    }

    assert {cut: answer.status_code for cut, answer in answers.items()} == dict.fromkeys(
        answers, 415
    )
    assert all(answer.json()["code"] == "unsupported_image" for answer in answers.values())
    assert all(name in answer.json()["detail"] for answer in answers.values())
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()
    # The whole file is fine: the cuts were the trouble.
    assert api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, data)}).status_code == 201


def test_a_png_whose_image_data_is_damaged_is_refused(api):
    data = bytearray(images.png(300, 200, seed=9))
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(8)  # zeroed inside the compressed image data

    answer = api.post("/api/v1/photos", {"file": SimpleUploadedFile("zeroed.png", bytes(data))})

    assert answer.status_code == 415
    assert "damaged" in answer.json()["detail"]


def jpeg_kinds() -> dict[str, bytes]:
    """The JPEGs cameras and editors write: baseline, progressive, restart markers, CMYK."""
    image = images.marked_image(160, 120, seed=3)
    return {
        "baseline": images.encode(image, "JPEG", exif=images.camera_exif().tobytes()),
        "progressive": images.encode(image, "JPEG", progressive=True, optimize=True),
        "restarts": images.encode(image, "JPEG", restart_marker_blocks=4, subsampling=0),
        "cmyk": images.encode(image.convert("CMYK"), "JPEG"),
    }


def decoder_refuses(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            image.load()
    except (OSError, SyntaxError, ValueError):
        return True
    return False


def damaged_copies(data: bytes, seed: str) -> list[bytes]:
    """The file cut every few bytes, and with bytes flipped, replaced, added or removed."""
    rng = random.Random(seed)
    copies = [data[:cut] for cut in range(0, len(data), 5)]
    for _ in range(400):
        copy = bytearray(data)
        at = rng.randrange(len(copy))
        match rng.randrange(5):
            case 0:
                copy[at] ^= 1 << rng.randrange(8)
            case 1:
                copy[at] = rng.randrange(256)
            case 2:
                copy[at:at] = rng.randbytes(rng.randint(1, 8))
            case 3:
                del copy[at : at + rng.randint(1, 64)]
            case _:
                copy[at:at] = bytes([0xFF, rng.randrange(256)])  # a marker where none was
        copies.append(bytes(copy))
    return copies


@pytest.mark.parametrize("kind", sorted(jpeg_kinds()))
def test_a_jpeg_is_checked_without_decoding_it_and_refused_whenever_a_decoder_would(kind):
    data = jpeg_kinds()[kind]
    assert not decoder_refuses(data)
    media.analyze(io.BytesIO(data))  # whole, it is accepted

    refused_by_decoder = [copy for copy in damaged_copies(data, kind) if decoder_refuses(copy)]
    accepted = []
    for copy in refused_by_decoder:
        try:
            media.analyze(io.BytesIO(copy))
        except UnsupportedImage:
            continue
        accepted.append(copy)

    assert len(refused_by_decoder) > len(data) // 5  # every cut, at least
    assert accepted == []


def test_jpeg_quirks_that_decoders_accept_are_accepted():
    data = images.jpeg(120, 90, seed=8)
    tables = data.index(b"\xff\xc4")  # Pillow writes the standard Huffman tables
    length = int.from_bytes(data[tables + 2 : tables + 4], "big")
    quirks = {
        # Motion JPEG frames leave the standard tables out; libjpeg supplies them.
        "no Huffman tables": data[:tables] + data[tables + 2 + length :],
        "a trailer after the end": data + b"camera maker's trailer",
        "junk between segments": data[:tables] + b"\x00\x00junk" + data[tables:],
        "fill bytes before a marker": data[:tables] + b"\xff\xff\xff" + data[tables:],
    }
    for quirk, copy in quirks.items():
        assert not decoder_refuses(copy), quirk
        assert media.analyze(io.BytesIO(copy)).width == 120, quirk


def exif_taken(taken: str, offset: str | None) -> bytes:
    exif = Image.Exif()
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.DateTimeOriginal] = taken
    if offset is not None:
        exif_ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    return images.jpeg(40, 30, seed=len(taken) + len(offset or ""), exif=exif)


@pytest.mark.parametrize(
    ("taken", "offset", "source"),
    [
        ("0001:01:01 00:00:00", "+14:00", "upload"),  # before UTC's year 1
        ("9999:12:31 23:59:59", "-14:00", "upload"),  # after UTC's year 9999
        ("1700:06:01 12:00:00", "+00:00", "upload"),  # before photography: a clock never set
        ("2023:10:11 14:15:16", "+99:99", "exif"),  # not an offset: the library's zone
        ("2023:10:11 14:15:16", "+24:00", "exif"),
        ("2023:10:11 14:15:16", "-1x:00", "exif"),
    ],
)
def test_capture_dates_that_cannot_be_used_fall_back_to_the_upload_time(api, taken, offset, source):
    answer = api.post(
        "/api/v1/photos", {"file": SimpleUploadedFile("edge.jpg", exif_taken(taken, offset))}
    )

    assert answer.status_code == 201, answer.content
    photo = answer.json()["items"][0]
    assert photo["taken_at_source"] == source
    if source == "upload":
        moment = datetime.fromisoformat(photo["taken_at"])
        assert abs(moment - datetime.now(UTC)) < timedelta(minutes=5)
    else:
        assert photo["taken_at"].startswith("2023-10-11T14:15:16")


def b64(value: object) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


HOSTILE_CURSORS = [
    b64([1, 2]),
    b64(["2024-01-01T00:00:00+00:00", 5]),
    b64(["2024-01-01T00:00:00+00:00", ["x"]]),
    b64(["2024-01-01T00:00:00+00:00"]),
    b64({"taken_at": "2024"}),
    b64(b"[" * 5000 + b"]" * 5000),  # deep nesting
    b64(["0001-01-01T00:00:00+14:00", "8c9b1f07-6cb5-4cfe-9f3b-6d8a4f7c6a11"]),
    b64(["9999-12-31T23:59:59-14:00", "8c9b1f07-6cb5-4cfe-9f3b-6d8a4f7c6a11"]),
    b64(["not a date", "8c9b1f07-6cb5-4cfe-9f3b-6d8a4f7c6a11"]),
    "%%%",
    "A" * 10_000,
]


@pytest.mark.parametrize("cursor", HOSTILE_CURSORS, ids=range(len(HOSTILE_CURSORS)))
def test_hostile_cursors_are_a_400_on_the_api_and_the_newest_photos_on_pages(
    api, client, make_photo, cursor
):
    make_photo("a.jpg")
    # Over 4 KB, the address itself is refused, before any cursor is read.
    too_long = len(urlencode({"cursor": cursor})) > 4000
    for path in ("/api/v1/photos", "/api/v1/trash"):
        answer = api.get(path, {"cursor": cursor})
        assert answer.status_code == (414 if too_long else 400), (path, answer.content[:200])
        assert answer.json()["code"] == ("uri_too_long" if too_long else "invalid_cursor")
    for path, home in (("/", "/"), ("/trash/", "/trash/")):
        page = client.get(path, {"cursor": cursor})
        if too_long:
            assert page.status_code == 414, path
        else:
            assert page.status_code == 302 and page["Location"] == home, path
    assert client.get("/", {"newer": cursor}).status_code == (414 if too_long else 302)


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "10000-01-01", "2023-02-30"],
)
def test_periods_at_the_calendars_edges_are_a_400(api, moment):
    for bound in ("taken_after", "taken_before"):
        answer = api.get("/api/v1/photos", {bound: moment})
        assert answer.status_code == 400, (bound, moment, answer.content[:200])
        assert answer.json()["code"] == "invalid"


@pytest.mark.parametrize("offset", ["+16:00", "-23:59"])
def test_periods_with_offsets_the_database_cannot_store_are_read_in_utc(api, make_photo, offset):
    photo, _ = make_photo("now.jpg")
    moment = f"2000-01-01T00:00:00{offset}"  # Python takes it; PostgreSQL stops at ±15:59

    after = api.get("/api/v1/photos", {"taken_after": moment})
    before = api.get("/api/v1/photos", {"taken_before": moment})

    assert after.status_code == 200 and before.status_code == 200
    assert [item["id"] for item in after.json()["items"]] == [str(photo.id)]
    assert before.json()["items"] == []


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("abc", "/"),
        ("javascript:alert(1)", "/"),
        ("/trash/", "/trash/"),
    ],
)
def test_the_download_forms_next_stays_on_this_site(client, target, lands):
    answer = client.post("/photos/download", {"next": target})

    assert answer.status_code == 302
    assert answer["Location"] == lands


def test_the_upload_form_stores_nothing_when_one_file_is_refused(client, photo_storage):
    good = SimpleUploadedFile("good.jpg", images.jpeg(seed=1))
    bad = SimpleUploadedFile("notes.jpg", b"a shopping list, not a photo")

    page = client.post("/upload/", {"photos": [good, bad]})

    assert page.status_code == 400
    assert "Nothing was uploaded" in page.content.decode() and "notes.jpg" in page.content.decode()
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_import_reports_a_bad_file_and_goes_on(user, tmp_path, capsys):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "good.jpg").write_bytes(images.jpeg(seed=1))
    (folder / "cut.png").write_bytes(images.png(300, 200, seed=2)[:500])
    (folder / "notes.txt").write_bytes(b"not a photo")
    os.symlink(folder / "gone.jpg", folder / "link.jpg")  # dangling
    (folder / "later.jpg").write_bytes(images.jpeg(seed=3))

    call_command("import", str(folder), "--user", user.username)

    out = capsys.readouterr().out
    assert "Imported 2 photos" in out and "3 files were not imported" in out
    assert "cut.png: The image is damaged" in out
    assert "link.jpg: No such file or directory" in out
    assert sorted(Photo.objects.values_list("original_name", flat=True)) == [
        "good.jpg",
        "later.jpg",
    ]
