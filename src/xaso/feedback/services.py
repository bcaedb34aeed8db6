"""Every write of the feedback domain: validated, authorised, in a transaction,
audited, and told to the reporter (SMS after commit, and the timeline)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.accounts.tasks import send_sms_task
from xaso.accounts.validators import normalize_phone
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.problems import Problem
from xaso.core.roles import Role
from xaso.core.text import check_storable, check_storable_fields
from xaso.feedback.models import (
    LAT_RANGE,
    LONG_RANGE,
    OPEN_STATUSES,
    REOPEN_DAYS,
    WORKFLOW,
    AnswerTemplate,
    Category,
    EventKind,
    Open311Key,
    Photo,
    Report,
    ReportEvent,
    Status,
    bump_version,
)
from xaso.feedback.permissions import TRIAGE_ROLES
from xaso.feedback.photos import MAX_PHOTOS, check_and_copy
from xaso.workdays.calendar import due_date

KEY_PREFIX = "o311_"
MAX_DESCRIPTION = 4000

#: Plain, unaccented status words for SMS (cheap phones, one-segment messages).
SMS_STATUS = {
    Status.NEW: "da tiep nhan",
    Status.ACCEPTED: "da duoc chap nhan",
    Status.REJECTED: "bi tu choi",
    Status.ASSIGNED: "da giao can bo xu ly",
    Status.IN_PROGRESS: "dang xu ly",
    Status.RESOLVED: "da co tra loi",
    Status.CLOSED: "da dong",
}


# --- Helpers --------------------------------------------------------------------


def report_url(report: Report) -> str:
    return f"{settings.SITE_URL}/x/{report.commune.code_str}/phan-anh/{report.pk}/"


def _notify(report: Report, status: str) -> None:
    if not report.contact_phone:
        return
    body = (
        f"Xa So: phan anh so {report.pk} {SMS_STATUS.get(status, status)}. "
        f"Xem: {report_url(report)}"
    )
    phone, where = report.contact_phone, report.commune_id
    transaction.on_commit(lambda: send_sms_task.enqueue(to=phone, body=body, commune_id=where))


def _locked(report: Report) -> Report:
    # Lock the row: two officials acting on the same report at once would otherwise
    # both pass the state check and write over each other.
    return (
        Report.objects.select_for_update().select_related("commune", "category").get(pk=report.pk)
    )


def _text(value, field: str, *, required: bool = False, limit: int = MAX_DESCRIPTION) -> str:
    value = check_storable((value or "").strip(), field)
    if required and not value:
        raise ValidationError({field: _("Vui lòng nhập nội dung.")})
    if len(value) > limit:
        raise ValidationError({field: _("Nội dung quá dài.")})
    return value


def parse_coordinate(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Tọa độ không hợp lệ.")}) from None
    low, high = LAT_RANGE if field == "lat" else LONG_RANGE
    if not number.is_finite() or not (low <= number <= high):
        raise ValidationError({field: _("Vị trí phải nằm trong lãnh thổ Việt Nam.")})
    return number.quantize(Decimal("0.000001"))


def validate_attributes(category: Category, values: dict[str, list[str]]) -> dict:
    """Check ``attribute[code]`` values against the category's service definition."""
    clean: dict = {}
    known = {a.get("code"): a for a in category.attributes or [] if a.get("variable", True)}
    for code in values:
        if code not in known:
            raise ValidationError({f"attribute[{code}]": _("Thông tin bổ sung không tồn tại.")})
    for code, spec in known.items():
        given = [v for v in values.get(code, []) if str(v).strip()]
        if not given:
            if spec.get("required"):
                raise ValidationError({f"attribute[{code}]": _("Thông tin bổ sung bắt buộc.")})
            continue
        datatype = spec.get("datatype", "string")
        allowed = {str(v.get("key")) for v in spec.get("values", [])}
        if datatype in ("singlevaluelist", "multivaluelist"):
            if any(str(v) not in allowed for v in given):
                raise ValidationError(
                    {f"attribute[{code}]": _("Giá trị không có trong danh sách.")}
                )
            clean[code] = given if datatype == "multivaluelist" else given[0]
        elif datatype == "number":
            try:
                clean[code] = float(given[0])
            except ValueError:
                raise ValidationError({f"attribute[{code}]": _("Cần một số.")}) from None
        else:
            clean[code] = str(given[0])[:1000]
    return clean


# --- Categories, templates, keys ----------------------------------------------------


