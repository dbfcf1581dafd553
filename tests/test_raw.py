"""Camera RAW files: DNGs made with pidng (a preview, EXIF, GPS, sensor data) uploaded,
described, shown from their preview or their sensor data, downloaded byte for byte; cut
and damaged ones refused with nothing stored."""

from __future__ import annotations

import io
import time
from datetime import datetime
from pathlib import Path

import dngs
import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def upload(client, after_commit, *files: tuple[str, bytes]):
    with after_commit():
        return client.post("/api/v1/photos", {"file": [SimpleUploadedFile(n, d) for n, d in files]})


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def red_corner(data: bytes) -> str:
    """Which corner of a derivative the picture's red block is in."""
    image = images.decoded(data)
    width, height = image.size
    corners = {
        "top-left": (2, 2),
        "top-right": (width - 3, 2),
        "bottom-left": (2, height - 3),
        "bottom-right": (width - 3, height - 3),
    }
    red = [
        name
        for name, spot in corners.items()
        if (lambda p: p[0] > 180 and p[1] < 90 and p[2] < 90)(image.getpixel(spot))
    ]
    assert len(red) == 1, red
    return red[0]


@pytest.mark.parametrize("preview", [1600, None], ids=["from its preview", "from its sensor"])
def test_a_dng_is_described_shown_upright_and_downloaded_as_it_is(
    client, photo_storage, after_commit, preview
):
    # A portrait shot: the camera held upright, its sensor data stored sideways.
    made = dngs.dng(2000, 1500, orientation=6, preview=preview, seed=3)

    response = upload(client, after_commit, ("L1000042.DNG", made.data))

    assert response.status_code == 201, response.content
    item = response.json()["items"][0]
    assert item["content_type"] == "image/x-adobe-dng"
    assert item["filename"] == "L1000042.DNG"
    assert (item["width"], item["height"]) == (1500, 2000)
    assert item["taken_at"] == "2024-05-04T10:11:12+09:00"
    assert item["camera"] == f"{dngs.CAMERA_MAKE} {dngs.CAMERA_MODEL}"
    assert item["gps"] == {"lat": pytest.approx(37.5665), "lon": pytest.approx(126.978)}
    photo = Photo.objects.get(pk=item["id"])
    assert photo.derivatives_ready, photo.derivatives_error
    assert photo.lens == dngs.LENS  # shown by the viewer and the photo's page
    assert f'data-lens="{dngs.LENS}"' in client.get("/").content.decode()
    assert f"<dd>{dngs.LENS}</dd>" in client.get(f"/photos/{photo.pk}/").content.decode()
    thumbnail = photo_storage.read(photo.thumbnail_key)
    preview_image = Image.open(io.BytesIO(photo_storage.read(photo.preview_key)))
    # Upright: the block in the picture's top-left is at the top right of a turned shot.
    assert red_corner(thumbnail) == "top-right"
    assert preview_image.height > preview_image.width
    download = client.get(f"/api/v1/photos/{photo.pk}/download")
    assert download.status_code == 200
    assert body_of(download) == made.data
    assert 'filename="L1000042.DNG"' in download["Content-Disposition"]


def test_a_damaged_preview_gives_way_to_the_sensor_data(client, photo_storage, after_commit):
    made = dngs.dng(2000, 1500, seed=4)

    response = upload(client, after_commit, ("DSC_0001.dng", dngs.damaged_preview(made)))

    assert response.status_code == 201, response.content
    photo = Photo.objects.get(pk=response.json()["items"][0]["id"])
    assert photo.derivatives_ready and photo.derivatives_error == ""
    md = images.decoded(photo_storage.read(photo.preview_key))
    assert md.size == (1000, 750)  # LibRaw's half size: the sensor's, not the preview's
    assert red_corner(photo_storage.read(photo.thumbnail_key)) == "top-left"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_a_cut_raw_is_refused_and_nothing_is_stored(client, photo_storage, after_commit, fraction):
    made = dngs.dng(1200, 900, seed=5)

    response = upload(client, after_commit, ("cut.dng", dngs.cut(made, fraction)))

    assert response.status_code == 415, response.content
    assert "RAW file is damaged or incomplete" in response.json()["detail"]
    assert not Photo.objects.exists()
    assert photo_storage.keys() == set()


