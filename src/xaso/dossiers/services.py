"""Every write of the dossier domain: validated, authorised, in a transaction,
audited, published as an event after commit (which notifies the citizen)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.accounts.validators import normalize_phone, validate_identity_number
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.events import publish
from xaso.core.problems import Problem
from xaso.core.roles import Role
from xaso.core.text import check_storable, check_storable_fields
from xaso.dossiers import attachments as attachment_checks
from xaso.dossiers.models import (
    RATING_INDICES,
    RATING_KEYS,
    WORKFLOW,
    Alert,
    AlertKind,
    Attachment,
    Channel,
    Dossier,
    DossierEvent,
    EventKind,
    Rating,
    ReturnMethod,
    State,
    is_satisfied,
)
from xaso.workdays.calendar import VN, Calendar

MAX_TEXT = 4000


# --- Codes -------------------------------------------------------------------------------


def agency_code(commune) -> str:
    """The agency identifier of TT 10/2016 configured in the commune profile, or, when
    none is configured, ``XA.<5-digit commune code>`` (documented in docs/dossiers.md)."""
    from xaso.geo.models import CommuneProfile

    code = (
        CommuneProfile.objects.filter(commune=commune).values_list("agency_code", flat=True).first()
    )
    return (code or "").strip() or f"XA.{commune.code_str}"


def next_code(commune, when: dt.datetime) -> str:
    """``<agency>-<YYMMDD>-<XXXX>``: the next number of the day for that agency.

    One atomic upsert: on PostgreSQL a concurrent transaction waits on the counter
    row's lock until the first commits, then reads the committed value; SQLite
    serialises writers. Run inside the transaction that inserts the dossier, so a
    failed submission rolls its number back with it. After 9999 the sequence goes on
    with 5 digits: a citizen is never refused because of a counter.
    """
    agency = agency_code(commune)
    day = when.astimezone(VN).date()
    table = "dossiers_dossiercounter"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency, day],
        )
        number = cursor.fetchone()[0]
    return f"{agency}-{day:%y%m%d}-{number:04d}"


# --- Helpers -----------------------------------------------------------------------------


def _text(value, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = check_storable(str(value or "").strip(), field)
    if required and not value:
        raise ValidationError({field: _("Vui lòng nhập nội dung.")})
    if len(value) > limit:
        raise ValidationError({field: _("Nội dung quá dài (tối đa %(n)s ký tự).") % {"n": limit}})
    return value


def _locked(dossier: Dossier) -> Dossier:
    # Two officials pressing a button on the same dossier at once would otherwise both
    # pass the state check and write over each other.
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("commune", "procedure")
        .get(pk=dossier.pk)
    )


def roles_in(user, commune) -> set[str]:
    grants = permissions.grants_for(user)
    if grants.is_superuser:
        return {str(r) for r in Role}
    return set(grants.by_commune.get(commune.pk, set()))


def _holds(user, commune, role: str) -> bool:
    from xaso.accounts.models import Membership

    return Membership.objects.filter(user=user, commune=commune, role=role, active=True).exists()


def validate_applicant(data: dict) -> dict:
    errors = {}
    clean = {}
    # The string rule (core.text) first: a later check must not echo a bad character.
    check_storable_fields(
        {k: data.get(k) for k in ("full_name", "phone", "id_number", "address", "email")},
        prefix="applicant.",
    )
    name = str(data.get("full_name") or "").strip()
    if not name:
        errors["applicant.full_name"] = _("Vui lòng nhập họ và tên người nộp.")
    elif len(name) > 150:
        errors["applicant.full_name"] = _("Họ và tên quá dài.")
    clean["full_name"] = name
    try:
        clean["phone"] = normalize_phone(data.get("phone") or "")
    except ValidationError as exc:
        errors["applicant.phone"] = exc.messages[0]
    id_number = str(data.get("id_number") or "").strip()
    if id_number:
        try:
            clean["id_number"] = validate_identity_number(id_number)
        except ValidationError as exc:
            errors["applicant.id_number"] = exc.messages[0]
    else:
        clean["id_number"] = ""
    address = str(data.get("address") or "").strip()
    if len(address) > 255:
        errors["applicant.address"] = _("Địa chỉ quá dài.")
    clean["address"] = address
    email = str(data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["applicant.email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    clean["email"] = email
    if errors:
        raise ValidationError(errors)
    return clean


def validate_form(procedure, form: dict, *, today: dt.date | None = None) -> dict:
    from xaso.procedures import formschema

    if not isinstance(form, dict):
        raise ValidationError({"form": _("Tờ khai phải là một đối tượng JSON.")})
    check_storable_fields(form, prefix="form.")
    try:
        return formschema.validate(procedure.form_schema or {"fields": []}, form, today=today)
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            raise ValidationError({f"form.{k}": v for k, v in exc.message_dict.items()}) from None
        raise


# --- Submission --------------------------------------------------------------------------


def _store_attachments(dossier, checked: list[dict], actor) -> None:
    """Files already checked by content (``attachments.check``), stored with the dossier."""
    for item in checked:
        Attachment.objects.create(
            dossier=dossier,
            name=item["name"],
            content_type=item["content_type"],
            size=item["size"],
            sha256=item["sha256"],
            file=ContentFile(item["data"], name=f"a.{item['ext']}"),
            uploaded_by=actor,
        )


def submit_dossier(
    actor,
    commune,
    *,
    procedure_code: str,
    channel: str,
    applicant: dict,
    form: dict,
    files=None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """A citizen applies online for themselves, or the one-stop officer files at the
    counter. All or nothing: the dossier, its files, its code, its first events."""
    from xaso.procedures.models import Procedure

    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("dossiers.apply")
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Hình thức nộp phải là “online” hoặc “counter”.")})
    if channel == Channel.COUNTER:
        permissions.require(actor, "dossiers.receive", commune)
    elif Role.CITIZEN not in roles_in(actor, commune):
        # Online is a citizen applying for themselves, in their own commune.
        raise PermissionDenied("dossiers.apply")
    procedure = Procedure.objects.filter(
        commune=commune, code=str(procedure_code or "")[:40], active=True
    ).first()
    if procedure is None:
        raise ValidationError({"procedure": _("Thủ tục không có trong danh mục của xã.")})
    applicant = validate_applicant(applicant or {})
    now = now or timezone.now()
    cleaned_form = validate_form(
        procedure, form if form is not None else {}, today=now.astimezone(VN).date()
    )
    checked = attachment_checks.check(files)
    calendar = Calendar.current()
    effective, due = calendar.due_at(now, procedure.deadline_days, channel)
    applicant_user = actor if channel == Channel.ONLINE else _citizen_with_phone(applicant["phone"])
    with transaction.atomic():
        dossier = Dossier(
            commune=commune,
            procedure=procedure,
            channel=channel,
            state=State.NEW,
            applicant_name=applicant["full_name"],
            applicant_id_number=applicant["id_number"],
            applicant_phone=applicant["phone"],
            applicant_address=applicant["address"],
            applicant_email=applicant["email"],
            applicant_user=applicant_user,
            form_data=cleaned_form,
            submitted_at=now,
            received_at=effective,
            original_due_at=due,
            due_at=due,
            # A placeholder until the real code is drawn at the very end: the day's
            # counter row stays locked from the draw to the commit, so nothing slow
            # (files, events) may happen in between.
            code=f"~{uuid.uuid4().hex}",
        )
        if channel == Channel.COUNTER:
            dossier.state = State.RECEIVED
            dossier.received_by = actor
        dossier.save()
        _store_attachments(dossier, checked, actor)
        events = [
            DossierEvent(
                dossier=dossier, actor=actor, kind=EventKind.SUBMITTED, to_state=State.NEW, at=now
            )
        ]
        if channel == Channel.COUNTER:
            events.append(
                DossierEvent(
                    dossier=dossier,
                    actor=actor,
                    kind=EventKind.STATE,
                    from_state=State.NEW,
                    to_state=State.RECEIVED,
                    at=now,
                )
            )
        DossierEvent.objects.bulk_create(events)
        dossier.code = next_code(commune, now)
        Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
        audit.record(
            actor,
            "dossiers.dossier.submit",
            dossier,
            ip=ip,
            detail={"channel": channel, "procedure": procedure.code, "files": len(checked)},
        )
        publish(
            "dossier.state_changed",
            dossier_id=dossier.pk,
            state=int(dossier.state),
            before=None,
            action="submit",
        )
    return dossier


def _citizen_with_phone(phone: str):
    """At the counter, link the dossier to the citizen's account when one has the phone,
    so it appears on their "Hồ sơ của tôi"."""
    from xaso.accounts.models import User

    return User.objects.filter(phone=phone, is_active=True).only("id").first()


# --- Transitions -------------------------------------------------------------------------


def _transition(
    actor, dossier, action, *, note="", public=True, ip=None, notify_note="", now=None, **changes
):
    dossier_before = dossier
    with transaction.atomic():
        dossier = _locked(dossier_before)
        step = changes.get("current_step", dossier.current_step)
        moves = WORKFLOW.target(action) != dossier.state
        before, after, _entry = WORKFLOW.transition(
            dossier,
            action,
            actor=actor,
            note=note,
            public=public,
            ip=ip,
            kind=EventKind.STATE if moves else EventKind.FORWARDED,
            changes=changes,
            event={"step": step},
            at=now,
        )
        if before != after:
            publish(
                "dossier.state_changed",
                dossier_id=dossier.pk,
                state=int(after),
                before=int(before),
                action=action,
                note=notify_note,
            )
    return dossier


def _require_receiver(actor, dossier):
    permissions.require(actor, "dossiers.receive", dossier.commune)


def _require_step(actor, dossier):
    """The actor holds the role of the dossier's current step, or leads the commune."""
    permissions.require(actor, "dossiers.process", dossier.commune)
    roles = roles_in(actor, dossier.commune)
    step = dossier.step
    wanted = str(step.get("role")) if step else None
    if Role.LEADER in roles or (wanted and wanted in roles) or (wanted is None):
        return
    raise Problem(
        403,
        _("Bước “%(step)s” do %(role)s xử lý."),
        code="not-your-step",
        params={"step": step.get("name", ""), "role": _role_label(wanted)},
    )


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def first_processing_step(procedure) -> int:
    """Reception is the one-stop officer's: processing starts at the first step that
    belongs to someone else (or at 0 when every step is the officer's)."""
    for index, step in enumerate(procedure.steps or []):
        if str(step.get("role")) != Role.ONE_STOP_OFFICER:
            return index
    return 0


