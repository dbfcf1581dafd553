"""The API's `detail` sentences in the reader's language: the browser's (Accept-Language)
or the person's own choice (Settings, PATCH /me), for errors of every layer: the domain's,
the media checks', request validation, the middleware's."""

from __future__ import annotations

import uuid

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from myphoto.photos.models import Photo, User

pytestmark = pytest.mark.django_db

KOREAN = {"accept-language": "ko-KR,ko;q=0.9"}


def detail(answer, status: int) -> str:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")
    return answer.json()["detail"]


def test_errors_of_every_layer_speak_korean_to_a_korean_client(api, photo_storage, make_photo):
    missing = api.get(f"/api/v1/photos/{uuid.uuid4()}", headers=KOREAN)
    assert detail(missing, 404) == "그런 사진이 없습니다."

    no_such_endpoint = api.get("/api/v1/nothing-here", headers=KOREAN)
    assert detail(no_such_endpoint, 404) == "그런 엔드포인트가 없거나, 여기에 그런 것이 없습니다."

    invalid = api.post("/api/v1/albums", {}, "application/json", headers=KOREAN)
    assert detail(invalid, 400) == "title: 필수 항목입니다."

    too_long = api.post(
        "/api/v1/albums", {"title": "가" * 1000}, "application/json", headers=KOREAN
    )
    assert "자까지 주세요." in detail(too_long, 400)

    french = api.patch("/api/v1/me", {"language": "fr"}, "application/json", headers=KOREAN)
    assert detail(french, 400) == "language: 다음 중 하나를 주세요: 'en', 'ko'."

    not_a_photo = api.post(
        "/api/v1/photos",
        {"file": SimpleUploadedFile("메모.txt", b"just some words\n" * 40)},
        headers=KOREAN,
    )
    assert detail(not_a_photo, 415).startswith("메모.txt: 이 파일은 MyPhoto가 읽을 수 있는 ")

    cut = images.jpeg(640, 480)[:5000]
    damaged = api.post(
        "/api/v1/photos", {"file": SimpleUploadedFile("cut.jpg", cut)}, headers=KOREAN
    )
    assert detail(damaged, 415).startswith("cut.jpg: 이미지가 손상되었거나 온전하지 않")
    assert Photo.objects.count() == 0  # refused in any language, nothing stored

    photo, _ = make_photo("photo.jpg")
    both = {"ids": [str(photo.pk)], "taken_at": "2023-10-01T14:30:00+09:00", "shift_seconds": 60}
    shifted = api.post("/api/v1/photos/edit", both, "application/json", headers=KOREAN)
    assert detail(shifted, 400) == "날짜를 정하거나 옮기거나, 둘 중 하나만 해 주세요."
    none = api.post("/api/v1/photos/edit", {"ids": []}, "application/json", headers=KOREAN)
    assert detail(none, 400) == "ids: 최소 1개를 주세요."

    anonymous = Client().get("/api/v1/photos", headers=KOREAN)
    assert detail(anonymous, 401).startswith("로그인하거나")


def test_english_is_the_default_and_the_persons_choice_wins(api, user):
    path = f"/api/v1/photos/{uuid.uuid4()}"
    assert detail(api.get(path), 404) == "No such photo."
    assert detail(api.get(path, headers={"accept-language": "en-US"}), 404) == "No such photo."

    User.objects.filter(pk=user.pk).update(language="ko")
    assert detail(api.get(path), 404) == "그런 사진이 없습니다."  # a token's person, no header
    assert detail(api.get(path, headers={"accept-language": "en"}), 404) == "그런 사진이 없습니다."