def test_a_tiff_that_is_not_a_raw_stays_a_tiff(client, after_commit):
    data = images.encode(images.make_image(320, 240, seed=6), "TIFF")

    response = upload(client, after_commit, ("scan.tif", data))

    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["content_type"] == "image/tiff"


def test_a_raw_declaring_ten_billion_pixels_is_refused_before_any_decode(
    client, after_commit, settings
):
    made = dngs.dng(64, 48, declared=(100_000, 100_000), preview=None)

    started = time.monotonic()
    response = upload(client, after_commit, ("bomb.dng", made.data))

    assert response.status_code == 415
    assert "too many pixels (100000×100000)" in response.json()["detail"]
    assert time.monotonic() - started < 5  # nothing of 10¹⁰ pixels was allocated
    assert not Photo.objects.exists()


def test_a_raw_without_a_capture_time_is_dated_by_its_upload(client, after_commit):
    made = dngs.dng(640, 480, taken=None, gps=None, seed=7)

    response = upload(client, after_commit, ("undated.dng", made.data))

    item = response.json()["items"][0]
    assert item["taken_at_source"] == "upload" and item["gps"] is None
    taken = datetime.fromisoformat(item["taken_at"])
    assert abs((taken - datetime.fromisoformat(item["uploaded_at"])).total_seconds()) < 60


SAMPLES = Path(__file__).parent / "data" / "raw"


@pytest.mark.parametrize(
    ("name", "content_type", "camera", "taken"),
    [
        ("CanonRaw.cr3", "image/x-canon-cr3", "Canon EOS M50", "2018-02-21T12:08:56+00:00"),
        ("CanonRaw.cr2", "image/x-canon-cr2", "Canon EOS 350D DIGITAL", "2005-08-03T18:59:18"),
        ("FujiFilm.raf", "image/x-fuji-raf", "FUJIFILM FinePix S5Pro", "2007-05-22T13:58:30"),
        ("Nikon.nef", "image/x-nikon-nef", "NIKON CORPORATION NIKON D70", "2004-06-09T16:02:35"),
    ],
)
def test_real_cameras_raws_are_told_by_their_content_and_described(
    name, content_type, camera, taken, settings
):
    """Real RAWs of four makers, their image data cut down (ExifTool's samples): what a
    scan of an adopted library reads from their headers, whatever they are called."""
    from myphoto.photos import media

    found = media.describe(io.BytesIO((SAMPLES / name).read_bytes()))

    assert found.content_type == content_type
    assert camera.endswith(found.camera_model) and found.camera_make in camera
    assert found.taken_at is not None and found.taken_at.isoformat().startswith(taken)


def test_a_real_raw_libraw_cannot_read_is_refused_with_its_reason(client, after_commit):
    # ExifTool's CR2 keeps its metadata; of its sensor data, LibRaw finds nothing.
    response = upload(
        client, after_commit, ("IMG_0001.CR2", (SAMPLES / "CanonRaw.cr2").read_bytes())
    )

    assert response.status_code == 415
    assert "LibRaw cannot read this RAW file" in response.json()["detail"]
    assert not Photo.objects.exists()


def test_a_real_cr3_is_stored_as_a_photo_not_a_video(client, after_commit):
    """A CR3 is an ISO media file, as an MP4 is: its brand makes it a photo."""
    response = upload(
        client, after_commit, ("IMG_0001.CR3", (SAMPLES / "CanonRaw.cr3").read_bytes())
    )

    assert response.status_code == 201, response.content
    item = response.json()["items"][0]
    assert (item["kind"], item["content_type"]) == ("photo", "image/x-canon-cr3")
    assert (item["width"], item["height"]) == (6000, 4000)
    assert item["camera"] == "Canon EOS M50"