def may_complete(dossier) -> bool:
    """Done when every step after the current one is the one-stop officer's (handing
    over the result is the return, state 10)."""
    rest = (dossier.procedure.steps or [])[dossier.current_step + 1 :]
    return all(str(s.get("role")) == Role.ONE_STOP_OFFICER for s in rest)


def _check_assignee(dossier, assignee, step_index: int):
    steps = dossier.procedure.steps or []
    if assignee is None:
        return
    if not 0 <= step_index < len(steps):
        role = None
    else:
        role = str(steps[step_index].get("role"))
    if role is None:
        ok = any(_holds(assignee, dossier.commune, str(r)) for r in Role)
    else:
        ok = _holds(assignee, dossier.commune, role)
    if not ok:
        raise ValidationError(
            {
                "assignee": _("Người được giao phải giữ vai trò %(role)s tại xã.")
                % {"role": _role_label(role) if role else _("cán bộ")}
            }
        )


def receive(actor, dossier, *, ip=None, now=None) -> Dossier:
    """An online dossier (state 1) is accepted by the one-stop officer (state 2)."""
    _require_receiver(actor, dossier)
    return _transition(actor, dossier, "receive", ip=ip, now=now, received_by=actor)


def refuse(actor, dossier, *, reason: str, ip=None, now=None) -> Dossier:
    """Not received (state 3), with the reason (form 03)."""
    _require_receiver(actor, dossier)
    reason = _text(reason, "reason", required=True)
    return _transition(
        actor,
        dossier,
        "refuse",
        note=reason,
        ip=ip,
        now=now,
        notify_note=reason,
        refusal_reason=reason,
    )


