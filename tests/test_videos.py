"""Videos are library items: upload, metadata, posters, playback copies, checks, filters."""

from __future__ import annotations

from datetime import UTC, datetime

import images
import pytest
import videos
from playback import body_of, near, poster, probe, upload

from myphoto.photos.models import Photo


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
