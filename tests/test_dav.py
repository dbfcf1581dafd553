"""WebDAV at /dav/ as a backup app speaks it (Django's test client; rclone drives it in
test_dav_rclone.py): an app password, folders, files stored through the upload's checks
at the paths sent, their sizes and times listed back, moves, deletes to the trash, the
read-only Library view, and every refusal with its status."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from email.utils import format_datetime

import images
import pytest
from django.test import Client

from myphoto.photos.dav.provider import dav_application
from myphoto.photos.models import DavEntry, DavLock, MultipartUpload, Photo
from myphoto.photos.selectors import usage_of
from myphoto.photos.services.tokens import token_create

pytestmark = pytest.mark.django_db

PROPFIND = b"""<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>"""


class Dav:
    """A backup app's requests, authenticated as `username` with `password`."""

    def __init__(self, username: str, password: str) -> None:
        pair = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.client = Client(HTTP_AUTHORIZATION=f"Basic {pair}")

    def __call__(self, method: str, path: str, body: bytes = b"", **headers: str):
        extra = {
            name if name.startswith("CONTENT_") else f"HTTP_{name.upper()}": value
            for name, value in headers.items()
        }
        return self.client.generic(method, f"/dav/{path}", body, **extra)

    def listing(self, path: str = "", depth: str = "1") -> dict[str, dict[str, str]]:
        """What PROPFIND says of each thing: href → its properties."""
        answer = self("PROPFIND", path, PROPFIND, Depth=depth, Content_Type="application/xml")
        assert answer.status_code == 207, answer.content
        found = {}
        for block in re.findall(
            rb"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", b"".join(answer), re.S
        ):
            text = block.decode()
            href = re.search(r"<(?:\w+:)?href>([^<]*)<", text).group(1)
            props = dict(re.findall(r"<(?:\w+:)?(\w+)>([^<]*)</", text))
            found[href] = props
        return found


@pytest.fixture
def dav(user) -> Dav:
    return Dav("alice", token_create(user=user, name="PhotoSync")[1])


def test_only_an_app_password_of_the_name_given_lets_an_app_in(user, other_user):
    alices = token_create(user=user, name="phone")[1]
    assert Client().generic("PROPFIND", "/dav/").status_code == 401
    refused = Dav("alice", "correct horse battery")("PROPFIND", "", Depth="0")  # her password
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Basic")
    assert Dav("mallory", alices)("PROPFIND", "", Depth="0").status_code == 401
    assert Dav("ALICE", alices)("PROPFIND", "", Depth="0").status_code == 207


def test_files_come_back_where_they_were_sent_with_their_size_and_time(dav, photo_storage, user):
    photo = images.jpeg(640, 480, seed=1)
    taken = datetime(2024, 5, 17, 8, 30, tzinfo=UTC)

    assert dav("MKCOL", "DCIM").status_code == 201
    assert dav("MKCOL", "DCIM/Camera").status_code == 201
    sent = dav("PUT", "DCIM/Camera/IMG_0001.JPG", photo, X_OC_Mtime=str(int(taken.timestamp())))
    assert sent.status_code == 201 and sent["X-OC-Mtime"] == "accepted"
    again = dav("PUT", "DCIM/Camera/IMG_0001.JPG", photo)
    assert again.status_code == 204  # the same bytes again: stored once
    assert dav("PUT", "DCIM/Camera/copy of it.jpg", photo).status_code == 201
    assert Photo.objects.filter(owner=user).count() == 1

    listed = dav.listing("DCIM/Camera/")
    mine = listed["/dav/DCIM/Camera/IMG_0001.JPG"]
    assert mine["getcontentlength"] == str(len(photo))
    assert mine["getcontenttype"] == "image/jpeg"
    assert "/dav/DCIM/Camera/copy%20of%20it.jpg" in listed
    assert b"".join(dav("GET", "DCIM/Camera/IMG_0001.JPG")) == photo

    later = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    patch = (
        '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop>'
        f"<d:getlastmodified>{format_datetime(later, usegmt=True)}</d:getlastmodified>"
        "</d:prop></d:set></d:propertyupdate>"
    ).encode()
    assert dav("PROPPATCH", "DCIM/Camera/IMG_0001.JPG", patch).status_code == 207
    entry = DavEntry.objects.get(name="IMG_0001.JPG")
    assert entry.modified_at == later


