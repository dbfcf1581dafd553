"""A share link's visitor who may upload learns nothing of the owner's library from it and
changes nothing of it but the album: bytes the owner has elsewhere (or in the trash) are
kept as the visitor's contribution, never answered with the owner's photo, never restored."""

from __future__ import annotations

import images
import pytest
import videos
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from myphoto.photos.models import AlbumPhoto, MonthCount, Photo
from myphoto.photos.services.albums import album_create
from myphoto.photos.services.shares import share_create
from myphoto.photos.services.trash import photos_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(user, make_photo):
    shown, _ = make_photo("shown.jpg")
    album = album_create(owner=user, title="Party", photo_ids=[shown.pk])
    return share_create(album=album, allow_upload=True)


def guest_upload(key: str, name: str, data: bytes, after_commit) -> dict:
    with after_commit():
        answer = Client().post(
            f"/api/v1/shared/{key}/photos", {"file": SimpleUploadedFile(name, data)}
        )
    assert answer.status_code == 201, answer.content
    return answer.json()["items"][0]


def test_the_owners_private_photo_is_not_pulled_into_the_album(
    user, make_photo, link, after_commit
):
    taken = images.camera_photo("JPEG", seed=5)  # a camera, a date, a place
    private, _ = make_photo("IMG_private.jpg", data=taken)

    item = guest_upload(link.key, "from-the-party.jpg", taken, after_commit)

    # Answered as a new photo of the visitor's, named as the visitor named it.
    assert item["id"] != str(private.pk)
    assert (item["filename"], item["duplicate"]) == ("from-the-party.jpg", False)
    in_album = set(AlbumPhoto.objects.filter(album=link.album).values_list("photo", flat=True))
    assert private.pk not in in_album and Photo.objects.get(pk=item["id"]).pk in in_album
    # The owner's photo is as it was; their library holds the visitor's copy beside it.
    assert Photo.objects.get(pk=private.pk).original_name == "IMG_private.jpg"
    assert Photo.objects.filter(owner=user, sha256=private.sha256).count() == 2

    # Sent again through the link: the copy already in the album, which the visitor sees.
    again = guest_upload(link.key, "again.jpg", taken, after_commit)
    assert (again["id"], again["duplicate"]) == (item["id"], True)


def test_a_photo_in_the_owners_trash_stays_there(user, make_photo, link, after_commit):
    trashed, data = make_photo("deleted on purpose.jpg")
    photos_trash(owner=user, photo_ids=[trashed.pk])
    counted = sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True))

    item = guest_upload(link.key, "guest.jpg", data, after_commit)

    assert item["id"] != str(trashed.pk)
    assert Photo.objects.get(pk=trashed.pk).in_trash
    # The visitor's copy is counted; the trashed photo is not.
    assert sum(MonthCount.objects.filter(owner=user).values_list("count", flat=True)) == counted + 1


def test_a_visitors_live_photo_does_not_pair_with_the_owners(user, make_photo, link, after_commit):
    motion, _ = make_photo("IMG_0007.MOV", data=videos.live_motion("SAME-ID"))
    still = images.live_still("SAME-ID", seed=3)

    item = guest_upload(link.key, "IMG_0007.JPG", still, after_commit)

    assert Photo.objects.get(pk=motion.pk).part_of_id is None
    assert item["live"] is False
