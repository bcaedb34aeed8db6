"""Paper forms 01-05 (A5 PDF) and the register 06 (A4 PDF, Excel), read back from the bytes.

The PDFs are parsed with pyHanko's reader (already a dependency): page count and
MediaBox, the text through each font's ToUnicode map (so the diacritics are checked in
the file a citizen prints, not in the HTML), and the QR image decoded pixel by pixel and
compared with the QR matrix of the tracking URL.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zlib
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import segno
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from xaso.dossiers import paper
from xaso.dossiers.paper import PaperDossier, PaperStep

pytestmark = pytest.mark.dates

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
SITE = "https://xaso.example.vn"
PERIOD = {
    "agency_name": "UBND xã Hà Trung",
    "date_from": dt.date(2026, 2, 1),
    "date_to": dt.date(2026, 2, 28),
}


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def dossier(code: str = "000.00.38.H56-260205-0001", **changes) -> PaperDossier:
    values = dict(
        code=code,
        agency_name="UBND xã Hà Trung",
        commune_name="Xã Hà Trung",
        province_name="Tỉnh Thanh Hóa",
        procedure_code="1.001193",
        procedure_name="Thủ tục đăng ký khai sinh",
        field="Hộ tịch",
        applicant_name="Đặng Văn Vượng",
        applicant_address="Thôn Chí Phúc, xã Hà Trung, tỉnh Thanh Hóa",
        applicant_phone="0912345678",
        applicant_id_masked="038*******21",
        channel_label="Nộp trực tuyến",
        received_at=at(5, 8, 30),
        due_at=at(6, 17),
        documents=[
            ("Tờ khai đăng ký khai sinh", 1),
            ("Giấy chứng sinh", 1),
            ("Giấy chứng nhận kết hôn của cha mẹ", 2),
        ],
        fee=0,
        received_by="Nguyễn Thị Hạnh",
        tracking_url=f"{SITE}/tra-cuu-ho-so/?ma={code}",
        reason="Thiếu bản sao Giấy chứng nhận kết hôn của cha, mẹ.",
        new_due_at=at(10, 17),
        deadline_days=1,
        steps=[
            PaperStep(
                at=at(5, 9),
                label="Bộ phận một cửa giao công chức Tư pháp - Hộ tịch",
                actor="Lê Văn Bình",
                on_time=True,
            ),
            PaperStep(
                at=at(6, 16),
                label="Công chức Tư pháp - Hộ tịch trình lãnh đạo UBND",
                actor="Trần Văn Cường",
                note="Trình ký",
                on_time=False,
            ),
        ],
    )
    values.update(changes)
    return PaperDossier(**values)


# --- a small PDF reader --------------------------------------------------------------


def pdf_pages(data: bytes) -> list:
    assert data.startswith(b"%PDF-")
    reader = PdfFileReader(io.BytesIO(data))
    pages = []

    def walk(node):
        node = node.get_object()
        if node["/Type"] == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            pages.append(node)

    walk(reader.root["/Pages"])
    assert len(pages) == reader.root["/Pages"]["/Count"]
    return pages


def page_size(page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in page["/MediaBox"])
    return round(x1 - x0, 2), round(y1 - y0, 2)


def _to_unicode(font) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().data.decode("latin-1")
    table: dict[int, str] = {}

    def chars(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(src, 16)] = chars(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])", block
        ):
            targets = re.findall(r"<([0-9a-fA-F]+)>", dst)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                if dst.startswith("["):
                    table[code] = chars(targets[offset])
                else:
                    first = int(targets[0], 16) + offset
                    table[code] = chr(first)
    return table


TOKENS = re.compile(
    rb"/([^\s/]+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\b(Tm|BT|Td|TD|T\*)\b"
)


def page_text(page) -> str:
    fonts = {
        name.lstrip("/"): _to_unicode(ref.get_object())
        for name, ref in page["/Resources"]["/Font"].items()
    }
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, list) else [contents]
    data = b"\n".join(s.get_object().data for s in streams)
    out: list[str] = []
    font: dict[int, str] = {}
    for match in TOKENS.finditer(data):
        name, array, single, newline = match.groups()
        if name is not None:
            font = fonts.get(name.decode(), {})
        elif newline is not None:
            out.append("\n")
        else:
            hexes = re.findall(rb"<([0-9a-fA-F]*)>", array) if array is not None else [single]
            for run in hexes:
                raw = bytes.fromhex(run.decode())
                out.extend(
                    font.get(int.from_bytes(raw[i : i + 2]), "\ufffd")
                    for i in range(0, len(raw), 2)
                )
    return unicodedata.normalize("NFC", "".join(out))


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed (line breaks become spaces)."""
    text = "\n".join(page_text(p) for p in pdf_pages(data))
    return re.sub(r"\s+", " ", text)