def test_moves_and_deletes_reach_the_trash_only_when_no_path_names_the_photo(
    dav, photo_storage, user
):
    photo = images.jpeg(320, 240, seed=2)
    dav("MKCOL", "Backup")
    dav("PUT", "Backup/a.jpg", photo)
    dav("PUT", "Backup/b.jpg", photo)
    host = "http://testserver"

    moved = dav("MOVE", "Backup/a.jpg", Destination=f"{host}/dav/Backup/c.jpg")
    assert moved.status_code in (201, 204)
    assert dav("MKCOL", "Old").status_code == 201
    assert dav("MOVE", "Backup", Destination=f"{host}/dav/Old/Backup").status_code in (201, 204)
    assert set(dav.listing("Old/Backup/")) >= {"/dav/Old/Backup/b.jpg", "/dav/Old/Backup/c.jpg"}

    assert dav("DELETE", "Old/Backup/b.jpg").status_code == 204
    assert Photo.objects.visible().filter(owner=user).count() == 1  # c.jpg still names it
    assert dav("DELETE", "Old").status_code == 204
    assert Photo.objects.visible().filter(owner=user).count() == 0
    assert Photo.objects.trashed().filter(owner=user).count() == 1  # restorable
    assert dav("GET", "Old/Backup/c.jpg").status_code == 404


def test_the_library_view_shows_every_photo_by_month_read_only(dav, make_photo, user):
    photo, data = make_photo("beach.jpg")
    month = photo.taken_at.astimezone()  # UTC in the tests
    year_path = f"Library/{month:%Y}/"
    root = dav.listing("")
    assert "/dav/Library/" in root
    assert f"/dav/{year_path}{month:%m}/" in dav.listing(year_path)
    inside = dav.listing(f"{year_path}{month:%m}/")
    assert inside[f"/dav/{year_path}{month:%m}/beach.jpg"]["getcontentlength"] == str(len(data))
    assert b"".join(dav("GET", f"{year_path}{month:%m}/beach.jpg")) == data

    assert dav("PUT", f"{year_path}{month:%m}/new.jpg", data).status_code == 403
    assert dav("DELETE", f"{year_path}{month:%m}/beach.jpg").status_code == 403
    assert dav("MKCOL", "Library/Mine").status_code == 403
    assert Photo.objects.visible().filter(owner=user).count() == 1


def test_what_is_refused_says_why_and_keeps_nothing(dav, photo_storage, user, settings):
    dav("MKCOL", "In")
    text = dav("PUT", "In/notes.txt", b"not a photo at all")
    assert text.status_code == 415 and "notes.txt" in text.content.decode()
    assert dav("PUT", "In/empty.jpg", b"", CONTENT_LENGTH="0").status_code == 415
    cut = images.jpeg(640, 480, seed=3)[:400]
    assert dav("PUT", "In/cut.jpg", cut).status_code == 415
    assert dav("PUT", "In/../../a.jpg", images.jpeg(seed=4)).status_code == 400
    assert dav("PROPFIND", "", PROPFIND, Depth="infinity").status_code == 403
    user.quota_bytes = 1000
    user.save()
    full = dav("PUT", "In/big.jpg", images.jpeg(640, 480, seed=5))
    assert full.status_code == 507 and "You have used" in full.content.decode()
    assert not Photo.objects.exists() and not DavEntry.objects.filter(photo__isnull=False)


def test_a_big_file_that_is_no_photo_is_refused_whole_and_keeps_nothing(
    dav, photo_storage, user, settings
):
    settings.MYPHOTO_MULTIPART_UPLOAD_MB = 1
    refused = dav("PUT", "Big/notes.bin", b"not a photo " * 200_000)  # 2.4 MB, in parts
    assert refused.status_code == 415 and "notes.bin" in refused.content.decode()
    assert not Photo.objects.exists() and not MultipartUpload.objects.exists()
    assert photo_storage.keys() == set()


