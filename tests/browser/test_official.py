"""Officials sign in with a password; each reaches the office of their own commune only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OFFICE = "/x/15271/van-phong/"


def test_official_signs_in_and_reaches_the_office(sign_in_official):
    page = sign_in_official("motcua.hatrung")

    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.get_by_role("link", name="Trần Thị Lan")).to_be_visible()
    roles = page.get_by_role("heading", name="Vai trò").locator("..")
    with page.expect_navigation():
        roles.get_by_role("link", name="Xã Hà Trung").click()

    expect(page).to_have_url(re.compile(rf"{OFFICE}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn phòng — Xã Hà Trung")
    expect(page.get_by_role("heading", name="Cán bộ")).to_be_visible()
    expect(page.get_by_text("Lê Văn Hùng")).to_be_visible()


def test_the_office_asks_for_sign_in_then_returns_to_it(open_page):
    from xaso.accounts.demo import DEMO_PASSWORD

    page = open_page()
    page.goto(OFFICE)
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.get_by_label("Tên đăng nhập").fill("quantri.hatrung")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập", exact=True).click()

    expect(page).to_have_url(re.compile(rf"{OFFICE}$"))
    # The commune admin may edit the public information of the commune.
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_be_visible()


def test_a_wrong_password_is_refused(open_page):
    page = open_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("motcua.hatrung")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập", exact=True).click()

    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    expect(page.locator(".errorlist")).to_be_visible()
    assert page.goto(OFFICE).url.split("?")[0].endswith("/dang-nhap/")


def test_official_of_another_commune_gets_403_on_the_office(sign_in_official):
    page = sign_in_official("motcua.xakhac")
    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))

    response = page.goto(OFFICE)

    assert response is not None
    assert response.status == 403
    expect(page.get_by_text("Tài khoản của bạn không có quyền xem trang này.")).to_be_visible()
    expect(page.get_by_text("Lê Văn Hùng")).to_have_count(0)

    # Their own office still opens.
    response = page.goto("/x/15274/van-phong/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Hà Long")
