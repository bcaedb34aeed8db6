import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from xaso.accounts.models import User
from xaso.audit import services as audit
from xaso.core.api import Page, Text, commune_auth
from xaso.core.http import client_ip
from xaso.core.tenancy import commune_for
from xaso.documents import selectors, services
from xaso.documents.models import DocType, Document

router = Router(tags=["Văn bản"])

MAX_ID = 2**62


class DocumentOut(Schema):
    id: int
    direction: str
    status: str
    doc_type: str
    normative: bool
    summary: str
    urgency: str
    confidentiality: str
    pages: int | None
    source: str
    number: int | None
    code: str
    symbol: str
    year: int | None
    document_date: dt.date | None
    author: str
    arrival_number: int | None
    arrival_year: int | None
    received_at: dt.datetime | None
    assignee_id: int | None
    assigned_unit: str
    deadline: dt.datetime | None
    instructions: str
    outcome: str
    handled_at: dt.datetime | None
    reply_id: int | None
    drafting_unit: str
    signer_prefix: str
    signer_title: str
    signer_name: str
    recipients_text: str
    recipient_communes: list[int]
    recipient_emails: list[str]
    copies: int
    signatures: int
    issued_at: dt.datetime | None
    is_overdue: bool


class ListFilter(Schema):
    status: Text = Field("", max_length=20)
    q: Text = Field("", max_length=100)
    doc_type: Text = Field("", max_length=8)
    year: int | None = Field(None, ge=2000, le=2100)
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    overdue: bool = False
    mine: bool = False


class DraftIn(Schema):
    doc_type: Literal["CV", "QĐ", "TB", "KH", "BC", "TTr"] = "CV"
    summary: Text = Field(..., max_length=2000)
    body: Text = Field("", max_length=20000)
    basis: Text = Field("", max_length=20000)
    addressees: Text = Field("", max_length=2000)
    signer_prefix: Literal["", "TM.", "KT.", "Q.", "TL.", "TUQ."] = ""
    signer_title: Text = Field("", max_length=120)
    signer_name: Text = Field(..., max_length=150)
    recipients_text: Text = Field("", max_length=4000)
    recipient_communes: list[int] = Field(default_factory=list, max_length=50)
    recipient_emails: list[Text] = Field(default_factory=list, max_length=50)
    drafting_unit: Text = Field("", max_length=20)
    archive_unit: Text = Field("", max_length=60)
    urgency: Literal["thuong", "khan", "thuong_khan", "hoa_toc"] = "thuong"
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] = "thuong"
    normative: bool = False
    copies: int = Field(1, ge=1, le=999)
    note: Text = Field("", max_length=2000)


class ReviseIn(Schema):
    summary: Text | None = Field(None, max_length=2000)
    body: Text | None = Field(None, max_length=20000)
    basis: Text | None = Field(None, max_length=20000)
    addressees: Text | None = Field(None, max_length=2000)
    signer_prefix: Literal["", "TM.", "KT.", "Q.", "TL.", "TUQ."] | None = None
    signer_title: Text | None = Field(None, max_length=120)
    signer_name: Text | None = Field(None, max_length=150)
    recipients_text: Text | None = Field(None, max_length=4000)
    recipient_communes: list[int] | None = Field(None, max_length=50)
    recipient_emails: list[Text] | None = Field(None, max_length=50)
    note: Text = Field("", max_length=2000)


class AssignIn(Schema):
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    unit: Text = Field("", max_length=120)
    deadline: dt.date | None = None
    instructions: Text = Field("", max_length=4000)


class OutcomeIn(Schema):
    outcome: Text = Field("", max_length=4000)
    reply_id: int | None = Field(None, ge=1, le=MAX_ID)


class NoteIn(Schema):
    note: Text = Field("", max_length=2000)


class ReviewIn(Schema):
    decision: Literal["approve", "return"]
    comment: Text = Field("", max_length=4000)


