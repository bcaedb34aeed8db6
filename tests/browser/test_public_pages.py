"""Public pages on a phone and on a desktop: the commune home, live search, the calendar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser


def test_commune_home_fits_a_360px_phone(open_page):
    page = open_page(PHONE)
    response = page.goto("/x/15271/")
    assert response is not None
    assert response.status == 200

    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Hà Trung")
    province = page.get_by_role("main").get_by_role("link", name="Thanh Hóa", exact=True)
    expect(province).to_be_visible()
    expect(province).to_have_attribute("href", "/p/38/")
    leaders = page.locator("section#leaders")
    expect(leaders.get_by_role("heading")).to_have_text("Lãnh đạo UBND")
    expect(leaders).to_contain_text("Lê Văn Hùng")
    expect(leaders).to_contain_text("Chủ tịch UBND xã")
    expect(page.get_by_text("ubnd.hatrung@thanhhoa.gov.vn")).to_be_visible()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the page is {width}px wide on a {PHONE[0]}px screen"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "commune-360.png"), full_page=True)
    assert (ARTIFACTS / "commune-360.png").stat().st_size > 0


def test_home_page_live_search_finds_the_commune_without_accents(open_page):
    page = open_page(PHONE)
    page.goto("/")
    page.get_by_label("Tên xã/phường hoặc mã").press_sequentially("ha trung", delay=30)

    result = page.locator("#results").get_by_role("link", name=re.compile(r"^Xã Hà Trung\b"))
    expect(result).to_be_visible()
    expect(result).to_have_attribute("href", "/x/15271/")
    # Found in place by htmx, not by leaving the home page.
    expect(page).to_have_url(re.compile(r"/$"))

    with page.expect_navigation():
        result.click()
    expect(page).to_have_url(re.compile(r"/x/15271/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Hà Trung")


def test_calendar_due_date_calculator_answers_in_the_page(open_page):
    page = open_page()
    page.goto("/lich-lam-viec/")
    # Received on Monday 2 March 2026 at 09:00 at the counter, 3 working days: the day of
    # receipt does not count, so the result is due at the end of Thursday 5 March.
    page.get_by_label("Thời điểm nhận hồ sơ").fill("2026-03-02T09:00")
    page.get_by_label("Thời hạn (ngày làm việc)").fill("3")
    page.get_by_label("Hình thức nộp").select_option("counter")
    page.get_by_role("button", name="Tính hạn").click()

    due_box = page.locator("#due")
    expect(due_box).to_contain_text("Hẹn trả:")
    expect(due_box.locator("strong")).to_contain_text("05/03/2026")
    # The answer came into the calculator's box; the page did not change.
    expect(page).to_have_url(re.compile(r"/lich-lam-viec/$"))
    expect(page.get_by_role("heading", name="Tính ngày hẹn trả")).to_be_visible()


def test_calendar_calculator_shows_why_it_cannot_answer(open_page):
    page = open_page()
    page.goto("/lich-lam-viec/")
    # The browser accepts this date; the server only computes for 2000–2100.
    page.get_by_label("Thời điểm nhận hồ sơ").fill("1999-03-02T09:00")
    with page.expect_response(re.compile(r"/lich-lam-viec/tinh-han/")) as answer:
        page.get_by_role("button", name="Tính hạn").click()
    assert answer.value.status == 400

    expect(page.locator("#due").get_by_role("alert")).to_contain_text(
        "Vui lòng nhập thời điểm nhận hợp lệ", timeout=3_000
    )