def test_a_file_past_the_part_size_is_stored_in_parts(dav, photo_storage, user, settings):
    settings.MYPHOTO_MULTIPART_UPLOAD_MB = 1
    big = images.noise_png(1200, 900, seed=6)  # about 3 MB: in parts of 5 MiB or more
    assert len(big) > 1024 * 1024
    dav("MKCOL", "Big")
    assert dav("PUT", "Big/noise.png", big).status_code == 201
    photo = Photo.objects.get(owner=user)
    assert photo.size == len(big) and b"".join(dav("GET", "Big/noise.png")) == big


def test_locks_are_granted_and_released_as_clients_expect(dav, photo_storage):
    dav("MKCOL", "L")
    dav("PUT", "L/a.jpg", images.jpeg(seed=7))
    body = (
        b'<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/>'
        b"</d:lockscope><d:locktype><d:write/></d:locktype><d:owner>PhotoSync</d:owner>"
        b"</d:lockinfo>"
    )
    locked = dav("LOCK", "L/a.jpg", body, Timeout="Second-60", Content_Type="application/xml")
    assert locked.status_code == 200
    token = locked["Lock-Token"]
    assert DavLock.objects.filter(token=token.strip("<>")).exists()
    # Another server process (another application, the same database) sees the lock.
    dav_application.cache_clear()
    relocked = dav("LOCK", "L/a.jpg", body, Timeout="Second-60", Content_Type="application/xml")
    assert relocked.status_code == 423
    assert dav("UNLOCK", "L/a.jpg", Lock_Token=token).status_code == 204
    # Finder locks a name before it writes the file there.
    first = dav("LOCK", "L/new.jpg", body, Timeout="Second-60", Content_Type="application/xml")
    assert first.status_code == 201
    sent = dav("PUT", "L/new.jpg", images.jpeg(seed=13), If=f"({first['Lock-Token']})")
    assert sent.status_code == 201
    assert dav("UNLOCK", "L/new.jpg", Lock_Token=first["Lock-Token"]).status_code == 204


def test_an_xml_bomb_is_refused_in_bounded_memory(dav):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode()
            for n in range(1, 10)
        )
        + b']><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:x>&lol9;</d:x></d:prop>'
        b"</d:set></d:propertyupdate>"
    )
    assert dav("PROPPATCH", "", bomb).status_code in (400, 403, 415)
    assert dav("LOCK", "", bomb).status_code in (400, 403, 415)
    assert dav("PROPFIND", "", b"x" * (300 * 1024)).status_code == 413


def test_another_persons_paths_are_not_there(dav, photo_storage, other_user):
    dav("MKCOL", "Mine")
    dav("PUT", "Mine/a.jpg", images.jpeg(seed=8))
    mallory = Dav("mallory", token_create(user=other_user, name="hers")[1])

    assert mallory("GET", "Mine/a.jpg").status_code == 404
    assert mallory("PROPFIND", "Mine/", Depth="1").status_code == 404
    assert mallory("DELETE", "Mine/a.jpg").status_code == 404
    assert set(mallory.listing("")) == {"/dav/", "/dav/Library/"}
    # Her own file of the same name, while alice holds a lock on hers: hers to delete.
    lock = (
        b'<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/>'
        b"</d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>"
    )
    assert dav("LOCK", "Mine/a.jpg", lock, Content_Type="application/xml").status_code == 200
    assert mallory("PUT", "Mine/a.jpg", images.jpeg(seed=16)).status_code == 201
    assert mallory("DELETE", "Mine/a.jpg").status_code == 204
    assert mallory.listing("Library/").keys() == {"/dav/Library/"}