def _unfilter_png(raw: bytes, width: int, bpp: int, height: int) -> list[bytes]:
    """Undo the PNG row predictors (PDF /Predictor >= 10)."""
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            upper_left = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def pdf_images(data: bytes) -> list[list[list[bool]]]:
    """Every image XObject as a grid of dark (True) / light pixels."""
    images, seen = [], set()
    for page in pdf_pages(data):
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            if ref.idnum in seen:  # pages may share one resource dictionary
                continue
            seen.add(ref.idnum)
            image = ref.get_object()
            if image.get("/Subtype") != "/Image":
                continue
            width, height = int(image["/Width"]), int(image["/Height"])
            colours = {"/DeviceRGB": 3, "/DeviceGray": 1}[image["/ColorSpace"]]
            assert image["/BitsPerComponent"] == 8
            raw = zlib.decompress(image.encoded_data)
            parms = image.get("/DecodeParms") or {}
            if parms.get("/Predictor", 1) >= 10:
                rows = _unfilter_png(raw, width, colours, height)
            else:
                rows = [raw[r * width * colours : (r + 1) * width * colours] for r in range(height)]
            images.append([[row[x * colours] < 128 for x in range(width)] for row in rows])
    return images


def qr_matrix(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]


# --- the date and money helpers ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 11, 15), "ngày 15 tháng 11 năm 2026"),
        (dt.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 12, 1), "ngày 01 tháng 12 năm 2026"),
        # 20:30 UTC on 4 February is 03:30 on 5 February in Hà Nội.
        (dt.datetime(2026, 2, 4, 20, 30, tzinfo=dt.UTC), "ngày 05 tháng 02 năm 2026"),
        (None, "ngày …… tháng …… năm ……"),
    ],
)
def test_date_words_follow_decree_30(value, words):
    assert paper.date_words(value) == words


def test_time_words_are_local_time():
    assert (
        paper.time_words(dt.datetime(2026, 2, 5, 1, 30, tzinfo=dt.UTC))
        == "08 giờ 30 phút, ngày 05 tháng 02 năm 2026"
    )


def test_place_money_and_unknown_form():
    assert paper.place_name("Xã Hà Trung") == "Hà Trung"
    assert paper.place_name("Phường Hạc Thành") == "Hạc Thành"
    assert paper.place_name("Đặc khu Cô Tô") == "Cô Tô"
    assert paper.money(0) == "Không thu phí"
    assert paper.money(1_250_000) == "1.250.000 đồng"
    with pytest.raises(ValueError, match="unknown form"):
        paper.render_form("07", dossier())


# --- forms 01-05 -------------------------------------------------------------------

HEADER = [
    "UBND XÃ HÀ TRUNG",
    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]

