"""Faults injected into the real services: a SeaweedFS stopped and started, a PostgreSQL of
the test's own stopped, the server killed with SIGKILL between an object and its row.

After each, the library is consistent: `myphoto fsck --verify` is clean, and every
photo acknowledged with a 201 downloads with its SHA-256. The app runs as it does in
production (`myphoto serve`, gunicorn, jobs in the database run by `myphoto worker`),
as processes of their own.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import subprocess
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import images
import psycopg
import pytest
import seaweedfs
from django.conf import settings
from machines import Machines, OwnPostgres, wait_for

from myphoto.client.http import Server

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="runs once, in the PostgreSQL pass of .ci/run (it brings its own PostgreSQL)",
)


class Deployment:
    """One app server, its own PostgreSQL and SeaweedFS, and the photos it acknowledged."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.postgres = OwnPostgres()
        self.storage = seaweedfs.start()
        seaweedfs.create_bucket(self.storage.client(), "photos")
        self.machines = Machines(
            {
                **{
                    k: v
                    for k, v in os.environ.items()
                    if not k.startswith(("MYPHOTO_", "DATABASE_"))
                },
                "DATABASE_URL": self.postgres.url(),
                "MYPHOTO_SECRET_KEY": secrets.token_urlsafe(50),
                "MYPHOTO_DATA_DIR": str(folder / "data"),
                "MYPHOTO_S3_BUCKET": "photos",
                "MYPHOTO_S3_ENDPOINT_URL": self.storage.endpoint_url,
                "MYPHOTO_S3_REGION": seaweedfs.REGION,
                "MYPHOTO_S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
                "MYPHOTO_S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
                # Jobs wait for `myphoto worker --batch`, run when the test says.
                "MYPHOTO_WORKER_IN_SERVE": "0",
                "MYPHOTO_JOB_RETRY_SECONDS": "1",
                "MYPHOTO_FSCK_DAILY": "0",
                "MYPHOTO_LOG_LEVEL": "WARNING",
            }
        )
        self.machines.run("migrate")
        self.machines.run("createuser", "alice", "--password", "correct horse battery")
        self.token = self.machines.run("token", "create", "alice").strip()
        # id -> SHA-256 of every photo answered with 201 and not purged since.
        self.acknowledged: dict[str, str] = {}
        self.serve()

    def serve(self) -> None:
        self.serves = getattr(self, "serves", 0) + 1
        url, self.server = self.machines.serve(self.folder / f"serve-{self.serves}.log")
        self.url = url
        self.api = httpx.Client(
            base_url=url + "/api/v1",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )

    def upload(self, name: str, data: bytes) -> httpx.Response:
        answer = self.api.post("/photos", files=[("file", (name, data))])
        if answer.status_code == 201:
            [photo] = answer.json()["items"]
            self.acknowledged[photo["id"]] = hashlib.sha256(data).hexdigest()
        return answer

    def originals(self) -> set[str]:
        pages = self.storage.client().get_paginator("list_objects_v2")
        listing = pages.paginate(Bucket="photos", Prefix="originals/")
        return {entry["Key"] for page in listing for entry in page.get("Contents", ())}

    def fsck(self, *args: str, status: int = 0) -> dict:
        return json.loads(self.machines.run("fsck", "--json", *args, status=status))

    def assert_consistent(self) -> None:
        report = self.fsck("--verify")
        assert report["problems"] == 0, report
        listed = {item["id"] for item in self.api.get("/photos?limit=500").json()["items"]}
        trashed = {item["id"] for item in self.api.get("/trash?limit=500").json()["items"]}
        assert listed | trashed == set(self.acknowledged)
        for photo_id, sha256 in self.acknowledged.items():
            if photo_id in trashed:
                continue
            answer = self.api.get(f"/photos/{photo_id}/download")
            assert answer.status_code == 200, answer.text
            assert hashlib.sha256(answer.content).hexdigest() == sha256

    def close(self) -> None:
        self.machines.stop()
        self.storage.stop()
        self.postgres.remove()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    running = Deployment(tmp_path_factory.mktemp("faults"))
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def storage_down(deployment):
    """Stops SeaweedFS (its data kept) for the `with` block; started again after it."""

    class Outage:
        def __enter__(self) -> None:
            deployment.storage.stop(keep_data=True)

        def __exit__(self, *exc: object) -> None:
            deployment.storage.restart()

    return Outage