@transaction.atomic
def save_category(actor, commune, *, code: str, name: str, **fields) -> Category:
    permissions.require(actor, "feedback.manage_categories", commune)
    category = Category.objects.filter(commune=commune, code=code).first() or Category(
        commune=commune, code=code
    )
    created = category.pk is None
    category.name = name
    for field, value in fields.items():
        setattr(category, field, value)
    category.full_clean()
    category.save()
    audit.record(
        actor, "feedback.category.create" if created else "feedback.category.update", category
    )
    return category


@transaction.atomic
def save_answer_template(actor, commune, *, title: str, body: str) -> AnswerTemplate:
    permissions.require(actor, "feedback.manage_categories", commune)
    template = AnswerTemplate(
        commune=commune, title=_text(title, "title", required=True, limit=120)
    )
    template.body = _text(body, "body", required=True)
    template.save()
    audit.record(actor, "feedback.template.create", template)
    return template


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_open311_key(actor, commune, app_name: str) -> tuple[Open311Key, str]:
    """A new API key for a client app; the raw key is returned once, never stored."""
    if actor is not None:
        permissions.require(actor, "feedback.manage_keys", commune)
    app_name = " ".join((app_name or "").split())[:100]
    if not app_name:
        raise ValidationError({"app_name": _("Vui lòng nhập tên ứng dụng.")})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311Key.objects.create(
        commune=commune, app_name=app_name, prefix=raw[5:13], key_hash=_key_hash(raw)
    )
    audit.record(actor, "feedback.open311_key.issue", key, detail={"app": app_name})
    return key, raw


@transaction.atomic
def revoke_open311_key(actor, key: Open311Key) -> None:
    permissions.require(actor, "feedback.manage_keys", key.commune)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(actor, "feedback.open311_key.revoke", key)


def key_for(raw: str | None, commune) -> Open311Key | None:
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    key = Open311Key.objects.filter(
        key_hash=_key_hash(raw), commune=commune, revoked_at__isnull=True
    ).first()
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 300:
            Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- Submitting ------------------------------------------------------------------------


