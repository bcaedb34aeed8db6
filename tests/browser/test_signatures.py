"""Verification and signing in a real browser, on a 360-px phone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.support import ARTIFACTS, PHONE
from xaso.signatures.testca import DEMO_PASSPHRASE, sample_pdf

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_leader_signs_a_pdf_and_anyone_verifies_it_on_a_phone(
    open_page,
    sign_in_official,
    tmp_path,
):
    from xaso.signatures.demo import seed

    seed(now=timezone.now())
    source = tmp_path / "quyet-dinh.pdf"
    source.write_bytes(sample_pdf(2))

    page = sign_in_official("chutich.hatrung")
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto("/x/15271/van-phong/chu-ky-so/")
    assert "Lê Văn Hùng (demo)" in page.content()
    assert _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "signatures-credentials-360.png", full_page=True)
    page.get_by_role("link", name="Ký một tệp PDF").click()
    assert _fits(page)
    page.screenshot(path=ARTIFACTS / "signatures-sign-360.png", full_page=True)
    page.get_by_label("Tệp PDF cần ký").set_input_files(str(source))
    page.get_by_label("Ký bằng").select_option(label="Cá nhân: Lê Văn Hùng (demo)")
    page.get_by_label("Mật khẩu tệp chứng thư hoặc mã PIN").fill(DEMO_PASSPHRASE)
    page.get_by_label("Thẩm quyền ký").select_option("TM.")
    page.get_by_label("Chức vụ").fill("Chủ tịch")
    with page.expect_download() as info:
        page.get_by_role("button", name="Ký và tải về").click()
    signed = tmp_path / "signed.pdf"
    info.value.save_as(signed)

    public = open_page(PHONE)
    public.goto("/xac-thuc-chu-ky/")
    public.get_by_label("Tệp PDF đã ký").set_input_files(str(signed))
    public.get_by_role("button", name="Kiểm tra").click()
    public.get_by_text("Tất cả 1 chữ ký đều hợp lệ.").wait_for()
    public.screenshot(path=ARTIFACTS / "signatures-verify-360.png", full_page=True)
    assert "Lê Văn Hùng" in public.content(), public.inner_text("main")
    assert _fits(public)
    public.screenshot(path=ARTIFACTS / "signatures-verify-360.png", full_page=True)
