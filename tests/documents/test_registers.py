"""Both registers: the ten columns, the order of the book, the pages and the export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xaso.documents import selectors, services
from xaso.documents.models import Document

pytestmark = pytest.mark.dates

VN = dt.timezone(dt.timedelta(hours=7))


def test_the_incoming_register_has_ten_columns_in_arrival_order(
    incoming, leader, specialist, commune_a
):
    first = incoming(summary="Văn bản thứ nhất", now=dt.datetime(2026, 3, 2, 8, tzinfo=VN))
    incoming(
        summary="Văn bản thứ hai", urgency="hoa_toc", now=dt.datetime(2026, 3, 3, 8, tzinfo=VN)
    )
    services.assign(leader, first, assignee=specialist, now=dt.datetime(2026, 3, 2, 9, tzinfo=VN))
    rows = selectors.incoming_register(Document.objects.filter(commune=commune_a))
    assert len(selectors.INCOMING_COLUMNS) == 10 and all(len(r) == 10 for r in rows)
    assert [str(c) for c in selectors.INCOMING_COLUMNS[:3]] == ["Ngày đến", "Số đến", "Tác giả"]
    assert rows[0][:6] == [
        "02/03/2026",
        1,
        "UBND tỉnh Thanh Hóa",
        "125/UBND-KGVX",
        "03/02/2026",
        "Công văn: Văn bản thứ nhất",
    ]
    assert rows[0][6] == "Phạm Văn Nam" and rows[0][7] == "Nhận điện tử 02/03/2026"
    assert rows[1][1] == 2 and "Hỏa tốc" in rows[1][9]


def test_the_outgoing_register_lists_numbered_documents_by_number(approved, clerk, commune_a):
    approved()  # not numbered: not in the book
    a = services.number(clerk, approved(), now=dt.datetime(2026, 4, 1, 9, tzinfo=VN))
    services.number(clerk, approved(doc_type="QĐ"), now=dt.datetime(2026, 4, 2, 9, tzinfo=VN))
    services.issue(clerk, a, now=dt.datetime(2026, 4, 1, 10, tzinfo=VN))
    rows = selectors.outgoing_register(Document.objects.filter(commune=commune_a))
    assert len(selectors.OUTGOING_COLUMNS) == 10 and len(rows) == 2
    assert [str(c) for c in selectors.OUTGOING_COLUMNS] == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert rows[0] == [
        "01/UBND-VP",
        "01/04/2026",
        "Công văn: trả lời về việc triển khai chuyển đổi số",
        "Lê Văn Hùng",
        "Như trên; Thường trực Đảng ủy xã",
        "VT, VP",
        1,
        "01/04/2026",
        "Gửi điện tử",
        "",
    ]
    assert rows[1][0] == "02/QĐ-UBND" and rows[1][7] == "" and "chờ ký" in rows[1][9]


def test_the_registers_export_to_excel(login_as, incoming, approved, clerk, commune_a):
    incoming()
    services.number(clerk, approved())
    c = login_as("vanthu.hatrung")
    base = f"/x/{commune_a.code_str}/van-phong/van-ban/"
    for path, title in (
        ("den/so-dang-ky/", "Sổ đăng ký văn bản đến"),
        ("di/so-dang-ky/", "Sổ đăng ký văn bản đi"),
    ):
        page = c.get(base + path)
        assert page.status_code == 200 and title in page.content.decode()
        r = c.get(base + path + "?format=xlsx")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
        sheet = load_workbook(io.BytesIO(r.content)).active
        rows = list(sheet.values)
        assert rows[0][0].startswith(title)
        assert len(rows[1]) == 10 and rows[2] == tuple(f"({i})" for i in range(1, 11))
        assert len(rows) == 4


def test_the_registers_print_to_pdf(login_as, incoming, commune_a):
    from tests.documents.test_render import pdf_text

    incoming(summary="Về việc đẩy mạnh chuyển đổi số")
    c = login_as("chutich.hatrung")
    r = c.get(f"/x/{commune_a.code_str}/van-phong/van-ban/den/so-dang-ky/?format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(r.content).split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "Số đến" in text
    assert "KGVX" in text and "đẩy mạnh chuyển đổi số" in text
