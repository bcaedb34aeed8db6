"""Every write of the documents domain: validated, authorised, in a transaction,
audited, with a timeline event; deliveries (e-mail, reminders) after commit.

Incoming: register (upload, e-mail, another commune on the platform) → assign
(leader, deadline, instructions) → record the outcome (handler).
Outgoing: draft (upload or template) → submit → approve or return (leader) →
number (clerk: number and date, stamped into a generated PDF) → sign (leader,
personal certificate) → issue (clerk: organisation signature, delivery, register).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import mailbox
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.problems import Problem
from xaso.core.roles import Role
from xaso.core.text import check_storable_fields, date_words, fold, scrub
from xaso.documents import numbering
from xaso.documents.models import (
    NORMATIVE_TYPES,
    WORKFLOW,
    Confidentiality,
    Direction,
    DocType,
    Document,
    DocumentEvent,
    DocumentFile,
    EventKind,
    FileKind,
    Source,
    Status,
    Urgency,
    local_date,
)
from xaso.documents.permissions import CONFIDENTIAL_ROLES
from xaso.documents.render import (
    PREFIXES,
    is_template_type,
    page_count,
    render_pdf,
    stamp_number,
)
from xaso.workdays.calendar import Calendar

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_TEXT = 20_000
#: Default handling time of an incoming document, in working days, by urgency.
DEFAULT_WORKING_DAYS = {
    Urgency.NORMAL: 10,
    Urgency.URGENT: 3,
    Urgency.VERY_URGENT: 2,
    Urgency.EXPRESS: 1,
}
#: A reminder goes out this many working days before the deadline.
REMIND_WORKING_DAYS = 1
SYMBOL_RE = re.compile(r"\b(\d{1,5}/[0-9A-ZĐa-zđ/\-]+)")


# --- Helpers ---------------------------------------------------------------------


def _text(value, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("Nội dung chứa ký tự không hợp lệ.")})
    if required and not value:
        raise ValidationError({field: _("Vui lòng nhập thông tin này.")})
    if len(value) > limit:
        raise ValidationError({field: _("Nội dung quá dài.")})
    return value


def _choice(value, choices, field: str, default=None) -> str:
    value = value or default
    if value not in choices.values:
        raise ValidationError({field: _("Giá trị không hợp lệ.")})
    return value


def check_pdf(data: bytes | None, field: str = "file") -> int:
    """Refuse what is not a readable PDF; return its page count."""
    if not data:
        raise ValidationError({field: _("Vui lòng chọn tệp PDF.")})
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError({field: _("Tệp quá lớn (tối đa 20 MB).")})
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError({field: _("Tệp không phải PDF.")})
    pages = page_count(data)
    if pages is None:
        raise ValidationError({field: _("Không đọc được tệp PDF (tệp hỏng?).")})
    return pages


def _add_file(
    doc: Document, kind: str, content: bytes, *, name: str, actor, note="", at=None
) -> DocumentFile:
    last = doc.files.order_by("-version").values_list("version", flat=True).first() or 0
    return DocumentFile.objects.create(
        document=doc,
        kind=kind,
        version=last + 1,
        name=name[:200] or "van-ban.pdf",
        content=content,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=at or timezone.now(),
    )


def _locked(doc: Document) -> Document:
    # Two officials acting on one document at once would both pass the state check.
    return Document.objects.select_for_update().get(pk=doc.pk)


def _has_role(user, commune, roles) -> bool:
    grants = permissions.grants_for(user)
    return grants.is_superuser or bool(grants.by_commune.get(commune.pk, set()) & set(roles))


def may_see(user, doc: Document) -> bool:
    """Confidential documents: leaders, the clerk, the assignee and the author only."""
    if not permissions.has_perm(user, "documents.view", doc.commune):
        return False
    if not doc.is_confidential:
        return True
    return (
        _has_role(user, doc.commune, CONFIDENTIAL_ROLES)
        or doc.assignee_id == user.pk
        or doc.created_by_id == user.pk
    )


def _transition(actor, doc: Document, transition: str, *, note="", ip=None, now=None, **changes):
    now = now or timezone.now()
    WORKFLOW.transition(
        doc,
        transition,
        actor=actor,
        note=note,
        ip=ip,
        changes={**changes, "updated_at": now},
        at=now,
    )
    return doc


def _parse_date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("Ngày không hợp lệ (YYYY-MM-DD).")}) from None


def _officials(commune, roles):
    from xaso.accounts.models import Membership, User

    ids = Membership.objects.filter(
        commune=commune, active=True, role__in=[str(r) for r in roles]
    ).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def handlers(commune):
    """Who may be given an incoming document to handle."""
    return _officials(commune, [Role.SPECIALIST, Role.LEADER, Role.CLERK])


# --- Incoming --------------------------------------------------------------------


def _receive(
    commune,
    *,
    actor,
    pdf: bytes,
    filename: str,
    doc_type: str,
    author: str,
    symbol: str,
    document_date,
    summary: str,
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Confidentiality.NORMAL,
    pages: int | None = None,
    source: str = Source.UPLOAD,
    source_ref: str = "",
    source_document: Document | None = None,
    attachments: list[tuple[str, bytes]] = (),
    now: dt.datetime | None = None,
    ip=None,
) -> Document:
    """Put one document in the incoming register with the next arrival number."""
    counted = check_pdf(pdf)
    for _name, data in attachments:
        check_pdf(data, "attachments")
    doc = Document(
        commune=commune,
        direction=Direction.INCOMING,
        status=Status.REGISTERED,
        doc_type=_choice(doc_type, DocType, "doc_type", DocType.CONG_VAN),
        author=_text(author, "author", required=True, limit=255),
        symbol=_text(symbol, "symbol", limit=80),
        document_date=_parse_date(document_date, "document_date"),
        summary=_text(summary, "summary", required=True, limit=2000),
        urgency=_choice(urgency, Urgency, "urgency", Urgency.NORMAL),
        confidentiality=_choice(
            confidentiality, Confidentiality, "confidentiality", Confidentiality.NORMAL
        ),
        source=source,
        source_ref=source_ref[:300],
        source_document=source_document,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if pages is not None and not (0 < int(pages) < 100_000):
        raise ValidationError({"pages": _("Số trang không hợp lệ.")})
    doc.pages = int(pages) if pages else counted
    doc.summary_folded = fold(f"{doc.summary} {doc.symbol} {doc.author}")
    now = now or timezone.now()
    doc.received_at = doc.created_at = doc.updated_at = now
    year = local_date(now).year
    with transaction.atomic():
        doc.arrival_year = year
        doc.arrival_number = numbering.take_number(commune, year, numbering.INCOMING_SERIES)
        doc.save()
        _add_file(doc, FileKind.ORIGINAL, pdf, name=filename, actor=actor, at=now)
        for name, data in attachments:
            _add_file(doc, FileKind.ATTACHMENT, data, name=name, actor=actor, at=now)
        DocumentEvent.log(
            doc,
            actor,
            EventKind.CREATED,
            after=Status.REGISTERED,
            note=doc.get_source_display(),
            at=now,
        )
        audit.record(
            actor,
            "documents.register",
            doc,
            commune=commune,
            ip=ip,
            detail={"source": source, "arrival_number": doc.arrival_number},
        )
    return doc


def register_incoming(actor, commune, **fields) -> Document:
    """The clerk registers an incoming document (upload or scan with its metadata)."""
    permissions.require(actor, "documents.register", commune)
    fields.setdefault("source", Source.UPLOAD)
    return _receive(commune, actor=actor, **fields)


def parse_email(raw: bytes) -> dict:
    """Subject, sender, date, Message-ID and PDF attachments of one e-mail."""
    if not raw or len(raw) > 3 * MAX_PDF_BYTES:
        raise ValidationError({"file": _("Thư điện tử trống hoặc quá lớn.")})
    message = email.message_from_bytes(raw, policy=email.policy.default)
    pdfs = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        is_pdf = part.get_content_type() == "application/pdf" or name.lower().endswith(".pdf")
        if is_pdf:
            data = part.get_payload(decode=True) or b""
            if data:
                # A file name is a label: what the string rule refuses becomes "�".
                pdfs.append((scrub(name) or "tep-dinh-kem.pdf", data))
    subject = " ".join(str(message.get("Subject", "")).split())
    sender = email.utils.parseaddr(str(message.get("From", "")))
    when = None
    if message.get("Date"):
        try:
            when = email.utils.parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            when = None
    body = message.get_body(preferencelist=("plain",))
    found = SYMBOL_RE.search(subject)
    return {
        "subject": subject,
        "sender_name": sender[0],
        "sender_address": sender[1],
        "date": when,
        "message_id": str(message.get("Message-ID", "")).strip(),
        "text": _body_text(body),
        "symbol": found.group(1) if found else "",
        "pdfs": pdfs,
    }


def _body_text(part) -> str:
    if part is None:
        return ""
    try:
        return part.get_content().strip()[:MAX_TEXT]
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        return ""


def import_email(actor, commune, raw: bytes, *, now=None, ip=None, **overrides) -> Document:
    """Register an incoming document from an e-mail (``.eml``): its PDFs become the
    document and its attachments. The same message imported twice gives one document."""
    if actor is not None:
        permissions.require(actor, "documents.register", commune)
    parsed = parse_email(raw)
    # The string rule (core.text), by the names the message gives its parts.
    check_storable_fields(
        {
            "Subject": parsed["subject"],
            "From": f"{parsed['sender_name']} {parsed['sender_address']}",
            "Message-ID": parsed["message_id"],
            # The body is kept only as the summary of a message without a subject.
            "text/plain": "" if parsed["subject"] else parsed["text"][:300],
        }
    )
    if not parsed["pdfs"]:
        raise ValidationError({"file": _("Thư không có tệp PDF đính kèm.")})
    ref = f"email:{parsed['message_id']}" if parsed["message_id"] else ""
    if ref:
        existing = Document.objects.filter(
            commune=commune, direction=Direction.INCOMING, source_ref=ref
        ).first()
        if existing is not None:
            return existing
    (name, pdf), *rest = parsed["pdfs"]
    fields = {
        "doc_type": DocType.CONG_VAN,
        "author": parsed["sender_name"] or parsed["sender_address"] or str(_("Không rõ")),
        "symbol": parsed["symbol"],
        "document_date": parsed["date"].date() if parsed["date"] else None,
        "summary": parsed["subject"] or parsed["text"][:300] or name,
    }
    fields.update({k: v for k, v in overrides.items() if v not in (None, "")})
    return _receive(
        commune,
        actor=actor,
        pdf=pdf,
        filename=name,
        attachments=rest,
        source=Source.EMAIL,
        source_ref=ref,
        now=now,
        ip=ip,
        **fields,
    )


def import_maildir(commune, path: str | Path) -> tuple[list[Document], list[str]]:
    """Register every message of a maildir drop folder; messages already imported
    (same Message-ID) are skipped, so the command can run again and again."""
    box = mailbox.Maildir(str(path), factory=None, create=False)
    imported, errors = [], []
    for key in sorted(box.keys()):
        raw = box.get_bytes(key)
        try:
            doc = import_email(None, commune, raw)
        except ValidationError as exc:
            errors.append(f"{key}: {' '.join(exc.messages)}")
            continue
        imported.append(doc)
    return imported, errors


def default_deadline(doc: Document, start: dt.datetime) -> dt.datetime:
    days = DEFAULT_WORKING_DAYS.get(doc.urgency, 10)
    return Calendar.current().due_at(start, days, channel="online")[1]


def assign(
    actor,
    doc: Document,
    *,
    assignee=None,
    unit: str = "",
    deadline=None,
    instructions: str = "",
    now=None,
    ip=None,
) -> Document:
    """A leader gives an incoming document to a handler, with a deadline and bút phê."""
    permissions.require(actor, "documents.assign", doc.commune)
    unit = _text(unit, "unit", limit=120)
    if assignee is None and not unit:
        raise ValidationError({"assignee": _("Vui lòng chọn người hoặc đơn vị xử lý.")})
    if assignee is not None and not handlers(doc.commune).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Người xử lý phải là cán bộ của xã.")})
    now = now or timezone.now()
    deadline_date = _parse_date(deadline, "deadline")
    with transaction.atomic():
        doc = _locked(doc)
        if deadline_date is not None:
            if deadline_date < local_date(now):
                raise ValidationError({"deadline": _("Hạn giải quyết không được ở quá khứ.")})
            due = dt.datetime.combine(
                deadline_date, dt.time(17, 0), tzinfo=timezone.get_current_timezone()
            )
        else:
            due = default_deadline(doc, now)
        note = _text(instructions, "instructions", limit=4000)
        return _transition(
            actor,
            doc,
            "assign",
            note=note,
            ip=ip,
            now=now,
            assignee=assignee,
            assigned_unit=unit,
            assigned_at=now,
            deadline=due,
            instructions=note,
            reminded_at=None,
            overdue_notified_at=None,
        )


def record_outcome(
    actor, doc: Document, *, outcome: str, reply: Document | None = None, now=None, ip=None
):
    """The handler (or a leader) records how the document was handled."""
    permissions.require(actor, "documents.handle", doc.commune)
    outcome = _text(outcome, "outcome", required=reply is None, limit=4000)
    if reply is not None and (
        reply.commune_id != doc.commune_id or reply.direction != Direction.OUTGOING
    ):
        raise ValidationError({"reply_id": _("Văn bản trả lời phải là văn bản đi của xã.")})
    if reply is not None and not outcome:
        outcome = str(
            _("Đã trả lời bằng văn bản %(doc)s.") % {"doc": reply.symbol or reply.summary}
        )
    with transaction.atomic():
        doc = _locked(doc)
        if doc.assignee_id != actor.pk and not _has_role(actor, doc.commune, {str(Role.LEADER)}):
            raise PermissionDenied("documents.handle")
        return _transition(
            actor,
            doc,
            "handle",
            note=outcome,
            ip=ip,
            now=now,
            outcome=outcome,
            reply=reply,
            handled_at=now or timezone.now(),
        )


# --- Outgoing --------------------------------------------------------------------

DRAFT_FIELDS = (
    "doc_type",
    "summary",
    "body",
    "basis",
    "addressees",
    "signer_prefix",
    "signer_title",
    "signer_name",
    "recipients_text",
    "recipient_communes",
    "recipient_emails",
    "drafting_unit",
    "archive_unit",
    "urgency",
    "confidentiality",
    "normative",
    "copies",
)


def _clean_draft(commune, doc: Document, data: dict, *, now: dt.datetime | None = None) -> None:
    if "doc_type" in data:
        doc.doc_type = _choice(data["doc_type"], DocType, "doc_type")
    doc.summary = _text(data.get("summary", doc.summary), "summary", required=True, limit=2000)
    for field in ("body", "basis", "addressees", "recipients_text"):
        if field in data:
            setattr(doc, field, _text(data[field], field))
    for field, limit in (("signer_title", 120), ("signer_name", 150), ("archive_unit", 60)):
        if field in data:
            setattr(doc, field, _text(data[field], field, limit=limit))
    if "drafting_unit" in data:
        unit = _text(data["drafting_unit"], "drafting_unit", limit=20)
        if unit and not re.fullmatch(r"[A-ZĐ][A-ZĐa-zđ0-9]*", unit):
            raise ValidationError(
                {"drafting_unit": _("Viết tắt đơn vị chỉ gồm chữ cái và số, ví dụ VP.")}
            )
        doc.drafting_unit = unit
    if "signer_prefix" in data:
        prefix = (data["signer_prefix"] or "").strip()
        if prefix and prefix not in PREFIXES:
            raise ValidationError(
                {"signer_prefix": _("Quyền hạn ký là TM., KT., Q., TL. hoặc TUQ.")}
            )
        doc.signer_prefix = prefix
    if "urgency" in data:
        doc.urgency = _choice(data["urgency"], Urgency, "urgency", Urgency.NORMAL)
    if "confidentiality" in data:
        doc.confidentiality = _choice(
            data["confidentiality"], Confidentiality, "confidentiality", Confidentiality.NORMAL
        )
    if "normative" in data:
        doc.normative = bool(data["normative"])
        if doc.normative and doc.doc_type not in NORMATIVE_TYPES:
            raise ValidationError(
                {"normative": _("Chỉ quyết định, nghị quyết mới là văn bản quy phạm pháp luật.")}
            )
    if "copies" in data:
        copies = int(data["copies"] or 1)
        if not 0 < copies < 1000:
            raise ValidationError({"copies": _("Số lượng bản không hợp lệ.")})
        doc.copies = copies
    if "recipient_communes" in data:
        from xaso.geo.models import Commune

        codes = []
        for raw in data["recipient_communes"] or []:
            try:
                code = int(str(raw).strip())
            except ValueError:
                raise ValidationError({"recipient_communes": _("Mã xã không hợp lệ.")}) from None
            if code == commune.code:
                raise ValidationError(
                    {"recipient_communes": _("Không gửi văn bản cho chính xã mình.")}
                )
            if not Commune.objects.filter(code=code).exists():
                raise ValidationError(
                    {"recipient_communes": _("Không có xã mã %(code)s.") % {"code": code}}
                )
            if code not in codes:
                codes.append(code)
        doc.recipient_communes = codes
    if "recipient_emails" in data:
        emails = []
        for raw in data["recipient_emails"] or []:
            address = str(raw).strip()
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    {
                        "recipient_emails": _("Địa chỉ thư điện tử không hợp lệ: %(a)s")
                        % {"a": address[:80]}
                    }
                ) from None
            if address not in emails:
                emails.append(address)
        doc.recipient_emails = emails[:50]
    doc.code = numbering.code_for(
        doc.doc_type,
        drafting_unit=doc.drafting_unit,
        normative=doc.normative,
        year=doc.year or local_date(now or timezone.now()).year,
    )
    doc.series = numbering.series_for(
        doc.doc_type, normative=doc.normative, confidentiality=doc.confidentiality
    )
    doc.summary_folded = fold(f"{doc.summary} {doc.symbol}")


def create_draft(
    actor,
    commune,
    *,
    pdf: bytes | None = None,
    filename: str = "",
    note: str = "",
    reply_to: Document | None = None,
    ip=None,
    now: dt.datetime | None = None,
    **data,
) -> Document:
    """A draft from a template (rendered to PDF) or from an uploaded PDF; ``reply_to``
    links it, as the answer, to the incoming document it replies to."""
    permissions.require(actor, "documents.draft", commune)
    if reply_to is not None and (
        reply_to.commune_id != commune.pk or reply_to.direction != Direction.INCOMING
    ):
        raise ValidationError({"reply_to": _("Văn bản được trả lời phải là văn bản đến của xã.")})
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Trường không được hỗ trợ.")})
    data.setdefault("doc_type", DocType.CONG_VAN)
    now = now or timezone.now()
    doc = Document(
        commune=commune,
        direction=Direction.OUTGOING,
        status=Status.DRAFT,
        source=Source.UPLOAD if pdf else Source.TEMPLATE,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    doc.commune = commune
    _clean_draft(commune, doc, data, now=now)
    if pdf:
        doc.pages = check_pdf(pdf)
        content = pdf
    else:
        if not is_template_type(doc.doc_type):
            raise ValidationError(
                {"doc_type": _("Loại văn bản này chưa có mẫu: hãy tải lên tệp PDF.")}
            )
        if not doc.body:
            raise ValidationError({"body": _("Vui lòng nhập nội dung văn bản.")})
        if not doc.signer_name:
            raise ValidationError({"signer_name": _("Vui lòng nhập người ký.")})
        content = render_pdf(doc)
        doc.pages = page_count(content)
    with transaction.atomic():
        doc.save()
        _add_file(
            doc,
            FileKind.DRAFT,
            content,
            name=filename or "du-thao.pdf",
            actor=actor,
            note=note,
            at=now,
        )
        DocumentEvent.log(
            doc,
            actor,
            EventKind.CREATED,
            after=Status.DRAFT,
            note=_text(note, "note", limit=2000),
            at=now,
        )
        audit.record(actor, "documents.draft", doc, ip=ip, detail={"source": doc.source})
        if reply_to is not None:
            Document.objects.filter(pk=reply_to.pk).update(reply=doc, updated_at=now)
            DocumentEvent.log(
                reply_to, actor, EventKind.NOTE, note=f"Dự thảo trả lời #{doc.pk}", at=now
            )
    return doc


def revise_draft(
    actor, doc: Document, *, pdf: bytes | None = None, filename="", note="", ip=None, **data
):
    """A new version of a draft (or of a returned one, which becomes a draft again)."""
    permissions.require(actor, "documents.draft", doc.commune)
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Trường không được hỗ trợ.")})
    with transaction.atomic():
        doc = _locked(doc)
        if not doc.may("revise"):
            doc.apply("revise")  # raises the 409
        _clean_draft(doc.commune, doc, data)
        if pdf:
            doc.pages = check_pdf(pdf)
            doc.source = Source.UPLOAD
            content = pdf
        elif doc.source == Source.TEMPLATE:
            content = render_pdf(doc)
            doc.pages = page_count(content)
        else:
            content = None
        _transition(actor, doc, "revise", note=_text(note, "note", limit=2000), ip=ip)
        if content is not None:
            f = _add_file(
                doc, FileKind.DRAFT, content, name=filename or "du-thao.pdf", actor=actor, note=note
            )
            DocumentEvent.log(doc, actor, EventKind.VERSION, note=f"v{f.version}")
    return doc


def submit(actor, doc: Document, *, note: str = "", ip=None, now=None) -> Document:
    permissions.require(actor, "documents.draft", doc.commune)
    with transaction.atomic():
        return _transition(
            actor, _locked(doc), "submit", note=_text(note, "note", limit=2000), ip=ip, now=now
        )


def review(
    actor, doc: Document, *, decision: str, comment: str = "", ip=None, now=None
) -> Document:
    """A leader approves the draft, or returns it with comments (required)."""
    permissions.require(actor, "documents.approve", doc.commune)
    if decision not in ("approve", "return"):
        raise ValidationError({"decision": _("Chọn duyệt hoặc trả lại.")})
    comment = _text(comment, "comment", required=decision == "return", limit=4000)
    with transaction.atomic():
        doc = _locked(doc)
        changes = {"approved_by": actor} if decision == "approve" else {}
        return _transition(actor, doc, decision, note=comment, ip=ip, now=now, **changes)


def number(actor, doc: Document, *, now: dt.datetime | None = None, ip=None) -> Document:
    """The clerk gives the number and the date of issue (cấp số, ngày ban hành).

    The number is taken from the yearly series in the same transaction that stores
    it; a generated document is rendered again with its number and date, so the
    leader signs the final text.
    """
    permissions.require(actor, "documents.issue", doc.commune)
    now = now or timezone.now()
    day = local_date(now)
    with transaction.atomic():
        doc = _locked(doc)
        if not doc.may("number"):
            doc.apply("number")
        doc.year = day.year
        doc.code = numbering.code_for(
            doc.doc_type, drafting_unit=doc.drafting_unit, normative=doc.normative, year=day.year
        )
        doc.series = numbering.series_for(
            doc.doc_type, normative=doc.normative, confidentiality=doc.confidentiality
        )
        doc.number = numbering.take_number(doc.commune, day.year, doc.series)
        doc.symbol = numbering.symbol(doc.number, doc.code)
        doc.document_date = day
        doc.summary_folded = fold(f"{doc.summary} {doc.symbol}")
        _transition(actor, doc, "number", note=doc.symbol, ip=ip, now=now)
        if doc.source == Source.TEMPLATE:
            content = render_pdf(doc, number=doc.number, day=day)
        else:
            line = f"Số: {doc.symbol} · {numbering.place_name(doc.commune)}, {date_words(day)}"
            content = stamp_number(bytes(doc.current_file().content), line)
        if content is not None:
            _add_file(
                doc,
                FileKind.NUMBERED,
                content,
                name=f"{_slug(doc.symbol)}.pdf",
                actor=actor,
                at=now,
            )
    return doc


def _slug(symbol: str) -> str:
    return fold(symbol).replace("/", "-").replace(" ", "-") or "van-ban"


def _signing():
    try:
        from xaso.signatures import services as signing
        from xaso.signatures.models import SigningCredential
    except ImportError:
        raise Problem(503, _("Chức năng ký số chưa sẵn sàng.")) from None
    return signing, SigningCredential


def personal_credentials(user, commune):
    try:
        _s, SigningCredential = _signing()
    except Problem:
        return []
    return list(
        SigningCredential.objects.filter(
            commune=commune, kind="personal", owner=user, active=True
        ).order_by("-id")
    )


def organisation_credentials(commune):
    try:
        _s, SigningCredential = _signing()
    except Problem:
        return []
    return list(
        SigningCredential.objects.filter(
            commune=commune, kind="organisation", active=True
        ).order_by("-id")
    )


def _membership_title(user, commune) -> str:
    from xaso.accounts.models import Membership

    return (
        Membership.objects.filter(user=user, commune=commune, active=True, role=Role.LEADER)
        .values_list("title", flat=True)
        .first()
        or ""
    )


def sign(
    actor, doc: Document, *, secret: str, credential_id: int | None = None, ip=None
) -> Document:
    """The leader signs the numbered PDF with their personal certificate.

    The passphrase (or PIN) is passed to the signer once and never stored.
    """
    permissions.require(actor, "documents.sign", doc.commune)
    signing, _Credential = _signing()
    credentials = personal_credentials(actor, doc.commune)
    credential = next((c for c in credentials if credential_id in (None, c.pk)), None)
    if credential is None:
        raise Problem(
            422,
            _("Bạn chưa có chứng thư số cá nhân còn hiệu lực trên hệ thống."),
            code="no-credential",
        )
    with transaction.atomic():
        doc = _locked(doc)
        if not doc.may("sign"):
            doc.apply("sign")
        current = doc.current_file()
        appearance = signing.Appearance(
            signer_name=actor.full_name or actor.get_username(),
            title=doc.signer_title
            if doc.signer_name == actor.full_name
            else _membership_title(actor, doc.commune),
            organisation=f"UBND {doc.commune.name}",
            prefix=doc.signer_prefix,
        )
        signed = signing.sign_pdf(
            bytes(current.content),
            credential=credential,
            secret=secret,
            actor=actor,
            reason=f"Ký ban hành văn bản {doc.symbol}",
            location=numbering.place_name(doc.commune),
            appearance=appearance,
        )
        doc.signatures += 1
        _transition(actor, doc, "sign", ip=ip, note=credential.subject_name or "")
        _add_file(doc, FileKind.SIGNED, signed, name=f"{_slug(doc.symbol)}.pdf", actor=actor)
    return doc


def issue(
    actor,
    doc: Document,
    *,
    secret: str = "",
    credential_id: int | None = None,
    now: dt.datetime | None = None,
    ip=None,
) -> Document:
    """The clerk issues: the organisation's signature (when a passphrase is given),
    delivery to communes on the platform (into their incoming register) and by
    e-mail, and the outgoing register (``issued_at``)."""
    permissions.require(actor, "documents.issue", doc.commune)
    now = now or timezone.now()
    with transaction.atomic():
        doc = _locked(doc)
        if not doc.may("issue"):
            doc.apply("issue")
        if secret:
            signing, _Credential = _signing()
            credentials = organisation_credentials(doc.commune)
            credential = next((c for c in credentials if credential_id in (None, c.pk)), None)
            if credential is None:
                raise Problem(422, _("Xã chưa có chứng thư số của cơ quan."), code="no-credential")
            current = doc.current_file()
            signed = signing.sign_pdf(
                bytes(current.content),
                credential=credential,
                secret=secret,
                actor=actor,
                reason=f"Phát hành văn bản {doc.symbol}",
                location=numbering.place_name(doc.commune),
                appearance=signing.Appearance(
                    signer_name=f"UBND {doc.commune.name}",
                    organisation=f"UBND {doc.commune.name}",
                ),
            )
            doc.signatures += 1
            _add_file(doc, FileKind.SIGNED, signed, name=f"{_slug(doc.symbol)}.pdf", actor=actor)
        _transition(actor, doc, "issue", ip=ip, now=now, note=doc.symbol, issued_at=now)
        final = doc.current_file()
        _deliver_to_communes(actor, doc, final, now)
        for address in doc.recipient_emails:
            DocumentEvent.log(doc, actor, EventKind.DELIVERY, note=address)
            transaction.on_commit(
                lambda a=address, pk=doc.pk, c=doc.commune_id: _enqueue_mail(pk, a, c)
            )
    return doc


def _enqueue_mail(document_id: int, address: str, commune_id: int) -> None:
    from xaso.documents.tasks import send_document_email_task

    send_document_email_task.enqueue(
        document_id=document_id, address=address, commune_id=commune_id
    )


def _deliver_to_communes(actor, doc: Document, final: DocumentFile, now) -> None:
    from xaso.geo.models import Commune

    # In code order, so two issues locking the same communes' counters never wait
    # for each other in opposite orders (no deadlock).
    for code in sorted(doc.recipient_communes):
        target = Commune.objects.filter(code=code).first()
        if target is None or target.pk == doc.commune_id:
            continue
        received = _receive(
            target,
            actor=None,
            pdf=bytes(final.content),
            filename=final.name,
            doc_type=doc.doc_type,
            author=f"UBND {doc.commune.name}",
            symbol=doc.symbol,
            document_date=doc.document_date,
            summary=doc.summary,
            urgency=doc.urgency,
            confidentiality=doc.confidentiality,
            pages=doc.pages,
            source=Source.PLATFORM,
            source_ref=f"doc:{doc.pk}",
            source_document=doc,
            now=now,
        )
        DocumentEvent.log(
            doc, actor, EventKind.DELIVERY, note=f"{target.name} (số đến {received.arrival_number})"
        )


def send_document_email(document_id: int, address: str) -> None:
    from django.core.mail import EmailMessage

    doc = Document.objects.select_related("commune").get(pk=document_id)
    final = doc.current_file()
    message = EmailMessage(
        subject=f"{doc.symbol} — {doc.summary}"[:200],
        body=(
            f"UBND {doc.commune.name} gửi văn bản số {doc.symbol} "
            f"ngày {doc.document_date:%d/%m/%Y}: {doc.summary}\n\n"
            "Văn bản điện tử đính kèm (PDF có chữ ký số nếu đã ký)."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    message.attach(final.name, bytes(final.content), "application/pdf")
    message.send(fail_silently=False)


# --- Reminders -------------------------------------------------------------------


def _notify(user, subject: str, body: str, commune_id: int | None = None) -> None:
    # Through the retrying tasks (core.retry): a mail relay that is down neither loses
    # the reminder nor stops the sweep.
    from xaso.accounts.tasks import send_email_task, send_sms_task

    if user is None:
        return
    if user.email:
        address = user.email
        transaction.on_commit(
            lambda: send_email_task.enqueue(
                to=address, subject=subject, body=body, commune_id=commune_id
            )
        )
    elif user.phone:
        phone = user.phone
        transaction.on_commit(
            lambda: send_sms_task.enqueue(to=phone, body=fold(body)[:300], commune_id=commune_id)
        )


def _remind_once(doc, stamp: str, now: dt.datetime, subject: str, body: str) -> bool:
    """Claim the reminder (``stamp`` still empty) and send it; False when another run
    already did, so a reminder goes out once however often the sweep runs."""
    with transaction.atomic():
        claimed = Document.objects.filter(pk=doc.pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: now}
        )
        if not claimed:
            return False
        DocumentEvent.log(doc, None, EventKind.REMINDER, note=body)
        _notify(doc.assignee, subject, body, commune_id=doc.commune_id)
    return True


def send_reminders(now: dt.datetime | None = None) -> dict:
    """Remind handlers the working day before a deadline, and once when it passes.

    Each reminder is sent once (``reminded_at`` / ``overdue_notified_at``), so the
    command may run as often as the scheduler likes.
    """
    now = now or timezone.now()
    calendar = Calendar.current()
    soon_limit = calendar.add_working_days(local_date(now), REMIND_WORKING_DAYS)
    counts = {"soon": 0, "overdue": 0}
    open_docs = Document.objects.filter(
        direction=Direction.INCOMING, status=Status.ASSIGNED, deadline__isnull=False
    ).select_related("commune", "assignee")
    for doc in open_docs.filter(overdue_notified_at__isnull=True, deadline__lt=now):
        body = (
            f"Văn bản đến số {doc.arrival_number} ({doc.symbol or doc.summary[:60]}) "
            f"đã quá hạn giải quyết ({timezone.localtime(doc.deadline):%d/%m/%Y})."
        )
        if _remind_once(doc, "overdue_notified_at", now, "Văn bản quá hạn giải quyết", body):
            counts["overdue"] += 1
    for doc in open_docs.filter(reminded_at__isnull=True, deadline__gte=now):
        if local_date(doc.deadline) > soon_limit:
            continue
        body = (
            f"Văn bản đến số {doc.arrival_number} ({doc.symbol or doc.summary[:60]}) "
            f"sắp đến hạn giải quyết: {timezone.localtime(doc.deadline):%d/%m/%Y}."
        )
        if _remind_once(doc, "reminded_at", now, "Văn bản sắp đến hạn", body):
            counts["soon"] += 1
    return counts
