from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xaso.accounts.models import Membership
from xaso.accounts.validators import mask_identity_number
from xaso.audit import services as audit
from xaso.core import permissions, ratelimit
from xaso.core.http import client_ip
from xaso.core.problems import Problem, in_both
from xaso.core.roles import Role
from xaso.core.tenancy import get_commune_or_404
from xaso.core.views import office_view
from xaso.dossiers import selectors, services
from xaso.dossiers.forms import ApplicantForm, InboxFilter, PeriodForm, RatingForm
from xaso.dossiers.models import (
    RATING_INDICES,
    Attachment,
    Channel,
    Dossier,
    ReturnMethod,
    State,
)

MAX_ID = 2**62
LOOKUPS_PER_MINUTE = 30
FORM_LABELS = {
    "01": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "02": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "03": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "04": _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "05": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}


def _message(exc) -> str:
    if isinstance(exc, Problem):
        return in_both(exc.message, exc.params)[0]
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _errors_into(exc: ValidationError, form, applicant) -> None:
    """Put a service's field errors on the fields of the two forms."""
    if not hasattr(exc, "message_dict"):
        applicant.add_error(None, exc.messages)
        return
    for key, msgs in exc.message_dict.items():
        if key.startswith("form.") and form is not None and key[5:] in form.fields:
            form.add_error(key[5:], msgs)
        elif key.startswith("applicant.") and key[10:] in applicant.fields:
            applicant.add_error(key[10:], msgs)
        elif key in applicant.fields:
            applicant.add_error(key, msgs)
        else:
            applicant.add_error(None, msgs)


def available_forms(dossier) -> list[tuple[str, str]]:
    """The paper forms that exist for this dossier's history."""
    out = []
    if dossier.state != State.NEW and dossier.state != State.NOT_RECEIVED:
        out.append("01")
    if dossier.supplement_requested_at:
        out.append("02")
    if dossier.state == State.NOT_RECEIVED:
        out.append("03")
    if dossier.apologized_at:
        out.append("04")
    out.append("05")
    return [(f, FORM_LABELS[f]) for f in out]


def form_answers(dossier) -> list[tuple[str, object]]:
    """The applicant's answers with the form's labels, in the form's order."""
    fields = (dossier.procedure.form_schema or {}).get("fields") or []
    labels = {f["key"]: f.get("label") or f["key"] for f in fields}
    order = [f["key"] for f in fields] + [k for k in dossier.form_data if k not in labels]
    out = []
    for key in order:
        if key in dossier.form_data:
            value = dossier.form_data[key]
            if value is True:
                value = _("Có")
            elif value is False:
                value = _("Không")
            out.append((labels.get(key, key), value))
    return out


def _pdf(dossier, form: str) -> HttpResponse:
    from xaso.dossiers import paper

    if form not in dict(available_forms(dossier)):
        raise Http404
    data = paper.render_form(form, selectors.paper_dossier(dossier, settings.SITE_URL))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{dossier.code}.pdf"'
    return response


# --- Citizen: apply -------------------------------------------------------------------