class SecretIn(Schema):
    secret: str = Field("", max_length=200)
    credential_id: int | None = Field(None, ge=1, le=MAX_ID)


class PeriodIn(Schema):
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class StatsOut(Schema):
    commune: str
    start: dt.date | None
    end: dt.date | None
    incoming: int
    incoming_electronic: int
    incoming_handled: int
    outgoing: int
    outgoing_signed: int
    processed_electronically_share: float | None
    signed_electronically_share: float | None
    average_handling_working_days: float | None
    handled_late: int
    overdue_open: int


def _document(request, code: str, document_id: int, action: str = "documents.view") -> Document:
    commune = commune_for(request.user, code, action)
    if not 0 < document_id < MAX_ID:
        raise Http404
    doc = (
        Document.objects.filter(commune=commune, pk=document_id)
        .select_related("commune", "commune__province")
        .first()
    )
    if doc is None or not services.may_see(request.user, doc):
        raise Http404
    return doc


def _list(request, code, filters: ListFilter, direction: str):
    commune = commune_for(request.user, code, "documents.view")
    qs = selectors.visible(request.user, commune).filter(direction=direction)
    qs = selectors.filter_documents(
        qs,
        status=filters.status,
        q=filters.q,
        doc_type=filters.doc_type,
        year=filters.year,
        start=filters.from_,
        end=filters.to,
        overdue=filters.overdue,
        mine=request.user if filters.mine else None,
    )
    if direction == "in":
        return qs.order_by("-arrival_year", "-arrival_number")
    return qs.order_by("-created_at", "-id")


@router.get(
    "/communes/{code}/documents/incoming",
    response=list[DocumentOut],
    auth=commune_auth("documents.view"),
    summary="Văn bản đến của xã (lọc theo trạng thái, nội dung, năm, ngày, quá hạn, của tôi)",
)
@paginate(Page)
def incoming_list(request, code: str, filters: Query[ListFilter]):
    return _list(request, code, filters, "in")


@router.post(
    "/communes/{code}/documents/incoming",
    response={201: DocumentOut},
    auth=commune_auth("documents.register"),
    summary="Vào sổ văn bản đến (multipart: tệp PDF file và thông tin văn bản)",
)
def incoming_create(
    request,
    code: str,
    file: File[UploadedFile],
    author: Form[Text],
    summary: Form[Text],
    doc_type: Form[str] = "CV",
    symbol: Form[str] = "",
    document_date: Form[dt.date | None] = None,
    urgency: Form[str] = "thuong",
    confidentiality: Form[str] = "thuong",
    pages: Form[int | None] = None,
):
    commune = commune_for(request.user, code, "documents.register")
    doc = services.register_incoming(
        request.user,
        commune,
        pdf=file.read(services.MAX_PDF_BYTES + 1),
        filename=file.name or "van-ban.pdf",
        doc_type=doc_type,
        author=author,
        symbol=symbol,
        document_date=document_date,
        summary=summary,
        urgency=urgency,
        confidentiality=confidentiality,
        pages=pages,
        ip=client_ip(request),
    )
    return Status(201, doc)


@router.post(
    "/communes/{code}/documents/incoming/email",
    response={201: DocumentOut},
    auth=commune_auth("documents.register"),
    summary="Vào sổ văn bản đến từ một thư điện tử (.eml, multipart: file)",
)
def incoming_from_email(request, code: str, file: File[UploadedFile]):
    commune = commune_for(request.user, code, "documents.register")
    doc = services.import_email(
        request.user, commune, file.read(3 * services.MAX_PDF_BYTES + 1), ip=client_ip(request)
    )
    return Status(201, doc)


@router.get(
    "/communes/{code}/documents/outgoing",
    response=list[DocumentOut],
    auth=commune_auth("documents.view"),
    summary="Văn bản đi của xã (dự thảo, chờ duyệt, đã cấp số, đã phát hành)",
)
@paginate(Page)
def outgoing_list(request, code: str, filters: Query[ListFilter]):
    return _list(request, code, filters, "out")