def assert_unavailable(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == code


def test_storage_down_during_uploads_a_purge_a_zip_and_a_job(deployment, storage_down):
    d = deployment
    for n in range(3):  # ~6 MB each: a zip of them streams for a while
        assert d.upload(f"big {n}.png", images.noise_png(1400, 1400, seed=n)).status_code == 201
    doomed = d.upload("doomed.jpg", images.jpeg(seed=1)).json()["items"][0]["id"]
    d.machines.run("worker", "--batch")
    assert d.api.delete(f"/photos/{doomed}").status_code == 204
    objects = d.originals()

    with storage_down():
        assert_unavailable(d.upload("during.jpg", images.jpeg(seed=2)), "storage_unavailable")
        assert_unavailable(d.api.delete("/trash"), "storage_unavailable")
    # Nothing stored, nothing lost: the photo waits in the trash for the next purge.
    assert d.originals() == objects
    assert [item["id"] for item in d.api.get("/trash").json()["items"]] == [doomed]

    # A zip cut by the outage ends broken: never a valid zip that lacks a photo.
    ids = [photo_id for photo_id in d.acknowledged if photo_id != doomed]
    received = io.BytesIO()
    with d.api.stream("POST", "/photos/download", json={"ids": ids}) as answer:
        assert answer.status_code == 200
        chunks = answer.iter_bytes()
        received.write(next(chunks))
        with storage_down(), pytest.raises(httpx.HTTPError):
            for chunk in chunks:
                received.write(chunk)
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(received).testzip()

    # A job that meets the outage is tried again later, and then does its work.
    made_later = d.upload("job.jpg", images.jpeg(seed=3)).json()["items"][0]["id"]
    with storage_down():
        d.machines.run("worker", "--batch")
    assert d.api.get(f"/photos/{made_later}").json()["derivatives_ready"] is False
    time.sleep(1.5)  # the first retry's delay
    d.machines.run("worker", "--batch")
    assert d.api.get(f"/photos/{made_later}").json()["derivatives_ready"] is True

    assert d.api.delete("/trash").json() == {"purged": 1}
    del d.acknowledged[doomed]
    assert all(doomed not in key for key in d.originals())
    d.assert_consistent()


def upload_held_at_its_row(d: Deployment, name: str, data: bytes):
    """Start an upload whose row cannot be written yet (the photo table locked by the
    test), and wait until its object is in storage. Returns (lock, the answer's
    future, the new key); the caller lets go of the lock."""
    lock = psycopg.connect(d.postgres.url())
    lock.execute("LOCK TABLE photos_photo IN EXCLUSIVE MODE")
    before = d.originals()
    pool = ThreadPoolExecutor(1)
    answer = pool.submit(d.upload, name, data)
    pool.shutdown(wait=False)
    [key] = wait_for("the object to be written", lambda: d.originals() - before, timeout=60)
    return lock, answer, key


def test_database_down_during_an_upload(deployment):
    d = deployment
    objects = d.originals()
    lock, answer, key = upload_held_at_its_row(d, "db down.jpg", images.jpeg(seed=4))

    d.postgres.stop()  # as in a crash: the server's connection breaks mid-transaction
    try:
        assert_unavailable(answer.result(timeout=120), "database_unavailable")
        # fsck cannot run without the database, and says so by its exit status.
        assert "the database is unavailable" in d.fsck(status=2)["error"]
    finally:
        lock.close()
        d.postgres.start()

    # The object written before the failure was removed with it.
    assert key not in d.originals()
    assert d.originals() == objects
    wait_for("the app to reach the database again", lambda: d.api.get("/photos").status_code == 200)
    d.assert_consistent()


def test_killed_between_the_object_and_its_row(deployment):
    d = deployment
    lock, answer, key = upload_held_at_its_row(d, "killed.jpg", images.jpeg(seed=5))

    d.machines.kill(d.server)
    with pytest.raises(httpx.HTTPError):
        answer.result(timeout=60)
    lock.close()
    d.serve()

    # Left behind, and young: an upload on its way, for all fsck can tell.
    report = d.fsck()
    assert (report["problems"], report["recent_untracked"]) == (0, 1)
    report = d.fsck("--grace", "0", status=1)
    assert [item["subject"] for item in report["found"]["untracked_object"]["examples"]] == [key]
    report = d.fsck("--repair", "--grace", "0", status=1)
    assert report["found"]["untracked_object"]["repaired"] == 1
    assert key not in d.originals()
    assert d.storage.client().head_object(Bucket="photos", Key=f"lost-and-found/{key}")
    d.assert_consistent()


def assert_outage_answers(d: Deployment, browser: Server, why: str) -> None:
    """Pages a 503 that says to try again, the API a 503 in JSON, /readyz a 503 saying why."""
    page = browser.http.get("/")
    assert page.status_code == 503, page.text[:300]
    assert "try again" in page.text and page.headers["Retry-After"] == "30"
    answer = d.api.get("/photos")
    assert (answer.status_code, answer.json()["code"]) == (503, "database_unavailable")
    ready = httpx.get(f"{d.url}/readyz")
    assert ready.status_code == 503 and why in ready.json()["database"], ready.text


def test_pages_and_the_api_answer_503_while_the_database_is_away_or_empty(deployment, tmp_path):
    d = deployment
    browser = Server(d.url)
    assert browser.session_login("alice", "correct horse battery")
    assert browser.http.get("/").status_code == 200

    d.postgres.stop()
    try:
        assert_outage_answers(d, browser, "error")
    finally:
        d.postgres.start()
    wait_for("the app to reach the database again", lambda: d.api.get("/photos").status_code == 200)

    # Back, but empty: a database restored wrongly, or not migrated yet.
    dump = tmp_path / "myphoto.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), d.postgres.url()], check=True)
    d.postgres.recreate_empty()
    try:
        assert_outage_answers(d, browser, "not migrated")
    finally:
        d.postgres.recreate_empty()
        subprocess.run(["pg_restore", "-d", d.postgres.url(), str(dump)], check=True)
    wait_for("the app to find its tables again", lambda: d.api.get("/photos").status_code == 200)
    assert httpx.get(f"{d.url}/readyz").status_code == 200
    d.assert_consistent()
