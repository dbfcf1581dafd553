"""Counts kept per month: the "N photos" header and the scrubber's buckets never count rows."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import images
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from myphoto.photos.models import MonthCount, Photo
from myphoto.photos.services.counts import month_counts_rebuild

pytestmark = pytest.mark.django_db


def real_buckets(owner) -> list[dict]:
    """Counted here in Python, from the rows, in the library's time zone."""
    months = Counter(
        timezone.localtime(taken).strftime("%Y-%m")
        for taken in Photo.objects.visible().filter(owner=owner).values_list("taken_at", flat=True)
    )
    return [{"month": month, "count": months[month]} for month in sorted(months, reverse=True)]


def upload(api, *files: tuple[str, bytes]):
    response = api.post(
        "/api/v1/photos", {"file": [SimpleUploadedFile(name, data) for name, data in files]}
    )
    assert response.status_code == 201, response.content
    return [item["id"] for item in response.json()["items"]]


def test_buckets_are_the_months_newest_first_in_the_library_time_zone(api, client, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    upload(
        api,
        # 20:00 on 31 October in UTC is already 1 November in Seoul.
        ("a.jpg", images.jpeg_taken(datetime(2023, 10, 31, 20, tzinfo=UTC), seed=1)),
        ("b.jpg", images.jpeg_taken(datetime(2023, 10, 30, 12, tzinfo=UTC), seed=2)),
        ("c.jpg", images.jpeg_taken(datetime(2021, 2, 1, 12, tzinfo=UTC), seed=3)),
    )

    answer = api.get("/api/v1/timeline/buckets")

    assert answer.status_code == 200
    assert answer.json() == {
        "buckets": [
            {"month": "2023-11", "count": 1},
            {"month": "2023-10", "count": 1},
            {"month": "2021-02", "count": 1},
        ]
    }
    assert "3 photos" in client.get("/").content.decode()


def test_kept_counts_agree_with_the_rows_after_a_random_mix_of_changes(api, user, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    rng = random.Random(11)
    seeds = iter(range(1, 10_000))

    def new_photo() -> tuple[str, bytes]:
        moment = datetime(
            rng.choice((2019, 2023)),
            rng.randint(1, 12),
            rng.choice((1, 15, 28)),
            rng.randint(0, 23),
            tzinfo=UTC,
        )
        seed = next(seeds)
        return f"{seed}.jpg", images.jpeg_taken(moment, seed=seed)

    sent: dict[str, bytes] = {}
    done = Counter()
    for step in range(40):
        ids = list(Photo.objects.filter(owner=user).values_list("pk", flat=True))
        action = rng.choice(["upload", "upload", "trash", "restore", "reupload", "purge"])
        if not ids:
            action = "upload"
        done[action] += 1
        if action == "upload":
            files = [new_photo() for _ in range(rng.randint(1, 4))]
            for photo_id, (_name, data) in zip(upload(api, *files), files, strict=True):
                sent[photo_id] = data
        elif action == "trash":
            chosen = [str(i) for i in rng.sample(ids, k=min(len(ids), rng.randint(1, 5)))]
            api.post("/api/v1/photos/delete", {"ids": chosen}, content_type="application/json")
        elif action == "restore":
            chosen = [str(i) for i in rng.sample(ids, k=min(len(ids), rng.randint(1, 5)))]
            api.post("/api/v1/photos/restore", {"ids": chosen}, content_type="application/json")
        elif action == "reupload":
            # The same bytes again bring a trashed photo back (or are a duplicate).
            photo_id = str(rng.choice(ids))
            upload(api, ("again.jpg", sent[photo_id]))
        else:
            api.delete("/api/v1/trash")

        assert api.get("/api/v1/timeline/buckets").json()["buckets"] == real_buckets(user), step

    assert set(done) == {"upload", "trash", "restore", "reupload", "purge"}, done
    kept = list(
        MonthCount.objects.filter(count__gt=0).values_list("month", "count").order_by("month")
    )
    month_counts_rebuild(owner=user)
    assert list(MonthCount.objects.values_list("month", "count").order_by("month")) == kept


def test_recount_repairs_counts_that_went_wrong(api, user, settings):
    upload(api, ("a.jpg", images.jpeg_taken(datetime(2022, 3, 4, 12, tzinfo=UTC), seed=1)))
    MonthCount.objects.update(count=99)
    settings.TIME_ZONE = "Pacific/Kiritimati"  # +14:00: the same photo, another day, same month

    call_command("recount")

    assert api.get("/api/v1/timeline/buckets").json()["buckets"] == real_buckets(user)
    assert real_buckets(user) == [{"month": "2022-03", "count": 1}]
