import datetime as dt
import json
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from xaso.accounts.models import User
from xaso.accounts.validators import mask_identity_number
from xaso.audit import services as audit
from xaso.core import permissions, ratelimit
from xaso.core.api import AUTH, Page, Text, commune_auth
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.core.tenancy import commune_for, get_commune_or_404, get_owned_or_404
from xaso.dossiers import selectors, services
from xaso.dossiers.models import Dossier

router = Router(tags=["Một cửa"])

LOOKUPS_PER_MINUTE = 30
STATS_CACHE_SECONDS = 60
MAX_ID = 2**62


class StepOut(Schema):
    at: dt.datetime
    state: int
    label: str


class SubmittedOut(Schema):
    id: int
    code: str
    state: int
    state_label: str
    channel: str
    procedure: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    attachments: int
    tracking_url: str


class DossierOut(Schema):
    id: int
    code: str
    procedure: str
    procedure_name: str
    channel: str
    state: int
    state_label: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    applicant_email: str
    form_data: dict
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    original_due_at: dt.datetime | None
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    returned_at: dt.datetime | None
    current_step: int
    step_name: str
    assignee_id: int | None
    supplement_reason: str
    refusal_reason: str
    apology_reason: str
    new_due_at: dt.datetime | None
    on_time: bool | None
    available_actions: list[str]
    timeline: list[StepOut]


class DossierRow(Schema):
    id: int
    code: str
    procedure: str = Field(alias="procedure.code")
    channel: str
    state: int
    state_label: str
    applicant_name: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    assignee_id: int | None
    overdue: bool

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.state_label

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class LookupOut(Schema):
    code: str
    procedure_name: str
    commune: str
    state: int
    state_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    result_ready: bool
    timeline: list[StepOut]

    # Resolvers for a Dossier object (lists); a dict from lookup_data() passes through.
    @staticmethod
    def resolve_procedure_name(obj):
        return obj["procedure_name"] if isinstance(obj, dict) else obj.procedure.name

    @staticmethod
    def resolve_commune(obj):
        return obj["commune"] if isinstance(obj, dict) else obj.commune.name

    @staticmethod
    def resolve_state_label(obj):
        return obj["state_label"] if isinstance(obj, dict) else obj.state_label

    @staticmethod
    def resolve_timeline(obj):
        return obj["timeline"] if isinstance(obj, dict) else selectors.public_timeline(obj)


class FiguresOut(Schema):
    received: int
    online: int
    online_share: float | None
    full_online: int
    full_online_share: float | None
    completed: int
    on_time: int
    on_time_rate: float | None
    avg_processing_days: float | None
    ratings: int
    satisfaction: float | None
    in_progress: int


class ProcedureFiguresOut(FiguresOut):
    code: str
    name: str


class StatsOut(FiguresOut):
    commune: str
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    by_procedure: list[ProcedureFiguresOut]


class ActionIn(Schema):
    reason: Text = Field("", max_length=4000)
    note: Text = Field("", max_length=4000)
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    method: Literal["pickup", "online", "post", ""] = ""
    new_due: dt.date | None = None


class RatingIn(Schema):
    scores: dict[str, int]
    comment: Text = Field("", max_length=1000)


class RatingOut(Schema):
    scores: dict[str, int]
    total: int
    comment: str


def _submitted(dossier: Dossier, attachments: int) -> dict:
    from xaso.dossiers.notify import tracking_url

    return {
        "id": dossier.pk,
        "code": dossier.code,
        "state": dossier.state,
        "state_label": dossier.state_label,
        "channel": dossier.channel,
        "procedure": dossier.procedure.code,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "attachments": attachments,
        "tracking_url": tracking_url(dossier),
    }


def detail_data(request, dossier: Dossier) -> dict:
    """The dossier as an official sees it; the identity number masked unless the role
    needs it. The read is audited (personal data)."""
    user = request.user
    full_id = permissions.has_perm(user, "dossiers.view_identity", dossier.commune)
    audit.record_read(user, dossier, ip=client_ip(request), detail={"identity_number": full_id})
    step = dossier.step
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "channel": dossier.channel,
        "state": dossier.state,
        "state_label": dossier.state_label,
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number
        if full_id
        else mask_identity_number(dossier.applicant_id_number),
        "applicant_phone": dossier.applicant_phone,
        "applicant_address": dossier.applicant_address,
        "applicant_email": dossier.applicant_email,
        "form_data": dossier.form_data,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "original_due_at": dossier.original_due_at,
        "due_at": dossier.due_at,
        "completed_at": dossier.completed_at,
        "returned_at": dossier.returned_at,
        "current_step": dossier.current_step,
        "step_name": str(step.get("name", "")) if step else "",
        "assignee_id": dossier.assignee_id,
        "supplement_reason": dossier.supplement_reason,
        "refusal_reason": dossier.refusal_reason,
        "apology_reason": dossier.apology_reason,
        "new_due_at": dossier.new_due_at,
        "on_time": dossier.on_time,
        "available_actions": services.available_actions(user, dossier),
        "timeline": selectors.public_timeline(dossier),
    }


