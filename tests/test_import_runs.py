"""`myphoto import-google` and `import-icloud` against a live server, as a person moving
their library runs them: what arrives, with which dates, places and albums, and what a
second run, a hand edit, a damaged part and Ctrl-C change."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import images
import pytest
import videos
from takeouts import (
    ROOT,
    album_metadata,
    icloud_album,
    icloud_photos,
    sidecar,
    write_folder,
    write_tgz,
    write_zip,
)
from terminal import stopped_with_ctrl_c

from myphoto.client.main import main as myphoto
from myphoto.photos.models import Album, Photo

pytestmark = pytest.mark.django_db(transaction=True)

SEOUL = timezone(timedelta(hours=9))
YEAR = f"{ROOT}Photos from 2019/"
JEJU = f"{ROOT}Trip to Jeju/"
PIXEL = "PXL_20190815_101010123.MP"
MOTION = videos.phone_video(seconds=1.0)
LONG = "Screenshot_2019-08-02-10-11-12_abb9c8060a0a12c5ac89e934e52a2f4f.jpg"


@pytest.fixture(autouse=True)
def _reports_in_tmp(tmp_path, monkeypatch):
    """Each run writes its report where it is started: here, the test's own folder."""
    monkeypatch.chdir(tmp_path)


def takeout(tmp_path: Path) -> list[Path]:
    """Two parts as Google splits a library: a zip and a tgz, a photo's JSON in the other."""
    scan, camera, original, edited = (images.jpeg(seed=n) for n in (1, 2, 3, 4))
    camera = images.jpeg_taken(datetime(2019, 8, 1, 10, tzinfo=SEOUL), seed=2)
    first = {
        f"{ROOT}archive_browser.html": b"<html></html>",
        f"{YEAR}scan.jpg": scan,
        f"{YEAR}scan.jpg.supplemental-metadata.json": sidecar(
            "scan.jpg",
            taken=datetime(1987, 5, 3, 9, 30, tzinfo=UTC),
            geo=(37.5665, 126.978),
            description="Grandma's garden 🌷",
            favorited=True,
        ),
        # The camera's own date, seen by Google from another time zone: the file's stays.
        f"{YEAR}IMG_0001.jpg": camera,
        f"{YEAR}IMG_0001.jpg.supplemental-metadata.json": sidecar(
            "IMG_0001.jpg", taken=datetime(2019, 8, 1, 1, tzinfo=UTC)
        ),
        f"{YEAR}IMG_0002.jpg": original,
        f"{YEAR}IMG_0002-edited.jpg": edited,
        f"{YEAR}IMG_0002.jpg.json": sidecar("IMG_0002.jpg", description="sunset"),
        f"{YEAR}IMG.jpg(1).json": sidecar("IMG.jpg", archived=True),
        f"{JEJU}métadonnées.json": album_metadata("제주도 여행 2019", "with mum"),
        f"{JEJU}IMG_0001.jpg": camera,
        f"{JEJU}IMG_0001.jpg.supplemental-metadata.json": sidecar("IMG_0001.jpg"),
        f"{JEJU}IMG_0002-edited.jpg": edited,
        # A Pixel's motion photo: nothing in the two files says they go together.
        f"{YEAR}{PIXEL}.jpg": images.jpeg(seed=8),
        f"{YEAR}{PIXEL}.jpg.supplemental-metadata.json": sidecar(f"{PIXEL}.jpg"),
        f"{YEAR}{PIXEL}": MOTION,
    }
    second = {
        f"{YEAR}IMG(1).jpg": images.jpeg(seed=5),
        f"{YEAR}{LONG}": images.jpeg(seed=6),
        f"{YEAR}{LONG[:46]}.json": sidecar(LONG, description="a long name"),
        f"{ROOT}Trash/gone.jpg": images.jpeg(seed=7),
        f"{ROOT}Trash/gone.jpg.json": sidecar("gone.jpg", trashed=True),
    }
    return [
        write_zip(tmp_path / "takeout-20240102T000000Z-001.zip", first, deflate=True),
        write_tgz(tmp_path / "takeout-20240102T000000Z-002.tgz", second),
    ]


