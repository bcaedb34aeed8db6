"""A citizen finds a procedure by an unaccented search on a 360 px phone; the commune
administrator edits it in the back office."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0] + 1, f"the page is {width}px wide on a {PHONE[0]}px phone"


def test_a_citizen_finds_a_procedure_without_accents_on_a_phone(open_page):
    from xaso.procedures.demo import seed

    seed(now=timezone.now())
    page = open_page(PHONE)
    page.goto("/x/15271/thu-tuc/")
    page.get_by_label("Tìm thủ tục (gõ có dấu hoặc không dấu)").fill("xac nhan tinh trang hon nhan")
    page.get_by_role("button", name="Tìm").click()
    link = page.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân")
    expect(link).to_be_visible()
    _no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "procedures-catalog-360.png"), full_page=True)
    link.click()
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    expect(page.get_by_text("3 ngày làm việc")).to_be_visible()
    _no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "procedures-detail-360.png"), full_page=True)


def test_the_admin_edits_a_procedure_on_a_phone(sign_in_official):
    from xaso.procedures.demo import seed

    seed(now=timezone.now())
    page = sign_in_official("quantri.hatrung")
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto("/x/15271/van-phong/thu-tuc/?q=chung+thuc+chu+ky")
    page.get_by_role("link", name="Chứng thực chữ ký trong các giấy tờ, văn bản").click()
    _no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "procedures-edit-360.png"), full_page=True)
    page.get_by_label("Lệ phí (đồng)").fill("12000")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu thủ tục 2.000884.")).to_be_visible()
    _no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "procedures-office-360.png"), full_page=True)
    page.goto("/x/15271/thu-tuc/2.000884/")
    expect(page.get_by_text("12.000 đồng", exact=False).first).to_be_visible()