def apply(request, code: str, procedure_code: str):
    from xaso.procedures import formschema
    from xaso.procedures.selectors import get_procedure

    commune = get_commune_or_404(code)
    if code != commune.code_str:
        return redirect(request.path.replace(f"/x/{code}/", f"/x/{commune.code_str}/", 1))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:phone-login"))
    procedure = get_procedure(commune, procedure_code[:40])
    if procedure is None:
        raise Http404
    if Role.CITIZEN not in services.roles_in(request.user, commune):
        return render(
            request,
            "dossiers/apply_refused.html",
            {"commune": commune, "procedure": procedure},
            status=403,
        )
    schema = procedure.form_schema or {"fields": []}
    user = request.user
    profile = getattr(user, "citizen_profile", None)
    initial = {
        "full_name": getattr(profile, "full_name", "") or user.full_name,
        "id_number": getattr(profile, "identity_number", "") or "",
        "phone": user.phone or "",
        "address": getattr(profile, "address", ""),
        "email": getattr(profile, "email", "") or user.email,
    }
    if request.method == "POST":
        form = formschema.build_form(schema, data=request.POST, prefix="f")
        applicant = ApplicantForm(request.POST, request.FILES)
        if form.is_valid() and applicant.is_valid():
            try:
                dossier = services.submit_dossier(
                    user,
                    commune,
                    procedure_code=procedure.code,
                    channel=Channel.ONLINE,
                    applicant={k: applicant.cleaned_data.get(k) for k in initial},
                    form=form.cleaned_data,
                    files=request.FILES.getlist("attachments"),
                    ip=client_ip(request),
                )
            except (ValidationError, Problem, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    _errors_into(exc, form, applicant)
                else:
                    applicant.add_error(None, _message(exc))
            else:
                messages.success(
                    request,
                    _("Đã nộp hồ sơ. Mã hồ sơ của bạn: %(code)s.") % {"code": dossier.code},
                )
                return redirect("dossiers:mine-detail", dossier_id=dossier.pk)
    else:
        form = formschema.build_form(schema, initial=formschema.prefill(schema, user), prefix="f")
        applicant = ApplicantForm(initial=initial)
    return render(
        request,
        "dossiers/apply.html",
        {"commune": commune, "procedure": procedure, "form": form, "applicant": applicant},
    )


# --- Citizen: my dossiers --------------------------------------------------------------


def _signed_in(view):
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:phone-login"))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _own(request, dossier_id: int) -> Dossier:
    if dossier_id >= MAX_ID:
        raise Http404
    dossier = (
        Dossier.objects.filter(pk=dossier_id, applicant_user=request.user)
        .select_related("procedure", "commune__province")
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


@_signed_in
def mine(request):
    from xaso.dossiers.models import Notice

    dossiers = list(selectors.mine(request.user)[:200])
    notices = list(Notice.objects.filter(user=request.user).select_related("dossier")[:20])
    return render(request, "dossiers/mine.html", {"dossiers": dossiers, "notices": notices})


@_signed_in
def mine_detail(request, dossier_id: int):
    dossier = _own(request, dossier_id)
    rating_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                services.withdraw(
                    request.user,
                    dossier,
                    reason=request.POST.get("reason", ""),
                    ip=client_ip(request),
                )
                messages.success(request, _("Đã rút hồ sơ."))
                return redirect("dossiers:mine-detail", dossier_id=dossier.pk)
            if action == "rate":
                rating_form = RatingForm(request.POST)
                if rating_form.is_valid():
                    scores = {
                        k[6:]: int(v)
                        for k, v in rating_form.cleaned_data.items()
                        if k.startswith("score_")
                    }
                    services.rate(
                        request.user,
                        dossier,
                        scores=scores,
                        comment=rating_form.cleaned_data["comment"],
                        ip=client_ip(request),
                    )
                    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
                    return redirect("dossiers:mine-detail", dossier_id=dossier.pk)
        except (ValidationError, Problem, PermissionDenied) as exc:
            messages.error(request, _message(exc))
            return redirect("dossiers:mine-detail", dossier_id=dossier.pk)
    dossier.notices.filter(user=request.user, read_at__isnull=True).update(
        read_at=dt.datetime.now(dt.UTC)
    )
    rating = getattr(dossier, "rating", None) if hasattr(dossier, "rating") else None
    computed = services.computed_scores(dossier) if dossier.state == State.RETURNED else {}
    return render(
        request,
        "dossiers/mine_detail.html",
        {
            "dossier": dossier,
            "timeline": selectors.public_timeline(dossier),
            "notices": dossier.notices.filter(user=request.user)[:50],
            "forms": [f for f in available_forms(dossier) if f[0] in ("01", "02", "03", "04")],
            "rating": rating,
            "rating_form": rating_form
            or (RatingForm() if dossier.state == State.RETURNED else None),
            "computed": [
                (label, computed[key])
                for key, label, is_computed in RATING_INDICES
                if is_computed and key in computed
            ],
            "may_withdraw": dossier.allowed("withdraw"),
            "id_masked": mask_identity_number(dossier.applicant_id_number),
        },
    )


@_signed_in
def mine_form(request, dossier_id: int, form: str):
    dossier = _own(request, dossier_id)
    if form not in ("01", "02", "03", "04"):
        raise Http404
    return _pdf(dossier, form)


# --- Public tracking --------------------------------------------------------------------


def lookup(request):
    code = (request.GET.get("ma") or "").strip()[:60]
    phone = (request.GET.get("sdt") or "").strip()[:10]
    dossier = None
    error = ""
    status = 200
    if code and phone:
        ip = client_ip(request) or "?"
        if ratelimit.hit(f"dossier-lookup:{ip}", 60) > LOOKUPS_PER_MINUTE:
            error = _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
            status = 429
        else:
            dossier = selectors.public_card(code, phone)
            if dossier is None:
                # The same answer for an unknown code and a wrong phone.
                error = _("Không tìm thấy hồ sơ với mã và số điện thoại này.")
                status = 404
    return render(
        request,
        "dossiers/lookup.html",
        {
            "code": code,
            "phone": phone,
            "dossier": dossier,
            "timeline": dossier["timeline"] if dossier else [],
            "error": error,
        },
        status=status,
    )


# --- Office ------------------------------------------------------------------------------


@office_view("dossiers.view")
def inbox(request, commune):
    from xaso.procedures.models import Procedure

    procedures = Procedure.objects.filter(commune=commune).order_by("order", "name")
    form = InboxFilter(request.GET or None, procedures=procedures)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = selectors.inbox(
        commune,
        request.user,
        state=data.get("state"),
        procedure=data.get("procedure") or "",
        flt=data.get("filter") or "",
        q=data.get("q") or "",
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/inbox.html",
        {
            "commune": commune,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_receive": permissions.has_perm(request.user, "dossiers.receive", commune),
        },
    )


@office_view("dossiers.receive")
def counter(request, commune):
    """The one-stop officer files a dossier for a citizen at the counter."""
    from xaso.procedures import formschema
    from xaso.procedures.selectors import catalog_for, get_procedure

    procedures = list(catalog_for(commune))
    procedure = get_procedure(
        commune, (request.GET.get("thu_tuc") or request.POST.get("thu_tuc") or "")[:40]
    )
    context = {"commune": commune, "procedures": procedures, "procedure": procedure}
    if procedure is None:
        return render(request, "dossiers/counter.html", context)
    schema = procedure.form_schema or {"fields": []}
    initial = {}
    person_id = request.GET.get("nguoi")
    if person_id and person_id.isdigit() and int(person_id) < MAX_ID:
        initial = _person_initial(request, commune, int(person_id))
    if request.method == "POST":
        form = formschema.build_form(schema, data=request.POST, prefix="f")
        applicant = ApplicantForm(request.POST, request.FILES)
        if form.is_valid() and applicant.is_valid():
            try:
                dossier = services.submit_dossier(
                    request.user,
                    commune,
                    procedure_code=procedure.code,
                    channel=Channel.COUNTER,
                    applicant={
                        k: applicant.cleaned_data.get(k)
                        for k in ("full_name", "id_number", "phone", "address", "email")
                    },
                    form=form.cleaned_data,
                    files=request.FILES.getlist("attachments"),
                    ip=client_ip(request),
                )
            except (ValidationError, Problem, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    _errors_into(exc, form, applicant)
                else:
                    applicant.add_error(None, _message(exc))
            else:
                messages.success(
                    request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect("dossiers:office-detail", commune.code_str, dossier.pk)
    else:
        form = formschema.build_form(schema, initial=initial.get("form", {}), prefix="f")
        applicant = ApplicantForm(initial=initial.get("applicant", {}))
    q = (request.GET.get("tim") or "").strip()[:100]
    context.update(form=form, applicant=applicant, q=q, people=_people(request, commune, q))
    return render(request, "dossiers/counter.html", context)


def _people(request, commune, q: str) -> list:
    """Search the population registry to prefill (only for who may read it)."""
    if not q or not permissions.has_perm(request.user, "population.view", commune):
        return []
    from xaso.core.text import fold
    from xaso.population.models import Person

    folded = fold(q)
    return list(
        Person.objects.filter(commune=commune, full_name_folded__contains=folded).order_by(
            "full_name"
        )[:10]
    )


def _person_initial(request, commune, person_id: int) -> dict:
    if not permissions.has_perm(request.user, "population.view", commune):
        return {}
    from xaso.population.models import Person

    person = Person.objects.filter(commune=commune, pk=person_id).first()
    if person is None:
        return {}
    audit.record_read(request.user, person, ip=client_ip(request), detail={"for": "dossier"})
    values = {
        "full_name": person.full_name,
        "id_number": getattr(person, "identity_number", "") or "",
        "phone": getattr(person, "phone", "") or "",
        "address": person.household.address if person.household_id else "",
    }
    return {"applicant": values, "form": {}}


def _office_dossier(request, commune, dossier_id: int) -> Dossier:
    if dossier_id >= MAX_ID:
        raise Http404
    dossier = (
        Dossier.objects.filter(commune=commune, pk=dossier_id)
        .select_related("procedure", "commune__province", "assignee", "received_by")
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def _officials(commune, role: str | None = None):
    from xaso.accounts.models import User

    qs = Membership.objects.filter(commune=commune, active=True)
    if role:
        qs = qs.filter(role=role)
    else:
        qs = qs.exclude(role__in=["citizen", "seller"])
    return User.objects.filter(pk__in=qs.values("user_id")).order_by("full_name")


@office_view("dossiers.view")
def office_detail(request, commune, dossier_id: int):
    from xaso.dossiers.api import run_action

    dossier = _office_dossier(request, commune, dossier_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in services.ACTIONS:
            raise Http404
        data = {
            "reason": request.POST.get("reason", ""),
            "note": request.POST.get("note", ""),
            "method": request.POST.get("method", ""),
        }
        assignee = request.POST.get("assignee", "")
        if assignee.isdigit() and int(assignee) < MAX_ID:
            data["assignee_id"] = int(assignee)
        new_due = request.POST.get("new_due", "")
        if new_due:
            try:
                data["new_due"] = dt.date.fromisoformat(new_due)
            except ValueError:
                data["new_due"] = None
        try:
            run_action(request, dossier, action, data, files=request.FILES.getlist("attachments"))
        except (ValidationError, Problem, PermissionDenied) as exc:
            messages.error(request, _message(exc) or _("Bạn không có quyền thực hiện việc này."))
        else:
            messages.success(request, _("Đã cập nhật hồ sơ."))
        return redirect("dossiers:office-detail", commune.code_str, dossier.pk)
    full_id = permissions.has_perm(request.user, "dossiers.view_identity", commune)
    audit.record_read(
        request.user, dossier, ip=client_ip(request), detail={"identity_number": full_id}
    )
    steps = dossier.procedure.steps or []
    next_index = (
        dossier.current_step + 1
        if dossier.state == State.PROCESSING
        else services.first_processing_step(dossier.procedure)
    )
    next_role = str(steps[next_index].get("role")) if 0 <= next_index < len(steps) else None
    step_role = str((dossier.step or {}).get("role", "")) or None
    return render(
        request,
        "dossiers/office_detail.html",
        {
            "commune": commune,
            "dossier": dossier,
            "id_number": dossier.applicant_id_number
            if full_id
            else mask_identity_number(dossier.applicant_id_number),
            "events": selectors.office_events(dossier),
            "attachments": dossier.attachments.all(),
            "answers": form_answers(dossier),
            "actions": services.available_actions(request.user, dossier),
            "steps": [
                {"index": i, "name": s.get("name"), "role": s.get("role"), "days": s.get("days")}
                for i, s in enumerate(steps)
            ],
            "step_label": selectors.step_label(dossier),
            "next_officials": _officials(commune, next_role),
            "step_officials": _officials(commune, step_role),
            "return_methods": ReturnMethod.choices,
            "forms": available_forms(dossier),
            "rating": getattr(dossier, "rating", None) if hasattr(dossier, "rating") else None,
        },
    )


@office_view("dossiers.view")
def office_attachment(request, commune, dossier_id: int, attachment_id: int):
    dossier = _office_dossier(request, commune, dossier_id)
    if attachment_id >= MAX_ID:
        raise Http404
    item = Attachment.objects.filter(dossier=dossier, pk=attachment_id).first()
    if item is None:
        raise Http404
    audit.record_read(
        request.user,
        dossier,
        ip=client_ip(request),
        detail={"attachment": item.pk, "name": item.name},
    )
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="tep-{item.pk}.{item.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@office_view("dossiers.view")
def office_form(request, commune, dossier_id: int, form: str):
    dossier = _office_dossier(request, commune, dossier_id)
    audit.record_read(request.user, dossier, ip=client_ip(request), detail={"form": form[:4]})
    return _pdf(dossier, form)


@office_view("dossiers.view")
def register(request, commune):
    from django.utils import timezone

    from xaso.dossiers import paper
    from xaso.workdays.calendar import VN

    today = timezone.now().astimezone(VN).date()
    form = PeriodForm(
        request.GET if "date_from" in request.GET else None,
        initial={"date_from": today.replace(day=1), "date_to": today},
    )
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    else:
        date_from, date_to = today.replace(day=1), today
    rows = selectors.register_rows(commune, date_from, date_to)
    fmt = request.GET.get("dinh_dang", "")
    if fmt in ("pdf", "xlsx") and (not form.is_bound or form.is_valid()):
        audit.record_read(
            request.user,
            None,
            commune=commune,
            ip=client_ip(request),
            detail={"register": fmt, "from": str(date_from), "to": str(date_to)},
        )
        papers = [selectors.paper_dossier(d, settings.SITE_URL) for d in rows]
        agency = f"UBND {commune.name}"
        if fmt == "pdf":
            data = paper.render_register_pdf(
                papers, agency_name=agency, date_from=date_from, date_to=date_to
            )
            ctype = "application/pdf"
        else:
            data = paper.render_register_xlsx(
                papers, agency_name=agency, date_from=date_from, date_to=date_to
            )
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(data, content_type=ctype)
        response["Content-Disposition"] = (
            f'attachment; filename="so-theo-doi-{date_from}-{date_to}.{fmt}"'
        )
        return response
    figures = selectors.stats(commune, date_from, date_to)
    return render(
        request,
        "dossiers/register.html",
        {
            "commune": commune,
            "form": form,
            "rows": rows[:500],
            "count": len(rows),
            "figures": figures,
            "date_from": date_from,
            "date_to": date_to,
        },
    )