def rows(user) -> dict[str, tuple]:
    return {
        p.original_name: (
            p.sha256, p.taken_at, p.taken_at_source, p.gps_lat, p.description, p.favorite,
            p.archived, sorted(e.album.title for e in p.album_entries.all()),
        )
        for p in Photo.objects.filter(owner=user)
    }  # fmt: skip


def summary(output: str) -> dict[str, str]:
    """The summary table's rows: what, then (two spaces or more) how many."""
    cells = [re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in output.splitlines()]
    return {row[0]: row[1] for row in cells if len(row) == 2}


def members(album: Album) -> list[str]:
    return sorted(album.entries.values_list("photo__original_name", flat=True))


def test_a_takeout_comes_over_with_dates_places_albums_and_a_second_run_changes_nothing(
    logged_in, user, api, tmp_path, capsys
):
    parts = [str(path) for path in takeout(tmp_path)]

    assert myphoto(["import-google", *parts]) == 0

    output = capsys.readouterr().out
    assert summary(output)["brought over"] == "8"
    photos = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert sorted(photos) == sorted(
        ["scan.jpg", "IMG_0001.jpg", "IMG_0002.jpg", "IMG_0002-edited.jpg", "IMG(1).jpg", LONG]
        + [f"{PIXEL}.jpg", PIXEL]
    )
    assert photos[PIXEL].part_of == photos[f"{PIXEL}.jpg"]
    scan = photos["scan.jpg"]
    assert (scan.taken_at, scan.taken_at_source) == (
        datetime(1987, 5, 3, 9, 30, tzinfo=UTC),
        "sidecar",
    )
    assert (scan.gps_lat, scan.gps_lon, scan.place.city) == (37.5665, 126.978, "Seoul")
    assert (scan.description, scan.favorite, scan.archived) == ("Grandma's garden 🌷", True, False)
    camera = photos["IMG_0001.jpg"]
    assert (camera.taken_at_source, camera.taken_at_offset) == ("exif", 540)
    # The edited copy is the one shown; its original beside it, in the same album.
    assert not photos["IMG_0002-edited.jpg"].archived and photos["IMG_0002.jpg"].archived
    assert photos["IMG_0002-edited.jpg"].description == "sunset"
    assert photos["IMG(1).jpg"].archived
    assert photos[LONG].description == "a long name"
    album = Album.objects.get(owner=user)
    assert (album.title, album.description) == ("제주도 여행 2019", "with mum")
    assert members(album) == [
        "IMG_0001.jpg", "IMG_0002-edited.jpg", "IMG_0002.jpg"
    ]  # fmt: skip
    assert "“제주도 여행 2019”: 3 photos added." in output
    report = next(tmp_path.glob("myphoto-import-google-*.tsv")).read_text()
    assert "Trash/gone.jpg\tleft out: in the trash (--include-trashed)" in report
    assert "archive_browser.html\tleft out: not a photo or video" in report

    before = rows(user)
    assert myphoto(["import-google", *parts]) == 0
    again = summary(capsys.readouterr().out)
    assert (again["brought over"], again["already there"], again["sent"]) == ("0", "8", "0.0 MB")
    assert again["given the service's facts"] == "0"
    assert rows(user) == before

    # Changed by hand in MyPhoto: a run after that leaves it so.
    api.patch(f"/api/v1/photos/{scan.pk}", {"favorite": False, "description": "mine"},
              content_type="application/json")  # fmt: skip
    api.delete(f"/api/v1/albums/{album.pk}/photos", {"ids": [str(camera.pk)]},
               content_type="application/json")  # fmt: skip
    assert myphoto(["import-google", *parts]) == 0
    scan.refresh_from_db()
    assert (scan.favorite, scan.description) == (False, "mine")
    assert "IMG_0001.jpg" not in members(album)


