from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xaso.accounts.models import Membership
from xaso.audit import services as audit
from xaso.core import permissions, ratelimit
from xaso.core.http import client_ip
from xaso.core.problems import Problem, in_both
from xaso.core.tenancy import get_commune_or_404
from xaso.core.views import office_view
from xaso.feedback import selectors, services
from xaso.feedback.forms import CategoryForm, FilterForm, RateForm, ReportForm
from xaso.feedback.models import AnswerTemplate, Category, Open311Key, Photo, Report, Status
from xaso.feedback.permissions import TRIAGE_ROLES

#: Anonymous reports per address per hour: enough for a family, not for a flood.
ANONYMOUS_PER_HOUR = 10


def _public_commune(request, code):
    commune = get_commune_or_404(code)
    if code != commune.code_str:
        raise _Redirect(request.path.replace(f"/x/{code}/", f"/x/{commune.code_str}/", 1))
    return commune


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _canonical(view):
    def wrapper(request, code, *args, **kwargs):
        try:
            commune = _public_commune(request, code)
        except _Redirect as exc:
            return redirect(exc.url)
        return view(request, commune, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _message(exc) -> str:
    if isinstance(exc, Problem):
        return in_both(exc.message, exc.params)[0]
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _check_id(number: int) -> None:
    if number >= 2**62:  # beyond any database integer: it cannot exist
        raise Http404


def _map_points(qs, limit=300):
    return [
        {
            "id": r["id"],
            "lat": float(r["lat"]),
            "long": float(r["long"]),
            "open": r["status"] in {"new", "accepted", "assigned", "in_progress"},
            "title": r["category__name"],
        }
        for r in qs.filter(lat__isnull=False).values(
            "id", "lat", "long", "status", "category__name"
        )[:limit]
    ]


# --- Public pages ---------------------------------------------------------------------


@_canonical
def report_list(request, commune):
    form = FilterForm(request.GET or None, commune=commune)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.filter_reports(
        selectors.public_reports(commune),
        status=params.get("status", ""),
        category=params.get("category", ""),
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/list.html",
        {
            "commune": commune,
            "form": form,
            "page": page,
            "points": _map_points(qs),
            "query": query.urlencode(),
        },
    )


@_canonical
def report_form(request, commune):
    signed_in = request.user.is_authenticated
    form = ReportForm(
        request.POST or None, request.FILES or None, commune=commune, signed_in=signed_in
    )
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if not signed_in and ratelimit.hit(f"feedback-anon:{ip}", 3600) > ANONYMOUS_PER_HOUR:
            form.add_error(None, _("Bạn đã gửi quá nhiều phản ánh. Vui lòng thử lại sau."))
        else:
            data = form.cleaned_data
            try:
                report = services.submit_report(
                    request.user,
                    commune,
                    category=data["category"],
                    description=data["description"],
                    lat=data["lat"],
                    long=data["long"],
                    address_string=data["address_string"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    hide_identity=not data["show_identity"],
                    photos=[f.read() for f in request.FILES.getlist("photos")],
                    ip=ip,
                )
            except (ValidationError, Problem) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(
                    request,
                    _("Đã gửi phản ánh số %(id)s. Bạn sẽ nhận tin nhắn khi có thay đổi.")
                    % {"id": report.pk},
                )
                url = reverse("feedback:detail", args=[commune.code_str, report.pk])
                # The private link lets an anonymous reporter rate or reopen later.
                return redirect(f"{url}?token={report.token}" if not signed_in else url)
    return render(
        request,
        "feedback/form.html",
        {"commune": commune, "form": form, "signed_in": signed_in},
    )


@_canonical
def report_detail(request, commune, report_id):
    _check_id(report_id)
    report = (
        selectors.public_reports(commune)
        .select_related("category", "duplicate_of")
        .filter(pk=report_id)
    ).first()
    if report is None:
        raise Http404
    token = request.POST.get("token") or request.GET.get("token") or ""
    is_reporter = services.is_reporter(request.user, report, token)
    rate_form = RateForm(request.POST if request.POST.get("action") == "rate" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rate" and rate_form.is_valid():
                services.rate(
                    request.user,
                    report,
                    rating=rate_form.cleaned_data["rating"],
                    comment=rate_form.cleaned_data["comment"],
                    token=token,
                    ip=client_ip(request),
                )
                messages.success(request, _("Cảm ơn bạn đã đánh giá."))
            elif action == "reopen":
                services.reopen(
                    request.user,
                    report,
                    reason=request.POST.get("reason", ""),
                    token=token,
                    ip=client_ip(request),
                )
                messages.success(request, _("Đã mở lại phản ánh."))
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
        except PermissionDenied:
            raise
        except (ValidationError, Problem) as exc:
            messages.error(request, _message(exc))
        url = request.path + (
            f"?token={token}" if token and not request.user.is_authenticated else ""
        )
        return redirect(url)
    return render(
        request,
        "feedback/detail.html",
        {
            "commune": commune,
            "report": report,
            "events": selectors.public_timeline(report),
            "photos": selectors.public_photos(report),
            "is_reporter": is_reporter,
            "token": token if is_reporter else "",
            "rate_form": rate_form,
            "may_reopen": is_reporter and report.may_reopen(),
            "may_rate": is_reporter
            and report.status in (Status.RESOLVED, Status.CLOSED)
            and not report.duplicate_of_id,
        },
    )


def public_photo(request, photo_id):
    _check_id(photo_id)
    photo = (
        Photo.objects.select_related("report")
        .filter(pk=photo_id, hidden=False, report__hidden_by_moderation=False)
        .first()
    )
    if photo is None:
        raise Http404
    response = FileResponse(photo.public_copy.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Back office -----------------------------------------------------------------------


def _officials(commune):
    ids = Membership.objects.filter(
        commune=commune, active=True, role__in=[str(r) for r in TRIAGE_ROLES]
    ).values_list("user_id", flat=True)
    from xaso.accounts.models import User

    return User.objects.filter(pk__in=ids).order_by("full_name")


@office_view("feedback.triage")
def inbox(request, commune):
    form = FilterForm(request.GET or None, commune=commune, detailed=True)
    params = form.cleaned_data if form.is_valid() else {}
    status = params.get("status", "") if params else ""
    qs = selectors.filter_reports(
        Report.objects.filter(commune=commune).select_related("category", "assignee"),
        status=status if request.GET else "open",
        category=params.get("category", ""),
        q=request.GET.get("q", "")[:100].strip(),
        overdue=request.GET.get("overdue") == "1",
    )
    if request.GET.get("mine") == "1":
        qs = qs.filter(assignee=request.user)
    page = Paginator(qs.order_by("expected_at", "id"), 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/inbox.html",
        {
            "commune": commune,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "q": request.GET.get("q", "")[:100],
        },
    )


def _do(request, report, action):
    user, ip, post = request.user, client_ip(request), request.POST
    if action == "accept":
        return services.accept(user, report, note=post.get("note", ""), ip=ip)
    if action == "reject":
        return services.reject(user, report, reason=post.get("reason", ""), ip=ip)
    if action == "assign":
        assignee = _officials(report.commune).filter(pk=_int(post.get("assignee"))).first()
        if assignee is None:
            raise ValidationError(_("Vui lòng chọn cán bộ xử lý."))
        return services.assign(user, report, assignee=assignee, note=post.get("note", ""), ip=ip)
    if action == "start":
        return services.start(user, report, ip=ip)
    if action == "resolve":
        return services.resolve(user, report, answer=post.get("answer", ""), ip=ip)
    if action == "close":
        return services.close(user, report, ip=ip)
    if action == "duplicate":
        original = Report.objects.filter(
            commune=report.commune, pk=_int(post.get("duplicate_of"))
        ).first()
        if original is None:
            raise ValidationError(_("Không tìm thấy phản ánh gốc."))
        return services.mark_duplicate(user, report, original=original, ip=ip)
    if action == "moderate":
        return services.moderate(
            user,
            report,
            hidden=post.get("hidden") == "1",
            public_description=post.get("public_description", ""),
            hidden_photo_ids=[_int(x) for x in post.getlist("hide_photo")],
            ip=ip,
        )
    if action == "note":
        return services.add_note(
            user, report, note=post.get("note", ""), public=post.get("public") == "1", ip=ip
        )
    raise ValidationError(_("Thao tác không hợp lệ."))


def _int(raw) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**62 else 0


@office_view("feedback.triage")
def office_report(request, commune, report_id):
    _check_id(report_id)
    report = (
        Report.objects.filter(commune=commune, pk=report_id)
        .select_related("category", "assignee", "reporter", "duplicate_of")
        .first()
    )
    if report is None:
        raise Http404
    if request.method == "POST":
        try:
            _do(request, report, request.POST.get("action", ""))
        except (ValidationError, Problem) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Đã cập nhật phản ánh."))
        return redirect("feedback:office-report", commune.code_str, report.pk)
    if report.contact_name or report.contact_phone or report.contact_email:
        audit.record_read(request.user, report, ip=client_ip(request))
    return render(
        request,
        "feedback/office_report.html",
        {
            "commune": commune,
            "report": report,
            "events": report.events.select_related("actor"),
            "photos": report.photos.all(),
            "officials": _officials(commune),
            "templates": AnswerTemplate.objects.filter(commune=commune),
            "Status": Status,
        },
    )


@office_view("feedback.triage")
def original_photo(request, commune, photo_id):
    _check_id(photo_id)
    photo = Photo.objects.filter(pk=photo_id, report__commune=commune).first()
    if photo is None:
        raise Http404
    audit.record(request.user, "feedback.photo.original", photo.report, ip=client_ip(request))
    return FileResponse(photo.original.open("rb"), content_type=photo.content_type)


@office_view("feedback.manage_categories")
def settings_page(request, commune):
    can_keys = permissions.has_perm(request.user, "feedback.manage_keys", commune)
    form = CategoryForm()
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "category":
                form = CategoryForm(request.POST)
                if form.is_valid():
                    data = dict(form.cleaned_data)
                    services.save_category(
                        request.user, commune, code=data.pop("code"), name=data.pop("name"), **data
                    )
                    messages.success(request, _("Đã lưu lĩnh vực."))
                    return redirect("feedback:settings", commune.code_str)
            elif action == "template":
                services.save_answer_template(
                    request.user,
                    commune,
                    title=request.POST.get("title", ""),
                    body=request.POST.get("body", ""),
                )
                messages.success(request, _("Đã thêm mẫu trả lời."))
                return redirect("feedback:settings", commune.code_str)
            elif action == "issue_key":
                permissions.require(request.user, "feedback.manage_keys", commune)
                _key, new_key = services.issue_open311_key(
                    request.user, commune, request.POST.get("app_name", "")
                )
            elif action == "revoke_key":
                permissions.require(request.user, "feedback.manage_keys", commune)
                key = Open311Key.objects.filter(
                    commune=commune, pk=_int(request.POST.get("key"))
                ).first()
                if key is None:
                    raise Http404
                services.revoke_open311_key(request.user, key)
                messages.success(request, _("Đã thu hồi khóa."))
                return redirect("feedback:settings", commune.code_str)
        except (ValidationError, Problem) as exc:
            messages.error(request, _message(exc))
    return render(
        request,
        "feedback/settings.html",
        {
            "commune": commune,
            "form": form,
            "categories": Category.objects.filter(commune=commune),
            "templates": AnswerTemplate.objects.filter(commune=commune),
            "keys": Open311Key.objects.filter(commune=commune) if can_keys else [],
            "can_keys": can_keys,
            "new_key": new_key,
        },
    )
