"""On this day: `GET /memories`, the cards above the timeline and a memory's page; a few
photos of each earlier year, spread across the day, look-alikes left out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import images
import pytest
from bulk import retake

from myphoto.photos.models import Photo
from myphoto.photos.selectors.memories import Candidate, pick

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def taken(photos: list[Photo], moment: datetime) -> None:
    retake(Photo.objects.filter(pk__in=[p.pk for p in photos]), moment)


def memories(client, day: str) -> list[dict]:
    answer = client.get(f"/api/v1/memories?date={day}")
    assert answer.status_code == 200, answer.content
    return answer.json()["items"]


def test_each_earlier_year_with_photos_of_the_day_is_a_memory(client, make_photo, user, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    two_years, _ = make_photo("beach.jpg")
    four_years, _ = make_photo("lake.jpg")
    late, _ = make_photo("late-night.jpg")  # 23:30 on 3 May in UTC: 4 May in Seoul
    other_day, _ = make_photo("other-day.jpg")
    this_year, _ = make_photo("this-year.jpg")
    trashed, _ = make_photo("trashed.jpg")
    archived, _ = make_photo("archived.jpg")
    taken([two_years], datetime(2023, 5, 4, 10, tzinfo=SEOUL))
    taken([four_years], datetime(2021, 5, 4, 18, tzinfo=SEOUL))
    taken([late], datetime(2021, 5, 3, 23, 30, tzinfo=UTC))
    taken([other_day, trashed, archived], datetime(2023, 5, 5, 10, tzinfo=SEOUL))
    taken([this_year], datetime(2025, 5, 4, 9, tzinfo=SEOUL))
    taken([trashed, archived], datetime(2023, 5, 4, 11, tzinfo=SEOUL))
    client.delete(f"/api/v1/photos/{trashed.pk}")
    Photo.objects.filter(pk=archived.pk).update(archived=True)

    items = memories(client, "2025-05-04")

    assert [(item["year"], item["years_ago"]) for item in items] == [(2023, 2), (2021, 4)]
    assert [p["filename"] for p in items[0]["photos"]] == ["beach.jpg"]
    assert [p["filename"] for p in items[1]["photos"]] == ["late-night.jpg", "lake.jpg"]


def test_nothing_is_shown_when_there_is_nothing(client, make_photo, user, other_user):
    mine, _ = make_photo("mine.jpg")
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    taken([mine], datetime(2024, 1, 2, tzinfo=UTC))
    taken([theirs], datetime(2023, 1, 1, 12, tzinfo=UTC))

    assert memories(client, "2025-01-01") == []  # another person's day is not mine
    assert "On this day" not in client.get("/memories/").content.decode()


def test_a_day_of_near_copies_gives_one_of_each_look_and_the_favorite(client, make_photo, user):
    # A trip's day: bursts of look-alikes from morning to night, and a favorite.
    photos = [make_photo(f"IMG_{n:04d}.JPG")[0] for n in range(12)]
    start = datetime(2022, 8, 15, 8, tzinfo=UTC)
    for n, photo in enumerate(photos):
        taken([photo], start + timedelta(hours=n))
    # Two looks the whole day: every even hour alike, every odd hour alike.
    for n, photo in enumerate(photos):
        Photo.objects.filter(pk=photo.pk).update(perceptual_hash=0 if n % 2 else -1)
    Photo.objects.filter(pk=photos[5].pk).update(favorite=True)

    [memory] = memories(client, "2024-08-15")

    names = [p["filename"] for p in memory["photos"]]
    # The favorite (an odd hour's look), and one photo of the other look: no near copies.
    assert len(names) == 2 and "IMG_0005.JPG" in names
    (other,) = set(names) - {"IMG_0005.JPG"}
    assert int(other[4:8]) % 2 == 0


def test_picks_are_spread_across_the_day_in_time_order():
    start = datetime(2022, 8, 15, tzinfo=UTC)
    # 290 frames in the first hour, then ten photos through the day, all different.
    burst = [start + timedelta(seconds=n) for n in range(290)]
    day = [start + timedelta(hours=1 + n) for n in range(10)]
    candidates = [
        Candidate(uuid4(), moment.timestamp(), n, False) for n, moment in enumerate(burst + day)
    ]
    for n, candidate in enumerate(candidates):
        object.__setattr__(candidate, "looks", n * 0x0101_0101_0101_0101 & 0x7FFF_FFFF_FFFF_FFFF)

    chosen = pick(candidates, 6)

    hours = [(c.taken - start.timestamp()) / 3600 for c in chosen]
    assert len(chosen) == 6 and hours == sorted(hours)
    assert sum(1 for h in hours if h < 1) <= 1  # not six frames of the burst
    assert max(hours) >= 8  # the evening too


def test_29_february_is_remembered_in_leap_years_only(client, make_photo, user):
    leap, _ = make_photo("leap.jpg")
    taken([leap], datetime(2020, 2, 29, 12, tzinfo=UTC))

    assert [item["year"] for item in memories(client, "2024-02-29")] == [2020]
    assert memories(client, "2025-02-28") == []


def test_a_date_that_is_not_one_is_a_400(client):
    answer = client.get("/api/v1/memories?date=2025-13-40")

    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json")


def test_the_timeline_opens_with_cards_that_lead_to_the_memory(client, make_photo, user):
    photo, _ = make_photo("picnic.jpg", data=images.jpeg(640, 480, seed=4))
    today = datetime.now(UTC).date()  # the library's time zone: UTC here
    day = date(today.year - 4, today.month, today.day)  # 4: a 29 February has one too
    taken([photo], datetime(day.year, day.month, day.day, 12, tzinfo=UTC))

    assert 'hx-get="/memories/"' in client.get("/").content.decode()  # asked for after it
    page = client.get("/memories/").content.decode()

    assert 'aria-label="On this day"' in page and "4 years ago" in page
    assert f'href="/memories/{day}/"' in page
    memory = client.get(f"/memories/{day}/")
    assert memory.status_code == 200
    body = memory.content.decode()
    assert f'id="tile-{photo.pk}"' in body and "data-memory-slideshow" in body
    assert client.get("/memories/2001-01-01/").status_code == 404
    assert client.get("/memories/not-a-day/").status_code == 404
    # A page further down the timeline, or narrowed, is not its top: no cards.
    assert 'hx-get="/memories/"' not in client.get("/?kind=photo").content.decode()
