"""Documents generated from templates, rendered to A4 PDF with weasyprint.

Every part Decree 30 requires is written: Quốc hiệu and Tiêu ngữ, the issuing
authority, number and code, place and date, type name and trích yếu (a công văn
has "V/v …" under its number), content, the signing authority with its prefix,
title and name, and "Nơi nhận:" ending with "Lưu: VT, …".
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

from django.template.loader import render_to_string
from django.utils import timezone

from xaso.core.text import date_words, scrub
from xaso.documents.models import Confidentiality, DocType, Document, Urgency
from xaso.documents.numbering import ISSUER, place_name, symbol

PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def recipients(doc: Document) -> list[str]:
    """The "Nơi nhận" lines, always ending with the archive line "Lưu: VT, …"."""
    lines = [line.lstrip("-– ").rstrip(";.") for line in _lines(doc.recipients_text)]
    lines = [line for line in lines if not line.lower().startswith("lưu")]
    archive = "VT" + (f", {doc.archive_unit}" if doc.archive_unit else "")
    return [*lines, f"Lưu: {archive}"]


def signer_lines(doc: Document) -> tuple[str, str]:
    title = (doc.signer_title or "").upper()
    prefix = doc.signer_prefix
    if prefix == "TM.":
        return "TM. ỦY BAN NHÂN DÂN", title or "CHỦ TỊCH"
    if prefix in PREFIXES:
        return f"{prefix} CHỦ TỊCH", title
    return "", title


def context(doc: Document, *, number: int | None = None, day: dt.date | None = None) -> dict:
    commune = doc.commune
    if number is not None:
        number_line = symbol(number, doc.code)
    else:
        number_line = f"\u2003\u2003/{doc.code}" if doc.code else "\u2003\u2003"
    if day is not None:
        date_line = date_words(day)
    else:
        # Not numbered yet: the year of the draft, in the commune's time (the server's
        # own date would be the previous day before 07:00 in Vietnam).
        year = doc.year or timezone.localdate(doc.created_at or timezone.now()).year
        date_line = f"ngày\u2003\u2003tháng\u2003\u2003năm {year}"
    marks = []
    if doc.urgency != Urgency.NORMAL:
        marks.append(doc.get_urgency_display().upper())
    if doc.confidentiality != Confidentiality.NORMAL:
        marks.append(doc.get_confidentiality_display().upper())
    line1, line2 = signer_lines(doc)
    name = commune.name.upper()
    return {
        "doc": doc,
        "issuer_top": "ỦY BAN NHÂN DÂN",
        "issuer_name": name,
        "issuer_short": ISSUER,
        "number_line": number_line,
        "date_line": date_line,
        "place": place_name(commune),
        "type_name": doc.get_doc_type_display().upper(),
        "decision_authority": f"CHỦ TỊCH ỦY BAN NHÂN DÂN {name}",
        "marks": " · ".join(marks),
        "basis_lines": _lines(doc.basis),
        "body_lines": _lines(doc.body),
        "recipients": recipients(doc),
        "signer_line1": line1,
        "signer_line2": line2,
    }


def render_pdf(doc: Document, *, number: int | None = None, day: dt.date | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("documents/pdf/document.html", context(doc, number=number, day=day))
    return HTML(string=scrub(html)).write_pdf()


def page_count(pdf: bytes) -> int | None:
    """Pages of a PDF, or None when it cannot be read as one."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return int(reader.root["/Pages"]["/Count"])
    except Exception:
        return None


def is_template_type(doc_type: str) -> bool:
    return doc_type in {
        DocType.CONG_VAN,
        DocType.QUYET_DINH,
        DocType.THONG_BAO,
        DocType.KE_HOACH,
        DocType.BAO_CAO,
        DocType.TO_TRINH,
    }


def stamp_number(pdf: bytes, line: str) -> bytes | None:
    """Write ``line`` (the number and date) in the top margin of the first page of an
    uploaded PDF, as a new revision; None when the file cannot be stamped (the number
    is in the register either way).

    The line is typeset by weasyprint (so Vietnamese is shaped with a real font) and
    placed on the page as a form XObject; the page's own content is wrapped in q/Q so
    a transformation it leaves behind does not move the stamp.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from weasyprint import HTML

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        page_ref, _resources = writer.find_page_for_modification(0)
        x0, y0, x1, y1 = (float(v) for v in page_ref.get_object()["/MediaBox"])
        html = (
            f"<style>@page {{ size: {x1 - x0}pt {y1 - y0}pt; margin: 0 }}"
            'body { margin: 0; font-family: "Times New Roman", "Liberation Serif", '
            '"DejaVu Serif", serif; font-size: 10pt }'
            "p { position: absolute; top: 7mm; left: 20mm; margin: 0 }</style>"
            f"<p>{escape(scrub(line))}</p>"
        )
        overlay = PdfFileReader(io.BytesIO(HTML(string=html).write_pdf()))
        xobject = writer.import_page_as_xobject(overlay)
        resources = generic.DictionaryObject(
            {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/XaSoNumber"): xobject})}
        )
        writer.add_stream_to_page(
            0, writer.add_object(generic.StreamObject(stream_data=b"q")), prepend=True
        )
        draw = f"Q q 1 0 0 1 {x0} {y0} cm /XaSoNumber Do Q".encode()
        writer.add_stream_to_page(
            0, writer.add_object(generic.StreamObject(stream_data=draw)), resources=resources
        )
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:
        return None
