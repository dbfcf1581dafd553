"""The pages in a real browser: Debian's Chromium driven by Playwright against a live
server, one browser for all of them. Without Chromium these tests are left out (CI sets
MYPHOTO_REQUIRE_BROWSER, and then its absence is an error)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .pages import CHROMIUM, DESKTOP, accessible

if not Path(CHROMIUM).exists():
    if os.environ.get("MYPHOTO_REQUIRE_BROWSER"):
        raise RuntimeError(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    collect_ignore_glob = ["test_*.py"]
else:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)


@pytest.fixture(scope="package")
def _sync_orm_beside_playwright():
    # Playwright's sync API keeps an event loop running in this thread; the ORM
    # calls that the tests make between browser steps are still plain sync calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(_sync_orm_beside_playwright):
    """One browser for every browser test; each test opens contexts of its own."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, live_server, user):
    """Open a logged-in page at a viewport size; screenshots go to test-artifacts/."""
    contexts = []
    refused = []  # what the Content-Security-Policy blocked, on any page of the test
    thrown = []  # what the page's scripts threw and nobody caught

    def open_(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and refused.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: thrown.append(str(error)))
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("correct horse battery")
        accessible(page, "the login page")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Photos")).to_be_visible()
        # The grid is hidden until laid out: a forced click before that reaches nothing.
        expect(page.locator(".justify:not(.justified)")).to_have_count(0)
        return page

    yield open_
    for context in contexts:
        context.close()
    _wait_for_the_server_to_finish()
    assert refused == []
    assert thrown == []


def _wait_for_the_server_to_finish(timeout: float = 5) -> None:
    """Requests the closed pages left in flight (thumbnails) finish before the test's
    teardown empties the tables: on PostgreSQL a request holding a row lock and the
    flush's TRUNCATE would otherwise wait on each other."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    # Idle for a while, not for an instant: a request the server had accepted but not yet
    # begun (its query not sent) is not seen, and met the TRUNCATE in a deadlock once.
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            busy = cursor.fetchone()[0]
        now = time.monotonic()
        if busy:
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif now - idle_since >= 0.4:
            return
        time.sleep(0.05)
