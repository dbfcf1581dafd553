"""Past one machine: two app servers, a job worker, PostgreSQL, Redis and a SeaweedFS cluster.

Every part is a process of its own, as on separate machines: uploads go through
one app server; browsing, downloads and zips through the other; thumbnails are
made by the worker alone (jobs on Redis); then each volume server in turn stops,
and every original still downloads byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator

import httpx
import images
import psycopg
import pytest
import seaweedfs
from django.conf import settings
from machines import Machines, wait_for

ENGINE = settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in ENGINE, reason="runs in the PostgreSQL pass of .ci/run, on its server"
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def database() -> Iterator[str]:
    """A database of the cluster's own on the suite's PostgreSQL server."""
    db = settings.DATABASES["default"]
    name = f"myphoto_cluster_{uuid.uuid4().hex[:8]}"
    server = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"]}
    if db.get("PASSWORD"):
        server["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    port = seaweedfs.free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def cluster() -> Iterator[seaweedfs.Cluster]:
    storage = seaweedfs.start_cluster(volumes=2, replication="001")
    try:
        seaweedfs.create_bucket(storage.client(), "photos")
        yield storage
    finally:
        storage.stop()  # also when the setup fails: five processes must not outlive the test


def test_two_app_servers_a_worker_and_a_cluster_that_loses_a_volume_server(
    database, redis_url, cluster, tmp_path
):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MYPHOTO_", "DATABASE_"))},
        "DATABASE_URL": database,
        "MYPHOTO_REDIS_URL": redis_url,
        "MYPHOTO_SECRET_KEY": secrets.token_urlsafe(50),
        "MYPHOTO_DATA_DIR": str(tmp_path / "data"),
        "MYPHOTO_S3_BUCKET": "photos",
        "MYPHOTO_S3_ENDPOINT_URL": cluster.endpoint_url,
        "MYPHOTO_S3_REGION": seaweedfs.REGION,
        "MYPHOTO_S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
        "MYPHOTO_S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
        "MYPHOTO_WORKER_IN_SERVE": "0",
        # The daily check would read the originals beside the test's own steps.
        "MYPHOTO_FSCK_DAILY": "0",
        "MYPHOTO_LOG_LEVEL": "WARNING",
    }
    machines = Machines(env)
    try:
        machines.run("migrate")
        machines.run("createuser", "alice", "--password", "correct horse battery")
        token = machines.run("token", "create", "alice").strip()
        uploads_to, _ = machines.serve(tmp_path / "app-a.log")
        browses, _ = machines.serve(tmp_path / "app-b.log")
        headers = {"Authorization": f"Bearer {token}"}
        a = httpx.Client(base_url=uploads_to + "/api/v1", headers=headers, timeout=60)
        b = httpx.Client(base_url=browses + "/api/v1", headers=headers, timeout=60)

        originals = {f"photo {n}.jpg": images.jpeg(320, 240, seed=n) for n in range(6)}
        originals["IMG_0002.HEIC"] = images.camera_photo("HEIF", seed=3)
        answer = a.post("/photos", files=[("file", (n, d)) for n, d in originals.items()])
        assert answer.status_code == 201, answer.text

        # No worker yet: nobody makes the thumbnails, whichever app server is asked.
        time.sleep(1)
        assert not any(p["derivatives_ready"] for p in b.get("/photos").json()["items"])
        machines.start("worker", log=tmp_path / "worker.log")

        def all_made() -> list | None:
            items = b.get("/photos").json()["items"]
            return items if all(photo["derivatives_ready"] for photo in items) else None

        listed = wait_for("the worker to make every thumbnail", all_made)
        assert sorted(p["filename"] for p in listed) == sorted(originals)
        for photo in listed:
            thumbnail = b.get(f"/photos/{photo['id']}/thumbnail?size=sm")
            assert thumbnail.status_code == 200 and thumbnail.content[:4] == b"RIFF"

        def every_original_downloads(through: httpx.Client) -> None:
            for photo in listed:
                got = through.get(f"/photos/{photo['id']}/download")
                assert got.status_code == 200, (photo["filename"], got.text[:200])
                expected = hashlib.sha256(originals[photo["filename"]]).hexdigest()
                assert hashlib.sha256(got.content).hexdigest() == expected == photo["sha256"]

        every_original_downloads(b)
        zipped = b.post("/photos/download", json={"ids": [p["id"] for p in listed]})
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
            assert archive.testzip() is None
            assert {name: archive.read(name) for name in archive.namelist()} == originals

        # Two copies of each object: with either volume server down, nothing is missing.
        for volume in ("volume1", "volume2"):
            cluster.stop_part(volume)
            try:
                every_original_downloads(b)
            finally:
                cluster.start_part(volume)

        # Back together, the cluster takes new photos again.
        later = images.jpeg(100, 80, seed=99)
        wait_for(
            "the cluster to take writes again",
            lambda: a.post("/photos", files=[("file", ("later.jpg", later))]).status_code == 201,
            every=1.0,
        )
        assert b.get("/photos").json()["items"][0]["filename"] == "later.jpg"
    finally:
        machines.stop()