@router.post(
    "/communes/{code}/documents/outgoing",
    response={201: DocumentOut},
    auth=commune_auth("documents.draft"),
    summary="Soạn dự thảo văn bản đi theo mẫu (công văn, quyết định, thông báo, kế hoạch, ...)",
)
def outgoing_create(request, code: str, payload: DraftIn):
    commune = commune_for(request.user, code, "documents.draft")
    data = payload.dict()
    note = data.pop("note")
    doc = services.create_draft(request.user, commune, note=note, ip=client_ip(request), **data)
    return Status(201, doc)


@router.post(
    "/communes/{code}/documents/outgoing/upload",
    response={201: DocumentOut},
    auth=commune_auth("documents.draft"),
    summary="Dự thảo văn bản đi bằng tệp PDF (multipart: file, doc_type, summary, ...)",
)
def outgoing_upload(
    request,
    code: str,
    file: File[UploadedFile],
    summary: Form[Text],
    signer_name: Form[str] = "",
    doc_type: Form[str] = "CV",
    drafting_unit: Form[str] = "",
    recipients_text: Form[str] = "",
    confidentiality: Form[str] = "thuong",
    normative: Form[bool] = False,
):
    commune = commune_for(request.user, code, "documents.draft")
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": _("Giá trị không hợp lệ.")})
    doc = services.create_draft(
        request.user,
        commune,
        pdf=file.read(services.MAX_PDF_BYTES + 1),
        filename=file.name or "du-thao.pdf",
        doc_type=doc_type,
        summary=summary,
        signer_name=signer_name,
        drafting_unit=drafting_unit,
        recipients_text=recipients_text,
        confidentiality=confidentiality,
        normative=normative,
        ip=client_ip(request),
    )
    return Status(201, doc)


@router.get(
    "/communes/{code}/documents/{document_id}",
    response=DocumentOut,
    auth=commune_auth("documents.view"),
    summary="Một văn bản",
)
def document_detail(request, code: str, document_id: int):
    doc = _document(request, code, document_id)
    audit.record_read(request.user, doc, ip=client_ip(request))
    return doc


