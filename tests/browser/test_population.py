"""An official imports a spreadsheet, fixes the reported rows, commits, then finds a
person by an unaccented name — on a 360 px phone."""

from __future__ import annotations

import csv
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser

OFFICE = "/x/15271/van-phong/dan-cu/"
HEADER = ["Số hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Quan hệ với chủ hộ",
          "Thôn/Tổ dân phố"]  # fmt: skip


def _sheet(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_official_imports_fixes_commits_and_finds_a_person(sign_in_official, tmp_path):
    from xaso.population.demo import seed

    seed(now=timezone.now())  # the demo villages (and registry) of Xã Hà Trung
    page = sign_in_official("quantri.hatrung")
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(f"{OFFICE}nhap-tep/")

    broken = _sheet(
        tmp_path / "dan-cu.csv",
        [
            ["M-1", "Đặng Thị Thủy", "12/05/1988", "Nữ", "038188123456", "Chủ hộ", "Chí Phúc"],
            ["M-1", "Đặng Văn Vượng", "31/02/2015", "Nam", "", "Con", "Chí Phúc"],
            ["M-2", "Lưu Văn Hòa", "02/02/1970", "Nam", "", "Chủ hộ", "Thôn Không Có"],
        ],
    )
    page.get_by_label("Bảng tính dân cư (.xlsx hoặc .csv)").set_input_files(str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và kiểm tra").click()

    report = page.locator("table.report")
    expect(report).to_contain_text("Ngày “31/02/2015” không có thật.")
    expect(report).to_contain_text("Thôn Không Có")
    expect(page.get_by_role("button", name="Ghi vào sổ")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    with page.expect_navigation():
        page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    fixed = _sheet(
        tmp_path / "dan-cu-da-sua.csv",
        [
            ["M-1", "Đặng Thị Thủy", "12/05/1988", "Nữ", "038188123456", "Chủ hộ", "Chí Phúc"],
            ["M-1", "Đặng Văn Vượng", "28/02/2015", "Nam", "", "Con", "Chí Phúc"],
            ["M-2", "Lưu Văn Hòa", "02/02/1970", "Nam", "", "Chủ hộ", "Đông Sơn"],
        ],
    )
    page.get_by_label("Bảng tính dân cư (.xlsx hoặc .csv)").set_input_files(str(fixed))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi vào sổ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi 3 nhân khẩu, 2 hộ")

    page.goto(OFFICE)
    page.get_by_label("Họ tên (không dấu được), số định danh, số điện thoại").fill("dang van vuong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    result = page.locator("#results").get_by_role("link", name="Đặng Văn Vượng")
    expect(result).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "population-search-360.png"), full_page=True)
    with page.expect_navigation():
        result.click()
    expect(page).to_have_url(re.compile(r"/dan-cu/nhan-khau/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đặng Văn Vượng")