def test_paths_no_file_system_takes_are_refused(dav, photo_storage):
    dav("MKCOL", "In")
    photo = images.jpeg(seed=9)
    assert dav("PUT", "In/%2E%2E/%2E%2E/etc/a.jpg", photo).status_code == 400
    assert dav("PUT", "In/a%00.jpg", photo).status_code == 400
    assert dav("PUT", "In/" + "x" * 300 + ".jpg", photo).status_code == 400
    assert dav("PROPFIND", "In/" + "y" * 4096, Depth="0").status_code == 414
    assert not Photo.objects.exists()
    # An encoded slash is a slash (no name here holds one): a.jpg in the folder "a".
    assert dav("PUT", "In/a%2Fb.jpg", photo).status_code == 201
    assert DavEntry.objects.filter(parent="In/a", name="b.jpg").exists()


def test_a_put_anywhere_makes_the_folders_on_its_way_but_not_through_a_file(dav, photo_storage):
    photo = images.jpeg(seed=12)
    assert dav("PUT", "Phone/DCIM/Camera/IMG_1.JPG", photo).status_code == 201
    folders = DavEntry.objects.filter(photo__isnull=True).values_list("parent", "name")
    assert set(folders) == {("", "Phone"), ("Phone", "DCIM"), ("Phone/DCIM", "Camera")}
    through = dav("PUT", "Phone/DCIM/Camera/IMG_1.JPG/inside.jpg", photo)
    assert through.status_code == 409 and "is a file" in through.content.decode()


def test_a_truncated_heic_is_refused(dav, photo_storage):
    dav("MKCOL", "In")
    heic = images.camera_photo("HEIF", seed=10)
    cut = dav("PUT", "In/IMG_0001.HEIC", heic[: len(heic) // 2])
    assert cut.status_code == 415 and "IMG_0001.HEIC" in cut.content.decode()
    assert dav("PUT", "In/IMG_0001.HEIC", heic).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_a_content_length_that_lies_keeps_nothing(live_server, user):
    import socket
    from urllib.parse import urlsplit

    password = token_create(user=user, name="liar")[1]
    Dav("alice", password)("MKCOL", "In")
    address = urlsplit(live_server.url)
    pair = base64.b64encode(f"alice:{password}".encode()).decode()
    photo = images.jpeg(640, 480, seed=11)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(
            b"PUT /dav/In/a.jpg HTTP/1.1\r\nHost: " + address.netloc.encode() + b"\r\n"
            b"Authorization: Basic " + pair.encode() + b"\r\n"
            b"Content-Length: " + str(len(photo) * 2).encode() + b"\r\n\r\n" + photo
        )
        sock.shutdown(socket.SHUT_WR)  # half the body announced never comes
        answer = sock.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.1 400") and b"nothing was kept" in answer
    assert not Photo.objects.exists()


def test_at_the_quota_the_same_bytes_again_are_no_refusal(dav, photo_storage, user):
    photo = images.jpeg(640, 480, seed=14)
    assert dav("PUT", "Full/a.jpg", photo).status_code == 201
    user.quota_bytes = usage_of(user=user).bytes  # full
    user.save()
    assert dav("PUT", "Full/a.jpg", photo).status_code == 204
    assert dav("PUT", "Full/copy.jpg", photo).status_code == 201
    refused = dav("PUT", "Full/new.jpg", images.jpeg(640, 480, seed=15))
    assert refused.status_code == 507


def test_two_photos_of_one_name_in_a_month_are_both_there(dav, make_photo, user):
    first, first_bytes = make_photo("IMG_0001.JPG")
    second, second_bytes = make_photo("IMG_0001.JPG")
    month = f"Library/{first.taken_at:%Y}/{first.taken_at:%m}/"
    listed = dav.listing(month)  # written from one query
    names = sorted(href.rsplit("/", 1)[1] for href in listed if not href.endswith("/"))
    later = second if (second.taken_at, second.pk) > (first.taken_at, first.pk) else first
    assert names == sorted(["IMG_0001.JPG", f"IMG_0001%20%28{later.pk.hex[:8]}%29.JPG"])
    got = b"".join(dav("GET", f"{month}IMG_0001 ({later.pk.hex[:8]}).JPG"))
    assert got == (second_bytes if later == second else first_bytes)
    assert dav.listing(month, depth="0").keys() == {f"/dav/{month}"}
