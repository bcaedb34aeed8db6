"""Citizen feedback on a phone: report with a photo, an official answers, the public sees it."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 60, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def feedback_site(site, settings, tmp_path):
    from xaso.feedback.demo import seed

    settings.MEDIA_ROOT = tmp_path / "media"
    seed(now=timezone.now())
    return site


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


def test_citizen_reports_with_a_photo_official_answers_public_sees_it(
    feedback_site, open_page, sign_in_official
):
    from xaso.accounts.sms import MemoryTransport
    from xaso.feedback.models import Report

    # 1. A citizen, not signed in, on a small phone.
    page = open_page(PHONE)
    page.goto("/x/15271/phan-anh/")
    expect(page.get_by_role("heading", name="Phản ánh, kiến nghị")).to_be_visible()
    _fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Gửi phản ánh").first.click()
    expect(page.get_by_role("heading", name="Gửi phản ánh, kiến nghị")).to_be_visible()
    page.get_by_label("Lĩnh vực").select_option(label="Đường giao thông")
    page.get_by_label("Nội dung phản ánh").fill("Ổ gà sâu trước cổng trường tiểu học.")
    # The map (vendored Leaflet) picks the location with a tap.
    the_map = page.locator("#pick-map")
    expect(the_map).to_be_visible()
    the_map.click(position={"x": 150, "y": 120})
    expect(page.locator("#picked")).to_have_text(re.compile(r"^\d+\.\d+, \d+\.\d+$"))
    page.get_by_label("Địa chỉ, nơi xảy ra").fill("Cổng trường tiểu học Hà Trung")
    page.get_by_label("Ảnh (tối đa").set_input_files(
        files=[{"name": "o-ga.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("Số điện thoại nhận thông báo").fill("0987 111 222")
    _fits_the_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "feedback-form-360.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi phản ánh").click()

    expect(page).to_have_url(re.compile(r"/x/15271/phan-anh/\d+/\?token=[0-9a-f]{32}$"))
    expect(page.get_by_role("status")).to_contain_text("Đã gửi phản ánh số")
    report = Report.objects.get(description="Ổ gà sâu trước cổng trường tiểu học.")
    assert report.photos.count() == 1 and report.lat is not None
    expect(page.get_by_role("img", name="Ảnh hiện trường 1")).to_be_visible()
    assert any(m.to == "0987111222" for m in MemoryTransport.outbox)

    # 2. The one-stop officer accepts it and answers with a template.
    office = sign_in_official("motcua.hatrung")
    office.goto(f"/x/15271/van-phong/phan-anh/{report.pk}/")
    with office.expect_navigation():
        office.get_by_role("button", name="Chấp nhận").click()
    expect(office.get_by_role("status")).to_contain_text("Đã cập nhật phản ánh.")
    office.get_by_label("Mẫu trả lời").select_option(label="Đã khắc phục")
    expect(office.get_by_label("Trả lời chính thức (công khai)")).to_have_value(
        re.compile("đã kiểm tra hiện trường")
    )
    with office.expect_navigation():
        office.get_by_role("button", name="Trả lời", exact=True).click()
    expect(office.get_by_role("status")).to_contain_text("Đã cập nhật phản ánh.")

    # 3. The public page shows the answer and the timeline, and still fits the phone.
    public = open_page(PHONE)
    public.goto(f"/x/15271/phan-anh/{report.pk}/")
    expect(public.get_by_role("heading", name="Trả lời của UBND xã")).to_be_visible()
    expect(public.locator("#answer")).to_contain_text("đã kiểm tra hiện trường")
    expect(public.get_by_text("Ẩn danh")).to_be_visible()
    expect(public.get_by_role("heading", name="Diễn biến xử lý")).to_be_visible()
    _fits_the_phone(public)
    public.screenshot(path=str(ARTIFACTS / "feedback-answer-360.png"), full_page=True)

    # 4. The reporter, back through the private link, rates the answer.
    page.reload()
    page.get_by_label("Mức hài lòng").select_option("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status")).to_contain_text("Cảm ơn bạn đã đánh giá.")
    report.refresh_from_db()
    assert report.rating == 5
