"""The scrubber: jumping to a month with the mouse, the keyboard and a thumb, and
scrolling on from there both ways."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import PHONE, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def years_of_photos(owner, count: int = 3000, *, first_year: int = 2010, years: int = 15) -> None:
    """`count` photos spread evenly over `years` years, made in bulk; one real thumbnail."""

    from bulk import bulk_photos
    from PIL import Image

    from myphoto.photos.services.counts import month_counts_rebuild
    from myphoto.photos.storage import get_storage

    for size, box in (("sm", (300, 200)), ("md", (900, 600))):
        out = io.BytesIO()
        Image.new("RGB", box, (90, 140, 190)).save(out, "WEBP")
        get_storage().put(f"derivatives/shared/{size}.webp", io.BytesIO(out.getvalue()))
    bulk_photos(
        owner,
        count,
        start=datetime(first_year, 1, 1, 12, tzinfo=UTC),
        every=timedelta(days=365 * years) / count,
        thumbnail_key="derivatives/shared/sm.webp",
        preview_key="derivatives/shared/md.webp",
    )
    month_counts_rebuild(owner=owner)


# The day at the top of the view, under the top bar.
TOP_DAY = """() => {
    const line = document.querySelector('.topbar').getBoundingClientRect().bottom + 8;
    const day = [...document.querySelectorAll('#timeline .day')]
        .find((section) => section.getBoundingClientRect().bottom > line);
    return day ? day.dataset.day : null;
}"""


def newest_day_of(owner, year: int, month: int) -> str:
    from django.utils import timezone

    newest = (
        Photo.objects.filter(owner=owner, taken_at__year=year, taken_at__month=month)
        .order_by("-taken_at")
        .first()
    )
    return timezone.localtime(newest.taken_at).date().isoformat()


def scrubber_point(page, month: str) -> tuple[float, float]:
    """Where on the scrubber `month` is: the middle of its share of the height."""
    return page.evaluate(
        """(wanted) => {
            const months = JSON.parse(document.getElementById('scrubber-months').textContent);
            const total = months.reduce((sum, m) => sum + m.count, 0);
            let before = 0;
            for (const m of months) {
                if (m.month === wanted) break;
                before += m.count;
            }
            const share = months.find((m) => m.month === wanted).count;
            const box = document.querySelector('[data-scrubber]').getBoundingClientRect();
            return [box.left + box.width / 2, box.top + box.height * (before + share / 2) / total];
        }""",
        month,
    )


def test_scrubber_jumps_to_a_month_and_scrolls_on_in_both_directions(open_page, user):
    years_of_photos(user)
    page = open_page()
    scrubber = page.get_by_role("navigation", name="Jump to a month")
    expect(scrubber).to_be_visible()
    handle = page.get_by_role("slider", name="Month")
    expect(handle).to_have_attribute("aria-valuetext", "December 2024")
    screenshot(page, "scrubber")

    x, y = scrubber_point(page, "2016-05")
    page.mouse.move(x, y)
    expect(page.locator(".scrubber-bubble")).to_have_text("May 2016")
    pages_asked = []
    page.on(
        "request", lambda r: "month=" in r.url or "cursor=" in r.url and pages_asked.append(r.url)
    )
    page.mouse.down()
    page.mouse.up()

    expect(page).to_have_url(re.compile(r"\?month=2016-05$"))
    # The month's own page, loaded directly: no page of the years before it.
    first_day = newest_day_of(user, 2016, 5)
    expect(page.locator(f'#timeline .day[data-day="{first_day}"]')).to_be_in_viewport()
    expect(handle).to_have_attribute("aria-valuetext", "May 2016")
    assert [url for url in pages_asked if "cursor=" in url] == []
    # Newer photos load above without moving the view: the month is still at the top.
    expect(page.locator("#timeline .day").first).not_to_have_attribute(
        "data-day", re.compile("^2016-05")
    )
    page.wait_for_timeout(300)
    assert page.evaluate(TOP_DAY) == first_day
    screenshot(page, "scrubber-jumped")

    # Scrolling up goes on into the month after.
    for _ in range(20):
        page.mouse.wheel(0, -150)
        page.wait_for_timeout(100)
        if page.evaluate(TOP_DAY).startswith("2016-06"):
            break
    assert page.evaluate(TOP_DAY).startswith("2016-06")
    expect(page).to_have_url(re.compile(r"\?month=2016-06$"))

    # Back returns to where the jump started; a reload keeps the place.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"month=2016"))
    expect(page.locator('#timeline .day[data-day^="2024-12"]').first).to_be_in_viewport()
    page.goto(page.url.split("?")[0] + "?month=2012-03")
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2012, 3)}"]')
    ).to_be_in_viewport()
    page.wait_for_timeout(300)
    assert page.evaluate(TOP_DAY).startswith("2012-03")


def test_scrubber_from_the_keyboard(open_page, user):
    years_of_photos(user, 1500)
    page = open_page()
    handle = page.get_by_role("slider", name="Month")
    handle.focus()

    page.keyboard.press("End")  # the oldest photos
    expect(page).to_have_url(re.compile(r"\?month=2010-01$"))
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2010, 1)}"]')
    ).to_be_in_viewport()
    handle.focus()
    page.keyboard.press("PageUp")  # a year newer
    expect(handle).to_have_attribute("aria-valuetext", "January 2011")
    expect(page).to_have_url(re.compile(r"\?month=2011-01$"))
    handle.focus()
    page.keyboard.press("ArrowUp")  # a month newer
    expect(page).to_have_url(re.compile(r"\?month=2011-02$"))
    page.locator("h1").click()  # focus leaves the scrubber: Home is the page's
    page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"\?month=2024-12$"))
    expect(page.locator('#timeline .day[data-day^="2024-12"]').first).to_be_in_viewport()
    expect(handle).to_have_attribute("aria-valuenow", str(15 * 12 - 1))  # the top is the max
    # A year's link, activated from the keyboard, jumps to its newest month.
    page.get_by_role("link", name="2013").press("Enter")
    expect(page).to_have_url(re.compile(r"\?month=2013-12$"))


def test_scrubber_has_a_thumb_sized_handle_on_a_phone(open_page, user):
    years_of_photos(user, 1500)
    page = open_page(PHONE)
    handle = page.get_by_role("slider", name="Month")
    expect(handle).to_be_visible()
    box = handle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44

    x, y = scrubber_point(page, "2015-07")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(x, y, steps=8)
    expect(page.locator(".scrubber-bubble")).to_have_text("July 2015")
    screenshot(page, "scrubber-phone")
    page.mouse.up()

    expect(page).to_have_url(re.compile(r"\?month=2015-07$"))
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2015, 7)}"]')
    ).to_be_in_viewport()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_a_search_pages_months_arrive_after_its_photos_and_jump(open_page, user, live_server):
    """A search's count and scrubber are asked for once its photos show; then they work as
    the timeline's do, keeping the words."""
    years_of_photos(user, 600, first_year=2012, years=3)
    page = open_page()
    page.goto(f"{live_server.url}/search/?q=2013")

    expect(page.locator("#photo-count")).to_have_text(re.compile(r"^\d+ photos$"))
    count = int(page.locator("#photo-count").get_attribute("data-count"))
    assert count == Photo.objects.filter(owner=user, taken_at__year=2013).count()
    handle = page.get_by_role("slider", name="Month")
    expect(handle).to_have_attribute("aria-valuetext", "December 2013")
    handle.focus()
    page.keyboard.press("End")
    expect(page).to_have_url(re.compile(r"\?q=2013&month=2013-01$"))
    expect(
        page.locator(f'#timeline .day[data-day="{newest_day_of(user, 2013, 1)}"]')
    ).to_be_in_viewport()
    assert not page.locator('#timeline .day[data-day^="2014"]').count()
