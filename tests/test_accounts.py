"""Deleting an account deletes its photos from storage, and nothing else."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError

from myphoto.photos.models import ApiToken, MonthCount, Photo, User
from myphoto.photos.storage import get_storage

pytestmark = pytest.mark.django_db


def test_deleteuser_removes_every_object_then_the_rows(
    user, other_user, make_photo, token, photo_storage
):
    mine = [make_photo(f"{n}.jpg")[0] for n in range(3)]
    Photo.objects.filter(pk=mine[0].pk).update(deleted_at=mine[0].uploaded_at)  # one in the trash
    get_storage().put(f"incoming/{user.pk}/never-completed", io.BytesIO(b"half an upload"))
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    kept = set(theirs.storage_keys)
    assert len(photo_storage.keys()) == 3 * 3 + 1 + 3

    call_command("deleteuser", user.username, "--yes")

    assert photo_storage.keys() == kept
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Photo.objects.filter(owner_id=user.pk).exists()
    assert not ApiToken.objects.filter(user_id=user.pk).exists()
    assert not MonthCount.objects.filter(owner_id=user.pk).exists()
    assert Photo.objects.get().pk == theirs.pk


def test_deleting_a_user_another_way_is_refused_while_they_have_photos(
    user, make_photo, photo_storage
):
    photo, _ = make_photo("a.jpg")

    with pytest.raises(ProtectedError):
        user.delete()

    assert photo_storage.keys() == set(photo.storage_keys)
    assert User.objects.filter(pk=user.pk).exists()


def test_deleteuser_asks_first(user, make_photo):
    make_photo("a.jpg")

    with pytest.raises(CommandError, match="--yes"):
        call_command("deleteuser", user.username)  # no terminal to ask on
    with pytest.raises(CommandError, match="No user named"):
        call_command("deleteuser", "nobody", "--yes")

    assert Photo.objects.filter(owner=user).count() == 1
