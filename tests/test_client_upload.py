"""`myphoto upload`, `login` and the other client commands against a live server, as a
person runs them."""

from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import images
import pytest
import seaweedfs
import videos
from django.core.management import call_command
from folders import phone_dump, sha256
from terminal import stopped_with_ctrl_c

from myphoto.client.main import main as myphoto
from myphoto.photos.models import MultipartUpload, Photo

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_with_a_password_keeps_a_token_only_the_owner_can_read(
    live_server, user, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("MYPHOTO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr("getpass.getpass", lambda prompt: "correct horse battery")

    assert myphoto(["login", live_server.url, "--username", "alice"]) == 0

    saved = tmp_path / "config" / "config.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text())["url"] == live_server.url
    assert "Logged in to" in capsys.readouterr().out
    assert myphoto(["ls", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert user.api_tokens.get().name.startswith("myphoto CLI on ")


def test_login_with_a_wrong_password_says_so(live_server, user, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MYPHOTO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr("getpass.getpass", lambda prompt: "wrong")

    assert myphoto(["login", live_server.url, "--username", "alice"]) == 1

    assert capsys.readouterr().err.strip() == "myphoto: The user name or password is wrong."
    assert not (tmp_path / "config" / "config.json").exists()


def test_upload_a_folder_then_again_uploads_nothing(logged_in, photo_storage, tmp_path, capsys):
    photos = phone_dump(tmp_path / "dump")

    assert myphoto(["upload", str(tmp_path / "dump")]) == 0

    output = capsys.readouterr().out
    assert "uploaded" in output and "30" in output
    assert "skipped" in output and "notes.txt: not a photo or video" in output
    assert Photo.objects.count() == 30
    assert {p.sha256 for p in Photo.objects.all()} == {sha256(path) for path in photos}
    assert Photo.objects.get(original_name="scan").content_type == "image/heic"

    assert myphoto(["upload", str(tmp_path / "dump"), "--jobs", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert any(line.split() == ["uploaded", "0"] for line in lines)
    assert any(line.split() == ["already", "there", "30"] for line in lines)
    assert Photo.objects.count() == 30


def test_upload_reports_each_refused_file_and_exits_1(logged_in, settings, tmp_path, capsys):
    settings.MYPHOTO_MAX_UPLOAD_MB = 1
    (tmp_path / "good.jpg").write_bytes(images.jpeg(seed=1))
    (tmp_path / "huge.png").write_bytes(images.noise_png(800, 600))  # about 1.4 MB
    (tmp_path / "half.jpg").write_bytes(images.jpeg(800, 600, seed=2)[:3000])

    assert myphoto(["upload", str(tmp_path)]) == 1

    output = capsys.readouterr().out
    # Refused before its body was read: the request's size, and the limit.
    assert "huge.png: The request is 1.4 MB; the limit is 1 MB." in output
    assert "half.jpg: half.jpg: The image is damaged or incomplete" in output
    assert list(Photo.objects.values_list("original_name", flat=True)) == ["good.jpg"]


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_storage_out_of_reach_stops_a_big_upload_with_one_line(
    logged_in, photo_storage, settings, tmp_path, capsys
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    dead = f"http://127.0.0.1:{seaweedfs.free_port()}"
    settings.MYPHOTO_S3_PUBLIC_ENDPOINT_URL = dead
    path = tmp_path / "IMG_0043.MOV"
    path.write_bytes(videos.padded_video(17 * 1024 * 1024, seed=6))

    assert myphoto(["upload", str(path)]) == 4

    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"myphoto: Cannot reach the storage at {dead} (connection refused)")
    assert not Photo.objects.exists()


def test_a_phone_folder_with_videos_goes_up_and_comes_back_byte_for_byte(
    logged_in, photo_storage, tmp_path, capsys
):
    dump = tmp_path / "DCIM"
    dump.mkdir()
    sent = {
        "IMG_0001.JPG": images.camera_photo("JPEG"),
        "IMG_0002.MOV": videos.rotated_90(videos.hevc_mov()),
        "VID_0003.mp4": videos.phone_video(),
        "clip.webm": videos.vp9_webm(),
    }
    for name, data in sent.items():
        (dump / name).write_bytes(data)

    assert myphoto(["upload", str(dump)]) == 0

    assert "skipped" not in capsys.readouterr().out
    kinds = dict(Photo.objects.values_list("original_name", "kind"))
    assert kinds == {
        "IMG_0001.JPG": "photo",
        "IMG_0002.MOV": "video",
        "VID_0003.mp4": "video",
        "clip.webm": "video",
    }
    assert all(p.derivatives_ready and p.playback_key for p in Photo.objects.filter(kind="video"))

    assert myphoto(["download", str(tmp_path / "backup")]) == 0

    got = {
        path.name: path.read_bytes() for path in (tmp_path / "backup").rglob("*") if path.is_file()
    }
    assert got == sent


def test_upload_into_an_album_then_download_only_that_album(
    logged_in, make_photo, tmp_path, capsys
):
    from myphoto.photos.models import Album

    make_photo("elsewhere.jpg")
    folder = tmp_path / "trip"
    folder.mkdir()
    for n in range(3):
        (folder / f"day{n}.jpg").write_bytes(images.jpeg(seed=100 + n))
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "day0 again.jpg").write_bytes(images.jpeg(seed=100))

    assert myphoto(["upload", str(folder), "--album", "Trip"]) == 0
    # Photos already there are put in the album too; the album is found by its title.
    assert myphoto(["upload", str(folder), str(tmp_path / "more"), "--album", "Trip"]) == 0

    output = capsys.readouterr().out
    assert "Album “Trip”: 3 photos added." in output
    assert "Album “Trip”: 0 photos added." in output
    album = Album.objects.get()
    assert (album.title, album.entries.count()) == ("Trip", 3)
    assert myphoto(["download", str(tmp_path / "mirror"), "--album", "Trip"]) == 0
    assert sorted(p.name for p in (tmp_path / "mirror").rglob("*.jpg")) == [
        "day0.jpg",
        "day1.jpg",
        "day2.jpg",
    ]
    assert myphoto(["download", str(tmp_path / "none"), "--album", "Nope"]) == 1
    assert "You have no album called “Nope”." in capsys.readouterr().err


def test_ls_rm_restore_speak_json(logged_in, make_photo, capsys):
    photo, _ = make_photo("one.jpg")

    assert myphoto(["ls", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["id"] == str(photo.pk) and listed["filename"] == "one.jpg"

    assert myphoto(["rm", str(photo.pk), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted": 1}
    assert Photo.objects.get(pk=photo.pk).deleted_at is not None

    assert myphoto(["restore", str(photo.pk), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"restored": [str(photo.pk)], "failed": []}
    assert Photo.objects.get(pk=photo.pk).deleted_at is None


def test_bad_token_unreachable_server_and_no_login_are_one_line_each(
    live_server, user, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("MYPHOTO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MYPHOTO_URL", live_server.url)

    assert myphoto(["ls"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Not logged in: run `myphoto login URL` (or set MYPHOTO_URL and MYPHOTO_TOKEN)."
    )

    monkeypatch.setenv("MYPHOTO_TOKEN", "not-a-token")
    assert myphoto(["upload", str(tmp_path)]) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("myphoto: The server refused the token") and "\n" not in err
    assert "Traceback" not in err

    monkeypatch.setenv("MYPHOTO_URL", f"http://127.0.0.1:{seaweedfs.free_port()}")
    assert myphoto(["ls"]) == 4
    err = capsys.readouterr().err.strip()
    assert err.startswith("myphoto: Cannot reach http://127.0.0.1:") and "\n" not in err
    assert "connection refused" in err

    monkeypatch.setenv("MYPHOTO_URL", f"{live_server.url}/not-here")
    monkeypatch.setenv("MYPHOTO_TOKEN", "anything")
    assert myphoto(["ls"]) == 1
    assert "does not look like a MyPhoto server" in capsys.readouterr().err


def test_import_a_folder_server_side(user, tmp_path, capsys):
    phone_dump(tmp_path / "dump")

    call_command("import", str(tmp_path / "dump"), user="alice")

    out = capsys.readouterr().out
    assert "Imported 30 photos for alice; 0 were already there; 1 files were not imported." in out
    assert "notes.txt: This file is not a photo or video" in out
    call_command("import", str(tmp_path / "dump"), user="alice")
    assert "Imported 0 photos for alice; 30 were already there" in capsys.readouterr().out
    assert Photo.objects.filter(owner=user).count() == 30
    assert os.path.exists(tmp_path / "dump" / "scan")  # originals are left where they are


def test_ctrl_c_stops_the_upload_and_the_next_run_goes_on(logged_in, tmp_path):
    import subprocess
    import sys

    files = 40
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(files):
        (folder / f"{n:02d}.png").write_bytes(images.noise_png(300, 300, seed=n))
    run = [sys.executable, "-m", "myphoto", "upload", str(folder), "--jobs", "1"]
    stopped_with_ctrl_c(run, lambda: Photo.objects.count() >= 3)

    stored = Photo.objects.count()
    assert 3 <= stored < files

    again = subprocess.run(run, env=os.environ, capture_output=True, text=True, timeout=120)

    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert any(line.split() == ["already", "there", str(stored)] for line in lines)
    assert any(line.split() == ["uploaded", str(files - stored)] for line in lines)
    assert Photo.objects.count() == files


def sent_megabytes(output: str) -> float:
    [line] = [line for line in output.splitlines() if line.split()[:1] == ["sent"]]
    return float(line.split()[1])


def test_a_big_video_goes_up_in_parallel_parts(
    logged_in, photo_storage, settings, tmp_path, capsys
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    path = tmp_path / "IMG_0042.MOV"
    path.write_bytes(videos.padded_video(33 * 1024 * 1024, seed=5))

    assert myphoto(["upload", str(path), "--jobs", "4"]) == 0

    photo = Photo.objects.get()
    assert (photo.kind, photo.original_name, photo.sha256) == ("video", path.name, sha256(path))
    assert photo_storage.read(photo.storage_key) == path.read_bytes()
    assert photo_storage.keys() == set(photo.storage_keys)
    assert sent_megabytes(capsys.readouterr().out) == round(path.stat().st_size / 1e6, 1)
    # Again: this machine knows the file's hash from the first run; nothing is read or sent.
    assert myphoto(["upload", str(path)]) == 0
    output = capsys.readouterr().out
    assert any(line.split() == ["already", "there", "1"] for line in output.splitlines())
    assert sent_megabytes(output) == 0.0
    # From a machine that never saw it: its parts start at once, and stop when its hash
    # (computed meanwhile) shows the server has it; that upload is aborted.
    shutil.rmtree(tmp_path / "config")
    assert myphoto(["upload", str(path)]) == 0
    output = capsys.readouterr().out
    assert any(line.split() == ["already", "there", "1"] for line in output.splitlines())
    assert not MultipartUpload.objects.exists() and Photo.objects.count() == 1
    assert photo_storage.keys() == set(photo.storage_keys)


def test_ctrl_c_in_the_middle_of_a_big_file_and_the_next_run_sends_only_the_rest(
    logged_in, settings, tmp_path
):
    import subprocess
    import sys

    from myphoto.photos.models import MultipartUpload
    from myphoto.photos.services.multipart import multipart_received

    settings.MYPHOTO_UPLOAD_PART_MB = 5
    part = 5 * 1024 * 1024
    path = tmp_path / "long.mp4"
    path.write_bytes(videos.padded_video(60 * part + 12345, seed=6))
    run = [sys.executable, "-m", "myphoto", "upload", str(path), "--jobs", "1"]
    parts_folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "multipart"
    stopped_with_ctrl_c(
        run, lambda: len(list(parts_folder.glob("*/0*"))) >= 20, within=60, poll=0.01
    )

    upload = MultipartUpload.objects.get()
    received = multipart_received(upload=upload)
    assert 20 <= len(received) < 61 and not Photo.objects.exists()

    again = subprocess.run(run, env=os.environ, capture_output=True, text=True, timeout=120)

    assert again.returncode == 0, again.stderr
    left = path.stat().st_size - len(received) * part
    assert sent_megabytes(again.stdout) == round(left / 1e6, 1)
    photo = Photo.objects.get()
    assert photo.sha256 == sha256(path) and not MultipartUpload.objects.exists()


def test_ls_prints_whole_ids_in_80_columns_and_commands_take_a_prefix(
    logged_in, make_photo, user, monkeypatch, capsys
):
    from uuid import UUID

    from bulk import bulk_photos

    from myphoto.photos.services.counts import month_counts_rebuild

    monkeypatch.setenv("COLUMNS", "80")
    photo, _ = make_photo("a rather long file name from a phone camera roll.jpg")
    assert myphoto(["ls"]) == 0
    printed = capsys.readouterr().out
    assert str(photo.pk) in printed  # whole, not cut by the terminal's width
    assert max(len(line) for line in printed.splitlines()) <= 80

    # Two photos whose ids share their first 10 characters.
    bulk_photos(user, 2, start=datetime(2020, 1, 1, tzinfo=UTC), every=timedelta(days=1))
    twins = list(
        Photo.objects.filter(original_name__startswith="IMG_").values_list("pk", flat=True)
    )
    for n, twin in enumerate(twins):
        Photo.objects.filter(pk=twin).update(id=UUID(f"abcdef0123{n}" + twin.hex[11:]))
    month_counts_rebuild(owner=user)
    assert myphoto(["ls", "--short"]) == 0
    printed = capsys.readouterr().out
    assert "abcdef01-230 " in printed and "abcdef01-231 " in printed  # told apart
    assert f"{str(photo.pk)[:12]} " in printed  # as short as the others' need

    assert myphoto(["rm", "abcdef0123"]) == 1
    assert "More than one photo in your library" in capsys.readouterr().err
    assert myphoto(["rm", "0000ffff"]) == 1
    assert (
        "No photo in your library has an id beginning with “0000ffff”." in capsys.readouterr().err
    )
    assert myphoto(["rm", "zz"]) == 1
    assert "“zz” is not a photo id" in capsys.readouterr().err
    assert Photo.objects.filter(deleted_at__isnull=False).count() == 0  # nothing done

    assert myphoto(["rm", str(photo.pk)[:8], "abcdef01-231"]) == 0
    assert "Moved 2 photos to the trash." in capsys.readouterr().out
    assert myphoto(["restore", "ABCDEF01231"]) == 0
    assert Photo.objects.get(pk=photo.pk).deleted_at is not None
    assert Photo.objects.filter(deleted_at__isnull=False).count() == 1


def test_the_command_speaks_the_terminals_language(logged_in, make_photo, monkeypatch, capsys):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    photo, _ = make_photo("photo.jpg")

    assert myphoto(["ls"]) == 0
    assert "찍은 날" in capsys.readouterr().out  # the table's heads
    assert myphoto(["rm", "zz"]) == 1
    assert "“zz”은(는) 사진 ID가 아닙니다" in capsys.readouterr().err
    # The server's own sentence, asked for in the command's language (Accept-Language).
    assert myphoto(["restore", "0" * 32]) == 1  # a whole id, dashes or not
    assert f"실패 {uuid.UUID(int=0)}: 그런 사진이 없습니다." in capsys.readouterr().out
    assert myphoto(["rm", str(photo.pk)]) == 0
    assert "사진 1장을 휴지통으로 옮겼습니다." in capsys.readouterr().out

    monkeypatch.setenv("LANG", "C.UTF-8")  # no catalogue: English
    assert myphoto(["restore", str(photo.pk)]) == 0
    assert "Restored 1 photo." in capsys.readouterr().out
