from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from xaso.core import permissions
from xaso.core.problems import TITLES, problem_response
from xaso.core.tenancy import get_commune_or_404


def office_view(action: str):
    """A back-office page of one commune: signed in, and ``action`` allowed there.

    The view receives ``commune``; the canonical 5-digit code is enforced.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, code, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            commune = get_commune_or_404(code)
            if code != commune.code_str:
                return redirect(request.path.replace(f"/x/{code}/", f"/x/{commune.code_str}/", 1))
            permissions.require(request.user, action, commune)
            request.commune = commune
            return view(request, commune, *args, **kwargs)

        return wrapper

    return decorator


def office_menu(user, commune) -> list:
    """The office menu entries registered by the domains that ``user`` may use here."""
    from xaso.core.registry import registry

    return [
        m
        for m in registry.menu_for("office")
        if m.action is None or permissions.has_perm(user, m.action, commune)
    ]


def choose_language(request, language: str):
    """Switch the language with a plain link, so anonymous pages carry no CSRF token
    and can be served from the cache. Choosing a language changes nothing else."""
    from django.conf import settings
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception:
        db = "error"
    status = 200 if db == "ok" else 503
    return JsonResponse(
        {"status": "ok" if db == "ok" else "error", "database": db, "vendor": connection.vendor},
        status=status,
    )


def floor(request):
    """A bare view returning constant JSON: the framework floor for benchmarks."""
    return JsonResponse({"ok": True})


def _wants_problem(request) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def error_404(request, exception=None):
    if _wants_problem(request):
        return problem_response(request, 404, _("Không tìm thấy."), code="not-found")
    return render(
        request,
        "error.html",
        {
            "status": 404,
            "title": TITLES[404],
            "message": _("Trang bạn tìm không có hoặc đã được chuyển đi."),
        },
        status=404,
    )


def error_403(request, exception=None):
    if _wants_problem(request):
        return problem_response(
            request, 403, _("Bạn không có quyền thực hiện việc này."), code="forbidden"
        )
    return render(
        request,
        "error.html",
        {
            "status": 403,
            "title": TITLES[403],
            "message": _("Tài khoản của bạn không có quyền xem trang này."),
        },
        status=403,
    )


def error_400(request, exception=None):
    if _wants_problem(request):
        return problem_response(request, 400, _("Yêu cầu không hợp lệ."), code="bad-request")
    return render(
        request,
        "error.html",
        {"status": 400, "title": TITLES[400], "message": _("Yêu cầu không hợp lệ.")},
        status=400,
    )


def error_500(request):
    if _wants_problem(request):
        return problem_response(request, 500, _("Đã có lỗi ngoài dự kiến."), code="server-error")
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": TITLES[500],
            "message": _("Đã có lỗi ngoài dự kiến. Vui lòng thử lại sau."),
        },
        status=500,
    )


def problem_type(request, code: str):
    """Human-readable page for a problem ``type`` URI."""
    return render(
        request,
        "error.html",
        {
            "status": "",
            "title": code,
            "message": _(
                "Loại lỗi của API Xã Số. Xem trường detail trong phản hồi để biết nguyên nhân."
            ),
        },
    )


@office_view("core.deliveries")
def deliveries(request, commune):
    """The commune's messages that gave up after their retries (``core.retry``), newest
    first, each with a button to send it again."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.core.paginator import Paginator
    from django.shortcuts import get_object_or_404

    from xaso.core.http import client_ip
    from xaso.core.models import FailedDelivery
    from xaso.core.retry import send_again

    pending = FailedDelivery.objects.filter(commune=commune, retried_at__isnull=True)
    if request.method == "POST":
        raw = request.POST.get("retry", "")
        failure = get_object_or_404(pending, pk=int(raw) if raw.isdigit() and len(raw) < 19 else 0)
        try:
            if send_again(request.user, failure, ip=client_ip(request)):
                messages.success(request, _("Đã xếp tin vào hàng đợi để gửi lại."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.path)
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "core/deliveries.html", {"commune": commune, "page": page})


__all__ = ["PermissionDenied", "office_view"]
