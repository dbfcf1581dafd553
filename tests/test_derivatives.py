"""The derivatives job claims its photo: two runners never make one photo twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from myphoto.photos.models import Photo
from myphoto.photos.services.derivatives import photo_make_derivatives
from myphoto.photos.services.upload import photo_upload


@pytest.fixture
def jobs_wait(settings):
    """Uploads enqueue their jobs in the database, where nobody runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def upload_photos(owner, count: int) -> list[Photo]:
    return [
        photo_upload(
            owner=owner, file=SimpleUploadedFile(f"{n}.jpg", images.jpeg(320, 240, seed=n))
        ).photo
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_runners_make_each_photo_once_and_keep_every_recorded_key(
    user, photo_storage, jobs_wait
):
    """The worker and `myphoto derivatives --missing` at once, over the same photos."""
    ids = [photo.pk for photo in upload_photos(user, 12)]
    start = threading.Barrier(2)
    made: dict[str, list] = {"worker": [], "command": []}
    failures: list[BaseException] = []

    def runner(name: str) -> None:
        try:
            start.wait()
            for photo_id in ids:
                if photo_make_derivatives(photo_id=photo_id):
                    made[name].append(photo_id)
        except BaseException as err:  # noqa: BLE001  reported by the assertion below
            failures.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(name,)) for name in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(made["worker"] + made["command"]) == sorted(ids)  # each made exactly once
    photos = list(Photo.objects.all())
    assert all(photo.derivatives_ready and not photo.derivatives_claim for photo in photos)
    recorded = {key for photo in photos for key in photo.storage_keys}
    assert len(recorded) == 3 * len(ids)
    # Every recorded key is there, and nothing else: no run deleted another's work.
    assert photo_storage.keys() == recorded


@pytest.mark.django_db
def test_a_live_claim_is_skipped_and_an_expired_one_is_taken_over(user, photo_storage, jobs_wait):
    [photo] = upload_photos(user, 1)
    claimed = Photo.objects.filter(pk=photo.pk)

    claimed.update(
        derivatives_claim="another", derivatives_claimed_until=timezone.now() + timedelta(minutes=5)
    )
    assert photo_make_derivatives(photo_id=photo.pk) is False
    assert photo_storage.keys() == {photo.storage_key}

    # That run died: its lease ran out.
    claimed.update(derivatives_claimed_until=timezone.now() - timedelta(seconds=1))
    assert photo_make_derivatives(photo_id=photo.pk) is True

    photo.refresh_from_db()
    assert photo.derivatives_ready and photo.derivatives_claim == ""
    assert photo_storage.keys() == set(photo.storage_keys)


@pytest.mark.django_db
def test_a_failed_run_releases_its_claim_and_leaves_nothing(user, photo_storage, jobs_wait):
    [photo] = upload_photos(user, 1)
    photo_storage.remove(photo.storage_key)

    with pytest.raises(Exception, match=photo.storage_key):
        photo_make_derivatives(photo_id=photo.pk)

    photo.refresh_from_db()
    assert photo.derivatives_claim == "" and photo.derivatives_claimed_until is None
    assert photo_storage.keys() == set()