def test_unpacked_folders_and_the_trash_when_asked(logged_in, user, tmp_path, capsys):
    files = {
        f"{YEAR}kept.jpg": images.jpeg(seed=1),
        f"{ROOT}Corbeille/gone.jpg": images.jpeg(seed=2),
        f"{ROOT}Corbeille/gone.jpg.supplemental-metadata.json": sidecar("gone.jpg", trashed=True),
        f"{ROOT}Archiv/hidden.jpg": images.jpeg(seed=3),
    }
    folder = write_folder(tmp_path / "Takeout-unpacked", files)

    assert myphoto(["import-google", str(folder), "--include-trashed"]) == 0

    photos = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert photos["gone.jpg"].deleted_at is not None
    assert photos["hidden.jpg"].archived and photos["kept.jpg"].deleted_at is None


def test_a_dry_run_says_what_would_happen_and_sends_nothing(logged_in, tmp_path, capsys):
    parts = [str(path) for path in takeout(tmp_path)]

    assert myphoto(["import-google", *parts, "--dry-run", "--album-prefix", "Google: "]) == 0

    output = capsys.readouterr().out
    facts = summary(output)
    assert facts["photos and videos to bring"].endswith("GB)")
    assert facts["copies in several folders, sent once"] == "2"
    assert facts["sidecars matched"] == "8"
    # The Pixel's video; an edited copy shares its original's.
    assert facts["files without a sidecar"] == "1"
    assert facts["left out: in the trash (--include-trashed)"] == "1"
    assert "Google: 제주도 여행 2019" in output
    assert not Photo.objects.exists()


def test_a_damaged_part_brings_what_it_can_and_reports_the_rest(logged_in, user, tmp_path, capsys):
    files = {f"{YEAR}{n:02d}.jpg": images.noise_png(120, 120, seed=n) for n in range(12)}
    whole = write_zip(tmp_path / "whole.zip", files)
    cut = tmp_path / "takeout-003.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    report = tmp_path / "report.tsv"

    assert myphoto(["import-google", str(cut), "--report", str(report)]) == 1

    stored = sorted(Photo.objects.filter(owner=user).values_list("original_name", flat=True))
    assert 3 <= len(stored) < 12
    assert stored == [f"{n:02d}.jpg" for n in range(len(stored))]
    text = report.read_text()
    assert "reading it from the start, up to the damage" in text
    assert "cut short or damaged after that" in text


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_a_big_video_in_a_zip_goes_in_parts_from_one_copy_aside(
    logged_in, user, photo_storage, settings, tmp_path, capsys
):
    settings.MYPHOTO_UPLOAD_PART_MB = 5
    video = videos.padded_video(17 * 1024 * 1024, seed=8)
    part = write_zip(
        tmp_path / "takeout-001.zip",
        {
            f"{YEAR}VID_0001.mp4": video,
            f"{YEAR}VID_0001.mp4.supplemental-metadata.json": sidecar(
                "VID_0001.mp4", favorited=True
            ),
        },
    )

    assert myphoto(["import-google", str(part), "--jobs", "2"]) == 0

    photo = Photo.objects.get(owner=user)
    assert (photo.original_name, photo.kind, photo.favorite) == ("VID_0001.mp4", "video", True)
    assert photo_storage.read(photo.storage_key) == video
    spool = Path(os.environ.get("TMPDIR", "/tmp")) / f"myphoto-import-{os.getuid()}"
    assert not spool.exists() or not any(spool.iterdir())


def test_an_icloud_export_brings_dates_favorites_hidden_and_albums(logged_in, user, tmp_path):
    root = "iCloud Photos Part 1 of 2"
    first = icloud_photos(root)
    second = {
        "iCloud Photos Part 2 of 2/Albums/Family.csv": icloud_album(
            ["IMG_0100.JPG", "IMG_0101.JPG"]
        )
    }
    parts = [write_zip(tmp_path / "part1.zip", first), write_folder(tmp_path / "part2", second)]

    assert myphoto(["import-icloud", *map(str, parts)]) == 0

    photos = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert sorted(photos) == ["IMG_0100.JPG", "IMG_0101.JPG"]
    first_photo = photos["IMG_0100.JPG"]
    assert first_photo.taken_at == datetime(2022, 1, 15, 19, 31, tzinfo=UTC)
    assert first_photo.favorite and photos["IMG_0101.JPG"].archived
    assert members(Album.objects.get(title="Family")) == ["IMG_0100.JPG", "IMG_0101.JPG"]