def start(actor, dossier, *, assignee=None, ip=None, now=None) -> Dossier:
    """Hand the received dossier to its first processing step (state 4)."""
    _require_receiver(actor, dossier)
    first = first_processing_step(dossier.procedure)
    _check_assignee(dossier, assignee, first)
    now = now or timezone.now()
    return _transition(
        actor,
        dossier,
        "start",
        ip=ip,
        now=now,
        current_step=first,
        step_started_at=now,
        assignee=assignee,
    )


def assign(actor, dossier, *, assignee, ip=None) -> Dossier:
    """Give the current step to an official holding its role (no state change)."""
    if not (
        permissions.has_perm(actor, "dossiers.receive", dossier.commune)
        or Role.LEADER in roles_in(actor, dossier.commune)
    ):
        _require_step(actor, dossier)
    if assignee is None:
        raise ValidationError({"assignee": _("Vui lòng chọn cán bộ.")})
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.state not in (State.RECEIVED, State.PROCESSING):
            raise Problem(
                409,
                _("Chỉ giao xử lý được hồ sơ đã tiếp nhận hoặc đang xử lý."),
                code="illegal-transition",
            )
        step = (
            dossier.current_step
            if dossier.state == State.PROCESSING
            else (first_processing_step(dossier.procedure))
        )
        _check_assignee(dossier, assignee, step)
        dossier.assignee = assignee
        dossier.save(update_fields=["assignee", "updated_at"])
        DossierEvent.log(
            dossier,
            actor,
            EventKind.ASSIGNED,
            note=str(_("Giao cho %(name)s") % {"name": assignee.display_name}),
            public=False,
            step=step,
        )
        audit.record(actor, "dossiers.dossier.assign", dossier, ip=ip, detail={"to": assignee.pk})
    return dossier