@router.post(
    "/communes/{code}/dossiers",
    response={201: SubmittedOut},
    auth=commune_auth("dossiers.apply"),
    summary="Nộp hồ sơ (multipart: payload JSON + tệp đính kèm attachments)",
)
def submit(
    request,
    code: str,
    payload: Form[str],
    attachments: File[list[UploadedFile]] = None,
):
    commune = commune_for(request.user, code, "dossiers.apply")
    try:
        data = json.loads(payload)
    except (TypeError, ValueError):
        raise ValidationError({"payload": _("Trường payload phải là một chuỗi JSON.")}) from None
    if not isinstance(data, dict):
        raise ValidationError({"payload": _("Trường payload phải là một đối tượng JSON.")})
    applicant = data.get("applicant")
    if not isinstance(applicant, dict):
        raise ValidationError({"applicant": _("Thiếu thông tin người nộp.")})
    dossier = services.submit_dossier(
        request.user,
        commune,
        procedure_code=str(data.get("procedure") or ""),
        channel=str(data.get("channel") or "online"),
        applicant=applicant,
        form=data.get("form") or {},
        files=attachments or [],
        ip=client_ip(request),
    )
    # Every file was stored, or the submission failed as a whole.
    return Status(201, _submitted(dossier, len(attachments or [])))


@router.get(
    "/communes/{code}/dossiers",
    response=list[DossierRow],
    auth=commune_auth("dossiers.view"),
    summary="Hộp hồ sơ của xã (cán bộ): lọc theo trạng thái, thủ tục, hạn, người xử lý",
)
@paginate(Page)
def dossier_list(
    request,
    code: str,
    state: Annotated[int | None, Query(ge=1, le=10)] = None,
    procedure: Text = "",
    filter: Literal["", "due_soon", "overdue", "mine"] = "",
    q: Text = "",
):
    commune = commune_for(request.user, code, "dossiers.view")
    qs = selectors.inbox(
        commune, request.user, state=state, procedure=procedure[:40], flt=filter, q=q[:100]
    )
    return qs


def _office_dossier(request, code: str, dossier_id: int) -> Dossier:
    commune = commune_for(request.user, code, "dossiers.view")
    if not 0 < dossier_id < MAX_ID:
        raise Http404
    return get_owned_or_404(
        Dossier.objects.filter(commune=commune).select_related("procedure"),
        request.user,
        "dossiers.view",
        pk=dossier_id,
    )


@router.get(
    "/communes/{code}/dossiers/{dossier_id}",
    response=DossierOut,
    auth=commune_auth("dossiers.view"),
    summary="Một hồ sơ (cán bộ): thông tin, trạng thái, diễn biến, thao tác được phép",
)
def dossier_detail(request, code: str, dossier_id: int):
    return detail_data(request, _office_dossier(request, code, dossier_id))


ACTION_NAMES = Literal[
    "receive",
    "refuse",
    "start",
    "assign",
    "forward",
    "request_supplement",
    "supplement_complete",
    "request_payment",
    "paid",
    "stop",
    "resume",
    "complete",
    "return_result",
    "withdraw",
    "apologize",
]


def run_action(request, dossier: Dossier, action: str, data: dict, files=None) -> Dossier:
    """Dispatch one action to its service (shared by the API and the pages)."""
    user, ip = request.user, client_ip(request)
    reason, note = data.get("reason", ""), data.get("note", "")
    assignee = None
    if data.get("assignee_id"):
        assignee = User.objects.filter(pk=data["assignee_id"]).first()
        if assignee is None:
            raise ValidationError({"assignee_id": _("Không tìm thấy cán bộ.")})
    if action == "receive":
        return services.receive(user, dossier, ip=ip)
    if action == "refuse":
        return services.refuse(user, dossier, reason=reason, ip=ip)
    if action == "start":
        return services.start(user, dossier, assignee=assignee, ip=ip)
    if action == "assign":
        return services.assign(user, dossier, assignee=assignee, ip=ip)
    if action == "forward":
        return services.forward(user, dossier, assignee=assignee, note=note, ip=ip)
    if action == "request_supplement":
        return services.request_supplement(user, dossier, reason=reason, ip=ip)
    if action == "supplement_complete":
        return services.supplement_complete(user, dossier, files=files, ip=ip)
    if action == "request_payment":
        return services.request_payment(user, dossier, note=note or reason, ip=ip)
    if action == "paid":
        return services.paid(user, dossier, ip=ip)
    if action == "stop":
        return services.stop(user, dossier, reason=reason, ip=ip)
    if action == "resume":
        return services.resume(user, dossier, ip=ip)
    if action == "complete":
        return services.complete(user, dossier, note=note, ip=ip)
    if action == "return_result":
        return services.return_result(
            user, dossier, method=data.get("method") or "", note=note, ip=ip
        )
    if action == "withdraw":
        return services.withdraw(user, dossier, reason=reason, ip=ip)
    if action == "apologize":
        new_due = data.get("new_due")
        if not isinstance(new_due, dt.date):
            raise ValidationError({"new_due": _("Vui lòng chọn ngày hẹn mới.")})
        return services.apologize(user, dossier, reason=reason, new_due=new_due, ip=ip)
    raise Http404


