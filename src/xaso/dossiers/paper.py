"""Paper forms of the one-stop shop (TT 01/2018/TT-VPCP, annex).

What is printed
    01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả, 02 Phiếu yêu cầu bổ sung, hoàn thiện
    hồ sơ, 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ, 04 Phiếu xin lỗi và hẹn lại
    ngày trả kết quả, 05 Phiếu kiểm soát quá trình giải quyết hồ sơ: A5 portrait PDFs
    (:func:`render_form`). 06 Sổ theo dõi hồ sơ: A4 landscape PDF
    (:func:`render_register_pdf`) and Excel workbook (:func:`render_register_xlsx`,
    frozen header, real dates in the commune's time zone, one row per dossier).

Layout
    The official header: the issuing body and "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" on
    the left, the national motto on the right, then "<place>, ngày dd tháng mm năm
    yyyy" (Decree 30/2020: days below 10 and months 1-2 zero-padded,
    :func:`date_words`). Every form carries a QR code of the public tracking URL
    (``PaperDossier.tracking_url``) with the dossier code printed under it; the
    register has one per row. Forms are always Vietnamese, whatever the reader's
    language. The identity number is only ever printed masked
    (``applicant_id_masked``); the receipt shows the applicant's own phone and
    address, which the form asks for.

Input
    The module knows nothing of the database: ``dossiers.selectors.paper_dossier``
    builds :class:`PaperDossier` values and the views stream the bytes. Optional
    fields left empty print as a dotted blank or drop their line.

Speed
    One font configuration and one compiled stylesheet per page size are built once
    per process. Most of a render is font subsetting: with the system library
    HarfBuzz-Subset (Debian ``libharfbuzz-subset0``) a form takes about 50 ms;
    without it weasyprint falls back to fontTools, about ten times slower.
"""

import base64
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xaso.core import text

TEMPLATE_DIR = "dossiers/paper"
CSS_PATH = Path(__file__).resolve().parent / "templates" / TEMPLATE_DIR / "paper.css"

# weasyprint reports each layout step and fontTools each subsetted table at INFO, and
# weasyprint warns on every PDF that it subsets fonts with fontTools (HarfBuzz-Subset
# is not in Debian 12): lines per PDF that say nothing to whoever reads the server log.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class _QuietFontSubsetting(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in str(record.msg)


logging.getLogger("weasyprint").addFilter(_QuietFontSubsetting())


@dataclass
class PaperStep:
    """One handover on the processing control slip (form 05)."""

    at: datetime
    label: str
    actor: str
    note: str = ""
    on_time: bool | None = None


@dataclass
class PaperDossier:
    """Everything the paper forms print about one dossier (no database objects)."""

    code: str
    agency_name: str
    commune_name: str
    province_name: str
    procedure_code: str
    procedure_name: str
    field: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_id_masked: str
    channel_label: str
    received_at: datetime | None
    due_at: datetime | None
    documents: list[tuple[str, int]]
    fee: int
    received_by: str
    tracking_url: str
    reason: str = ""
    new_due_at: datetime | None = None
    returned_at: datetime | None = None
    state_label: str = ""
    steps: list[PaperStep] = field(default_factory=list)
    # Optional details; the forms leave a dotted blank when they are missing.
    applicant_email: str = ""
    deadline_days: int | None = None
    issued_at: datetime | None = None
    handling_unit: str = ""
    transferred_at: datetime | None = None
    result_at: datetime | None = None
    note: str = ""


