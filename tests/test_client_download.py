"""`myphoto download` against a live server: a mirror of the library by month, resumed,
straight from storage in redirect mode, and its failures as one line each."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import images
import pytest
import seaweedfs
from bulk import retake

from myphoto.client.download import download
from myphoto.client.http import Server
from myphoto.client.main import main as myphoto
from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_mirrors_the_library_by_month_with_identical_bytes(
    logged_in, make_photo, photo_storage, tmp_path, capsys
):
    taken = datetime(2023, 10, 11, 14, 15, tzinfo=UTC)
    first, first_bytes = make_photo("사진.jpg")
    second, second_bytes = make_photo("사진.jpg")  # the same name, other bytes
    third, third_bytes = make_photo("../../escape.jpg")
    retake(Photo.objects.filter(pk__in=[first.pk, second.pk]), taken)
    retake(Photo.objects.filter(pk=third.pk), datetime(2024, 1, 2, tzinfo=UTC))
    dest = tmp_path / "backup"

    assert myphoto(["download", str(dest)]) == 0

    got = {path.relative_to(dest).as_posix(): path for path in dest.rglob("*") if path.is_file()}
    assert sorted(got) == ["2023/10/사진 (2).jpg", "2023/10/사진.jpg", "2024/01/escape.jpg"]
    assert {got["2023/10/사진.jpg"].read_bytes(), got["2023/10/사진 (2).jpg"].read_bytes()} == {
        first_bytes,
        second_bytes,
    }
    assert got["2024/01/escape.jpg"].read_bytes() == third_bytes
    assert got["2023/10/사진.jpg"].stat().st_mtime == taken.timestamp()
    capsys.readouterr()

    assert myphoto(["download", str(dest)]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert any(line.split() == ["downloaded", "0"] for line in lines)
    assert any(line.split() == ["already", "there", "3"] for line in lines)


@pytest.mark.parametrize("mode", ["proxy", "redirect"])
def test_an_interrupted_download_resumes_with_a_range(
    logged_in, make_photo, photo_storage, settings, tmp_path, token, mode
):
    settings.MYPHOTO_DOWNLOAD_MODE = mode
    data = images.noise_png(400, 300, seed=3)
    photo, _ = make_photo("big.png", data=data)
    retake(Photo.objects.filter(pk=photo.pk), datetime(2024, 5, 1, tzinfo=UTC))
    folder = tmp_path / "backup" / "2024" / "05"
    folder.mkdir(parents=True)
    half = len(data) // 2
    # What a broken connection leaves: the first half, under a temporary name.
    (folder / f".big.png.{str(photo.pk)[:8]}.part").write_bytes(data[:half])

    with Server(logged_in, token) as server:
        report = download(server, tmp_path / "backup")

    assert report.done == [str(folder / "big.png")]
    assert report.bytes_sent == len(data) - half  # only the missing half came over
    assert (folder / "big.png").read_bytes() == data
    assert [path.name for path in folder.iterdir()] == ["big.png"]


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_redirect_mode_mirrors_straight_from_storage(
    logged_in, make_photo, photo_storage, settings, tmp_path, token
):
    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    made = dict(make_photo(f"p{n}.jpg") for n in range(12))
    asked_the_app = []

    with Server(logged_in, token) as server:
        server.http.event_hooks["request"].append(lambda r: asked_the_app.append(r.url.path))
        report = download(server, tmp_path / "backup", jobs=4)

    assert len(report.done) == 12 and not report.failed
    mirrored = {path.name: path.read_bytes() for path in (tmp_path / "backup").rglob("*.jpg")}
    assert mirrored == {photo.original_name: data for photo, data in made.items()}
    # The app answered the listing and one batch of URLs: the bytes came from storage.
    assert asked_the_app == ["/api/v1/photos", "/api/v1/photos/download-urls"]


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_storage_out_of_reach_is_one_line_that_names_the_setting(
    logged_in, make_photo, photo_storage, settings, tmp_path, capsys
):
    settings.MYPHOTO_DOWNLOAD_MODE = "redirect"
    dead = f"http://127.0.0.1:{seaweedfs.free_port()}"
    settings.MYPHOTO_S3_PUBLIC_ENDPOINT_URL = dead
    make_photo("p.jpg")

    assert myphoto(["download", str(tmp_path / "backup")]) == 4

    # The progress bar's line, then the error's.
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"myphoto: Cannot reach the storage at {dead} (connection refused)")
    assert "MYPHOTO_S3_PUBLIC_ENDPOINT_URL" in err
    assert not list((tmp_path / "backup").rglob("p.jpg"))


@pytest.mark.parametrize("mode", ["proxy", "redirect"])
@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_an_original_missing_from_storage_fails_that_file_only(
    logged_in, make_photo, photo_storage, settings, tmp_path, token, mode
):
    settings.MYPHOTO_DOWNLOAD_MODE = mode
    kept, kept_data = make_photo("kept.jpg")
    lost, _ = make_photo("lost.jpg")
    photo_storage.remove(lost.storage_key)

    with Server(logged_in, token) as server:
        report = download(server, tmp_path / "backup")

    assert [Path(path).name for path in report.done] == ["kept.jpg"]
    assert [(Path(path).name, reason) for path, reason in report.failed] == [
        (
            "lost.jpg",
            "The photo's file is missing from storage; an administrator should run 'myphoto fsck'.",
        )
    ]
    assert next((tmp_path / "backup").rglob("kept.jpg")).read_bytes() == kept_data


def test_download_since_a_date(logged_in, make_photo, tmp_path):
    old, _ = make_photo("old.jpg")
    new, _ = make_photo("new.jpg")
    retake(Photo.objects.filter(pk=old.pk), datetime(2020, 1, 1, tzinfo=UTC))
    retake(Photo.objects.filter(pk=new.pk), datetime(2024, 3, 1, tzinfo=UTC))

    assert myphoto(["download", str(tmp_path / "b"), "--since", "2024-01-01"]) == 0

    assert [p.name for p in (tmp_path / "b").rglob("*.jpg")] == ["new.jpg"]


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system, to fill up."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_and_keeps_finished_files(
    logged_in, make_photo, small_disk, capsys
):
    first, first_bytes = make_photo("first.png", data=images.noise_png(400, 500, seed=1))
    second, _ = make_photo("second.png", data=images.noise_png(400, 500, seed=2))
    retake(Photo.objects.filter(pk=first.pk), datetime(2024, 1, 1, tzinfo=UTC))
    retake(Photo.objects.filter(pk=second.pk), datetime(2024, 1, 2, tzinfo=UTC))

    assert myphoto(["download", str(small_disk), "--jobs", "1"]) == 5

    last_line = capsys.readouterr().err.strip().splitlines()[-1]  # under the progress bar
    assert last_line == (
        f"myphoto: The disk is full at {small_disk}: free some space and run again "
        "(finished files are kept, the partial one resumes)."
    )
    assert (small_disk / "2024" / "01" / "first.png").read_bytes() == first_bytes
    assert not (small_disk / "2024" / "01" / "second.png").exists()  # never a half file
