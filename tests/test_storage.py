"""The storage module's own guarantees, against a real SeaweedFS bucket."""

from __future__ import annotations

import threading

import pytest

from myphoto.photos import storage


@pytest.mark.parametrize("photo_storage", ["s3"], indirect=True)
def test_threads_first_touching_s3_together_build_one_client(photo_storage):
    """A fresh gunicorn worker's first burst must not build a boto3 client per thread.

    Each build costs about 150 ms of CPU; unshared, they also mean one connection
    pool per thread.
    """
    storage._new_client.cache_clear()
    start = threading.Barrier(8)
    clients = []

    def first_touch() -> None:
        start.wait()
        clients.append(storage._client(storage.get_storage()))

    threads = [threading.Thread(target=first_touch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(clients) == 8
    assert len({id(client) for client in clients}) == 1
    # The shared client works: it reads the bucket it was built for.
    assert storage.exists("missing/key") is False
