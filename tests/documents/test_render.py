"""The generated PDF carries every part Decree 30 requires, with its diacritics."""

import datetime as dt

import pytest

from xaso.core.text import date_words

pytestmark = pytest.mark.dates


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
        (dt.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
    ],
)
def test_dates_are_written_as_decree_30_says(day, expected):
    assert date_words(day) == expected


def pdf_text(data: bytes) -> str:
    """The text as a reader sees it (poppler's pdftotext)."""
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: apt-get install -y poppler-utils"
    out = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_a_generated_cong_van_has_every_required_part(approved, clerk):
    from xaso.documents.services import number

    doc = approved()
    draft_text = pdf_text(bytes(doc.current_file().content))
    assert "Số:" in draft_text and "/UBND-VP" in draft_text
    assert "ngày" in draft_text and "năm 20" in draft_text
    when = dt.datetime(2026, 2, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    doc = number(clerk, doc, now=when)
    text = " ".join(pdf_text(bytes(doc.current_file().content)).split())
    for part in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "XÃ HÀ TRUNG",
        "Số: 01/UBND-VP",
        "V/v trả lời về việc triển khai chuyển đổi số",
        "Hà Trung, ngày 05 tháng 02 năm 2026",
        "Kính gửi: Ủy ban nhân dân tỉnh Thanh Hóa",
        "Đã hoàn thành 100 % hồ sơ trực tuyến.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Hùng",
        "Nơi nhận:",
        "- Như trên;",
        "- Thường trực Đảng ủy xã;",
        "- Lưu: VT, VP.",
    ]:
        assert part in text, part


def test_a_decision_has_its_type_name_and_authority(approved, clerk):
    from xaso.documents.services import number

    doc = approved(
        doc_type="QĐ",
        summary="Về việc thành lập Tổ công nghệ số cộng đồng",
        addressees="",
        basis="Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;",
        body="Điều 1. Thành lập Tổ công nghệ số cộng đồng xã Hà Trung.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
        signer_prefix="KT.",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Thị Mai",
        drafting_unit="",
        archive_unit="",
        recipients_text="Như Điều 3;",
    )
    when = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    doc = number(clerk, doc, now=when)
    text = " ".join(pdf_text(bytes(doc.current_file().content)).split())
    for part in [
        "Số: 01/QĐ-UBND",
        "Hà Trung, ngày 09 tháng 3 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc thành lập Tổ công nghệ số cộng đồng",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HÀ TRUNG",
        "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Thị Mai",
        "- Như Điều 3;",
        "- Lưu: VT.",
    ]:
        assert part in text, part
    assert "V/v" not in text