def forward(actor, dossier, *, assignee=None, note: str = "", ip=None, now=None) -> Dossier:
    """Finish the current step and pass the dossier to the next one."""
    _require_step(actor, dossier)
    note = _text(note, "note")
    if dossier.state == State.PROCESSING and may_complete(dossier):
        raise Problem(
            409,
            _("Đây là bước xử lý cuối: hãy chọn “Hoàn thành xử lý”."),
            code="last-step",
        )
    nxt = dossier.current_step + 1
    _check_assignee(dossier, assignee, nxt)
    now = now or timezone.now()
    return _transition(
        actor,
        dossier,
        "forward",
        note=note,
        public=False,
        ip=ip,
        now=now,
        current_step=nxt,
        step_started_at=now,
        assignee=assignee,
    )


def request_supplement(actor, dossier, *, reason: str, ip=None, now=None) -> Dossier:
    """ONE request to supplement (form 02); the clock stops until it is complete."""
    _require_step_or_receiver(actor, dossier)
    reason = _text(reason, "reason", required=True)
    if dossier.supplement_requested_at is not None:
        raise Problem(
            409,
            _("Hồ sơ chỉ được yêu cầu bổ sung một lần."),
            code="supplement-already-requested",
        )
    return _transition(
        actor,
        dossier,
        "request_supplement",
        note=reason,
        ip=ip,
        now=now,
        notify_note=reason,
        supplement_requested_at=now or timezone.now(),
        supplement_reason=reason,
    )


def _require_step_or_receiver(actor, dossier):
    if permissions.has_perm(actor, "dossiers.receive", dossier.commune):
        return
    _require_step(actor, dossier)