FORMS = {
    "01": N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "02": N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "03": N_("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "04": N_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "05": N_("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}
REGISTER = "06"

# --- formatting helpers (Decree 30/2020/NĐ-CP) ------------------------------------


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date_words(value: date | datetime | None) -> str:
    """``ngày 05 tháng 02 năm 2026`` in the commune's time zone; dots when there is no date."""
    if value is None:
        return "ngày …… tháng …… năm ……"
    return text.date_words(_local(value))


def time_words(value: datetime | None) -> str:
    """``08 giờ 30 phút, ngày 05 tháng 02 năm 2026`` in the commune's time zone."""
    if value is None:
        return "…… giờ …… phút, " + date_words(None)
    value = _local(value)
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {date_words(value)}"


def short_date(value: date | datetime | None) -> str:
    return _local(value).strftime("%d/%m/%Y") if value else ""


place_name = text.place_name


def money(amount: int) -> str:
    """``50000`` → ``50.000 đồng``; ``0`` → ``Không thu phí``."""
    if not amount:
        return "Không thu phí"
    return f"{amount:,}".replace(",", ".") + " đồng"


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a 1-pixel-per-module PNG (scaled crisply by the PDF)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=1, border=0)
    return out.getvalue()


def qr_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")


# --- rendering ------------------------------------------------------------------


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet(page: str):
    from weasyprint import CSS

    size = {"a5": "A5 portrait", "a4l": "A4 landscape"}[page]
    margins = {"a5": "10mm 10mm 10mm 15mm", "a4l": "12mm 10mm 12mm 10mm"}[page]
    css = CSS_PATH.read_text("utf-8") + f"\n@page {{ size: {size}; margin: {margins}; }}\n"
    return CSS(string=css, font_config=_fonts())


def _pdf(html: str, page: str) -> bytes:
    from weasyprint import HTML

    # A string stored before the string rule must not break the form (core.text).
    return HTML(string=text.scrub(html), base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[_stylesheet(page)], font_config=_fonts()
    )


def _header(agency_name: str, commune_name: str, when: date | datetime | None) -> dict:
    return {
        "agency_upper": agency_name.upper(),
        "place": place_name(commune_name),
        "place_date": date_words(when or timezone.now()),
    }


def form_context(form: str, d: PaperDossier) -> dict:
    """What the template of ``form`` prints: the dossier and its pre-formatted dates."""
    issued = d.issued_at or (d.received_at if form == "01" else None)
    return {
        "form": form,
        "title": _(FORMS[form]),
        "d": d,
        **_header(d.agency_name, d.commune_name, issued),
        "qr": qr_data_uri(d.tracking_url),
        "received_words": time_words(d.received_at),
        "due_words": time_words(d.due_at),
        "received_date_words": date_words(d.received_at),
        "due_date_words": date_words(d.due_at),
        "new_due_words": date_words(d.new_due_at),
        "fee_words": money(d.fee),
        "copies_total": sum(c for _n, c in d.documents),
        "steps": [
            {
                "n": n,
                "at_words": time_words(s.at),
                "step": s,
                "result": (
                    "" if s.on_time is None else (_("Đúng hạn") if s.on_time else _("Quá hạn"))
                ),
            }
            for n, s in enumerate(d.steps, start=1)
        ],
    }


def render_html(form: str, d: PaperDossier) -> str:
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; expected one of {', '.join(FORMS)}")
    with translation.override("vi"):
        return render_to_string(f"{TEMPLATE_DIR}/form_{form}.html", form_context(form, d))


def render_form(form: str, d: PaperDossier) -> bytes:
    """Form ``01``..``05`` of TT 01/2018/TT-VPCP for dossier ``d`` as an A5 PDF."""
    return _pdf(render_html(form, d), "a5")


def _register_rows(rows: list[PaperDossier], with_qr: bool = False) -> list[dict]:
    return [
        {
            "n": n,
            "d": d,
            "copies": 1,
            "received": short_date(d.received_at),
            "due": short_date(d.due_at),
            "transferred": short_date(d.transferred_at),
            "result": short_date(d.result_at),
            "returned": short_date(d.returned_at),
            "qr": qr_data_uri(d.tracking_url) if with_qr else "",
        }
        for n, d in enumerate(rows, start=1)
    ]


