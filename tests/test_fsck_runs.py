"""How `myphoto fsck` runs: its exit status when storage is down, its summary, the daily
check of the job worker, and the staff's Library health page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from checks import fsck
from django.core.management import call_command
from django.utils import timezone

from myphoto.photos.models import IntegrityReport

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_it_exits_2_when_storage_cannot_be_reached(settings, make_photo):
    from buckets import use_storage

    from myphoto.settings import s3_storage_options

    make_photo()
    use_storage(
        settings,
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(
                bucket="nowhere",
                endpoint_url="http://127.0.0.1:9",
                region="us-east-1",
                access_key="key",
                secret_key="secret",
            ),
        },
    )

    code, report = fsck()

    assert code == 2
    assert "could not" in report["error"]
    assert IntegrityReport.objects.get().exit_code == 2


def test_the_summary_says_what_to_do(user, make_photo, photo_storage):
    deleted, _ = make_photo("deleted.jpg")
    photo_storage.remove(deleted.storage_key)

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("fsck", stdout=out)

    text = out.getvalue()
    assert "Originals missing from storage: 1" in text
    assert f"deleted.jpg of alice: {deleted.storage_key}" in text
    assert "Restore the file from a backup" in text


# The daily check and the staff's page


def test_the_daily_check_runs_once_a_day_from_its_hour(settings, make_photo, photo_storage):
    from datetime import datetime

    from myphoto.photos.integrity.schedule import daily_check_run_if_due

    settings.MYPHOTO_FSCK_HOUR = 3
    settings.MYPHOTO_FSCK_VERIFY_BUDGET_MINUTES = 5
    make_photo()
    night = datetime(2026, 11, 27, 2, 59, tzinfo=timezone.get_current_timezone())

    assert daily_check_run_if_due(night) is None
    record = daily_check_run_if_due(night + timedelta(minutes=1))
    assert record is not None
    assert (record.trigger, record.exit_code, record.verify) == ("schedule", 0, True)
    assert record.report["verify"]["verified"] == 1
    assert daily_check_run_if_due(night + timedelta(hours=20)) is None  # the same day
    assert daily_check_run_if_due(night + timedelta(days=1, minutes=1)) is not None

    settings.MYPHOTO_FSCK_DAILY = False
    assert daily_check_run_if_due(night + timedelta(days=2, minutes=1)) is None


def test_two_workers_claim_the_day_once(settings):
    from myphoto.photos.integrity.schedule import daily_check_claim

    now = timezone.now().replace(hour=12)
    settings.MYPHOTO_FSCK_HOUR = 0

    assert daily_check_claim(now) is not None
    assert daily_check_claim(now) is None
    assert IntegrityReport.objects.count() == 1


def test_library_health_shows_staff_the_latest_report(client, user, make_photo, photo_storage):
    deleted, _ = make_photo("beach.jpg")
    photo_storage.remove(deleted.storage_key)
    fsck()

    assert client.get("/library-health/").status_code == 404  # not staff
    user.is_staff = True
    user.save()
    page = client.get("/library-health/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "1 problem found." in html
    assert "Originals missing from storage: 1" in html
    assert "beach.jpg" in html and deleted.storage_key in html
    assert 'href="/library-health/"' in client.get("/").content.decode()


def test_library_health_before_any_check(client, user):
    user.is_staff = True
    user.save()

    assert "No check has run yet" in client.get("/library-health/").content.decode()