def supplement_complete(actor, dossier, *, files=None, ip=None, now=None) -> Dossier:
    """The missing papers are in: the clock restarts from zero (new receipt, new due)."""
    _require_receiver(actor, dossier)
    checked = attachment_checks.check(files)
    now = now or timezone.now()
    effective, due = Calendar.current().due_at(
        now, dossier.procedure.deadline_days, dossier.channel
    )
    with transaction.atomic():
        dossier = _transition(
            actor,
            dossier,
            "supplement_complete",
            ip=ip,
            now=now,
            supplement_completed_at=now,
            received_at=effective,
            original_due_at=due,
            due_at=due,
            new_due_at=None,
            step_started_at=now,
        )
        _store_attachments(dossier, checked, actor)
    return dossier


def request_payment(actor, dossier, *, note: str, ip=None, now=None) -> Dossier:
    _require_step_or_receiver(actor, dossier)
    note = _text(note, "note", required=True)
    return _transition(
        actor,
        dossier,
        "request_payment",
        note=note,
        ip=ip,
        now=now,
        notify_note=note,
        payment_note=note,
    )


def paid(actor, dossier, *, ip=None, now=None) -> Dossier:
    _require_receiver(actor, dossier)
    now = now or timezone.now()
    return _transition(actor, dossier, "paid", ip=ip, now=now, paid_at=now)


def stop(actor, dossier, *, reason: str, ip=None, now=None) -> Dossier:
    _require_step(actor, dossier)
    reason = _text(reason, "reason", required=True)
    return _transition(
        actor,
        dossier,
        "stop",
        note=reason,
        ip=ip,
        now=now,
        notify_note=reason,
        stop_reason=reason,
    )


def resume(actor, dossier, *, ip=None, now=None) -> Dossier:
    _require_step(actor, dossier)
    now = now or timezone.now()
    return _transition(actor, dossier, "resume", ip=ip, now=now, step_started_at=now)


def complete(actor, dossier, *, note: str = "", ip=None, now=None) -> Dossier:
    """The last processing step is done: the result is ready (state 9)."""
    _require_step(actor, dossier)
    note = _text(note, "note")
    if dossier.state == State.PROCESSING and not may_complete(dossier):
        raise Problem(
            409,
            _("Hồ sơ còn bước xử lý chưa thực hiện: hãy chuyển bước tiếp theo."),
            code="steps-remaining",
        )
    now = now or timezone.now()
    return _transition(
        actor,
        dossier,
        "complete",
        note=note,
        ip=ip,
        now=now,
        completed_at=now,
        result_note=note,
        assignee=None,
    )


def return_result(actor, dossier, *, method: str, note: str = "", ip=None, now=None) -> Dossier:
    _require_receiver(actor, dossier)
    if method not in ReturnMethod.values:
        raise ValidationError({"method": _("Vui lòng chọn cách trả kết quả.")})
    note = _text(note, "note")
    return _transition(
        actor,
        dossier,
        "return_result",
        note=note,
        ip=ip,
        now=now,
        returned_at=now or timezone.now(),
        return_method=method,
    )


def is_applicant(actor, dossier) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and dossier.applicant_user_id == actor.pk)


def withdraw(actor, dossier, *, reason: str = "", ip=None, now=None) -> Dossier:
    """The citizen withdraws their dossier (state 7) before it is done."""
    if not is_applicant(actor, dossier):
        # The officer records a withdrawal the citizen asks for at the counter.
        _require_receiver(actor, dossier)
    reason = _text(reason, "reason")
    return _transition(
        actor,
        dossier,
        "withdraw",
        note=reason,
        ip=ip,
        now=now,
        withdraw_reason=reason,
        assignee=None,
    )


