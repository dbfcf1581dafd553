"""The web pages a person uses: log in, upload several files, see them; probes."""

from __future__ import annotations

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db


def test_login_page_logs_in(user):
    browser = Client()

    page = browser.get("/accounts/login/")
    assert page.status_code == 200 and "Log in" in page.content.decode()
    response = browser.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert browser.get("/").status_code == 200


def test_upload_page_reports_each_file(client, photo_storage):
    files = [
        SimpleUploadedFile("one.jpg", images.jpeg(seed=1)),
        SimpleUploadedFile("two.png", images.png(seed=2)),
        SimpleUploadedFile("notes.txt", b"not a photo"),
        SimpleUploadedFile("again.jpg", images.jpeg(seed=1)),
    ]

    refused = client.post("/upload/", {"photos": files})

    # One refused file stores none of the request's, as on the API.
    assert refused.status_code == 400
    refusal = "notes.txt: This file is not a photo or video MyPhoto can read"
    assert refusal in refused.content.decode()
    assert Photo.objects.count() == 0
    assert photo_storage.keys() == set()

    for file in files:
        file.seek(0)
    response = client.post("/upload/", {"photos": [files[0], files[1], files[3]]}, follow=True)

    html = response.content.decode()
    assert "Uploaded 2 photos." in html
    assert "Already in your library: 1 photo." in html
    assert "one.jpg" in html and "two.png" in html
    assert Photo.objects.count() == 2


def test_upload_page_shows_the_form(client):
    html = client.get("/upload/").content.decode()

    # A file the form sends goes in one request: up to MYPHOTO_MAX_SINGLE_UPLOAD_MB.
    assert 'type="file"' in html and "multiple" in html and "1.0\xa0GB" in html


def test_healthz_and_readyz(db, photo_storage):
    anonymous = Client()

    assert anonymous.get("/healthz").json() == {"status": "ok"}
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "storage": "ok"}


def test_readyz_is_503_when_the_bucket_is_gone(db, settings, seaweed):
    from myphoto.settings import s3_storage_options

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket="no-such-bucket-here",
                endpoint_url=seaweed.endpoint_url,
                region="us-east-1",
                access_key="myphoto-test",
                secret_key="myphoto-test-secret",
            ),
        },
    }

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/photos/{photo_id}/download" in schema["paths"]
