"""Uploads at the same moment, as `myphoto upload --jobs 4` sends a shot's files side by
side: on PostgreSQL each is held until every one has reached the insert of its row, so
that no transaction can see another's (SQLite writes one at a time: there they pass one
after the other)."""

from __future__ import annotations

import threading

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_save

from myphoto.photos.models import Photo


def upload_together(owner, files: dict[str, bytes]) -> list[BaseException]:
    """Upload each file in a thread of its own; what any of them raised."""
    from myphoto.photos.services.upload import photo_upload

    all_inserting = threading.Barrier(len(files), timeout=30)
    failures: list[BaseException] = []

    def hold_until_all_are_inserting(sender, instance, **kwargs):
        if instance._state.adding and connection.vendor == "postgresql":
            all_inserting.wait()

    def send(name: str) -> None:
        try:
            photo_upload(owner=owner, file=SimpleUploadedFile(name, files[name]))
        except BaseException as err:  # noqa: BLE001  the caller asserts there were none
            failures.append(err)
        finally:
            connection.close()

    pre_save.connect(hold_until_all_are_inserting, sender=Photo)
    try:
        threads = [threading.Thread(target=send, args=(name,)) for name in files]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        pre_save.disconnect(hold_until_all_are_inserting, sender=Photo)
    return failures