def apologize(actor, dossier, *, reason: str, new_due: dt.date, ip=None, now=None) -> Dossier:
    """The apology letter with a new date (form 04): once, and at least one working
    day before the due date."""
    _require_step_or_receiver(actor, dossier)
    reason = _text(reason, "reason", required=True)
    now = now or timezone.now()
    calendar = Calendar.current()
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.state not in (State.RECEIVED, State.PROCESSING, State.FINANCIAL):
            raise Problem(
                409,
                _("Chỉ gửi thư xin lỗi cho hồ sơ đang giải quyết."),
                code="illegal-transition",
            )
        if dossier.apologized_at is not None:
            raise Problem(
                409, _("Ngày hẹn trả chỉ được điều chỉnh một lần."), code="apology-already-sent"
            )
        today = now.astimezone(VN).date()
        due_day = dossier.due_at.astimezone(VN).date()
        if calendar.working_days_between(today, due_day) < 1:
            raise Problem(
                409,
                _("Thư xin lỗi phải gửi chậm nhất một ngày làm việc trước hạn trả (%(due)s)."),
                code="apology-too-late",
                params={"due": f"{due_day:%d/%m/%Y}"},
            )
        if not isinstance(new_due, dt.date) or new_due <= due_day:
            raise ValidationError({"new_due": _("Ngày hẹn mới phải sau ngày hẹn hiện tại.")})
        if not calendar.is_working_day(new_due):
            raise ValidationError({"new_due": _("Ngày hẹn mới phải là ngày làm việc.")})
        from django.conf import settings

        from xaso.workdays.calendar import _hhmm

        new_at = dt.datetime.combine(new_due, _hhmm(settings.WORKDAY_END), tzinfo=VN)
        dossier.apologized_at = now
        dossier.apology_reason = reason
        dossier.new_due_at = new_at
        dossier.due_at = new_at
        dossier.save()
        note = str(
            _("Xin lỗi vì chậm trễ: %(reason)s. Hẹn trả kết quả mới: %(date)s.")
            % {"reason": reason, "date": f"{new_due:%d/%m/%Y}"}
        )
        DossierEvent.log(dossier, actor, EventKind.APOLOGY, note=note, at=now)
        audit.record(
            actor, "dossiers.dossier.apologize", dossier, ip=ip, detail={"new_due": str(new_due)}
        )
        publish(
            "dossier.state_changed",
            dossier_id=dossier.pk,
            state=int(dossier.state),
            before=int(dossier.state),
            action="apologize",
            note=note,
        )
    return dossier


#: action name → (service, what it needs): the views and the API dispatch through it.
ACTIONS = {
    "receive": receive,
    "refuse": refuse,
    "start": start,
    "assign": assign,
    "forward": forward,
    "request_supplement": request_supplement,
    "supplement_complete": supplement_complete,
    "request_payment": request_payment,
    "paid": paid,
    "stop": stop,
    "resume": resume,
    "complete": complete,
    "return_result": return_result,
    "withdraw": withdraw,
    "apologize": apologize,
}


def available_actions(user, dossier) -> list[str]:
    """The actions this official may try on this dossier now (for the buttons)."""
    commune = dossier.commune
    receiver = permissions.has_perm(user, "dossiers.receive", commune)
    roles = roles_in(user, commune)
    step = dossier.step
    on_step = permissions.has_perm(user, "dossiers.process", commune) and (
        Role.LEADER in roles or step is None or str(step.get("role")) in roles
    )
    out = []
    state = dossier.state
    if state == State.NEW and receiver:
        out += ["receive", "refuse"]
    if state == State.RECEIVED and receiver:
        out += ["start"]
    if state in (State.RECEIVED, State.PROCESSING) and (receiver or Role.LEADER in roles):
        out += ["assign"]
    if state == State.PROCESSING:
        if on_step:
            out += ["complete"] if may_complete(dossier) else ["forward"]
            out += ["stop"]
        if (on_step or receiver) and dossier.supplement_requested_at is None:
            out += ["request_supplement"]
        if on_step or receiver:
            out += ["request_payment"]
    if state == State.SUPPLEMENT and receiver:
        out += ["supplement_complete"]
    if state == State.FINANCIAL and receiver:
        out += ["paid"]
    if state == State.STOPPED and on_step:
        out += ["resume"]
    if state == State.DONE and receiver:
        out += ["return_result"]
    if (
        state in (State.RECEIVED, State.PROCESSING, State.FINANCIAL)
        and dossier.apologized_at is None
        and (on_step or receiver)
    ):
        out += ["apologize"]
    if dossier.allowed("withdraw") and receiver:
        out += ["withdraw"]
    return out


