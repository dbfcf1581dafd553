"""A real backup client against /dav/: Debian's rclone copies a phone's camera roll
(photos, a HEIC, videos, a 100 MB video) to the live server on SeaweedFS;
a second run sends nothing, `rclone check --download` compares every byte, and a run
killed mid-transfer completes when run again with nothing half-kept. (The same requests
on disk are test_dav.py's; this suite runs once, in the SQLite pass.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import images
import passes
import pytest
import videos

from myphoto.photos.models import DavEntry, MultipartUpload, Photo
from myphoto.photos.services.tokens import token_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, passes.client_suite]
RCLONE = shutil.which("rclone")

if RCLONE is None:
    if os.environ.get("MYPHOTO_REQUIRE_BROWSER"):
        raise RuntimeError("rclone is missing: apt-get install -y rclone")
    pytest.skip("rclone is not installed", allow_module_level=True)


def rclone(
    live_server, user, *args: str, **popen
) -> subprocess.CompletedProcess | subprocess.Popen:
    """rclone with a fresh app password of `user`: run to its end, or started (`popen`)."""
    password = token_create(user=user, name="rclone")[1]
    obscured = subprocess.run(
        [RCLONE, "obscure", password], capture_output=True, text=True, check=True
    ).stdout.strip()
    env = {
        **os.environ,
        "RCLONE_CONFIG": "/dev/null",
        "RCLONE_CONFIG_PHOTOS_TYPE": "webdav",
        "RCLONE_CONFIG_PHOTOS_URL": f"{live_server.url}/dav/",
        # ownCloud's dialect: rclone sends each file's time (X-OC-Mtime) and reads it back.
        "RCLONE_CONFIG_PHOTOS_VENDOR": "owncloud",
        "RCLONE_CONFIG_PHOTOS_USER": "alice",
        "RCLONE_CONFIG_PHOTOS_PASS": obscured,
    }
    command = [RCLONE, *args, "--stats-log-level", "NOTICE", "--stats", "0", "-v"]
    if popen:
        return subprocess.Popen(command, env=env, **popen)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def camera_roll(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    files = {
        "IMG_0001.JPG": images.camera_photo("JPEG", seed=1),
        "IMG_0002.JPG": images.camera_photo("JPEG", seed=2),
        "IMG_0003.HEIC": images.camera_photo("HEIF", seed=3),
        "VID_0004.mp4": videos.phone_video(),
        "IMG_0005.MOV": videos.rotated_90(videos.hevc_mov()),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def transferred(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": Copied (" in line]


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_rclone_backs_up_a_camera_roll_then_sends_nothing_again(
    live_server, user, photo_storage, tmp_path
):
    roll = tmp_path / "Camera"
    files = camera_roll(roll)
    (roll / "VID_0006.MOV").write_bytes(videos.padded_video(100 * 1024 * 1024, seed=6))

    first = rclone(live_server, user, "copy", str(roll), "photos:Phone/Camera", "--transfers", "4")
    assert first.returncode == 0, first.stderr
    assert len(transferred(first.stderr)) == len(files) + 1

    again = rclone(live_server, user, "copy", str(roll), "photos:Phone/Camera", "--transfers", "4")
    assert again.returncode == 0, again.stderr
    assert transferred(again.stderr) == []  # sizes and times listed back as sent
    check = rclone(live_server, user, "check", str(roll), "photos:Phone/Camera", "--download")
    assert check.returncode == 0, check.stderr
    assert "0 differences found" in check.stderr

    assert Photo.objects.filter(owner=user).count() == len(files) + 1
    names = set(DavEntry.objects.filter(parent="Phone/Camera").values_list("name", flat=True))
    assert names == set(files) | {"VID_0006.MOV"}
    big = Photo.objects.get(original_name="VID_0006.MOV")
    assert photo_storage.read(big.storage_key) == (roll / "VID_0006.MOV").read_bytes()


def test_a_backup_killed_midway_completes_when_run_again(live_server, user, settings, tmp_path):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    roll = tmp_path / "Camera"
    camera_roll(roll)
    (roll / "VID_0007.MOV").write_bytes(videos.padded_video(60 * 1024 * 1024, seed=7))

    running = rclone(
        live_server,
        user,
        "copy",
        str(roll),
        "photos:Camera",
        "--transfers",
        "1",
        "--bwlimit",
        "8M",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not MultipartUpload.objects.exists():
        time.sleep(0.1)  # the big one is on its way
    time.sleep(1)
    running.send_signal(signal.SIGKILL)
    running.wait()
    assert not Photo.objects.filter(original_name="VID_0007.MOV").exists()

    finished = rclone(live_server, user, "copy", str(roll), "photos:Camera", "--transfers", "4")
    assert finished.returncode == 0, finished.stderr
    check = rclone(live_server, user, "check", str(roll), "photos:Camera", "--download")
    assert check.returncode == 0, check.stderr
    assert Photo.objects.filter(owner=user).count() == 6
    deadline = time.monotonic() + 10  # the cut upload's request ends when its read fails
    while time.monotonic() < deadline and MultipartUpload.objects.exists():
        time.sleep(0.1)
    assert not MultipartUpload.objects.exists()
