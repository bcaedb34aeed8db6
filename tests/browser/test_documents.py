"""Official documents in the office: the clerk registers an incoming document, a leader
assigns it, a specialist drafts the reply from the công văn template, the leader
approves it, the clerk numbers it, the leader signs it with the passphrase of the
certificate, the clerk issues it — and the stored PDF verifies."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser

OFFICE = "/x/15271/van-phong/van-ban/"


@pytest.fixture
def documents_site(site):
    from xaso.signatures.demo import seed

    seed(now=timezone.now())  # the demo CA and the chairman's and the commune's certificates
    return site


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Công văn số 125/UBND-KGVX của UBND tỉnh Thanh Hóa</p>").write_pdf()


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]


def _act(page, button: str) -> None:
    """The action forms are boosted by htmx: the page is swapped in place, no reload."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#actions").get_by_role("button", name=button, exact=True).click()
    assert answer.value.request.headers.get("hx-request") == "true"


def test_an_incoming_document_is_answered_by_a_signed_reply(documents_site, sign_in_official):
    from xaso.documents.models import Document
    from xaso.signatures.services import verify_pdf
    from xaso.signatures.testca import DEMO_PASSPHRASE

    # 1. The clerk registers the incoming document.
    clerk = sign_in_official("vanthu.hatrung")
    clerk.goto(OFFICE)
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="Vào sổ văn bản đến").first.click()
    clerk.get_by_label("Tệp văn bản (PDF, bản điện tử hoặc bản quét)").set_input_files(
        files=[{"name": "cv-125.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    clerk.get_by_label("Cơ quan ban hành (tác giả)").fill("UBND tỉnh Thanh Hóa")
    clerk.get_by_label("Số, ký hiệu").fill("125/UBND-KGVX")
    clerk.get_by_label("Trích yếu nội dung").fill("Về việc báo cáo chuyển đổi số quý I")
    clerk.get_by_label("Độ khẩn").select_option(label="Khẩn")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="Vào sổ", exact=True).click()
    expect(clerk.get_by_text("Đã vào sổ văn bản đến số 1.")).to_be_visible()
    incoming_url = clerk.url

    # 2. The chairman assigns it to the specialist, with instructions.
    leader = sign_in_official("chutich.hatrung")
    leader.goto(OFFICE)
    expect(leader.get_by_role("heading", name="Văn bản đến chờ giao xử lý (1)")).to_be_visible()
    leader.goto(incoming_url)
    leader.get_by_label("Người xử lý").select_option(label="Phạm Văn Nam")
    leader.get_by_label("Ý kiến chỉ đạo (bút phê)").fill("Giao Văn phòng dự thảo trả lời.")
    _act(leader, "Giao xử lý")
    expect(leader.locator("#doc-status")).to_have_text("Đang xử lý")

    # 3. The specialist drafts the reply from the công văn template and submits it.
    specialist = sign_in_official("chuyenvien.hatrung")
    specialist.goto(OFFICE)
    with specialist.expect_navigation():
        specialist.get_by_role("link", name="Về việc báo cáo chuyển đổi số quý I").click()
    with specialist.expect_navigation():
        specialist.get_by_role("link", name="Soạn văn bản trả lời").click()
    expect(specialist.get_by_label("Loại văn bản")).to_have_value("CV")
    specialist.get_by_label("Nội dung (mỗi dòng một đoạn)").fill(
        "UBND xã Hà Trung báo cáo kết quả chuyển đổi số quý I như sau.\n"
        "100 % văn bản đi được ký số."
    )
    specialist.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    specialist.get_by_label("Họ tên người ký").fill("Lê Văn Hùng")
    with specialist.expect_navigation():
        specialist.get_by_role("button", name="Lưu dự thảo").click()
    expect(specialist.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    reply_url = specialist.url
    _act(specialist, "Trình duyệt")
    expect(specialist.locator("#doc-status")).to_have_text("Chờ lãnh đạo duyệt")

    # 4. The chairman approves it.
    leader.goto(reply_url)
    _act(leader, "Duyệt")
    expect(leader.locator("#doc-status")).to_have_text("Đã duyệt, chờ cấp số")

    # 5. The clerk gives the number and date: 01/UBND-VP.
    clerk.goto(reply_url)
    _act(clerk, "Cấp số, ngày ban hành")
    expect(clerk.locator("#doc-symbol")).to_have_text("01/UBND-VP")

    # 6. The chairman signs with the passphrase of his certificate (never stored).
    leader.goto(reply_url)
    leader.get_by_label("Mật khẩu chứng thư số (không được lưu)").fill("mat-khau-sai")
    _act(leader, "Ký số")
    expect(leader.locator(".msg.error")).to_be_visible()
    leader.get_by_label("Mật khẩu chứng thư số (không được lưu)").fill(DEMO_PASSPHRASE)
    _act(leader, "Ký số")
    expect(leader.locator("#doc-status")).to_have_text("Đã ký số, chờ phát hành")

    # 7. The clerk issues it with the commune's seal signature.
    clerk.goto(reply_url)
    clerk.get_by_label("Mật khẩu chứng thư số của cơ quan (để trống: không ký số cơ quan)").fill(
        DEMO_PASSPHRASE
    )
    _act(clerk, "Phát hành")
    expect(clerk.locator("#doc-status")).to_have_text("Đã phát hành")
    ARTIFACTS.mkdir(exist_ok=True)
    clerk.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    clerk.reload()
    _fits_the_phone(clerk)
    clerk.screenshot(path=str(ARTIFACTS / "documents-issued-360.png"), full_page=True)
    clerk.goto(OFFICE)
    _fits_the_phone(clerk)
    clerk.screenshot(path=str(ARTIFACTS / "documents-dashboard-360.png"), full_page=True)
    for path, name in (("den/", "incoming"), ("di/so-dang-ky/", "outgoing-register")):
        clerk.goto(OFFICE + path)
        _fits_the_phone(clerk)
        clerk.screenshot(path=str(ARTIFACTS / f"documents-{name}-360.png"), full_page=True)
    expect(clerk.get_by_role("cell", name="01/UBND-VP")).to_be_visible()

    # 8. The stored PDF carries both signatures, and both verify.
    reply = Document.objects.get(direction="out")
    assert reply.symbol == "01/UBND-VP" and reply.status == "issued"
    # pyHanko validates with asyncio; playwright's loop runs in this thread, so use another.
    with ThreadPoolExecutor(1) as pool:
        reports = pool.submit(verify_pdf, bytes(reply.current_file().content)).result()
    assert [r.verdict for r in reports] == ["valid", "valid"]
    assert reports[0].signer == "Lê Văn Hùng"
    # The specialist closes the incoming document with the reply.
    specialist.goto(incoming_url)
    _act(specialist, "Hoàn thành xử lý")
    expect(specialist.locator("#doc-status")).to_have_text("Đã xử lý xong")
