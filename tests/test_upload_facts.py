"""`POST /photos` with `facts`: what the service a photo is imported from knew, taken by a
new photo as it is stored (where the file says nothing, or the service says it changed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from myphoto.photos.models import MonthCount, Photo
from myphoto.photos.services.counts import month_counts_rebuild

pytestmark = pytest.mark.django_db
SEOUL = timezone(timedelta(hours=9))


def upload(api, name: str, data: bytes, facts: dict | str | None, *more: tuple[str, bytes]):
    files = [SimpleUploadedFile(name, data), *(SimpleUploadedFile(n, d) for n, d in more)]
    body: dict = {"file": files}
    if facts is not None:
        body["facts"] = facts if isinstance(facts, str) else json.dumps(facts)
    return api.post("/api/v1/photos", body)


def counts(user) -> dict[str, int]:
    return {f"{r.month:%Y-%m}": r.count for r in MonthCount.objects.filter(owner=user, count__gt=0)}


def test_a_scan_takes_the_services_date_place_words_and_heart(api, user):
    facts = {
        "taken_at": "1987-05-03T09:30:00Z",
        "location": {"lat": 37.5665, "lon": 126.978},
        "description": "Grandma's garden 🌷",
        "favorite": True,
    }
    answer = upload(api, "scan.jpg", images.jpeg(seed=1), facts)

    assert answer.status_code == 201, answer.content
    photo = answer.json()["items"][0]
    assert (photo["taken_at"], photo["taken_at_source"]) == ("1987-05-03T09:30:00Z", "sidecar")
    assert (photo["place"]["city"], photo["description"], photo["favorite"]) == (
        "Seoul", "Grandma's garden 🌷", True
    )  # fmt: skip
    assert counts(user) == {"1987-05": 1}
    assert (
        api.get("/api/v1/photos", {"q": "garden seoul 1987"}).json()["items"][0]["id"]
        == photo["id"]
    )
    assert Photo.objects.get(pk=photo["id"]).location_edited


@pytest.mark.parametrize(
    ("service", "kept"),
    [
        (datetime(2019, 8, 1, 1, tzinfo=UTC), True),  # the same instant: the camera's stays
        (datetime(2019, 8, 1, 10, tzinfo=UTC), True),  # nine hours: a time zone, not an edit
        (datetime(2019, 8, 4, 10, tzinfo=UTC), False),  # days: changed in the service
    ],
)
def test_the_files_own_date_stays_unless_the_service_changed_it(api, service, kept):
    taken = datetime(2019, 8, 1, 10, tzinfo=SEOUL)
    answer = upload(
        api, "IMG_0001.jpg", images.jpeg_taken(taken, seed=2), {"taken_at": service.isoformat()}
    )

    photo = Photo.objects.get(pk=answer.json()["items"][0]["id"])
    assert photo.taken_at == (taken if kept else service)
    assert photo.taken_at_source == ("exif" if kept else "sidecar")
    assert photo.taken_at_offset == 540


def test_an_archived_photo_is_left_out_of_the_months(api, user):
    answer = upload(api, "hidden.jpg", images.jpeg(seed=3), {"archived": True})

    assert answer.json()["items"][0]["archived"] is True
    assert counts(user) == {}
    month_counts_rebuild(owner=user)
    assert counts(user) == {}


@pytest.mark.parametrize(
    ("facts", "detail"),
    [
        ("{not json", "facts: "),
        (
            json.dumps({"location": {"lat": 95, "lon": 0}}),
            "The latitude must be between -90 and 90.",
        ),
        (
            json.dumps({"taken_at": "1700-01-01T00:00:00Z"}),
            "The date is before the first photograph",
        ),
        (json.dumps({"taken_at": "2020-01-01T00:00:00"}), "The date needs its offset"),
        (json.dumps({"favorite": "yes"}), "facts: favorite: "),
        (json.dumps([1]), "facts: "),
    ],
)
def test_facts_no_photo_can_have_are_a_400_and_store_nothing(api, facts, detail):
    answer = upload(api, "x.jpg", images.jpeg(seed=4), facts)

    assert answer.status_code == 400, answer.content
    assert answer.json()["detail"].startswith(detail)
    assert not Photo.objects.exists()


def test_facts_go_with_one_file_and_a_duplicate_is_answered_as_it_is(api):
    two = upload(
        api, "a.jpg", images.jpeg(seed=5), {"favorite": True}, ("b.jpg", images.jpeg(seed=6))
    )
    assert (two.status_code, two.json()["detail"]) == (400, "facts go with one file at a time.")

    data = images.jpeg(seed=7)
    upload(api, "mine.jpg", data, None)
    again = upload(api, "mine.jpg", data, {"favorite": True, "description": "from Google"})

    photo = again.json()["items"][0]
    assert (photo["duplicate"], photo["favorite"], photo["description"]) == (True, False, "")
