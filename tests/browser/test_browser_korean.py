"""A Korean browser gets Korean pages: the language, the dates and the counted nouns."""

from __future__ import annotations

from datetime import UTC, datetime

import passes
import pytest
from bulk import retake
from playwright.sync_api import expect

from myphoto.photos.models import Photo

from .pages import DESKTOP, PHONE, accessible, library, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), passes.page_once]


def korean_page(chromium, live_server, viewport=DESKTOP):
    context = chromium.new_context(viewport=viewport, locale="ko-KR")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.get_by_label("사용자 이름").fill("alice")
    page.get_by_label("비밀번호").fill("correct horse battery")
    accessible(page, "the login page in Korean")
    page.get_by_role("button", name="로그인").click()
    return context, page


def test_a_korean_browser_gets_korean_pages(chromium, live_server, make_photo, user):
    photos = library(make_photo, 3)
    retake(Photo.objects.filter(pk=photos[0].pk), datetime(2023, 10, 6, 9, tzinfo=UTC))
    context, page = korean_page(chromium, live_server)
    try:
        expect(page.get_by_role("heading", level=1)).to_have_text("사진 사진 3장")
        expect(page.locator("#photo-count")).to_have_text("사진 3장")
        expect(page.locator('.day[data-day="2023-10-06"] .day-long')).to_have_text(
            "2023년 10월 6일 (금)"
        )
        expect(
            page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="휴지통")
        ).to_be_visible()
        accessible(page, "the timeline in Korean")
        screenshot(page, "timeline-ko")

        page.locator("#timeline .tile a.open").first.click()
        viewer = page.get_by_role("dialog", name="사진 보기")
        accessible(page, "the viewer in Korean")
        # The scripts speak Korean too (the JavaScript catalogue).
        viewer.get_by_role("button", name="삭제").click()
        expect(page.locator(".toast-text")).to_have_text("사진 1장을 휴지통으로 옮겼습니다.")
        # The count follows by its number ("사진 3장" is no number to parse).
        expect(page.locator("#photo-count")).to_have_text("사진 2장")
        page.locator(".toast").get_by_role("button", name="실행 취소").click()
        expect(page.locator(".toast-text")).to_have_text("사진 1장을 복원했습니다.")
        expect(page.locator("#photo-count")).to_have_text("사진 3장")
        page.keyboard.press("Escape")

        page.goto(f"{live_server.url}/trash/")
        expect(page.get_by_text("휴지통이 비어 있습니다")).to_be_visible()
        page.goto(f"{live_server.url}/account/")
        expect(page.get_by_role("heading", name="언어와 테마")).to_be_visible()
        # English chosen in Settings wins over the browser's Korean.
        page.get_by_role("combobox", name="언어").select_option("en")
        page.get_by_role("button", name="저장").click()
        expect(page.get_by_role("heading", name="Settings")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


def test_korean_on_a_phone(chromium, live_server, make_photo, user):
    library(make_photo, 4)
    context, page = korean_page(chromium, live_server, PHONE)
    try:
        expect(page.locator("#photo-count")).to_have_text("사진 4장")
        page.get_by_role("button", name="메뉴").click()
        expect(page.get_by_role("link", name="즐겨찾기")).to_be_visible()
        accessible(page, "the phone's menu in Korean")
        screenshot(page, "timeline-ko-phone")
    finally:
        context.close()
