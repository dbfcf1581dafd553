"""The API answers JSON, always: bad paths, methods, bodies and ids included."""

from __future__ import annotations

import json
import uuid

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def assert_json_error(answer, status: int, code: str | None = None) -> dict:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json"), answer["Content-Type"]
    body = answer.json()
    assert set(body) >= {"detail", "code"} and body["detail"]
    if code:
        assert body["code"] == code
    return body


def test_malformed_ids_and_unknown_paths_are_json_404s(api, make_photo):
    photo, _ = make_photo("mine.jpg")
    for path in (
        "/api/v1/photos/not-a-uuid",
        "/api/v1/photos/12345",
        "/api/v1/photos/not-a-uuid/download",
        "/api/v1/nothing/here",
    ):
        assert_json_error(api.get(path), 404, "not_found")
    # Nothing is named with a NUL: bad input, said before anything looks for it.
    assert_json_error(api.get("/api/v1/tokens/%00"), 400, "invalid")
    # Nor with more than 4 KB, nor with a header over 8 KB.
    assert_json_error(api.get("/api/v1/photos/" + "a" * 5000), 414, "uri_too_long")
    big = api.get("/api/v1/photos", headers={"X-Padding": "x" * 9000})
    assert_json_error(big, 431, "header_too_large")
    # The caller's own photo, its id in upper case: the photo, not a 404.
    answer = api.get(f"/api/v1/photos/{str(photo.pk).upper()}")
    assert answer.status_code == 200 and answer.json()["id"] == str(photo.pk)


def test_a_method_an_endpoint_does_not_take_is_a_json_405(api):
    body = assert_json_error(api.patch("/api/v1/photos"), 405, "method_not_allowed")
    assert body["detail"]
    assert set(api.put("/api/v1/trash")["Allow"].split(", ")) == {"GET", "DELETE"}


def test_a_body_over_the_limit_is_a_json_413(api, settings):
    too_big = b"[" + b"1," * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2) + b"1]"

    answer = api.post("/api/v1/photos/delete", too_big, content_type="application/json")

    assert_json_error(answer, 413, "too_large")


def test_the_limits_on_ids_and_on_bodies_agree(api):
    """100,000 ids, the most a request may name, fit in a body the server takes."""
    ids = [str(uuid.uuid4()) for _ in range(100_000)]

    answer = api.post(
        "/api/v1/photos/delete", json.dumps({"ids": ids}), content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json() == {"deleted": 0}
    over = api.post(
        "/api/v1/photos/delete",
        json.dumps({"ids": [*ids, ids[0]]}),
        content_type="application/json",
    )
    assert_json_error(over, 400, "invalid")


def test_too_many_files_and_broken_multipart_bodies_are_json(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"{n}.jpg", images.jpeg(seed=n)) for n in range(4)]

    assert_json_error(api.post("/api/v1/photos", {"file": files}), 413, "too_many_files")
    no_boundary = api.post("/api/v1/photos", b"--x\r\n\r\n", content_type="multipart/form-data")
    assert_json_error(no_boundary, 400, "invalid")
    garbage = api.post("/api/v1/photos/delete", b"{not json", content_type="application/json")
    assert_json_error(garbage, 400)


def test_the_openapi_schema_documents_each_operations_errors(client):
    schema = client.get("/api/v1/openapi.json").json()

    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 20
    for path, method, operation in operations:
        documented = operation["responses"]
        assert "401" in documented, (method, path)
        assert all(
            documented[status]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
            for status in documented
            if status.startswith(("4", "5"))
        ), (method, path)
    detail = schema["paths"]["/api/v1/photos/{photo_id}"]["get"]["responses"]
    assert {"200", "401", "404"} <= set(detail)
    upload = schema["paths"]["/api/v1/photos"]["post"]["responses"]
    assert {"201", "400", "413", "415", "503"} <= set(upload)


def test_no_text_field_of_any_body_takes_a_nul_character(api, client):
    """PostgreSQL text cannot hold NUL: every stored string says so with a 400, not a 500."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    tried = []
    for template, operations in schema["paths"].items():
        if "{" in template:
            continue
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            model = components[body["schema"]["$ref"].rsplit("/", 1)[-1]]
            fields = model.get("properties", {})
            valid = {
                name: {"string": "x", "integer": 1, "array": []}.get(fields[name].get("type"))
                for name in model.get("required", [])
            }
            for name, field in fields.items():
                kinds = [field.get("type")] + [
                    option.get("type") for option in field.get("anyOf", [])
                ]
                if "string" not in kinds or field.get("format") == "uuid":
                    continue
                answer = getattr(api, method)(
                    template,
                    json.dumps({**valid, name: "before\x00after"}),
                    content_type="application/json",
                )
                assert_json_error(answer, 400, "invalid")
                tried.append(f"{method} {template} {name}")
    assert len(tried) >= 5, tried


def test_numbers_and_flags_in_a_body_are_those_json_types(api, make_photo):
    photo, _ = make_photo("a.jpg")
    album = api.post(
        "/api/v1/albums", {"title": "T", "ids": [str(photo.pk)]}, content_type="application/json"
    ).json()["id"]
    for path, body in (
        ("/api/v1/uploads/multipart", {"filename": "a.mp4", "size": True}),
        ("/api/v1/uploads/multipart", {"filename": "a.mp4", "size": "5000000"}),
        ("/api/v1/uploads/multipart", {"filename": "a.mp4", "size": 5e6}),
        (f"/api/v1/albums/{album}/shares", {"allow_upload": "yes"}),
        (f"/api/v1/albums/{album}/shares", {"expires_in_days": True}),
    ):
        answer = api.post(path, body, content_type="application/json")
        assert_json_error(answer, 400, "invalid")
    assert not api.get("/api/v1/shares").json()["items"]
