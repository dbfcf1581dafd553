"""Libraries adopted in place, on a read-only folder and a SeaweedFS prefix read with a
list-and-read key: scanned by their heads, shown like any photo, changed, gone and back,
purged and forgotten, and never written (every file's bytes and mtime, every object's
ETag the same after each test)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import images
import pytest
from adopted import BucketLibrary, FolderLibrary

from myphoto.photos.models import Album, FileState, LibraryFile, LibraryStatus, MonthCount, Photo
from myphoto.photos.services.albums import album_add_photos, album_create
from myphoto.photos.services.edit_values import Edit
from myphoto.photos.services.edits import photo_edit
from myphoto.photos.services.libraries import library_add, library_remove
from myphoto.photos.services.scan import library_scan
from myphoto.photos.services.scan_lease import scan_claim
from myphoto.photos.services.trash import photos_trash, trash_purge

JEJU = images.jpeg_from(
    taken="2019:05:04 10:11:12", gps=(33.4996, 126.5312), make="Canon", model="EOS R5", seed=1
)
BEACH = images.jpeg_from(taken="2019:05:05 09:00:00", seed=2)
TOP = images.jpeg_from(taken="2021:01:01 12:00:00", seed=3)
# Its head (markers, EXIF) whole, its image data cut short: refused by the full read.
LARGE = images.jpeg(640, 480, seed=4)
CUT = LARGE[: len(LARGE) * 9 // 10]


@pytest.fixture(params=["folder", "s3"])
def source(request, settings, tmp_path, photo_storage):
    if request.param == "folder":
        adopted = FolderLibrary(tmp_path / "nas")
        settings.MYPHOTO_LIBRARY_ROOTS = [str(tmp_path / "nas")]
    else:
        adopted = BucketLibrary(request.getfixturevalue("seaweed"))
    adopted.put("Trips/2019 Jeju/IMG_0001.JPG", JEJU)
    adopted.put("Trips/2019 Jeju/beach 100%.jpg", BEACH)
    adopted.put("top.jpg", TOP)
    adopted.put("notes.txt", b"not a photo")
    adopted.put("Trips/cut.jpg", CUT)
    yield adopted
    assert adopted.state() == adopted.expected  # nothing written, moved or deleted
    adopted.unlock()


def adopt(user, source, after_commit, **options):
    with after_commit():
        library = library_add(
            name="NAS", source=source.location, owner=user, s3=source.access, **options
        )
    library.refresh_from_db()
    return library


def scan(library, after_commit, **options):
    with after_commit():
        counts = library_scan(library_id=library.pk, **options)
    library.refresh_from_db()
    return counts


def photo_at(library, path):
    return LibraryFile.objects.get(library=library, path=path).photo


def test_a_source_is_read_only_to_the_server(source):
    assert not source.writable_by_server()


def test_adopted_photos_are_shown_downloaded_and_zipped_like_uploads(
    user, client, source, after_commit, photo_storage
):
    library = adopt(user, source, after_commit, albums_from_folders=True)

    assert library.status == LibraryStatus.IDLE, library.error
    assert library.last_scan["listed"] == 5
    assert library.last_scan["added"] == 4  # the cut JPEG's head reads like a photo's
    jeju = photo_at(library, "Trips/2019 Jeju/IMG_0001.JPG")
    assert jeju.derivatives_ready and jeju.sha256 and jeju.library_id == library.pk
    assert jeju.taken_at.year == 2019 and jeju.camera == "Canon EOS R5"
    assert jeju.place is not None and jeju.original_name == "IMG_0001.JPG"
    # The cut one fails its whole read (by its thumbnails' job), the text file its head's.
    refused = dict(
        LibraryFile.objects.filter(library=library, state=FileState.FAILED).values_list(
            "path", "reason"
        )
    )
    assert set(refused) == {"notes.txt", "Trips/cut.jpg"}
    assert "incomplete" in refused["Trips/cut.jpg"] or "damaged" in refused["Trips/cut.jpg"]
    assert Photo.objects.filter(library=library).count() == 3
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 3

    answer = client.get(f"/api/v1/photos/{jeju.pk}/download")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == JEJU
    ranged = client.get(f"/api/v1/photos/{jeju.pk}/download", headers={"range": "bytes=10-19"})
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == JEJU[10:20]
    listed = client.get("/api/v1/photos").json()
    assert {item["library"]["name"] for item in listed["items"]} == {"NAS"}
    assert all(item["offline"] is False for item in listed["items"])

    album = Album.objects.get(library=library)
    assert album.title == "2019 Jeju" and album.owner == user
    assert album.entries.count() == 2
    ids = [str(pk) for pk in Photo.objects.filter(library=library).values_list("pk", flat=True)]
    zipped = client.post("/api/v1/photos/download", {"ids": ids}, content_type="application/json")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content)))
    assert sorted(archive.read(name) for name in archive.namelist()) == sorted([JEJU, BEACH, TOP])
    # Derivatives are MyPhoto's own, in its storage; no original was copied there.
    stored = photo_storage.keys()
    assert not any(key.startswith("originals/") for key in stored)
    assert jeju.thumbnail_key in stored


def test_changed_gone_back_and_purged_files(user, client, source, after_commit):
    library = adopt(user, source, after_commit, albums_from_folders=True)
    jeju = photo_at(library, "Trips/2019 Jeju/IMG_0001.JPG")
    beach = photo_at(library, "Trips/2019 Jeju/beach 100%.jpg")
    top = photo_at(library, "top.jpg")
    photo_edit(owner=user, photo_id=top.pk, edit=Edit(description="hand written"))
    photo_edit(owner=user, photo_id=beach.pk, edit=Edit(taken_at=datetime(2000, 1, 1, tzinfo=UTC)))

    # Changed in place: new facts and thumbnails, except what was edited by hand.
    source.put("top.jpg", images.jpeg_from(taken="2022:02:02 12:00:00", seed=9))
    source.put("Trips/2019 Jeju/beach 100%.jpg", images.jpeg_from(taken="2018:01:01 00:00:00"))
    counts = scan(library, after_commit)
    assert (counts.changed, counts.added, counts.removed) == (2, 0, 0)
    top.refresh_from_db()
    beach.refresh_from_db()
    assert top.taken_at.year == 2022 and top.description == "hand written"
    assert top.derivatives_ready and top.sha256
    assert beach.taken_at.year == 2000  # edited by hand: kept

    # Gone: offline, out of the timeline and the folder's album; the same photo comes back.
    # An album made by hand keeps it (hidden meanwhile): scans never touch such albums.
    by_hand = album_create(owner=user, title="Best of")
    album_add_photos(album=by_hand, user=user, photo_ids=[jeju.pk])
    data = source.remove("Trips/2019 Jeju/IMG_0001.JPG")
    counts = scan(library, after_commit)
    assert counts.removed == 1
    jeju.refresh_from_db()
    assert jeju.offline
    assert client.get(f"/api/v1/photos/{jeju.pk}").status_code == 404
    listed = {item["id"] for item in client.get("/api/v1/photos").json()["items"]}
    assert str(jeju.pk) not in listed
    assert not Album.objects.get(library=library).entries.filter(photo=jeju).exists()
    assert by_hand.entries.get(photo=jeju).photo_in_trash is True  # hidden, kept
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 2
    source.put("Trips/2019 Jeju/IMG_0001.JPG", data)
    counts = scan(library, after_commit)
    assert counts.returned == 1 or counts.changed == 1  # an S3 ETag is the same, an mtime not
    jeju.refresh_from_db()
    assert not jeju.offline
    assert client.get(f"/api/v1/photos/{jeju.pk}").status_code == 200
    assert Album.objects.get(library=library).entries.filter(photo=jeju).exists()
    assert by_hand.entries.get(photo=jeju).photo_in_trash is False

    # Trashed and purged: forgotten by MyPhoto, the file kept, and never added again.
    photos_trash(owner=user, photo_ids=[jeju.pk])
    trash_purge(owner=user)
    assert not Photo.objects.filter(pk=jeju.pk).exists()
    scan(library, after_commit, full=True)
    row = LibraryFile.objects.get(library=library, path="Trips/2019 Jeju/IMG_0001.JPG")
    assert row.state == FileState.FORGOTTEN and row.photo is None
    assert Photo.objects.filter(library=library).count() == 2


def test_an_outage_ends_the_scan_with_its_reason_and_takes_nothing_offline(
    user, source, after_commit, settings
):
    library = adopt(user, source, after_commit)
    if source.kind == "folder":
        with source.unmounted():
            counts = scan(library, after_commit)
    else:
        library.s3_endpoint_url = "http://127.0.0.1:9"  # nobody answers there
        library.save()
        counts = scan(library, after_commit)
    assert library.status == LibraryStatus.ERROR
    assert "cannot be read" in library.error
    assert counts.removed == 0
    assert not Photo.objects.filter(library=library, offline=True).exists()

    if source.kind == "s3":
        library.s3_endpoint_url = source.access.endpoint_url
        library.save()
    scan(library, after_commit)
    assert library.status == LibraryStatus.IDLE and library.error == ""


def test_an_outage_half_way_through_a_listing(user, source, after_commit, monkeypatch):
    """The share goes away after the first page: nothing goes offline, and the next scan
    goes on."""
    if source.kind != "folder":
        pytest.skip("a folder can fail half-way here; a bucket's outage is tested above")
    library = adopt(user, source, after_commit)
    monkeypatch.setattr("myphoto.photos.services.scan.PAGE", 1)
    away = source.folder.with_name("away")

    def outage(counts):
        if counts.listed == 1:
            source.folder.rename(away)

    try:
        with after_commit():
            counts = library_scan(library_id=library.pk, progress=outage)
    finally:
        away.rename(source.folder)
    library.refresh_from_db()
    assert library.status == LibraryStatus.ERROR and "cannot be read" in library.error
    assert counts.removed == 0
    assert not Photo.objects.filter(library=library, offline=True).exists()
    scan(library, after_commit)
    assert library.status == LibraryStatus.IDLE


def test_one_scan_at_a_time(user, source, after_commit):
    library = adopt(user, source, after_commit)
    assert scan_claim(library.pk) is not None  # another process's scan, running
    assert library_scan(library_id=library.pk) is None


def test_bytes_the_owner_uploaded_already_are_shown_once(user, source, after_commit, make_photo):
    uploaded, _ = make_photo("jeju.jpg", data=JEJU)
    library = adopt(user, source, after_commit)

    row = LibraryFile.objects.get(library=library, path="Trips/2019 Jeju/IMG_0001.JPG")
    assert row.state == FileState.DUPLICATE and row.photo is None
    assert Photo.objects.filter(owner=user, sha256=uploaded.sha256).count() == 1
    scan(library, after_commit, full=True)
    assert Photo.objects.filter(owner=user, sha256=uploaded.sha256).count() == 1


def test_forgetting_a_library_keeps_its_files(user, source, after_commit, photo_storage):
    library = adopt(user, source, after_commit, albums_from_folders=True)
    made = photo_storage.keys()
    assert any(key.startswith("derivatives/") for key in made)

    library_remove(library=library)
    left = photo_storage.keys()

    assert not Photo.objects.filter(owner=user).exists()
    assert not Album.objects.filter(owner=user).exists()
    assert not any(key.startswith("derivatives/") for key in left)
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == 0


def test_fsck_calls_a_gone_file_offline_and_repairs_nothing_into_the_source(
    user, source, after_commit
):
    from myphoto.photos.integrity import check
    from myphoto.photos.integrity.findings import Problem

    library = adopt(user, source, after_commit)
    source.remove("top.jpg")
    scan(library, after_commit)

    record = check(verify=True, repair=True)

    found = record.report["found"]
    assert set(found) == {Problem.OFFLINE}, found
    assert found[Problem.OFFLINE]["examples"][0]["subject"].endswith("top.jpg")
    assert Problem.MISSING_ORIGINAL not in found
    assert record.report["checked"]["adopted photos"] == 3


def test_the_library_command(user, source, after_commit, capsys):
    from django.core.management import call_command

    location = str(source.folder) if source.kind == "folder" else source.location
    if source.kind == "s3":
        pytest.skip("its S3 secret is typed or piped in; the API test adopts S3 with keys")
    with after_commit():
        call_command("library", "add", "NAS", location, "--owner", "alice", "--albums-from-folders")
    said = capsys.readouterr().out
    assert "Adopted" in said and "Listed 5: 4 added" in said
    assert "refused notes.txt" in said

    call_command("library", "list")
    assert "3 photos, 0 offline" in capsys.readouterr().out
    with after_commit():
        call_command("library", "scan", "NAS", "--full")
    assert "Listed 5" in capsys.readouterr().out
    call_command("library", "remove", "NAS")
    assert "its files stay" in capsys.readouterr().out
    assert not Photo.objects.exists()
    with pytest.raises(Exception, match="No library is named"):
        call_command("library", "scan", "NAS")


def test_odd_names_videos_and_an_empty_folder(user, client, source, after_commit):
    import videos

    video = videos.phone_video()
    assert b"moov" not in video[:64]  # its index at the end, as a camera writes it
    # Folders of 200 bytes (a file system's names stop at 255); a key of 1,000 bytes.
    segment = ("아주 긴 이름 " * 12)[:80]
    long_name = "/".join([segment] * 5) + ".jpg"
    assert len(segment.encode()) < 255 and 900 < len(long_name.encode()) < 1000
    odd = {
        "가족/돌잔치 🎂 100% done.jpg": images.jpeg_from(seed=21),
        "with  spaces /and+plus=.jpg": images.jpeg_from(seed=22),
        long_name: images.jpeg_from(seed=23),
        "Videos/MVI_0001.MP4": video,
    }
    for path, data in odd.items():
        source.put(path, data)

    library = adopt(user, source, after_commit)

    for path, data in odd.items():
        photo = photo_at(library, path)
        assert photo is not None and photo.derivatives_ready, path
        answer = client.get(f"/api/v1/photos/{photo.pk}/download")
        assert b"".join(answer.streaming_content) == data, path
    clip = photo_at(library, "Videos/MVI_0001.MP4")
    assert clip.is_video and clip.duration and clip.camera == "Apple iPhone 15 Pro"
    # The scan read its container only; its job's full read gave the size as shown (upright).
    assert (clip.width, clip.height) == (240, 320)
    played = client.get(f"/api/v1/photos/{clip.pk}/playback", headers={"range": "bytes=0-99"})
    assert played.status_code == 206 and b"".join(played.streaming_content) == video[:100]


def test_the_schedule_queues_each_due_scan_once(user, source, after_commit):
    from datetime import timedelta

    from django.utils import timezone

    from myphoto.photos.services.libraries import libraries_scan_due

    library = adopt(user, source, after_commit)
    first = library.last_scan["started_at"]
    library.next_scan_at = timezone.now() - timedelta(minutes=1)
    library.save()
    source.put("new.jpg", images.jpeg_from(seed=40))

    with after_commit():
        assert libraries_scan_due() == 1
        assert libraries_scan_due() == 0  # a second worker, looking at the same minute

    library.refresh_from_db()
    assert library.last_scan["started_at"] != first and library.last_scan["added"] == 1
    assert library.next_scan_at > timezone.now() + timedelta(minutes=59)


def test_deleting_the_owner_forgets_their_libraries(user, source, after_commit):
    from myphoto.photos.services.accounts import user_delete

    adopt(user, source, after_commit, albums_from_folders=True)

    assert user_delete(user=user) == 3
    assert not Photo.objects.exists() and not LibraryFile.objects.exists()


def test_a_cameras_raw_and_jpeg_are_adopted_as_one_shot(user, client, source, after_commit):
    import dngs

    # A folder of a camera's card: each shot as a RAW and a JPEG, and a RAW cut short.
    raw = dngs.dng(640, 480, seed=31, preview=None, taken=dngs.TAKEN, offset="").data
    jpeg = images.jpeg_from(taken=dngs.TAKEN, make=dngs.CAMERA_MAKE, model=dngs.CAMERA_MODEL)
    alone = dngs.dng(640, 480, seed=32, taken="2024:05:04 10:20:00")
    late = "2024:05:04 10:30:00"
    late_jpeg = images.jpeg_from(taken=late, seed=33)
    card = {
        "Card/DSC_0042.DNG": raw,
        "Card/DSC_0042.JPG": jpeg,
        "Card/DSC_0043.DNG": alone.data,
        "Card/DSC_0044.DNG": dngs.cut(alone, 0.5),
        # A JPEG whose head reads but whose data is cut: its RAW is the shot then.
        "Card/DSC_0045.DNG": dngs.dng(640, 480, seed=33, preview=None, taken=late, offset="").data,
        "Card/DSC_0045.JPG": late_jpeg[: len(late_jpeg) * 9 // 10],
    }
    for path, data in card.items():
        source.put(path, data)

    library = adopt(user, source, after_commit)

    pair_raw, pair_jpeg, single = (
        photo_at(library, f"Card/DSC_00{n}") for n in ("42.DNG", "42.JPG", "43.DNG")
    )
    assert pair_raw.part_of_id == pair_jpeg.pk and single.part_of_id is None
    assert single.content_type == "image/x-adobe-dng" and single.derivatives_ready
    assert (single.width, single.height) == (640, 480) and single.camera
    listed = client.get("/api/v1/photos").json()["items"]
    names = {item["filename"]: item for item in listed if item["library"]}
    assert set(names) >= {"DSC_0042.JPG", "DSC_0043.DNG"} and "DSC_0042.DNG" not in names
    assert names["DSC_0042.JPG"]["stack"]["count"] == 2
    assert names["DSC_0045.DNG"]["stack"] is None and "DSC_0045.JPG" not in names
    shown = sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True))
    assert shown == len(listed) == 3 + 3  # the card's three shots, the source's three
    failed = LibraryFile.objects.get(library=library, path="Card/DSC_0044.DNG")
    assert failed.state == FileState.FAILED and failed.photo_id is None
    download = client.get(f"/api/v1/photos/{single.pk}/download")
    assert b"".join(download.streaming_content) == alone.data