def test_ctrl_c_stops_an_import_and_the_next_run_goes_on(logged_in, user, tmp_path):
    files = {f"{YEAR}{n:02d}.png": images.noise_png(300, 300, seed=n) for n in range(30)}
    files |= {f"{YEAR}{n:02d}.png.json": sidecar(f"{n:02d}.png", favorited=True) for n in range(30)}
    part = write_zip(tmp_path / "takeout-001.zip", files)
    run = [sys.executable, "-m", "myphoto", "import-google", str(part), "--jobs", "1"]
    stopped_with_ctrl_c(run, lambda: Photo.objects.count() >= 3, cwd=tmp_path)

    again = subprocess.run(
        run, env=os.environ, capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert again.returncode == 0, again.stdout + again.stderr
    photos = Photo.objects.filter(owner=user)
    assert photos.count() == 30
    assert all(p.favorite for p in photos)
    assert len({p.sha256 for p in photos}) == 30


def test_two_accounts_on_one_server_each_bring_their_own(
    logged_in, api, user, other_user, tmp_path, monkeypatch, capsys
):
    from myphoto.photos.services.tokens import token_create

    files = {f"{YEAR}{n}.jpg": images.jpeg(seed=n) for n in range(3)}
    files[f"{ROOT}Family/metadata.json"] = album_metadata("Family")
    files[f"{ROOT}Family/0.jpg"] = files[f"{YEAR}0.jpg"]
    part = str(write_zip(tmp_path / "shared-takeout.zip", files))
    assert myphoto(["import-google", part]) == 0

    monkeypatch.setenv("MYPHOTO_TOKEN", token_create(user=other_user, name="bob")[1])
    assert myphoto(["import-google", part]) == 0

    for owner in (user, other_user):
        assert Photo.objects.filter(owner=owner).count() == 3
        assert members(Album.objects.get(owner=owner)) == ["0.jpg"]
    # Logged in anew (another token), alice's earlier run is still known: nothing is read.
    me = api.get("/api/v1/me").json()
    assert (me["username"], me["is_staff"]) == ("alice", False)
    monkeypatch.setenv("MYPHOTO_TOKEN", token_create(user=user, name="again")[1])
    capsys.readouterr()
    assert myphoto(["import-google", part]) == 0
    again = summary(capsys.readouterr().out)
    assert (again["already there"], again["sent"]) == ("3", "0.0 MB")


def test_a_cameras_raw_and_jpeg_come_over_as_one_shot(logged_in, user, client, tmp_path):
    import dngs

    shot = "2024:05:04 10:11:12"
    raw = dngs.dng(640, 480, seed=9, preview=None, taken=shot, offset="").data
    jpeg = images.jpeg_from(taken=shot, make=dngs.CAMERA_MAKE, model=dngs.CAMERA_MODEL, seed=9)
    files = {
        f"{YEAR}DSC_0042.DNG": raw,
        f"{YEAR}DSC_0042.DNG.supplemental-metadata.json": sidecar("DSC_0042.DNG"),
        f"{YEAR}DSC_0042.JPG": jpeg,
        f"{YEAR}DSC_0042.JPG.supplemental-metadata.json": sidecar("DSC_0042.JPG", favorited=True),
    }
    folder = write_folder(tmp_path / "Takeout-unpacked", files)

    assert myphoto(["import-google", str(folder)]) == 0

    photos = {p.original_name: p for p in Photo.objects.filter(owner=user)}
    assert photos["DSC_0042.DNG"].part_of_id == photos["DSC_0042.JPG"].pk
    assert photos["DSC_0042.DNG"].sha256 == hashlib.sha256(raw).hexdigest()
    client.force_login(user)
    (item,) = client.get("/api/v1/photos").json()["items"]
    assert item["filename"] == "DSC_0042.JPG" and item["stack"]["count"] == 2
