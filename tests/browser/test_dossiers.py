"""The one-stop shop end to end on a phone: a citizen applies online with a file, the
one-stop officer receives it, the specialist and the leader process it, the officer
returns the result, and the citizen tracks it on the public page and rates it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dossiers-{name}-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0], name


def _official(sign_in_official, username):
    page = sign_in_official(username)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    return page


def _act(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã cập nhật hồ sơ.")


def test_apply_process_return_track_and_rate(open_page, sign_in_official, sms_code, site):
    from tests.dossiers.conftest import make_procedure
    from xaso.dossiers.models import Dossier
    from xaso.geo.models import Commune

    make_procedure(Commune.objects.get(code=15271))

    # The citizen signs in with an SMS code and applies online.
    citizen = open_page(PHONE)
    citizen.goto("/dang-nhap/dien-thoai/")
    citizen.get_by_label("Số điện thoại di động").fill("0912000001")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Gửi mã").click()
    citizen.get_by_label("Mã xác thực (6 số) trong tin nhắn").fill(sms_code("0912000001"))
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Xác nhận").click()
    citizen.goto("/x/15271/thu-tuc/1.001193/nop/")
    expect(citizen.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    # Prefilled from the profile: nothing to declare twice.
    expect(citizen.get_by_label("Họ và tên người nộp")).to_have_value("Nguyễn Văn An")
    citizen.get_by_label("Họ và tên người được khai sinh").fill("Nguyễn Văn Bình")
    citizen.get_by_label("Ngày sinh").fill("2026-10-01")
    citizen.get_by_label(re.compile("Giấy tờ đính kèm")).set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _shot(citizen, "apply")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Nộp hồ sơ").click()
    expect(citizen.get_by_role("status")).to_contain_text("Đã nộp hồ sơ")
    dossier = Dossier.objects.get()
    expect(citizen.get_by_role("heading", name=dossier.code)).to_be_visible()
    expect(citizen.locator(".ds-state").first).to_contain_text("Mới đăng ký")
    _shot(citizen, "mine")

    office = f"/x/15271/van-phong/ho-so/{dossier.pk}/"
    # The one-stop officer receives it and hands it to the specialist.
    officer = _official(sign_in_official, "motcua.hatrung")
    officer.goto("/x/15271/van-phong/ho-so/")
    expect(officer.get_by_role("link", name=dossier.code)).to_be_visible()
    _shot(officer, "inbox")
    officer.get_by_role("link", name=dossier.code).click()
    expect(officer.get_by_text("038085001234")).to_be_visible()
    _act(officer, "Tiếp nhận hồ sơ")
    officer.get_by_label("Chuyển xử lý cho").select_option(label="Phạm Văn Nam")
    _act(officer, "Chuyển xử lý")
    _shot(officer, "office-detail")

    # The specialist checks it and passes it to the leader.
    specialist = _official(sign_in_official, "chuyenvien.hatrung")
    specialist.goto(office)
    specialist.get_by_label("Chuyển bước tiếp theo cho").select_option(label="Lê Văn Hùng")
    specialist.get_by_label("Ý kiến").fill("Hồ sơ đầy đủ, đề nghị phê duyệt.")
    _act(specialist, "Chuyển bước tiếp theo")

    # The leader approves: the result is ready.
    leader = _official(sign_in_official, "chutich.hatrung")
    leader.goto(office)
    expect(leader.get_by_text("038******234")).to_be_visible()  # masked for the leader
    leader.get_by_label("Kết quả giải quyết").fill("Đã cấp giấy khai sinh.")
    _act(leader, "Hoàn thành xử lý")

    # The officer returns the result at the desk.
    officer.goto(office)
    officer.get_by_label("Cách trả kết quả").select_option("pickup")
    _act(officer, "Trả kết quả")
    expect(officer.locator(".ds-state").first).to_contain_text("Đã trả kết quả")

    # The citizen follows the QR link of the receipt and gives the last 4 digits.
    citizen.goto(f"/tra-cuu-ho-so/?ma={dossier.code}")
    citizen.get_by_label("4 số cuối điện thoại của người nộp").fill("0001")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Tra cứu").click()
    result = citizen.locator("#ket-qua")
    expect(result).to_contain_text("Đã trả kết quả")
    expect(result).not_to_contain_text("Nguyễn Văn An")
    _shot(citizen, "lookup")

    # … and rates it on the nine indices.
    citizen.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    rating = citizen.locator("#danh-gia")
    expect(rating).to_contain_text("Thời gian giải quyết so với quy định")
    rating.get_by_role("group", name="Thái độ của cán bộ, công chức").get_by_label(
        "Bình thường (1 điểm)"
    ).check()
    _shot(citizen, "rate")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.get_by_role("status")).to_contain_text("Cảm ơn bạn đã đánh giá.")
    expect(citizen.get_by_text("Tổng điểm: 17/18")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.state == 10 and dossier.rating.total == 17