def test_the_command_line_client_picks_raws_by_their_content(tmp_path):
    from myphoto.client.files import sort_photos

    (tmp_path / "DSCF0001").write_bytes((SAMPLES / "FujiFilm.raf").read_bytes())
    (tmp_path / "IMG_0001.CR3").write_bytes((SAMPLES / "CanonRaw.cr3").read_bytes())
    (tmp_path / "L1000042.DNG").write_bytes(dngs.dng(64, 48, preview=None).data)
    (tmp_path / "notes.txt").write_text("not a photo")

    photos, others = sort_photos(sorted(tmp_path.iterdir()))

    assert sorted(p.path.name for p in photos) == ["DSCF0001", "IMG_0001.CR3", "L1000042.DNG"]
    assert [p.name for p in others] == ["notes.txt"]


def test_a_raw_in_parts_is_checked_once_whole(api, photo_storage, after_commit, settings):
    from test_multipart import complete, send, start

    settings.MYPHOTO_UPLOAD_PART_MB = 5
    made = dngs.dng(2400, 1600, seed=8)  # 7.7 MB: two parts
    started = start(api, "L1000043.DNG", made.data)
    send(api, started, made.data, [1, 2])

    done = complete(api, started["id"], after_commit)

    assert done.status_code == 201, done.content
    [item] = done.json()["items"]
    assert item["content_type"] == "image/x-adobe-dng" and item["width"] == 2400
    photo = Photo.objects.get(pk=item["id"])
    assert photo.storage_key.endswith(".dng") and photo.derivatives_ready
    assert photo_storage.read(photo.storage_key) == made.data

    cut = dngs.cut(dngs.dng(2400, 1600, seed=9), 0.9)
    started = start(api, "L1000044.DNG", cut)
    send(api, started, cut, [1, 2])
    refused = complete(api, started["id"], after_commit)
    assert refused.status_code == 415, refused.content
    assert "RAW file is damaged or incomplete" in refused.json()["detail"]
    assert photo_storage.keys() == set(photo.storage_keys)


def test_an_unknown_makers_raw_is_accepted_when_libraw_reads_it(
    client, photo_storage, after_commit
):
    # A TIFF of sensor data from a maker we do not know by name, and no DNG version.
    data = dngs.dng(640, 480, make="Hasselblad", model="X9 Test", preview=None, seed=10).data
    for version in (b"\x12\xc6", b"\x13\xc6"):  # DNGVersion, DNGBackwardVersion: renamed
        entry = version + b"\x01\x00\x04\x00\x00\x00"
        data = data.replace(entry, b"\xfe" + entry[1:], 1)

    response = upload(client, after_commit, ("X9_0001.3FR", data))

    assert response.status_code == 201, response.content
    item = response.json()["items"][0]
    assert item["content_type"] == "image/x-dcraw" and item["camera"] == "Hasselblad X9 Test"
    photo = Photo.objects.get(pk=item["id"])
    assert photo.derivatives_ready, photo.derivatives_error
    assert red_corner(photo_storage.read(photo.thumbnail_key)) == "top-left"


def test_a_nikons_count_of_the_shot_is_read_from_the_raw_and_its_jpeg():
    """A Nikon writes its shutter count in its MakerNote, in the NEF and in the JPEG."""
    from myphoto.photos import media

    nef = (SAMPLES / "Nikon.nef").read_bytes()
    maker_note = (
        Image.open(io.BytesIO(nef)).getexif().get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.MakerNote]
    )
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.MakerNote] = maker_note
    jpeg = images.jpeg(32, 24, exif=exif)

    assert media.describe(io.BytesIO(nef)).shot_number == 3619
    assert media.analyze(io.BytesIO(jpeg)).shot_number == 3619
    assert media.analyze(io.BytesIO(images.jpeg(32, 24))).shot_number is None