EXPECTED = {
    "01": [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Hà Trung, ngày 05 tháng 02 năm 2026",
        "Tiếp nhận hồ sơ của: Đặng Văn Vượng",
        "038*******21",
        "Số điện thoại: 0912345678",
        "Thủ tục đăng ký khai sinh (1.001193)",
        "Giấy chứng nhận kết hôn của cha mẹ — 2 bản",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 05 tháng 02 năm 2026",
        "(hẹn trả kết quả): 17 giờ 00 phút, ngày 06 tháng 02 năm 2026",
        "1 ngày làm việc",
        "Nghĩa vụ tài chính: Không thu phí",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Thị Hạnh",
    ],
    "02": [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ sơ của: Đặng Văn Vượng",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "Thiếu bản sao Giấy chứng nhận kết hôn của cha, mẹ.",
        "thời hạn giải quyết được tính lại từ đầu",
        "NGƯỜI HƯỚNG DẪN",
    ],
    "03": [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:",
        "Thiếu bản sao Giấy chứng nhận kết hôn của cha, mẹ.",
    ],
    "04": [
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Đặng Văn Vượng",
        "Thời hẹn trả kết quả giải quyết hồ sơ: ngày 06 tháng 02 năm 2026",
        "sẽ trả kết quả giải quyết hồ sơ cho ông (bà) vào ngày 10 tháng 02 năm 2026",
        "THỦ TRƯỞNG CƠ QUAN",
    ],
    "05": [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "1. Bộ phận một cửa giao công chức Tư pháp - Hộ tịch",
        "09 giờ 00 phút, ngày 05 tháng 02 năm 2026",
        "Đúng hạn",
        "Quá hạn",
        "Trần Văn Cường",
        "Trình ký",
    ],
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    d = dossier()
    return {form: paper.render_form(form, d) for form in paper.FORMS}


@pytest.mark.parametrize("form", list(paper.FORMS))
def test_form_is_one_a5_page_with_vietnamese_text(rendered, form):
    pages = pdf_pages(rendered[form])
    assert len(pages) == 1
    width, height = page_size(pages[0])
    assert abs(width - A5[0]) < 0.5 and abs(height - A5[1]) < 0.5
    text = pdf_text(rendered[form])
    assert "\ufffd" not in text
    for expected in HEADER + EXPECTED[form] + ["000.00.38.H56-260205-0001"]:
        assert expected in text, f"form {form}: {expected!r} missing from {text!r}"


@pytest.mark.parametrize("form", list(paper.FORMS))
def test_form_carries_the_qr_of_the_tracking_url(rendered, form):
    url = f"{SITE}/tra-cuu-ho-so/?ma=000.00.38.H56-260205-0001"
    images = pdf_images(rendered[form])
    assert images == [qr_matrix(url)]
    assert images[0] != qr_matrix(url.replace("0001", "0002"))
    assert "tra-cuu-ho-so/?ma=000.00.38.H56-260205-0001" in pdf_text(rendered[form]).replace(
        " ", ""
    )


def test_form_prints_the_masked_identity_number_and_escapes_markup():
    d = dossier(applicant_name="Lò Thị <b>Mai</b>", deadline_days=None, steps=[])
    text = pdf_text(paper.render_form("01", d))
    assert "Lò Thị <b>Mai</b>" in text
    assert "038*******21" in text
    assert "ngày làm việc" not in text  # no deadline given: the line is left out
    assert "Chưa có bước giao, nhận nào." in pdf_text(paper.render_form("05", d))


def test_receipt_with_many_documents_and_fee_still_fits_one_page():
    documents = [(f"Giấy tờ số {n}: bản sao có chứng thực", 1) for n in range(1, 8)]
    data = paper.render_form("01", dossier(documents=documents, fee=8_000))
    assert len(pdf_pages(data)) == 1
    text = pdf_text(data)
    assert "Nghĩa vụ tài chính: 8.000 đồng" in text
    assert "Giấy tờ số 7: bản sao có chứng thực — 1 bản" in text


def test_forms_are_in_vietnamese_whatever_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        text = pdf_text(paper.render_form("03", dossier()))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text


# --- register 06 ------------------------------------------------------------------


def register_rows(count: int) -> list[PaperDossier]:
    names = ["Đặng Văn Vượng", "Nguyễn Thị Ánh", "Lê Quốc Hưng", "Phạm Thị Nghĩa"]
    return [
        dossier(
            code=f"000.00.38.H56-2602{5 + n // 4:02d}-{n + 1:04d}",
            applicant_name=names[n % len(names)],
            received_at=at(5 + n // 4, 8 + n % 4),
            due_at=at(9 + n // 4, 17),
            returned_at=at(9 + n // 4, 10) if n % 3 == 0 else None,
            state_label="Đã trả kết quả" if n % 3 == 0 else "Đang xử lý",
        )
        for n in range(count)
    ]


def test_register_pdf_is_a4_landscape_with_one_row_per_dossier():
    rows = register_rows(12)
    data = paper.render_register_pdf(
        rows,
        agency_name="UBND xã Hà Trung",
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 2, 28),
    )
    pages = pdf_pages(data)
    assert len(pages) >= 1
    for page in pages:
        width, height = page_size(page)
        assert abs(width - A4_LANDSCAPE[0]) < 0.5 and abs(height - A4_LANDSCAPE[1]) < 0.5
    text = pdf_text(data)
    for expected in [
        *HEADER,
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 01/02/2026 đến ngày 28/02/2026",
        "Tên thủ tục hành chính",
        "Cơ quan chủ trì giải quyết",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Ngày có kết quả / yêu cầu bổ sung",
        "Nguyễn Thị Ánh",
        "Phạm Thị Nghĩa",
        "Đã trả kết quả",
    ]:
        assert expected in text, expected
    compact = text.replace(" ", "")
    for d in rows:
        assert compact.count(d.code) == 1, d.code
    # One QR per row, each that of its own dossier's tracking page.
    images = pdf_images(data)
    assert len(images) == len(rows)
    for d in rows:
        assert qr_matrix(d.tracking_url) in images


def test_empty_register_says_so():
    data = paper.render_register_pdf(
        [],
        agency_name="UBND xã Hà Trung",
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 2, 28),
    )
    assert len(pdf_pages(data)) == 1
    assert "Không có hồ sơ trong khoảng thời gian này." in pdf_text(data)


def test_register_xlsx_has_title_header_rows_and_real_dates():
    rows = register_rows(5)
    data = paper.render_register_xlsx(
        rows,
        agency_name="UBND xã Hà Trung",
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 2, 28),
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == "UBND XÃ HÀ TRUNG"
    assert sheet["A2"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A3"].value == "Từ ngày 01/02/2026 đến ngày 28/02/2026"
    header = [cell.value for cell in sheet[5]]
    assert header == [label for label, _width in paper.REGISTER_COLUMNS]
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["C"].width == 40
    body = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(body) == len(rows)
    first = body[0]
    assert first[0] == 1
    assert first[1] == rows[0].code
    assert first[2] == "Thủ tục đăng ký khai sinh"
    assert first[4] == "Đặng Văn Vượng"
    assert first[5] == "Thôn Chí Phúc, xã Hà Trung, tỉnh Thanh Hóa, 0912345678"
    # Dates are real dates in the commune's local time, not text.
    assert first[7] == dt.datetime(2026, 2, 5, 8, 0)
    assert first[8] == dt.datetime(2026, 2, 9, 17, 0)
    assert first[11] == dt.datetime(2026, 2, 9, 10, 0)
    assert body[1][11] is None
    assert sheet.cell(row=6, column=8).number_format == "dd/mm/yyyy hh:mm"
    assert [row[12] for row in body] == [d.state_label for d in rows]


# --- with the platform's own data -------------------------------------------------


@pytest.mark.django_db
def test_demo_dossiers_print_every_form_they_have_on_one_page_with_the_id_masked(demo):
    from xaso.dossiers import selectors, views
    from xaso.dossiers.demo import seed
    from xaso.dossiers.models import Dossier
    from xaso.geo.models import Commune

    seed(now=timezone.now())
    commune = Commune.objects.get(code=15271)
    printed: set[str] = set()
    for dossier in Dossier.objects.filter(commune=commune).select_related("procedure"):
        forms = [f for f, _label in views.available_forms(dossier) if f not in printed]
        if not forms:
            continue
        d = selectors.paper_dossier(dossier, SITE)
        for form in forms:
            data = paper.render_form(form, d)
            assert len(pdf_pages(data)) == 1, (form, dossier.code)
            text = pdf_text(data)
            assert dossier.code in text.replace(" ", "")
            assert dossier.applicant_name in text
            if dossier.applicant_id_number:
                assert dossier.applicant_id_number not in text.replace(" ", "")
            assert pdf_images(data) == [qr_matrix(d.tracking_url)]
            printed.add(form)
    assert printed == set(paper.FORMS)
