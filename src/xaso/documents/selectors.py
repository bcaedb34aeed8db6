"""Reads of the documents domain: visibility, filters, the two registers, exports,
"my tasks" and the figures."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core import permissions
from xaso.core.roles import Role
from xaso.core.text import fold, scrub
from xaso.documents.models import (
    OPEN_INCOMING,
    Confidentiality,
    Direction,
    Document,
    Source,
    Status,
)
from xaso.documents.permissions import CONFIDENTIAL_ROLES
from xaso.workdays.calendar import Calendar

#: Sổ đăng ký văn bản đến (Decree 30, Annex IV), with the handling deadline.
INCOMING_COLUMNS = [
    _("Ngày đến"),
    _("Số đến"),
    _("Tác giả"),
    _("Số, ký hiệu"),
    _("Ngày tháng"),
    _("Tên loại và trích yếu nội dung"),
    _("Đơn vị hoặc người nhận"),
    _("Ký nhận"),
    _("Hạn giải quyết"),
    _("Ghi chú"),
]
#: Sổ đăng ký văn bản đi (Decree 30, Annex IV).
OUTGOING_COLUMNS = [
    _("Số, ký hiệu văn bản"),
    _("Ngày tháng văn bản"),
    _("Tên loại và trích yếu nội dung"),
    _("Người ký"),
    _("Nơi nhận"),
    _("Đơn vị, người nhận bản lưu"),
    _("Số lượng bản"),
    _("Ngày chuyển"),
    _("Ký nhận"),
    _("Ghi chú"),
]


def _roles(user, commune) -> set[str]:
    grants = permissions.grants_for(user)
    return grants.by_commune.get(commune.pk, set())


def visible(user, commune) -> QuerySet:
    """The commune's documents this user may see: confidential ones only for leaders,
    the clerk, their assignee and their author."""
    qs = Document.objects.filter(commune=commune)
    if permissions.grants_for(user).is_superuser or _roles(user, commune) & CONFIDENTIAL_ROLES:
        return qs
    return qs.filter(
        Q(confidentiality=Confidentiality.NORMAL) | Q(assignee=user) | Q(created_by=user)
    )


def _day_bounds(start: dt.date | None, end: dt.date | None):
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start else None
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if end else None
    return low, high


def filter_documents(
    qs: QuerySet,
    *,
    status: str = "",
    q: str = "",
    doc_type: str = "",
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    overdue: bool = False,
    mine=None,
) -> QuerySet:
    if status == "open":
        qs = qs.filter(status__in=list(OPEN_INCOMING))
    elif status:
        qs = qs.filter(status=status)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if q:
        words = fold(q).split()
        for word in words[:6]:
            qs = qs.filter(summary_folded__contains=word)
    if year:
        qs = qs.filter(Q(arrival_year=year) | Q(year=year))
    low, high = _day_bounds(start, end)
    if low:
        qs = qs.filter(Q(received_at__gte=low) | Q(document_date__gte=start))
    if high:
        qs = qs.filter(Q(received_at__lt=high) | Q(document_date__lte=end))
    if overdue:
        qs = qs.filter(status__in=list(OPEN_INCOMING), deadline__lt=timezone.now())
    if mine is not None:
        qs = qs.filter(assignee=mine)
    return qs


def incoming(qs: QuerySet) -> QuerySet:
    return (
        qs.filter(direction=Direction.INCOMING)
        .select_related("assignee")
        .order_by("-arrival_year", "-arrival_number")
    )


def outgoing(qs: QuerySet) -> QuerySet:
    return qs.filter(direction=Direction.OUTGOING).order_by("-created_at", "-id")


def _d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def incoming_register(qs: QuerySet) -> list[list]:
    """Rows of the incoming register in arrival order (the order of the book)."""
    rows = []
    for doc in (
        qs.filter(direction=Direction.INCOMING)
        .select_related("assignee")
        .order_by("arrival_year", "arrival_number")
    ):
        receiver = doc.assignee.display_name if doc.assignee_id else ""
        if doc.assigned_unit:
            receiver = f"{doc.assigned_unit} — {receiver}" if receiver else doc.assigned_unit
        notes = []
        if doc.urgency != "thuong":
            notes.append(doc.get_urgency_display())
        if doc.confidentiality != Confidentiality.NORMAL:
            notes.append(doc.get_confidentiality_display())
        notes.append(doc.get_source_display())
        if doc.status == Status.HANDLED:
            notes.append(str(_("Đã xử lý %(day)s") % {"day": _d(doc.handled_at)}))
        rows.append(
            [
                _d(doc.received_at),
                doc.arrival_number,
                doc.author,
                doc.symbol,
                _d(doc.document_date),
                f"{doc.get_doc_type_display()}: {doc.summary}",
                receiver,
                str(_("Nhận điện tử %(day)s") % {"day": _d(doc.assigned_at)})
                if doc.assigned_at
                else "",
                _d(doc.deadline),
                "; ".join(str(n) for n in notes),
            ]
        )
    return rows


def outgoing_register(qs: QuerySet) -> list[list]:
    """Rows of the outgoing register: every numbered document, by series and number."""
    from xaso.documents.render import recipients

    rows = []
    for doc in (
        qs.filter(direction=Direction.OUTGOING, number__isnull=False)
        .select_related("commune")
        .order_by("year", "series", "number")
    ):
        places = [r for r in recipients(doc) if not r.startswith("Lưu")]
        notes = []
        if doc.series.startswith("qppl"):
            notes.append(str(_("Văn bản quy phạm pháp luật")))
        if doc.confidentiality != Confidentiality.NORMAL:
            notes.append(doc.get_confidentiality_display())
        if doc.signatures:
            notes.append(str(_("Ký số (%(n)s chữ ký)") % {"n": doc.signatures}))
        if doc.status != Status.ISSUED:
            notes.append(doc.get_status_display())
        rows.append(
            [
                doc.symbol,
                _d(doc.document_date),
                f"{doc.get_doc_type_display()}: {doc.summary}",
                doc.signer_name,
                "; ".join(places),
                "VT" + (f", {doc.archive_unit}" if doc.archive_unit else ""),
                doc.copies,
                _d(doc.issued_at),
                str(_("Gửi điện tử")) if doc.issued_at else "",
                "; ".join(str(n) for n in notes),
            ]
        )
    return rows


def xlsx(title: str, columns: list, rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([str(c) for c in columns])
    sheet.append([f"({i})" for i in range(1, len(columns) + 1)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows:
        sheet.append(scrub(row))  # openpyxl refuses control characters
    for i, width in enumerate([12, 10, 24, 18, 12, 50, 24, 16, 12, 24], start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=i).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def my_tasks(user, commune) -> dict[str, QuerySet]:
    """What waits for this user, by the roles they hold in the commune."""
    roles = _roles(user, commune)
    qs = visible(user, commune)
    tasks: dict[str, QuerySet] = {}
    if str(Role.LEADER) in roles:
        tasks["assign"] = qs.filter(direction=Direction.INCOMING, status=Status.REGISTERED)
        tasks["approve"] = qs.filter(status=Status.SUBMITTED)
        tasks["sign"] = qs.filter(status=Status.NUMBERED)
    if str(Role.CLERK) in roles:
        tasks["number"] = qs.filter(status=Status.APPROVED)
        tasks["issue"] = qs.filter(status__in=[Status.NUMBERED, Status.SIGNED])
    tasks["handle"] = qs.filter(assignee=user, status=Status.ASSIGNED)
    tasks["revise"] = qs.filter(created_by=user, status__in=[Status.DRAFT, Status.RETURNED])
    return {k: v.order_by("deadline", "-id") for k, v in tasks.items()}


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def stats(commune, start: dt.date | None = None, end: dt.date | None = None, now=None) -> dict:
    """The figures of one commune over [start, end] (local dates, both included)."""
    now = now or timezone.now()
    low, high = _day_bounds(start, end)
    docs = Document.objects.filter(commune=commune)
    received = docs.filter(direction=Direction.INCOMING)
    issued = docs.filter(direction=Direction.OUTGOING, issued_at__isnull=False)
    if low:
        received = received.filter(received_at__gte=low)
        issued = issued.filter(issued_at__gte=low)
    if high:
        received = received.filter(received_at__lt=high)
        issued = issued.filter(issued_at__lt=high)
    n_received = received.count()
    n_electronic_in = received.filter(source__in=[Source.EMAIL, Source.PLATFORM]).count()
    handled = list(
        received.filter(handled_at__isnull=False).values_list(
            "received_at", "handled_at", "deadline"
        )
    )
    calendar = Calendar.current()
    spans = [
        calendar.working_days_between(timezone.localtime(r).date(), timezone.localtime(h).date())
        for r, h, _d in handled
    ]
    late = sum(1 for _r, h, d in handled if d is not None and h > d)
    on_platform_in = received.filter(assigned_at__isnull=False).count()
    n_issued = issued.count()
    signed = issued.filter(signatures__gt=0).count()
    on_platform_out = issued.filter(approved_by__isnull=False).count()
    overdue_open = docs.filter(
        direction=Direction.INCOMING, status__in=list(OPEN_INCOMING), deadline__lt=now
    ).count()
    return {
        "incoming": n_received,
        "incoming_electronic": n_electronic_in,
        "incoming_handled": len(handled),
        "outgoing": n_issued,
        "outgoing_signed": signed,
        "processed_electronically_share": _share(
            on_platform_in + on_platform_out, n_received + n_issued
        ),
        "signed_electronically_share": _share(signed, n_issued),
        "average_handling_working_days": round(sum(spans) / len(spans), 1) if spans else None,
        "handled_late": late,
        "overdue_open": overdue_open,
    }
