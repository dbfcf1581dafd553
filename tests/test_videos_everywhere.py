"""Videos go where photos go: zips, albums, share links (without their place), the jobs,
the timeline page, redirect mode; and the places phones write."""

from __future__ import annotations

import io
import zipfile

import images
import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from playback import body_of, probe, upload

from myphoto.photos.models import Photo
from myphoto.photos.services import albums as album_services
from myphoto.photos.services import shares as share_services


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


def test_a_link_that_hides_places_blanks_them_in_the_videos_xmp_too(
    client, user, photo_storage, after_commit
):
    from django.test import Client

    data = videos.with_xmp_place(
        videos.phone_video(), latitude="37,33.99N", longitude="126,58.68E", city="Seoul"
    )
    item = upload(client, "clip.mp4", data, after_commit).json()["items"][0]
    album = album_services.album_create(owner=user, title="Trip", photo_ids=[item["id"]])
    hidden = share_services.share_create(album=album)
    path = f"/api/v1/shared/{hidden.key}/photos/{item['id']}/playback"

    played = body_of(Client().get(path))

    assert len(played) == len(data)
    for place in (b"37,33.99N", b"126,58.68E", b"Seoul", b"+37.5665"):
        assert place in data and place not in played, place
    # What the XMP says besides stays as it was, and the video plays.
    assert b'exif:GPSLatitude="' in played and b"<photoshop:City>" in played
    assert probe(played)["codec"] == "h264"


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