def submit_report(
    actor,
    commune,
    *,
    category: Category,
    description: str,
    lat=None,
    long=None,
    address_string: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    hide_identity: bool = True,
    photos: list[bytes] | None = None,
    attributes: dict | None = None,
    source: str = "web",
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """A citizen (signed in, or anonymous with a contact) reports a problem."""
    check_storable_fields(  # the string rule (core.text), before anything else
        {
            "description": description,
            "address_string": address_string,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "attributes": attributes,
        }
    )
    if category.commune_id != commune.pk or not category.active:
        raise ValidationError({"service_code": _("Lĩnh vực không tồn tại ở xã này.")})
    description = _text(description, "description", required=True)
    lat = parse_coordinate(lat, "lat")
    long = parse_coordinate(long, "long")
    address_string = _text(address_string, "address_string", limit=255)
    if (lat is None) != (long is None):
        raise ValidationError({"long": _("Cần cả vĩ độ và kinh độ.")})
    if lat is None and not address_string:
        raise ValidationError(
            {"address_string": _("Vui lòng chọn vị trí trên bản đồ hoặc nhập địa chỉ.")}
        )
    if contact_phone:
        contact_phone = normalize_phone(contact_phone)
    contact_email = (contact_email or "").strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ValidationError({"email": _("Địa chỉ thư điện tử không hợp lệ.")}) from None
    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in and not contact_phone and actor.phone:
        contact_phone = actor.phone
    if signed_in and not contact_name:
        contact_name = actor.full_name
    photos = [p for p in (photos or []) if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Tối đa 5 ảnh.")})
    checked = [check_and_copy(p) for p in photos]  # before any write
    now = now or timezone.now()
    with transaction.atomic():
        report = Report(
            commune=commune,
            category=category,
            description=description,
            lat=lat,
            long=long,
            address_string=address_string,
            reporter=actor if signed_in else None,
            contact_name=_text(contact_name, "contact_name", limit=150),
            contact_phone=contact_phone,
            contact_email=contact_email,
            hide_identity=hide_identity,
            source=source[:80],
            received_at=now,
            updated_at=now,
        )
        _effective, report.expected_at = due_date(
            now, category.resolution_working_days, channel="online"
        )
        report.save()
        for item in checked:
            Photo.objects.create(
                report=report,
                original=item["original"],
                public_copy=item["public"],
                content_type=item["content_type"],
                size=item["size"],
                width=item["width"],
                height=item["height"],
            )
        ReportEvent.log(report, actor, EventKind.CREATED, after=Status.NEW, at=now)
        if attributes:
            ReportEvent.log(
                report,
                actor,
                EventKind.NOTE,
                note=_attributes_note(attributes),
                public=False,
                at=now,
            )
        audit.record(
            actor,
            "feedback.report.submit",
            report,
            ip=ip,
            detail={"source": source[:80], "photos": len(checked)},
        )
        _notify(report, Status.NEW)
    return report


def _attributes_note(attributes: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in sorted(attributes.items()))


# --- Officials' transitions --------------------------------------------------------------


def _official_transition(
    actor,
    report: Report,
    transition: str,
    *,
    note: str = "",
    public: bool = True,
    ip: str | None = None,
    now: dt.datetime | None = None,
    **changes,
) -> Report:
    permissions.require(actor, "feedback.triage", report.commune)
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _before, after, _entry = WORKFLOW.transition(
            report,
            transition,
            actor=actor,
            note=note,
            public=public,
            ip=ip,
            changes={**changes, "updated_at": now},
            at=now,
        )
        _notify(report, after)
    return report


def accept(actor, report: Report, *, note: str = "", ip=None, now=None) -> Report:
    return _official_transition(actor, report, "accept", note=_text(note, "note"), ip=ip, now=now)


def reject(actor, report: Report, *, reason: str, ip=None, now=None) -> Report:
    reason = _text(reason, "reason", required=True)
    return _official_transition(
        actor,
        report,
        "reject",
        note=reason,
        ip=ip,
        now=now,
        reject_reason=reason,
        resolved_at=None,
    )


def _check_assignee(commune, assignee) -> None:
    from xaso.accounts.models import Membership

    ok = Membership.objects.filter(
        user=assignee, commune=commune, active=True, role__in=[str(r) for r in TRIAGE_ROLES]
    ).exists()
    if not ok:
        raise ValidationError({"assignee": _("Người được giao phải là cán bộ của xã.")})


def assign(actor, report: Report, *, assignee, note: str = "", ip=None, now=None) -> Report:
    _check_assignee(report.commune, assignee)
    return _official_transition(
        actor,
        report,
        "assign",
        note=_text(note, "note") or str(_("Giao cho %(name)s") % {"name": assignee.display_name}),
        public=False,
        ip=ip,
        now=now,
        assignee=assignee,
    )


def start(actor, report: Report, *, note: str = "", ip=None, now=None) -> Report:
    return _official_transition(actor, report, "start", note=_text(note, "note"), ip=ip, now=now)


def resolve(actor, report: Report, *, answer: str, ip=None, now=None) -> Report:
    answer = _text(answer, "answer", required=True)
    now = now or timezone.now()
    return _official_transition(
        actor,
        report,
        "resolve",
        note=answer,
        ip=ip,
        now=now,
        answer=answer,
        resolved_at=now,
        reopen_until=now + dt.timedelta(days=REOPEN_DAYS),
    )


def close(actor, report: Report, *, ip=None, now=None) -> Report:
    return _official_transition(actor, report, "close", ip=ip, now=now)


def mark_duplicate(actor, report: Report, *, original: Report, ip=None, now=None) -> Report:
    if original.pk == report.pk or original.commune_id != report.commune_id:
        raise ValidationError({"duplicate_of": _("Phản ánh gốc phải là một phản ánh khác của xã.")})
    if original.duplicate_of_id:
        original = original.duplicate_of
    return _official_transition(
        actor,
        report,
        "duplicate",
        note=str(_("Trùng với phản ánh số %(id)s") % {"id": original.pk}),
        ip=ip,
        now=now,
        duplicate_of=original,
    )


def add_note(actor, report: Report, *, note: str, public: bool = False, ip=None) -> ReportEvent:
    permissions.require(actor, "feedback.triage", report.commune)
    note = _text(note, "note", required=True)
    with transaction.atomic():
        event = ReportEvent.log(report, actor, EventKind.NOTE, note=note, public=public)
        audit.record(actor, "feedback.report.note", report, ip=ip, detail={"public": public})
    return event


@transaction.atomic
def moderate(
    actor,
    report: Report,
    *,
    hidden: bool,
    public_description: str = "",
    hidden_photo_ids: list[int] | None = None,
    ip=None,
) -> Report:
    """Hide personal data or abuse from the public view; the original is kept."""
    permissions.require(actor, "feedback.triage", report.commune)
    report = _locked(report)
    report.hidden_by_moderation = hidden
    report.moderated_description = _text(public_description, "public_description")
    report.updated_at = timezone.now()
    report.save(update_fields=["hidden_by_moderation", "moderated_description", "updated_at"])
    if hidden_photo_ids is not None:
        report.photos.update(hidden=False)
        report.photos.filter(pk__in=hidden_photo_ids).update(hidden=True)
        bump_version(report.commune_id)  # update() sends no signal
    ReportEvent.log(report, actor, EventKind.MODERATED, public=False)
    audit.record(
        actor,
        "feedback.report.moderate",
        report,
        ip=ip,
        detail={"hidden": hidden, "edited": bool(report.moderated_description)},
    )
    return report


# --- The reporter ---------------------------------------------------------------------------


def is_reporter(actor, report: Report, token: str | None = None) -> bool:
    if getattr(actor, "is_authenticated", False) and report.reporter_id == actor.pk:
        return True
    return bool(token) and secrets.compare_digest(str(token), report.token)


def reopen(actor, report: Report, *, reason: str, token: str | None = None, ip=None) -> Report:
    if not is_reporter(actor, report, token):
        raise PermissionDenied("feedback.reopen")
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        report = _locked(report)
        if not report.may_reopen():
            raise Problem(
                409,
                _("Chỉ mở lại được trong %(days)s ngày sau khi có trả lời."),
                code="reopen-window-closed",
                params={"days": REOPEN_DAYS},
            )
        now = timezone.now()
        _eff, expected_at = due_date(now, report.category.resolution_working_days, channel="online")
        _before, after, _entry = WORKFLOW.transition(
            report,
            "reopen",
            actor=actor,
            note=reason,
            ip=ip,
            changes={
                "resolved_at": None,
                "reopen_until": None,
                "escalated_at": None,
                "expected_at": expected_at,
                "updated_at": now,
            },
        )
        _notify(report, after)
    return report


def rate(
    actor, report: Report, *, rating: int, comment: str = "", token: str | None = None, ip=None
) -> Report:
    if not is_reporter(actor, report, token):
        raise PermissionDenied("feedback.rate")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Đánh giá từ 1 đến 5 sao.")})
    with transaction.atomic():
        report = _locked(report)
        if report.status not in (Status.RESOLVED, Status.CLOSED) or report.duplicate_of_id:
            raise Problem(409, _("Chỉ đánh giá được khi đã có trả lời."), code="not-answered")
        report.rating = rating
        report.rating_comment = _text(comment, "comment", limit=1000)
        report.save(update_fields=["rating", "rating_comment"])
        ReportEvent.log(report, actor, EventKind.RATED, note=f"{rating}/5", public=True)
        audit.record(actor, "feedback.report.rate", report, ip=ip, detail={"rating": rating})
    return report


# --- Deadlines ----------------------------------------------------------------------------------


def escalate_overdue(now: dt.datetime | None = None) -> list[Report]:
    """Mark every open report past its deadline as escalated (once) and tell the
    commune's leaders; run hourly (``xaso escalate_feedback`` or the task)."""
    from xaso.accounts.models import Membership

    now = now or timezone.now()
    escalated = []
    candidates = Report.objects.filter(
        status__in=list(OPEN_STATUSES), expected_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates[:5000]):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update()
                .select_related("commune")
                .filter(pk=pk, escalated_at__isnull=True, status__in=list(OPEN_STATUSES))
                .first()
            )
            if report is None:
                continue
            report.escalated_at = now
            report.save(update_fields=["escalated_at"])
            ReportEvent.log(report, None, EventKind.ESCALATED, public=False)
            audit.record(None, "feedback.report.escalate", report)
            phones = Membership.objects.filter(
                commune=report.commune, role=Role.LEADER, active=True, user__phone__isnull=False
            ).values_list("user__phone", flat=True)
            body = (
                f"Xa So: phan anh so {report.pk} da qua han giai quyet. Xem: "
                f"{settings.SITE_URL}/x/{report.commune.code_str}/van-phong/phan-anh/{report.pk}/"
            )
            for phone in phones:
                transaction.on_commit(
                    lambda p=phone, b=body, c=report.commune_id: send_sms_task.enqueue(
                        to=p, body=b, commune_id=c
                    )
                )
            escalated.append(report)
    return escalated
