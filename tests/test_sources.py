"""The sources of adopted libraries, read in place: a folder under the roots and an S3
prefix with keys of its own. Everything listed and read, nothing written (the source's
bytes, mtimes and ETags the same after), and nothing outside the source reachable."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from pathlib import Path

import pytest
import seaweedfs

from myphoto.photos.storage import ObjectMissing
from myphoto.photos.storage.sources import (
    S3Access,
    SourceNotAllowed,
    SourceUnreachable,
    source_for,
)

LONG = "/".join(["k" * 250] * 4) + ".jpg"
ODD_NAMES = [
    "Trips/2019 Jeju/IMG 0001.JPG",
    "Trips/2019 Jeju/100% sunset.jpg",
    "가족/돌잔치 🎂.heic",
    "deep/" + "long name " * 20 + ".jpg",
]


def state_of(root: Path) -> dict[str, tuple[str, int]]:
    """Every file's SHA-256 and modification time, to compare after."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            found[str(path)] = (
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
    return found


@pytest.fixture
def nas(tmp_path: Path) -> tuple[Path, Path]:
    """A root, and a library folder under it with odd names, hidden and NAS files, a link
    inside and links out; made read-only as a NAS share mounted read-only would be."""
    root = tmp_path / "nas"
    library = root / "photos"
    for number, name in enumerate(ODD_NAMES):
        path = library / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes([number]) * (1000 + number))
    (library / ".DS_Store").write_bytes(b"x")
    (library / "@eaDir").mkdir()
    (library / "@eaDir" / "thumb.jpg").write_bytes(b"x")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not a photo of the library")
    (library / "out.jpg").symlink_to(secret)
    (library / "outside").symlink_to(tmp_path)
    (library / "again.jpg").symlink_to(library / ODD_NAMES[0])
    for folder, _, names in os.walk(library):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(stat.S_IRUSR | stat.S_IRGRP)
        Path(folder).chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield root, library
    for folder, _, _ in os.walk(library):
        Path(folder).chmod(stat.S_IRWXU)


def test_a_folder_is_listed_and_read_in_place_and_never_written(nas):
    root, library = nas
    before = state_of(library)
    source = source_for(library.as_uri() + "/", roots=[root])

    source.check()
    files = {file.path: file for file in source.files()}

    assert set(files) == {*ODD_NAMES, "again.jpg"}  # no link out, no hidden or NAS files
    assert files[ODD_NAMES[1]].size == 1001
    assert source.read(ODD_NAMES[2], 10, 5) == bytes([2]) * 5
    assert source.read(ODD_NAMES[2], 5000, 10) == b""
    with source.open(ODD_NAMES[3]) as whole:
        assert whole.read() == bytes([3]) * 1003
    assert state_of(library) == before


@pytest.mark.parametrize(
    "path", ["../secret.txt", "/etc/hostname", "out.jpg", "outside/secret.txt", "a\x00b", ""]
)
def test_nothing_outside_the_folder_is_read(nas, path):
    root, library = nas
    source = source_for(str(library), roots=[root])

    with pytest.raises((SourceNotAllowed, ObjectMissing)):
        source.read(path, 0, 100)


def test_a_folder_outside_the_roots_or_missing_is_refused(nas, tmp_path):
    root, library = nas

    with pytest.raises(SourceNotAllowed, match="MYPHOTO_LIBRARY_ROOTS"):
        source_for(str(tmp_path), roots=[root])
    with pytest.raises(SourceNotAllowed, match="MYPHOTO_LIBRARY_ROOTS"):
        source_for(str(library / "outside"), roots=[root])  # a link out of the roots
    with pytest.raises(SourceNotAllowed):
        source_for(str(library), roots=[])
    with pytest.raises(SourceUnreachable):
        source_for(str(root / "nowhere"), roots=[root])
    with pytest.raises(SourceNotAllowed):
        source_for("photos/relative", roots=[root])
    with pytest.raises(SourceNotAllowed):
        source_for("file://nas.local/share/", roots=[root])


@pytest.fixture
def bucket(seaweed):
    name = f"adopt-{uuid.uuid4().hex[:8]}"
    client = seaweed.client()
    client.create_bucket(Bucket=name)
    keys = {f"old-app/{path}": bytes([n]) * (500 + n) for n, path in enumerate(ODD_NAMES)}
    keys["old-app/" + LONG] = b"long"  # a key of 1,012 bytes, in folders of 250
    keys["old-app/folder/"] = b""  # a folder's marker
    keys["other/elsewhere.jpg"] = b"not in the prefix"
    for key, data in keys.items():
        client.put_object(Bucket=name, Key=key, Body=data)
    etags = {item["Key"]: item["ETag"] for item in client.list_objects_v2(Bucket=name)["Contents"]}
    yield name, client, etags
    assert {
        item["Key"]: item["ETag"] for item in client.list_objects_v2(Bucket=name)["Contents"]
    } == etags  # nothing written, nothing moved


def access(seaweed, *, secret: str = seaweedfs.SECRET_KEY) -> S3Access:
    return S3Access(seaweed.endpoint_url, seaweedfs.REGION, seaweedfs.ACCESS_KEY, secret)


def test_an_s3_prefix_is_listed_and_read_by_ranges(seaweed, bucket):
    name, _, _ = bucket
    source = source_for(f"s3://{name}/old-app/", roots=[], s3=access(seaweed))

    source.check()
    files = {file.path: file for file in source.files()}

    assert set(files) == {*ODD_NAMES, LONG}
    assert files[ODD_NAMES[2]].size == 502 and len(files[ODD_NAMES[2]].version) == 32
    assert source.read(ODD_NAMES[1], 100, 4) == bytes([1]) * 4
    assert source.read(ODD_NAMES[1], 10_000, 4) == b""
    assert source.open(ODD_NAMES[3]).read() == bytes([3]) * 503
    with pytest.raises(ObjectMissing):
        source.read("gone.jpg", 0, 10)
    with pytest.raises(SourceNotAllowed):
        source.read("../other/elsewhere.jpg", 0, 10)
    assert "secret" not in repr(access(seaweed)).lower()


def test_an_s3_source_that_cannot_be_read_says_why(seaweed, bucket):
    name, _, _ = bucket

    with pytest.raises(SourceUnreachable, match="does not exist"):
        source_for("s3://no-such-bucket-here/", roots=[], s3=access(seaweed)).check()
    with pytest.raises(SourceUnreachable, match="refused"):
        source_for(f"s3://{name}/", roots=[], s3=access(seaweed, secret="wrong")).check()
    empty = source_for(f"s3://{name}/nothing-here/", roots=[], s3=access(seaweed))
    empty.check()
    assert list(empty.files()) == []
    with pytest.raises(SourceUnreachable):
        source_for("s3://x/", roots=[], s3=S3Access("http://127.0.0.1:9", "us-east-1")).check()