# --- Rating ------------------------------------------------------------------------------


def computed_scores(dossier, now: dt.datetime | None = None) -> dict[str, int]:
    """The indices the record answers: time against the legal limit, time per unit
    (each step within its budget), and online service."""
    scores = {}
    if dossier.on_time is not None:
        scores["time"] = 2 if dossier.on_time else 0
        late_steps = DossierEvent.objects.filter(
            dossier=dossier, kind=EventKind.REMINDER, note__startswith="step"
        ).exists()
        scores["time_per_unit"] = 1 if late_steps else 2
    else:
        scores["time"] = 1
        scores["time_per_unit"] = 1
    scores["online"] = online_service_score(dossier.commune, now)
    return scores


def online_service_score(commune, now: dt.datetime | None = None) -> int:
    """TT 01/2018 art. 13, online service: 2 when at least 20 % of the commune's active
    procedures are fully online AND at least 30 % of this year's received dossiers were
    filed online; 1 when one of the two holds; 0 otherwise."""
    from xaso.procedures.models import OnlineLevel, Procedure

    procedures = Procedure.objects.filter(commune=commune, active=True)
    total = procedures.count()
    full = procedures.filter(online_level=OnlineLevel.FULL).count()
    year = (now or timezone.now()).astimezone(VN).year
    dossiers = Dossier.objects.filter(commune=commune, submitted_at__year=year).exclude(
        state__in=[State.NEW, State.NOT_RECEIVED]
    )
    received = dossiers.count()
    online = dossiers.filter(channel=Channel.ONLINE).count()
    met = int(bool(total) and full / total >= 0.2) + int(
        bool(received) and online / received >= 0.3
    )
    return met


