"""A citizen on a phone: sign up with an SMS code, declare the profile once, see the account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PHONE

pytestmark = pytest.mark.browser


def _request_code(page, phone: str) -> None:
    page.get_by_label("Số điện thoại di động").fill(phone)
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi mã").click()
    expect(page.get_by_text("Đã gửi mã tới số")).to_be_visible()


def _enter_code(page, code: str) -> None:
    page.get_by_label("Mã xác thực (6 số) trong tin nhắn").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()


def test_new_citizen_signs_up_by_phone_and_fills_the_profile(open_page, sms_code):
    page = open_page(PHONE)
    page.goto("/dang-ky/")
    expect(page.get_by_role("heading", name="Đăng ký tài khoản công dân")).to_be_visible()

    _request_code(page, "0987 654 321")
    _enter_code(page, sms_code("0987654321"))

    # No profile yet: straight to the one-time profile form.
    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so/$"))
    expect(page.get_by_role("heading", name="Hồ sơ công dân")).to_be_visible()
    page.get_by_label("Họ và tên").fill("Phạm Quốc Việt")
    page.get_by_label("Ngày sinh").fill("1995-06-15")
    page.get_by_label("Giới tính").select_option("M")
    # 038 = born in Thanh Hóa; 0 = 20th century, male; 95 = 1995.
    page.get_by_label("Số định danh cá nhân").fill("038095001234")
    page.get_by_label("Mã xã/phường nơi cư trú").fill("15271")
    page.get_by_label("Địa chỉ").fill("Thôn Chí Phúc")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu hồ sơ").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.get_by_role("status")).to_contain_text("Đã lưu hồ sơ của bạn.")
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Phạm Quốc Việt")
    expect(facts).to_contain_text("15/06/1995")
    expect(facts).to_contain_text("038095001234")
    expect(facts.get_by_role("link", name="Xã Hà Trung")).to_have_attribute("href", "/x/15271/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


def test_profile_form_rejects_an_identity_number_of_another_birth_year(open_page, sms_code):
    page = open_page(PHONE)
    page.goto("/dang-ky/")
    _request_code(page, "0987654322")
    _enter_code(page, sms_code("0987654322"))

    page.get_by_label("Họ và tên").fill("Phạm Quốc Việt")
    page.get_by_label("Ngày sinh").fill("1996-06-15")
    page.get_by_label("Giới tính").select_option("M")
    page.get_by_label("Số định danh cá nhân").fill("038095001234")  # says 1995
    page.get_by_label("Mã xã/phường nơi cư trú").fill("15271")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu hồ sơ").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so/$"))
    expect(page.locator(".errorlist")).to_contain_text("1995")


def test_registered_citizen_signs_in_by_phone_and_sees_the_account(open_page, sms_code):
    page = open_page(PHONE)
    page.goto("/dang-nhap/dien-thoai/")
    expect(page.get_by_role("heading", name="Đăng nhập bằng số điện thoại")).to_be_visible()

    _request_code(page, "0912000001")
    _enter_code(page, sms_code("0912000001"))

    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.locator("dl.facts")).to_contain_text("Nguyễn Văn An")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_a_wrong_code_is_refused(open_page, sms_code):
    page = open_page(PHONE)
    page.goto("/dang-nhap/dien-thoai/")
    _request_code(page, "0912000002")
    right = sms_code("0912000002")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    _enter_code(page, wrong)

    expect(page).to_have_url(re.compile(r"/dang-nhap/dien-thoai/$"))
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