@router.get(
    "/communes/{code}/documents/{document_id}/pdf",
    auth=commune_auth("documents.view"),
    summary="Tệp PDF hiện hành của văn bản (bản ký số nếu đã ký)",
)
def document_pdf(request, code: str, document_id: int):
    doc = _document(request, code, document_id)
    current = doc.current_file()
    if current is None:
        raise Http404
    audit.record_read(request.user, doc, ip=client_ip(request), detail={"file": current.pk})
    response = HttpResponse(bytes(current.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{current.pk}.pdf"'
    return response


@router.post(
    "/communes/{code}/documents/{document_id}/assign",
    response=DocumentOut,
    auth=commune_auth("documents.assign"),
    summary="Giao xử lý văn bản đến: người hoặc đơn vị, hạn giải quyết, bút phê",
)
def document_assign(request, code: str, document_id: int, payload: AssignIn):
    doc = _document(request, code, document_id, "documents.assign")
    assignee = None
    if payload.assignee_id:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationError({"assignee_id": _("Không tìm thấy cán bộ.")})
    return services.assign(
        request.user,
        doc,
        assignee=assignee,
        unit=payload.unit,
        deadline=payload.deadline,
        instructions=payload.instructions,
        ip=client_ip(request),
    )


@router.post(
    "/communes/{code}/documents/{document_id}/outcome",
    response=DocumentOut,
    auth=commune_auth("documents.handle"),
    summary="Ghi kết quả xử lý văn bản đến (hoặc liên kết văn bản đi trả lời)",
)
def document_outcome(request, code: str, document_id: int, payload: OutcomeIn):
    doc = _document(request, code, document_id, "documents.handle")
    reply = None
    if payload.reply_id:
        reply = Document.objects.filter(commune=doc.commune, pk=payload.reply_id).first()
        if reply is None:
            raise ValidationError({"reply_id": _("Không tìm thấy văn bản trả lời.")})
    return services.record_outcome(
        request.user, doc, outcome=payload.outcome, reply=reply, ip=client_ip(request)
    )


@router.post(
    "/communes/{code}/documents/{document_id}/revise",
    response=DocumentOut,
    auth=commune_auth("documents.draft"),
    summary="Sửa dự thảo (đang soạn hoặc bị trả lại): phiên bản mới, văn bản theo mẫu được tạo lại",
)
def document_revise(request, code: str, document_id: int, payload: ReviseIn):
    doc = _document(request, code, document_id, "documents.draft")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    note = data.pop("note", "")
    return services.revise_draft(request.user, doc, note=note, ip=client_ip(request), **data)


@router.post(
    "/communes/{code}/documents/{document_id}/submit",
    response=DocumentOut,
    auth=commune_auth("documents.draft"),
    summary="Trình lãnh đạo duyệt dự thảo",
)
def document_submit(request, code: str, document_id: int, payload: NoteIn):
    doc = _document(request, code, document_id, "documents.draft")
    return services.submit(request.user, doc, note=payload.note, ip=client_ip(request))


@router.post(
    "/communes/{code}/documents/{document_id}/review",
    response=DocumentOut,
    auth=commune_auth("documents.approve"),
    summary="Lãnh đạo duyệt (approve) hoặc trả lại (return, kèm ý kiến) dự thảo",
)
def document_review(request, code: str, document_id: int, payload: ReviewIn):
    doc = _document(request, code, document_id, "documents.approve")
    return services.review(
        request.user,
        doc,
        decision=payload.decision,
        comment=payload.comment,
        ip=client_ip(request),
    )


@router.post(
    "/communes/{code}/documents/{document_id}/number",
    response=DocumentOut,
    auth=commune_auth("documents.issue"),
    summary="Văn thư cấp số, ngày ban hành (số chạy theo năm, theo sổ)",
)
def document_number(request, code: str, document_id: int):
    doc = _document(request, code, document_id, "documents.issue")
    return services.number(request.user, doc, ip=client_ip(request))


@router.post(
    "/communes/{code}/documents/{document_id}/sign",
    response=DocumentOut,
    auth=commune_auth("documents.sign"),
    summary="Lãnh đạo ký số văn bản đã cấp số (mật khẩu chứng thư không được lưu)",
)
def document_sign(request, code: str, document_id: int, payload: SecretIn):
    doc = _document(request, code, document_id, "documents.sign")
    return services.sign(
        request.user,
        doc,
        secret=payload.secret,
        credential_id=payload.credential_id,
        ip=client_ip(request),
    )


@router.post(
    "/communes/{code}/documents/{document_id}/issue",
    response=DocumentOut,
    auth=commune_auth("documents.issue"),
    summary="Phát hành: ký số của cơ quan (nếu nhập mật khẩu), gửi xã nhận và thư điện tử",
)
def document_issue(request, code: str, document_id: int, payload: SecretIn):
    doc = _document(request, code, document_id, "documents.issue")
    return services.issue(
        request.user,
        doc,
        secret=payload.secret,
        credential_id=payload.credential_id,
        ip=client_ip(request),
    )


@router.get(
    "/communes/{code}/document-stats",
    response=StatsOut,
    auth=commune_auth("documents.view_stats"),
    summary="Số liệu văn bản: đến, đi, tỷ lệ xử lý và ký số điện tử, thời gian xử lý, quá hạn",
)
def document_stats(request, code: str, period: Query[PeriodIn]):
    commune = commune_for(request.user, code, "documents.view_stats")
    start, end = period.from_, period.to
    if start and end and end < start:
        raise ValidationError({"to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    return {
        "commune": commune.code_str,
        "start": start,
        "end": end,
        **selectors.stats(commune, start, end),
    }