@router.post(
    "/communes/{code}/dossiers/{dossier_id}/actions/{action}",
    response=DossierOut,
    auth=commune_auth("dossiers.view"),
    summary="Thao tác trên hồ sơ: tiếp nhận, chuyển xử lý, bổ sung, hoàn thành, trả kết quả…",
)
def dossier_action(
    request, code: str, dossier_id: int, action: ACTION_NAMES, payload: ActionIn | None = None
):
    dossier = _office_dossier(request, code, dossier_id)
    data = payload.dict() if payload else {}
    dossier = run_action(request, dossier, action, data)
    return detail_data(
        request, Dossier.objects.select_related("procedure", "commune").get(pk=dossier.pk)
    )


@router.get(
    "/communes/{code}/dossier-stats",
    response=StatsOut,
    auth=None,
    by_alias=True,
    summary="Số liệu một cửa của xã (công khai, không có dữ liệu cá nhân)",
)
def dossier_stats(
    request,
    code: str,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: dt.date | None = None,
):
    commune = get_commune_or_404(code)
    if from_ and to and from_ > to:
        raise ValidationError({"from": _("Ngày bắt đầu phải trước ngày kết thúc.")})
    if from_ and to and (to - from_).days > 3660:
        raise ValidationError({"from": _("Khoảng thời gian tối đa 10 năm.")})
    # Public and aggregated over many rows: a minute of staleness is fine.
    from django.core.cache import cache

    key = f"dossier-stats:{commune.pk}:{from_}:{to}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.stats(commune, from_, to)
        cache.set(key, figures, timeout=STATS_CACHE_SECONDS)
    return figures


@router.get(
    "/dossiers/lookup",
    response=LookupOut,
    auth=None,
    summary="Tra cứu hồ sơ công khai: mã hồ sơ + 4 số cuối điện thoại (không có dữ liệu cá nhân)",
)
def lookup(
    request,
    code: Annotated[Text, Query(max_length=60)],
    phone: Annotated[Text, Query(max_length=10)],
):
    ip = client_ip(request) or "?"
    if ratelimit.hit(f"dossier-lookup:{ip}", 60) > LOOKUPS_PER_MINUTE:
        raise Problem(
            429,
            _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."),
            headers={"Retry-After": "60"},
        )
    card = selectors.public_card(code, phone)
    if card is None:
        raise Problem(
            404,
            _("Không tìm thấy hồ sơ với mã và số điện thoại này."),
            code="not-found",
        )
    # Serialised here rather than validated again against LookupOut (the shape the
    # OpenAPI document publishes): this is the hottest public read of the domain.
    return HttpResponse(json.dumps(card, cls=DjangoJSONEncoder), content_type="application/json")


def lookup_data(dossier: Dossier) -> dict:
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "commune": dossier.commune.name,
        "state": dossier.state,
        "state_label": dossier.state_label,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "result_ready": dossier.result_ready,
        "timeline": selectors.public_timeline(dossier),
    }


# --- The citizen's own dossiers ----------------------------------------------------------


def _own(request, dossier_id: int) -> Dossier:
    if not 0 < dossier_id < MAX_ID:
        raise Http404
    dossier = (
        Dossier.objects.filter(pk=dossier_id, applicant_user=request.user)
        .select_related("procedure", "commune")
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@router.get(
    "/me/dossiers",
    response=list[LookupOut],
    auth=AUTH,
    summary="Hồ sơ của tôi (công dân đã đăng nhập)",
)
@paginate(Page)
def my_dossiers(request):
    return selectors.mine(request.user).prefetch_related("events")


@router.post(
    "/me/dossiers/{dossier_id}/withdraw",
    response=LookupOut,
    auth=AUTH,
    summary="Rút hồ sơ (công dân)",
)
def my_withdraw(request, dossier_id: int, payload: ActionIn | None = None):
    dossier = _own(request, dossier_id)
    reason = payload.reason if payload else ""
    dossier = services.withdraw(request.user, dossier, reason=reason, ip=client_ip(request))
    return lookup_data(dossier)


@router.post(
    "/me/dossiers/{dossier_id}/rating",
    response={201: RatingOut},
    auth=AUTH,
    summary="Đánh giá hồ sơ đã trả kết quả theo 9 chỉ số (một lần)",
)
def my_rating(request, dossier_id: int, payload: RatingIn):
    dossier = _own(request, dossier_id)
    rating = services.rate(
        request.user, dossier, scores=payload.scores, comment=payload.comment, ip=client_ip(request)
    )
    return Status(201, {"scores": rating.scores, "total": rating.total, "comment": rating.comment})


@router.get(
    "/dossiers/rating-indices",
    response=list[dict],
    auth=None,
    summary="Chín chỉ số đánh giá (TT 01/2018 điều 13)",
)
def rating_indices(request):
    from xaso.dossiers.models import RATING_INDICES

    return [{"key": k, "label": str(label), "computed": c} for k, label, c in RATING_INDICES]