def render_register_html(
    rows: list[PaperDossier], *, agency_name: str, date_from: date, date_to: date
) -> str:
    commune_name = rows[0].commune_name if rows else agency_name
    with translation.override("vi"):
        return render_to_string(
            f"{TEMPLATE_DIR}/register_06.html",
            {
                **_header(agency_name, commune_name, None),
                "agency_name": agency_name,
                "date_from": short_date(date_from),
                "date_to": short_date(date_to),
                "rows": _register_rows(rows, with_qr=True),
            },
        )


def render_register_pdf(
    rows: list[PaperDossier], *, agency_name: str, date_from: date, date_to: date
) -> bytes:
    """Form 06, the dossier register, for ``rows`` as an A4 landscape PDF."""
    html = render_register_html(rows, agency_name=agency_name, date_from=date_from, date_to=date_to)
    return _pdf(html, "a4l")


REGISTER_COLUMNS = [
    (N_("STT"), 6),
    (N_("Mã hồ sơ"), 26),
    (N_("Tên thủ tục hành chính"), 40),
    (N_("Số lượng hồ sơ (bộ)"), 10),
    (N_("Tên cá nhân, tổ chức"), 24),
    (N_("Địa chỉ, số điện thoại"), 32),
    (N_("Cơ quan chủ trì giải quyết"), 22),
    (N_("Nhận hồ sơ (ngày, tháng, năm)"), 14),
    (N_("Hẹn trả kết quả (ngày, tháng, năm)"), 14),
    (N_("Chuyển hồ sơ đến cơ quan giải quyết (ngày, tháng, năm)"), 16),
    (N_("Ngày có kết quả / yêu cầu bổ sung"), 14),
    (N_("Trả kết quả (ngày, tháng, năm)"), 14),
    (N_("Ghi chú"), 24),
]


def render_register_xlsx(
    rows: list[PaperDossier], *, agency_name: str, date_from: date, date_to: date
) -> bytes:
    """Form 06 as an Excel workbook: title rows, a frozen header, real dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    def naive(value):
        if value is None:
            return None
        value = _local(value)
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value

    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Sổ theo dõi hồ sơ")
        width = len(REGISTER_COLUMNS)
        last = get_column_letter(width)
        sheet["A1"] = text.scrub(agency_name.upper())
        sheet["A1"].font = Font(bold=True)
        sheet["A2"] = _("SỔ THEO DÕI HỒ SƠ")
        sheet["A3"] = _("Từ ngày %(start)s đến ngày %(end)s") % {
            "start": short_date(date_from),
            "end": short_date(date_to),
        }
        for cell, size in (("A2", 14), ("A3", 11)):
            sheet.merge_cells(f"{cell}:{last}{cell[1:]}")
            sheet[cell].font = Font(bold=cell == "A2", size=size)
            sheet[cell].alignment = Alignment(horizontal="center")
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        header_row = 5
        for column, (label, col_width) in enumerate(REGISTER_COLUMNS, start=1):
            cell = sheet.cell(row=header_row, column=column, value=_(label))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
            sheet.column_dimensions[get_column_letter(column)].width = col_width
        sheet.row_dimensions[header_row].height = 48
        sheet.freeze_panes = f"A{header_row + 1}"
        for excel_row, row in enumerate(_register_rows(rows), start=header_row + 1):
            d = row["d"]
            contact = ", ".join(p for p in (d.applicant_address, d.applicant_phone) if p)
            values = [
                row["n"],
                d.code,
                d.procedure_name,
                row["copies"],
                d.applicant_name,
                contact,
                d.handling_unit or d.agency_name,
                naive(d.received_at),
                naive(d.due_at),
                naive(d.transferred_at),
                naive(d.result_at),
                naive(d.returned_at),
                d.note or d.state_label,
            ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=excel_row, column=column, value=text.scrub(value))
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if isinstance(cell.value, datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(rows)}"
        sheet.print_options.gridLines = False
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.print_title_rows = f"{header_row}:{header_row}"
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()