def rate(actor, dossier, *, scores: dict, comment: str = "", ip=None, now=None) -> Rating:
    """The applicant rates a returned dossier once on the nine indices."""
    if not is_applicant(actor, dossier):
        raise PermissionDenied("dossiers.rate")
    comment = _text(comment, "comment", limit=1000)
    computed = computed_scores(dossier, now=now)
    given = {}
    errors = {}
    for key, _label, is_computed in RATING_INDICES:
        if is_computed:
            continue
        value = (scores or {}).get(key)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if value not in (0, 1, 2):
            errors[f"scores.{key}"] = _("Chọn 0, 1 hoặc 2 điểm.")
        given[key] = value
    unknown = set(scores or {}) - set(RATING_KEYS)
    if unknown:
        errors["scores"] = _("Chỉ số không tồn tại: %(keys)s.") % {
            "keys": ", ".join(sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dossier = _locked(dossier)
        if dossier.state != State.RETURNED:
            raise Problem(409, _("Chỉ đánh giá được sau khi đã nhận kết quả."), code="not-returned")
        if Rating.objects.filter(dossier=dossier).exists():
            raise Problem(409, _("Hồ sơ này đã được đánh giá."), code="already-rated")
        merged = {**given, **computed}
        rating = Rating.objects.create(
            dossier=dossier,
            scores={k: merged[k] for k in RATING_KEYS},
            total=sum(merged.values()),
            satisfied=is_satisfied(merged),
            comment=comment,
            by=actor,
            at=now or timezone.now(),
        )
        DossierEvent.log(dossier, actor, EventKind.RATED, note=f"{rating.total}/18", at=now)
        audit.record(actor, "dossiers.dossier.rate", dossier, ip=ip, detail={"total": rating.total})
    return rating


# --- Reminders ---------------------------------------------------------------------------


def _leaders(commune):
    from xaso.accounts.models import User

    return list(
        User.objects.filter(
            memberships__commune=commune, memberships__role=Role.LEADER, memberships__active=True
        ).distinct()
    )


def _warn(users, dossier, text: str) -> list[int]:
    from django.conf import settings

    from xaso.accounts.tasks import send_email_task, send_sms_task
    from xaso.core.text import fold

    url = f"{settings.SITE_URL}/x/{dossier.commune.code_str}/van-phong/ho-so/{dossier.pk}/"
    body = f"Xa So: {fold(text)} {dossier.code}. {url}"
    sent, where = [], dossier.commune_id
    for user in users:
        if user.phone:
            phone = user.phone
            transaction.on_commit(
                lambda p=phone: send_sms_task.enqueue(to=p, body=body, commune_id=where)
            )
        if user.email:
            email, subject = user.email, f"{text}: {dossier.code}"
            transaction.on_commit(
                lambda e=email, s=subject: send_email_task.enqueue(
                    to=e, subject=s, body=f"{s}\n{url}", commune_id=where
                )
            )
        sent.append(user.pk)
    return sent


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn the assignee when less than a quarter of a step's budget (at least half a
    working day) is left, and the leaders when the dossier is due within one working
    day. Each warning once per dossier, kind, step and due date."""
    from django.db import IntegrityError

    now = now or timezone.now()
    calendar = Calendar.current()
    today = now.astimezone(VN).date()
    counts = {"step": 0, "at_risk": 0}
    open_ = Dossier.objects.filter(
        state__in=[State.RECEIVED, State.PROCESSING, State.FINANCIAL], due_at__isnull=False
    ).select_related("commune", "procedure", "assignee")
    for dossier in open_.iterator(chunk_size=500):
        due_day = dossier.due_at.astimezone(VN).date()
        # At risk: due today or on the next working day, and not done.
        if calendar.working_days_between(today, due_day) <= 1:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        dossier=dossier, kind=AlertKind.AT_RISK, step=-1, ref=dossier.due_at
                    )
                    alert.recipients = _warn(
                        _leaders(dossier.commune), dossier, str(_("Hồ sơ có nguy cơ trễ hạn"))
                    )
                    alert.save(update_fields=["recipients"])
                    DossierEvent.log(
                        dossier, None, EventKind.REMINDER, note="at_risk", public=False
                    )
                    audit.record(None, "dossiers.dossier.at_risk", dossier)
                counts["at_risk"] += 1
            except IntegrityError:
                pass
        step = dossier.step
        if dossier.state == State.PROCESSING and step and dossier.step_started_at:
            budget = float(step.get("days") or 0)
            used = calendar.working_days_between(
                dossier.step_started_at.astimezone(VN).date(), today
            )
            if budget > 0 and budget - used <= max(0.5, budget / 4):
                users = [dossier.assignee] if dossier.assignee else _step_holders(dossier)
                try:
                    with transaction.atomic():
                        alert = Alert.objects.create(
                            dossier=dossier,
                            kind=AlertKind.STEP_BUDGET,
                            step=dossier.current_step,
                            ref=dossier.step_started_at,
                        )
                        alert.recipients = _warn(
                            users, dossier, str(_("Sắp hết thời gian của bước xử lý"))
                        )
                        alert.save(update_fields=["recipients"])
                        DossierEvent.log(
                            dossier,
                            None,
                            EventKind.REMINDER,
                            note=f"step {dossier.current_step}",
                            public=False,
                            step=dossier.current_step,
                        )
                    counts["step"] += 1
                except IntegrityError:
                    pass
    return counts


def _step_holders(dossier):
    from xaso.accounts.models import User

    role = str((dossier.step or {}).get("role", ""))
    return list(
        User.objects.filter(
            memberships__commune=dossier.commune, memberships__role=role, memberships__active=True
        ).distinct()
    )
