"""Videos are library items: upload, metadata, posters, playback, filters, zips, shares."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import av
import images
import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from myphoto.photos.models import Photo
from myphoto.photos.services import albums as album_services
from myphoto.photos.services import shares as share_services


def upload(client, name: str, data: bytes, after_commit=None):
    files = {"file": [SimpleUploadedFile(name, data)]}
    if after_commit is None:
        return client.post("/api/v1/photos", files)
    with after_commit():
        return client.post("/api/v1/photos", files)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def probe(data: bytes) -> dict:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        frame = next(container.decode(video))
        return {
            "codec": video.codec_context.name,
            "size": (frame.width, frame.height),
            "audio": [s.codec_context.name for s in container.streams.audio],
            "rotation": frame.rotation,
            "fast_start": data.find(b"moov") < data.find(b"mdat"),
        }


def poster(client, item: dict, size: str = "md") -> Image.Image:
    response = client.get(item["thumbnail_url"].replace("size=sm", f"size={size}"))
    assert response.status_code == 200, response.content
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_phone_video_is_a_video_with_its_metadata_and_an_upright_poster(
    client, photo_storage, after_commit
):
    data = videos.phone_video()

    response = upload(client, "IMG_0001.MP4", data, after_commit)

    assert response.status_code == 201, response.content
    item = client.get(f"/api/v1/photos/{response.json()['items'][0]['id']}").json()
    assert item["kind"] == "video"
    assert item["content_type"] == "video/mp4"
    assert item["duration"] == pytest.approx(2.0, abs=0.05)
    # Held upright: the 320×240 frames are shown 240×320.
    assert (item["width"], item["height"]) == (240, 320)
    assert item["taken_at_source"] == "video"
    assert datetime.fromisoformat(item["taken_at"]) == datetime.fromisoformat(videos.TAKEN_AT)
    assert item["gps"] == pytest.approx({"lat": videos.GPS[0], "lon": videos.GPS[1]})
    assert item["camera"] == "Apple iPhone 15 Pro"
    assert item["playback_url"] == f"/api/v1/photos/{item['id']}/playback"
    assert item["derivatives_ready"] is True
    photo = Photo.objects.get(pk=item["id"])
    assert (photo.video_codec, photo.audio_codec, photo.frame_rate) == ("h264", "aac", 10.0)

    # The poster comes from 0.2 s in (10% of a short clip), not the black first frame,
    # turned upright: the top-left marker of the landscape frames is now top right.
    image = poster(client, item)
    assert image.size == (240, 320)
    assert near(image.getpixel((image.width - 5, 5)), videos.MARKER)
    assert not near(image.getpixel((5, 5)), videos.MARKER)
    assert max(image.getpixel((image.width // 2, image.height // 2))) > 30
    assert poster(client, item, "sm").size == (240, 320)

    # The download is the untouched original, under its name.
    download = client.get(item["download_url"])
    assert body_of(download) == data
    assert 'filename="IMG_0001.MP4"' in download["Content-Disposition"]
    assert photo_storage.read(photo.storage_key) == data


def test_a_browser_playable_video_plays_its_original_with_range(
    client, photo_storage, after_commit
):
    data = videos.phone_video()
    item = upload(client, "clip.mp4", data, after_commit).json()["items"][0]

    whole = client.get(item["playback_url"])
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"].startswith("inline;")
    assert body_of(whole) == data

    part = client.get(item["playback_url"], HTTP_RANGE="bytes=100-1099")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert body_of(part) == data[100:1100]
    # Only the original is stored: nothing was converted.
    photo = Photo.objects.get(pk=item["id"])
    assert photo.playback_key == photo.storage_key
    stored = photo_storage.keys()
    assert stored == {photo.storage_key, photo.thumbnail_key, photo.preview_key}


def test_hevc_mov_gets_an_h264_copy_that_plays_and_the_download_stays_the_original(
    client, photo_storage, after_commit
):
    data = videos.rotated_90(videos.hevc_mov(seconds=2))

    item = upload(client, "IMG_0002.MOV", data, after_commit).json()["items"][0]

    assert item["content_type"] == "video/quicktime"
    assert (item["width"], item["height"]) == (240, 320)
    photo = Photo.objects.get(pk=item["id"])
    assert photo.video_codec == "hevc"
    assert photo.playback_key.startswith(f"derivatives/{photo.owner_id}/{photo.pk}/playback-")
    playback = client.get(item["playback_url"])
    assert playback.status_code == 200
    assert playback["Content-Type"] == "video/mp4"
    copy = body_of(playback)
    assert len(copy) == photo.playback_size == int(playback["Content-Length"])
    # H.264 and AAC, upright in its pixels (no display matrix to obey), index first.
    assert probe(copy) == {
        "codec": "h264",
        "size": (240, 320),
        "audio": ["aac"],
        "rotation": 0,
        "fast_start": True,
    }
    part = client.get(item["playback_url"], HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and body_of(part) == copy[:100]
    assert body_of(client.get(item["download_url"])) == data
    assert photo_storage.read(photo.playback_key) == copy
    # The poster of an HEVC video is upright too.
    image = poster(client, item)
    assert near(image.getpixel((image.width - 5, 5)), videos.MARKER)


def test_vp9_webm_plays_as_it_is(client, photo_storage, after_commit):
    data = videos.vp9_webm()

    item = upload(client, "clip.webm", data, after_commit).json()["items"][0]

    assert (item["kind"], item["content_type"]) == ("video", "video/webm")
    playback = client.get(item["playback_url"])
    assert playback["Content-Type"] == "video/webm"
    assert body_of(playback) == data


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("notes.mp4", lambda: b"just some text, named like a video\n" * 20, "not a photo or video"),
        # An MP4 written index last, cut short: the index is gone.
        ("cut.mp4", lambda: videos.phone_video()[:15000], "damaged or incomplete"),
        ("sound.m4a", lambda: videos.sound_only(), "no video in it"),
        (
            "empty.mov",
            lambda: b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\0" * 600,
            "damaged",
        ),
    ],
)
def test_a_file_that_is_not_a_playable_video_is_415_and_stores_nothing(
    client, photo_storage, name, make, reason
):
    response = upload(client, name, make())

    assert response.status_code == 415, response.content
    assert reason in response.json()["detail"]
    assert name in response.json()["detail"]
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()


def test_a_fast_start_mp4_cut_short_is_refused(client, photo_storage, tmp_path):
    """The index is first and whole, the frames it points to are not all there."""
    whole = videos.fast_start(videos.phone_video(seconds=4), tmp_path)
    assert whole.find(b"moov") < whole.find(b"mdat")

    response = upload(client, "cut.mp4", whole[: len(whole) - len(whole) // 4])

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_video"
    assert "ends too early" in response.json()["detail"]
    assert photo_storage.keys() == set()


def test_video_frames_past_the_pixel_limit_are_refused_before_decoding(
    client, settings, photo_storage
):
    settings.MYPHOTO_MAX_VIDEO_PIXELS = 100_000

    response = upload(client, "big.mp4", videos.encode_video(width=640, height=480, seconds=0.5))

    assert response.status_code == 415
    assert "too many pixels (640×480)" in response.json()["detail"]
    assert photo_storage.keys() == set()


def test_kind_filters_the_timeline_and_its_months(client, photo_storage, after_commit):
    upload(client, "a.jpg", images.jpeg_taken(datetime(2023, 10, 1, tzinfo=UTC)), after_commit)
    upload(client, "b.jpg", images.jpeg_taken(datetime(2023, 9, 1, tzinfo=UTC), seed=1))
    clip = upload(client, "c.mp4", videos.phone_video(), after_commit).json()["items"][0]

    videos_only = client.get("/api/v1/photos?kind=video").json()["items"]
    photos_only = client.get("/api/v1/photos?kind=photo").json()["items"]

    assert [item["id"] for item in videos_only] == [clip["id"]]
    assert sorted(item["filename"] for item in photos_only) == ["a.jpg", "b.jpg"]
    assert all(item["playback_url"] is None and item["duration"] is None for item in photos_only)
    assert client.get("/api/v1/timeline/buckets?kind=video").json() == {
        "buckets": [{"month": "2023-10", "count": 1}]
    }
    assert client.get("/api/v1/timeline/buckets?kind=photo").json()["buckets"] == [
        {"month": "2023-10", "count": 1},
        {"month": "2023-09", "count": 1},
    ]
    assert client.get("/api/v1/photos?kind=film").status_code == 400


def test_photos_have_no_playback(client, photo_storage, after_commit):
    item = upload(client, "a.jpg", images.jpeg(), after_commit).json()["items"][0]

    response = client.get(f"/api/v1/photos/{item['id']}/playback")

    assert response.status_code == 404
    assert response.json()["code"] == "not_a_video"


def test_videos_go_into_zips_and_albums_byte_for_byte(client, user, photo_storage, after_commit):
    clips = {
        "IMG_0003.MOV": videos.hevc_mov(),
        "clip.mp4": videos.phone_video(),
        "clip.webm": videos.vp9_webm(),
        "still.jpg": images.jpeg(),
    }
    ids = [upload(client, n, d, after_commit).json()["items"][0]["id"] for n, d in clips.items()]
    album = album_services.album_create(owner=user, title="Trip", photo_ids=ids)

    response = client.post(
        f"/api/v1/albums/{album.pk}/download", {}, content_type="application/json"
    )

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
    assert {name: archive.read(name) for name in archive.namelist()} == clips


def test_a_share_link_plays_its_videos_and_only_those(client, user, photo_storage, after_commit):
    mine = upload(client, "clip.mov", videos.hevc_mov(), after_commit).json()["items"][0]
    other = upload(client, "other.mp4", videos.phone_video(), after_commit).json()["items"][0]
    album = album_services.album_create(owner=user, title="Trip", photo_ids=[mine["id"]])
    share = share_services.share_create(album=album, allow_download=False)
    from django.test import Client

    guest = Client()

    listed = guest.get(f"/api/v1/shared/{share.key}/photos").json()["items"]
    assert listed[0]["playback_url"] == f"/api/v1/shared/{share.key}/photos/{mine['id']}/playback"
    played = guest.get(listed[0]["playback_url"])
    assert played.status_code == 200
    assert probe(body_of(played))["codec"] == "h264"
    assert guest.get(f"/api/v1/shared/{share.key}/photos/{other['id']}/playback").status_code == 404
    share_services.share_revoke(share=share)
    assert guest.get(listed[0]["playback_url"]).status_code == 404


def test_the_playback_copy_is_not_ready_until_the_job_ran(client, photo_storage, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    item = upload(client, "clip.mov", videos.hevc_mov()).json()["items"][0]

    response = client.get(item["playback_url"])

    assert response.status_code == 404
    assert response.json()["code"] == "not_ready"


def test_the_job_resumes_a_video_whose_posters_were_made(user, photo_storage, settings):
    """A run that died after the posters: the next run makes only the playback copy."""
    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.upload import photo_upload

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    photo = photo_upload(owner=user, file=SimpleUploadedFile("c.mov", videos.hevc_mov())).photo
    posters = {"sm": "derivatives/x/sm-old.webp", "md": "derivatives/x/md-old.webp"}
    Photo.objects.filter(pk=photo.pk).update(
        derivatives_ready=True, thumbnail_key=posters["sm"], preview_key=posters["md"]
    )

    assert photo_make_derivatives(photo_id=photo.pk) is True

    photo.refresh_from_db()
    assert (photo.thumbnail_key, photo.preview_key) == (posters["sm"], posters["md"])
    assert photo.playback_key and photo.derivatives_claim == ""
    assert probe(photo_storage.read(photo.playback_key))["codec"] == "h264"
    assert photo_make_derivatives(photo_id=photo.pk) is False  # nothing left to do


def test_the_timeline_page_shows_videos_only_and_keeps_to_them(
    client, photo_storage, after_commit, monkeypatch
):
    from myphoto.photos.web import timeline

    monkeypatch.setattr(timeline, "PAGE_SIZE", 1)
    upload(client, "still.jpg", images.jpeg(), after_commit)
    for seconds in (1, 2):
        upload(client, f"clip{seconds}.mp4", videos.phone_video(seconds=seconds), after_commit)

    html = client.get("/?kind=video").content.decode()

    assert "2 videos" in html and "still.jpg" not in html
    assert 'aria-current="page">Videos</a>' in html
    # The next page, and the scrubber's years, stay with videos.
    assert "?kind=video&amp;cursor=" in html
    assert "?kind=video&amp;month=2023-10" in html
    cursor = html.split("?kind=video&amp;cursor=")[1].split('"')[0]
    more = client.get(f"/?kind=video&cursor={cursor}", headers={"HX-Request": "true"})
    assert "clip" in more.content.decode() and "still.jpg" not in more.content.decode()
    assert "3 photos" in client.get("/").content.decode()
    assert "3 photos" in client.get("/?kind=nonsense").content.decode()


def test_a_silent_hevc_video_gets_a_silent_copy(client, photo_storage, after_commit):
    item = upload(client, "quiet.mov", videos.hevc_mov(audio=None), after_commit).json()["items"][0]

    copy = body_of(client.get(item["playback_url"]))

    assert probe(copy)["codec"] == "h264" and probe(copy)["audio"] == []


def test_a_link_that_hides_places_plays_the_video_without_its_place(
    client, user, photo_storage, after_commit
):
    from django.test import Client

    from myphoto.photos import media

    data = videos.phone_video()
    item = upload(client, "clip.mp4", data, after_commit).json()["items"][0]
    album = album_services.album_create(owner=user, title="Trip", photo_ids=[item["id"]])
    hidden = share_services.share_create(album=album)
    shown = share_services.share_create(album=album, show_location=True)
    guest = Client()
    path = f"/photos/{item['id']}/playback"

    played = body_of(guest.get(f"/api/v1/shared/{hidden.key}{path}"))

    assert len(played) == len(data) and played != data
    facts = media.analyze(io.BytesIO(played))
    assert (facts.gps_lat, facts.gps_lon) == (None, None)
    assert facts.duration == pytest.approx(2.0, abs=0.05)  # it still plays
    (start, end) = Photo.objects.get(pk=item["id"]).location_spans[0]
    part = guest.get(f"/api/v1/shared/{hidden.key}{path}", HTTP_RANGE=f"bytes={start - 3}-")
    assert body_of(part) == data[start - 3 : start] + b" " * (end - start) + data[end:]
    assert body_of(guest.get(f"/api/v1/shared/{shown.key}{path}")) == data
    assert body_of(client.get(f"/api/v1{path}")) == data


def test_a_small_file_of_huge_frames_is_refused_at_the_default_limit(client, photo_storage):
    data = videos.huge_frames()
    assert len(data) < 1_000_000

    response = upload(client, "huge.mp4", data)

    assert response.status_code == 415
    assert "too many pixels (8192×5200)" in response.json()["detail"]
    assert "the limit is 40 megapixels" in response.json()["detail"]
    assert photo_storage.keys() == set()


def test_redirect_mode_plays_from_the_bucket(client, photo_storage, settings, after_commit):
    import urllib.request

    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    data = videos.rotated_90(videos.hevc_mov())
    item = upload(client, "IMG_0001.MOV", data, after_commit).json()["items"][0]
    copy = photo_storage.read(Photo.objects.get(pk=item["id"]).playback_key)

    response = client.get(item["playback_url"])

    if photo_storage.kind == "disk":
        assert response.status_code == 200 and body_of(response) == copy
        return
    assert response.status_code == 302
    with urllib.request.urlopen(response["Location"]) as direct:
        assert direct.read() == copy
        assert direct.headers["Content-Type"] == "video/mp4"
        assert direct.headers["Content-Disposition"].startswith("inline;")


def test_the_derivatives_command_makes_posters_and_the_playback_copy(
    user, photo_storage, settings, capsys
):
    from django.core.management import call_command

    from myphoto.photos.services.upload import photo_upload

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    photo = photo_upload(owner=user, file=SimpleUploadedFile("c.mov", videos.hevc_mov())).photo

    call_command("derivatives", "--missing")

    photo.refresh_from_db()
    assert photo.derivatives_ready and photo.playback_key
    assert probe(photo_storage.read(photo.playback_key))["codec"] == "h264"
    assert "for 1 photos and videos; 0 could not be made" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tag", "written", "expected"),
    [
        # The MP4 `©xyz` atom (FFmpeg's `location`), as Android phones and cameras write it.
        ("location", "+48.8584+002.2945/", (48.8584, 2.2945)),
        # ISO 6709 with minutes run into the degrees (DDMM.mm, DDDMM.mm).
        ("location", "-3352.20+15112.80/", (-33.87, 151.2133333)),
        ("com.apple.quicktime.location.ISO6709", "+00.0000+000.0000/", (None, None)),
    ],
)
def test_places_written_the_other_ways(tag, written, expected):
    from myphoto.photos import media

    data = videos.encode_video(metadata={tag: written}, seconds=0.5)

    facts = media.analyze(io.BytesIO(data))

    assert (
        (facts.gps_lat, facts.gps_lon) == pytest.approx(expected)
        if expected[0]
        else (
            facts.gps_lat,
            facts.gps_lon,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("name", "options", "content_type"),
    [
        ("VIDEO.AVI", {"container": "avi", "codec": "mpeg4", "audio": "mp3"}, "video/x-msvideo"),
        (
            "PRORES.MOV",
            {"container": "mov", "codec": "prores_ks", "pix_fmt": "yuv422p10le", "audio": None},
            "video/quicktime",
        ),
        (
            "CAMCORDER.MTS",
            {"container": "mpegts", "codec": "mpeg2video", "audio": "mp2"},
            "video/mp2t",
        ),
        ("DVD.MPG", {"container": "mpeg", "codec": "mpeg2video", "audio": "mp2"}, "video/mpeg"),
    ],
)
def test_what_browsers_cannot_play_plays_through_its_copy(
    client, photo_storage, after_commit, name, options, content_type
):
    data = videos.encode_video(seconds=1, **options)

    item = upload(client, name, data, after_commit).json()["items"][0]

    assert (item["kind"], item["content_type"]) == ("video", content_type)
    assert probe(body_of(client.get(item["playback_url"])))["codec"] == "h264"
    assert body_of(client.get(item["download_url"])) == data
