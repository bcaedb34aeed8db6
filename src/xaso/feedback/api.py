import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from xaso.accounts.models import User
from xaso.core.api import AUTH, Page, Text
from xaso.core.http import client_ip
from xaso.core.tenancy import commune_for, get_owned_or_404
from xaso.feedback import selectors, services
from xaso.feedback.models import Report

router = Router(tags=["Phản ánh, kiến nghị"])


class FiguresOut(Schema):
    received: int
    open: int
    escalated_open: int
    resolved: int
    median_hours_to_resolve: float | None
    on_time_share: float | None
    satisfaction: float | None
    ratings: int


class CategoryFiguresOut(FiguresOut):
    code: str
    name: str


class StatsOut(FiguresOut):
    commune: str
    by_category: list[CategoryFiguresOut]


class ReportOut(Schema):
    id: int
    status: str
    open311_status: str
    category: str = Field(alias="category.code")
    description: str
    public_description: str
    address_string: str
    lat: float | None
    long: float | None
    received_at: dt.datetime
    expected_at: dt.datetime | None
    resolved_at: dt.datetime | None
    escalated_at: dt.datetime | None
    assignee_id: int | None
    answer: str
    reject_reason: str
    duplicate_of_id: int | None
    hidden_by_moderation: bool
    rating: int | None


class ActionIn(Schema):
    action: Literal["accept", "reject", "assign", "start", "resolve", "close", "duplicate", "note"]
    note: Text = Field("", max_length=4000)
    reason: Text = Field("", max_length=4000)
    answer: Text = Field("", max_length=4000)
    assignee_id: int | None = Field(None, ge=1, le=2**62)
    duplicate_of: int | None = Field(None, ge=1, le=2**62)
    public: bool = False


@router.get(
    "/communes/{code}/feedback-stats",
    response=StatsOut,
    auth=AUTH,
    summary="Số liệu phản ánh của xã: tiếp nhận, trả lời, thời gian, đúng hạn, hài lòng",
)
def feedback_stats(request, code: str):
    commune = commune_for(request.user, code, "feedback.view_stats")
    return {"commune": commune.code_str, **selectors.stats(commune)}


@router.get(
    "/communes/{code}/feedback-reports",
    response=list[ReportOut],
    auth=AUTH,
    summary="Hộp thư phản ánh của xã (cán bộ)",
)
@paginate(Page)
def feedback_reports(
    request,
    code: str,
    status: Text = "",
    category: Text = "",
    q: Text = "",
    overdue: bool = False,
):
    commune = commune_for(request.user, code, "feedback.triage")
    qs = Report.objects.filter(commune=commune).select_related("category")
    return selectors.filter_reports(
        qs, status=status[:20], category=category[:50], q=q.strip()[:100], overdue=overdue
    ).order_by("-received_at", "-id")


@router.post(
    "/communes/{code}/feedback-reports/{report_id}/actions",
    response=ReportOut,
    auth=AUTH,
    summary="Xử lý một phản ánh: chấp nhận, từ chối, giao, trả lời, đóng, đánh dấu trùng",
)
def feedback_action(request, code: str, report_id: int, payload: ActionIn | None = None):
    commune = commune_for(request.user, code, "feedback.triage")
    if not 0 < report_id < 2**62:  # beyond any database integer
        raise Http404
    report = get_owned_or_404(
        Report.objects.filter(commune=commune), request.user, "feedback.triage", pk=report_id
    )
    if payload is None or payload.action is None:
        raise ValidationError({"action": _("Vui lòng chọn thao tác.")})
    user, ip = request.user, client_ip(request)
    action = payload.action
    if action == "accept":
        report = services.accept(user, report, note=payload.note, ip=ip)
    elif action == "reject":
        report = services.reject(user, report, reason=payload.reason, ip=ip)
    elif action == "assign":
        assignee = User.objects.filter(pk=payload.assignee_id or 0).first()
        if assignee is None:
            raise ValidationError({"assignee_id": _("Không tìm thấy cán bộ.")})
        report = services.assign(user, report, assignee=assignee, note=payload.note, ip=ip)
    elif action == "start":
        report = services.start(user, report, ip=ip)
    elif action == "resolve":
        report = services.resolve(user, report, answer=payload.answer, ip=ip)
    elif action == "close":
        report = services.close(user, report, ip=ip)
    elif action == "duplicate":
        original = Report.objects.filter(commune=commune, pk=payload.duplicate_of or 0).first()
        if original is None:
            raise ValidationError({"duplicate_of": _("Không tìm thấy phản ánh gốc.")})
        report = services.mark_duplicate(user, report, original=original, ip=ip)
    else:
        services.add_note(user, report, note=payload.note, public=payload.public, ip=ip)
    return Report.objects.select_related("category").get(pk=report.pk)
