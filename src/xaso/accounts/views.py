from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.accounts import services
from xaso.accounts.forms import (
    CitizenProfileForm,
    OfficialLoginForm,
    PhoneCodeForm,
    PhoneForm,
    TokenForm,
    TotpForm,
)
from xaso.accounts.models import ApiToken, CitizenProfile
from xaso.audit import services as audit
from xaso.audit.selectors import events_about
from xaso.core.http import client_ip
from xaso.core.problems import Problem

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request, default="accounts:account"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def _problem_text(exc: Problem) -> str:
    return str(exc.message % exc.params) if exc.params else str(exc.message)


def _with_headers(response, refusal: Problem | None):
    """The page, carrying the refusal's headers (``Retry-After`` of a lock-out)."""
    for name, value in (refusal.headers if refusal else {}).items():
        response[name] = value
    return response


def _finish_login(request, user):
    login(request, user, backend=BACKEND)
    audit.record(user, "accounts.login", user, ip=client_ip(request))
    return redirect(_next(request, "accounts:account"))


def official_login(request):
    form = OfficialLoginForm(request.POST or None)
    status, refusal = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.sign_in_official(
                request,
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except Problem as exc:
            form.add_error(None, _problem_text(exc))
            status, refusal = exc.status, exc
        else:
            if result.needs_totp:
                request.session["pending_user_id"] = result.user.pk
                request.session["pending_next"] = _next(request, "")
                return redirect("accounts:login-totp")
            return _finish_login(request, result.user)
    return _with_headers(
        render(
            request,
            "accounts/login.html",
            {"form": form, "next": _next(request, "")},
            status=status,
        ),
        refusal,
    )


def totp_login(request):
    from xaso.accounts.models import User

    user_id = request.session.get("pending_user_id")
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    status, refusal = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.check_totp(user, form.cleaned_data["code"], ip=client_ip(request))
        except Problem as exc:
            form.add_error("code", _problem_text(exc))
            status, refusal = exc.status, exc
        else:
            target = request.session.pop("pending_next", "")
            request.session.pop("pending_user_id", None)
            login(request, user, backend=BACKEND)
            audit.record(user, "accounts.login", user, ip=client_ip(request), detail={"totp": True})
            return redirect(target or "accounts:account")
    return _with_headers(
        render(request, "accounts/totp_login.html", {"form": form}, status=status), refusal
    )


def phone_login(request, signup=False):
    """Step 1: the phone number; step 2: the code from the SMS."""
    step = "phone"
    phone_form = PhoneForm()
    code_form = None
    status, refusal = 200, None
    if request.method == "POST" and "code" not in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                phone = services.request_phone_code(
                    phone_form.cleaned_data["phone"], ip=client_ip(request)
                )
            except Problem as exc:
                phone_form.add_error("phone", _problem_text(exc))
                status, refusal = exc.status, exc
            else:
                step = "code"
                code_form = PhoneCodeForm(initial={"phone": phone})
    elif request.method == "POST":
        step = "code"
        code_form = PhoneCodeForm(request.POST)
        if code_form.is_valid():
            try:
                phone = services.verify_phone_code(
                    code_form.cleaned_data["phone"], code_form.cleaned_data["code"]
                )
            except (Problem, ValidationError) as exc:
                code_form.add_error("code", _problem_text(exc) if isinstance(exc, Problem) else exc)
                status = getattr(exc, "status", 400)
                refusal = exc if isinstance(exc, Problem) else None
            else:
                user = services.citizen_for_phone(phone, ip=client_ip(request))
                login(request, user, backend=BACKEND)
                audit.record(user, "accounts.login.phone", user, ip=client_ip(request))
                if not CitizenProfile.objects.filter(user=user).exists():
                    messages.info(
                        request, _("Vui lòng khai hồ sơ một lần, các dịch vụ sau sẽ không hỏi lại.")
                    )
                    return redirect("accounts:profile")
                return redirect(_next(request, "accounts:account"))
    return _with_headers(
        render(
            request,
            "accounts/phone_login.html",
            {
                "step": step,
                "phone_form": phone_form,
                "code_form": code_form,
                "signup": signup,
                "next": _next(request, ""),
            },
            status=status,
        ),
        refusal,
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(request.user, "accounts.logout", request.user, ip=client_ip(request))
    logout(request)
    return redirect("portal:home")


@login_required
def account(request):
    profile = (
        CitizenProfile.objects.select_related("commune", "commune__province")
        .filter(user=request.user)
        .first()
    )
    memberships = request.user.memberships.filter(active=True).select_related("commune", "province")
    accesses = []
    if profile is not None:
        accesses = events_about(profile).exclude(actor=request.user).filter(personal_data=True)[:20]
    return render(
        request,
        "accounts/account.html",
        {
            "profile": profile,
            "memberships": memberships,
            "accesses": accesses,
        },
    )


# What the commune's population registry already holds about this citizen, so the
# profile is not typed twice ("3 không"). The registry is an optional domain.
_PREFILL = ("full_name", "date_of_birth", "sex", "identity_number", "commune_code", "email")


def _registry_prefill(user) -> dict:
    from django.apps import apps

    if not apps.is_installed("xaso.population"):
        return {}
    from xaso.population.selectors import prefill_for_user

    data = prefill_for_user(user, [*_PREFILL, "address"])
    return {k: v for k, v in data.items() if v}


@login_required
def profile(request):
    existing = CitizenProfile.objects.select_related("commune").filter(user=request.user).first()
    initial = {}
    if existing:
        initial = {
            "full_name": existing.full_name,
            "date_of_birth": existing.date_of_birth,
            "sex": existing.sex,
            "identity_number": existing.identity_number or "",
            "commune_code": existing.commune.code_str,
            "address": existing.address,
            "email": existing.email,
        }
    else:
        initial = _registry_prefill(request.user)
    form = CitizenProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_citizen_profile(
                request.user,
                commune=data["commune_code"],
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                identity_number=data["identity_number"] or None,
                address=data["address"],
                email=data["email"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu hồ sơ của bạn."))
            return redirect("accounts:account")
    return render(
        request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def security(request):
    user = request.user
    uri = qr_svg = None
    form = TotpForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action == "start":
        uri = services.start_totp(user)
        form = TotpForm()
    elif request.method == "POST" and action == "disable":
        services.disable_totp(user, ip=client_ip(request))
        messages.success(request, _("Đã tắt xác thực hai bước."))
        return redirect("accounts:security")
    elif request.method == "POST" and action == "confirm" and form.is_valid():
        try:
            services.confirm_totp(user, form.cleaned_data["code"], ip=client_ip(request))
        except Problem as exc:
            form.add_error("code", _problem_text(exc))
        else:
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect("accounts:security")
    if user.totp_secret and not user.totp_enabled:
        import pyotp

        uri = uri or pyotp.TOTP(user.totp_secret).provisioning_uri(
            name=user.username, issuer_name="Xã Số"
        )
        qr_svg = segno.make(uri).svg_inline(scale=4)
    return render(request, "accounts/security.html", {"form": form, "uri": uri, "qr_svg": qr_svg})


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and request.POST.get("revoke"):
        token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
        services.revoke_token(request.user, token)
        messages.success(request, _("Đã thu hồi mã truy cập."))
        return redirect("accounts:tokens")
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.issue_token(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )
