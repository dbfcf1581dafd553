"""Work released at the same moment in threads of its own, each with its own database
connection: what concurrent requests do to the same rows."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_save

from myphoto.photos.models import Photo


def at_once(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread, released together; return their results
    (or the exception each raised)."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work[index]()
        except BaseException as err:  # noqa: BLE001  the test looks at it
            results[index] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def upload_together(owner, files: dict[str, bytes]) -> list[BaseException]:
    """Upload each file at the same moment, as `myphoto upload --jobs 4` sends a shot's
    files side by side: on PostgreSQL each is held until every one has reached the insert
    of its row, so that no transaction sees another's (SQLite writes one at a time: there
    they pass one after the other). What any of them raised."""
    from myphoto.photos.services.upload import photo_upload

    all_inserting = threading.Barrier(len(files), timeout=30)

    def hold_until_all_are_inserting(sender, instance, **kwargs):
        if instance._state.adding and connection.vendor == "postgresql":
            all_inserting.wait()

    def sender(name: str) -> Callable[[], object]:
        return lambda: photo_upload(owner=owner, file=SimpleUploadedFile(name, files[name]))

    pre_save.connect(hold_until_all_are_inserting, sender=Photo)
    try:
        results = at_once(*(sender(name) for name in files))
    finally:
        pre_save.disconnect(hold_until_all_are_inserting, sender=Photo)
    return [result for result in results if isinstance(result, BaseException)]
